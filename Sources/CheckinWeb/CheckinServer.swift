import Dispatch
import Foundation
import Gate
import HTTPTypes
import Hummingbird
import KioskCore
import Logging
import NIOCore

/// The visitor's self check-in (`GET /c/<venue>?t=…&g=…`, `POST /c/<venue>`), on Hummingbird.
/// It writes only through Gate, like the guard terminal.
public struct CheckinServer: Sendable {
    public static let maxBody = 16 * 1024
    let gate: GateService
    let pages: Pages
    let tokens: FormTokens
    let limiter: RateLimiter
    /// Gate calls block (SQLite, fsync): they run here, off Swift's cooperative threads.
    let blocking = DispatchQueue(label: "kiosk.web.gate", attributes: .concurrent)

    public init(gate: GateService) {
        self.gate = gate
        pages = Pages(gate: gate)
        tokens = FormTokens(key: gate.hasher.derivedKey("web-form-csrf"))
        limiter = RateLimiter(perMinute: gate.config.checkinWeb.rateLimit)
    }

    public func router() -> Router<WebContext> {
        let router = Router(context: WebContext.self)
        router.add(middleware: SecurityHeaders(pages: pages))
        router.get("/c/style.css") { _, _ in
            var r = Self.response(HTML.stylesheet, type: "text/css; charset=utf-8", status: .ok)
            r.headers[.cacheControl] = "public, max-age=3600"
            return r
        }
        router.get("/c/:venue") { request, context in try await showForm(request, context) }
        router.post("/c/:venue") { request, context in try await submit(request, context) }
        router.get("/c/:venue/slip/:code") { request, context in try await slipPicture(request, context) }
        router.get("/c/:venue/host/:code") { request, context in try await showApproval(request, context) }
        router.post("/c/:venue/host/:code") { request, context in try await answerApproval(request, context) }
        router.get("/healthz") { _, _ in Self.response("ok", type: "text/plain", status: .ok) }
        // Browsers ask for it on every page; no icon, and no 404 in the phone's console.
        router.get("/favicon.ico") { _, _ in Response(status: .noContent) }
        return router
    }

    /// The server on `[checkin_web] listen` (or the given address), logging to `logger`.
    public func application(host: String? = nil, port: Int? = nil, logger: Logger? = nil) -> some ApplicationProtocol {
        var log = logger ?? Logger(label: "kiosk.web")
        if logger == nil { log.logLevel = .notice }
        return Application(
            router: router(),
            configuration: .init(
                address: .hostname(host ?? gate.config.checkinWeb.host, port: port ?? gate.config.checkinWeb.port),
                serverName: "kiosk"),
            logger: log)
    }

    // MARK: Handlers

    static func language(_ request: Request) -> Language {
        request.uri.queryParameters["lang"].map(String.init) == "en" ? .en : .vi
    }

    func showForm(_ request: Request, _ context: WebContext) async throws -> Response {
        let lang = Self.language(request)
        let venue = context.parameters.get("venue") ?? ""
        guard venue == gate.config.venue.id else {
            return Self.html(pages.message(.notFoundTitle, .notFound, lang), status: .notFound)
        }
        let q = request.uri.queryParameters
        let token = q["t"].map(String.init)
        let gateName = q["g"].map(String.init) ?? gate.config.venue.gate
        guard gate.config.venue.gates.contains(gateName) else {
            return Self.html(pages.message(.notFoundTitle, .notFound, lang), status: .notFound)
        }
        guard gate.acceptsVenueToken(token) else {
            return Self.html(pages.message(.expiredTitle, .expired, lang), status: .gone)
        }
        // Bound to the venue token just checked: the POST cannot swap it for another.
        let csrf = await tokens.issue(now: gate.clock.now(), venueToken: token)
        return Self.html(pages.emptyForm(venue: venue, token: token, gateName: gateName, csrf: csrf, lang: lang), status: .ok)
    }

    /// The visitor's slip as a PNG, for the link on the confirmation page (see `SlipLinks`).
    func slipPicture(_ request: Request, _ context: WebContext) async throws -> Response {
        let lang = Self.language(request)
        let venue = context.parameters.get("venue") ?? ""
        let code = context.parameters.get("code") ?? ""
        let key = request.uri.queryParameters["k"].map(String.init)
        guard venue == gate.config.venue.id, code.count <= 16, pages.slipLinks.accepts(key, venue: venue, code: code) else {
            return Self.html(pages.message(.notFoundTitle, .notFound, lang), status: .notFound)
        }
        enum Answer: Sendable { case png([UInt8]), pending, gone }
        let gate = gate
        do {
            let answer = try await blockingCall { () throws -> Answer in
                guard let visit = try gate.visit(code: code), visit.venue == gate.config.venue.id else { return .gone }
                // A phone refused by the watch list is told what a waiting one is (see Pages).
                if visit.status == .pending || visit.status == .denied { return .pending }
                do {
                    return .png(try gate.renderSlip(code: code, format: .png, markReprint: false))
                } catch let e as LocalizedKioskError where e.key == .slipNotInside || e.key == .noSuchVisit {
                    return .gone
                }
            }
            switch answer {
            case .png(let png):
                return Response(status: .ok, headers: [.contentType: "image/png"], body: .init(byteBuffer: ByteBuffer(bytes: png)))
            case .pending:
                return Self.html(pages.message(.doneTitle, .slipNotYet, lang), status: .conflict)
            case .gone:
                // Left, refused, erased: the slip has nothing left to check out.
                return Self.html(pages.message(.notFoundTitle, .notFound, lang), status: .notFound)
            }
        } catch {
            context.logger.error("slip picture failed: \(gate.describe(error))")
            return Self.html(pages.message(.serverErrorTitle, .serverError, lang), status: .serviceUnavailable)
        }
    }

    func submit(_ request: Request, _ context: WebContext) async throws -> Response {
        var request = request
        var lang = Self.language(request)
        let venue = context.parameters.get("venue") ?? ""
        guard venue == gate.config.venue.id else {
            return Self.html(pages.message(.notFoundTitle, .notFound, lang), status: .notFound)
        }
        let address = Self.addressKey(context.remoteAddress)
        guard await limiter.allow(address, now: gate.clock.now()) else {
            return Self.html(pages.message(.tooManyTitle, .tooMany, lang), status: .tooManyRequests)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: Self.maxBody)
        } catch {
            return Self.html(pages.message(.tooLargeTitle, .tooLarge, lang), status: .contentTooLarge)
        }
        let form: FormBody
        do {
            form = try FormBody(Array(buffer.readableBytesView))
        } catch {
            return Self.html(pages.message(.badFormTitle, .badForm, lang), status: .badRequest)
        }
        if form["lang"] == "en" { lang = .en } else if form["lang"] == "vi" { lang = .vi }
        // The venue token the form was served for (the page sends it back): the CSRF token's
        // MAC covers it, and it must have been good when that form was served, so a stale or
        // made-up `t` never submits (issue 21).
        let venueToken = form["t"].flatMap { $0.isEmpty ? nil : $0 }
        let issued: Date
        switch await tokens.redeem(form["csrf"], venueToken: venueToken, now: gate.clock.now()) {
        case .fresh(let at):
            guard gate.acceptsVenueToken(venueToken, at: at) else {
                return Self.html(pages.message(.expiredTitle, .expired, lang), status: .gone)
            }
            issued = at
        case .resent(let code):
            // The same browser sending the same page again (a reload): its own confirmation.
            let gate = self.gate
            if let entry = try? await blockingCall({ try gate.visit(code: code) }) ?? nil {
                return Self.html(pages.confirmation(entry, lang: lang), status: .ok)
            }
            return Self.html(pages.message(.staleTitle, .stale, lang), status: .forbidden)
        case .invalid:
            return Self.html(pages.message(.staleTitle, .stale, lang), status: .forbidden)
        }
        let gateName = form["g"] ?? gate.config.venue.gate
        guard gate.config.venue.gates.contains(gateName) else {
            return Self.html(pages.message(.notFoundTitle, .notFound, lang), status: .notFound)
        }
        let questions = gate.config.checkinWeb.questions
        let answers: [Bool?] = questions.indices.map { i in
            switch form["answer_\(i)"] {
            case "yes": true
            case "no": false
            default: nil
            }
        }
        func opt(_ k: String) -> String? {
            let v = (form[k] ?? "").trimmingCharacters(in: .whitespaces)
            return v.isEmpty ? nil : v
        }
        var submission = SelfCheckInForm(
            name: form["name"] ?? "", phone: form["phone"] ?? "", idNumber: opt("id_number"), organisation: opt("organisation"),
            host: opt("host"), purpose: opt("purpose"), answers: answers, consent: form["consent"] == "yes", gate: gateName)
        submission.consentText = pages.consentText(lang)
        submission.language = lang
        let submitted = submission
        let gate = self.gate
        let outcome: Result<SelfCheckInOutcome, any Error> = await withCheckedContinuation { done in
            blocking.async { done.resume(returning: Result { try gate.selfCheckIn(submitted) }) }
        }
        switch outcome {
        case .success(.recorded(let entry)):
            // Whether the phone or id typed is inside or waiting already is the guard's to see
            // when confirming, never this page's: every submission gets its own visit and code.
            context.logger.info("self check-in \(entry.code) \(entry.status.rawValue)")
            await tokens.remember(form["csrf"], venueToken: venueToken, code: entry.code, now: gate.clock.now())
            return Self.html(pages.confirmation(entry, lang: lang), status: .ok)
        case .success(.refused):
            context.logger.info("self check-in refused")
            return Self.html(pages.message(.seeGuardTitle, .seeGuard, lang), status: .ok)
        case .failure(let refusal as SelfCheckInRefusal):
            var state = Pages.FormState()
            for k in ["name", "phone", "id_number", "organisation", "host", "purpose"] { state.values[k] = form[k] ?? "" }
            for i in questions.indices { state.values["answer_\(i)"] = form["answer_\(i)"] ?? "" }
            state.values["consent"] = form["consent"] ?? ""
            for (field, reason) in refusal.fields {
                state.errors[field] = field.hasPrefix("answer_") ? WebText.text(.answerRequired, lang) : reason.text(lang)
            }
            // Same venue token, same issue time: fixing the form does not renew its life.
            let csrf = await tokens.issue(now: gate.clock.now(), venueToken: venueToken, issued: issued)
            return Self.html(
                pages.form(venue: venue, token: venueToken, gateName: gateName, csrf: csrf, lang: lang, state: state),
                status: .unprocessableContent)
        case .failure(let e):
            // Database trouble: the visitor is told to try again (the same page works again);
            // the log says what happened.
            await tokens.release(form["csrf"], venueToken: venueToken, now: gate.clock.now())
            context.logger.error("self check-in failed: \(gate.describe(e))")
            return Self.html(pages.message(.serverErrorTitle, .serverError, lang), status: .serviceUnavailable)
        }
    }

    /// A Gate call off Swift's cooperative threads.
    func blockingCall<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { done in
            blocking.async { done.resume(with: Result { try work() }) }
        }
    }

    /// The peer's IP address (not the port): one phone is one key.
    static func addressKey(_ address: SocketAddress?) -> String {
        address?.ipAddress ?? "unknown"
    }

    static func html(_ text: String, status: HTTPResponse.Status) -> Response {
        response(text, type: "text/html; charset=utf-8", status: status)
    }

    static func response(_ text: String, type: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
