import HTTPTypes
import Hummingbird

/// Headers on every response, and friendly pages for every error: no stack trace, path or
/// framework message ever reaches a phone.
struct SecurityHeaders: RouterMiddleware {
    typealias Context = WebContext
    let pages: Pages

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound || error.status == .methodNotAllowed {
            response = CheckinServer.html(pages.message(.notFoundTitle, .notFound, CheckinServer.language(request)), status: .notFound)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            response = CheckinServer.html(pages.message(.tooLargeTitle, .tooLarge, CheckinServer.language(request)), status: .contentTooLarge)
        } catch {
            context.logger.error("request failed: \(String(describing: type(of: error)))")
            response = CheckinServer.html(pages.message(.serverErrorTitle, .serverError, CheckinServer.language(request)), status: .internalServerError)
        }
        response.headers[HTTPField.Name("Content-Security-Policy")!] = "default-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPField.Name("Permissions-Policy")!] = "camera=(), microphone=(), geolocation=()"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
