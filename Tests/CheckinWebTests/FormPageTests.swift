@testable import CheckinWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KioskCore
import Testing

/// The form a phone gets from the venue code, and the pages around it.
@Suite struct FormPageTests {
    @Test func formIsVietnameseByDefault() async throws {
        let web = try Web()
        try await web.app().test(.router) { client in
            let r = try await Visitor(client: client).form(query: "g=main")
            #expect(r.status == .ok)
            expectLockedDown(r, "form")
            let html = String(buffer: r.body)
            #expect(html.contains("<html lang=\"vi\">"))
            #expect(html.contains("Khai báo vào tòa nhà"))
            #expect(html.contains("Họ và tên"))
            #expect(html.contains("Gửi khai báo"))
            #expect(!html.contains("Full name"))
            #expect(html.contains(Page.escaped(web.gate.config.venue.name)))
            // The health questions, answered yes/no, and the consent the visitor must give.
            for q in web.gate.config.checkinWeb.questions { #expect(html.contains(Page.escaped(q))) }
            #expect(html.contains("name=\"answer_0\" value=\"yes\""))
            #expect(html.contains("name=\"answer_1\" value=\"no\""))
            #expect(html.contains("name=\"consent\" value=\"yes\""))
            #expect(html.contains("<form method=\"post\" action=\"/c/demo\""))
            #expect(Page.csrf(html)?.isEmpty == false)
            #expect(html.contains("name=\"g\" value=\"main\""))
        }
    }

    @Test func englishOnRequest() async throws {
        let web = try Web()
        try await web.app().test(.router) { client in
            let r = try await Visitor(client: client).form(query: "g=north&lang=en")
            #expect(r.status == .ok)
            expectLockedDown(r, "English form")
            let html = String(buffer: r.body)
            #expect(html.contains("<html lang=\"en\">"))
            #expect(html.contains("Building check-in"))
            #expect(html.contains("Full name"))
            #expect(html.contains("Gate north"))
            #expect(html.contains("name=\"lang\" value=\"en\""))
            #expect(html.contains("name=\"g\" value=\"north\""))
            #expect(!html.contains("Họ và tên"))
            // The switch back to Vietnamese keeps the gate.
            #expect(html.contains("href=\"/c/demo?g=north&amp;lang=vi\""))
        }
    }

    @Test func noGateMeansThisTerminalsGate() async throws {
        let web = try Web()
        try await web.app().test(.router) { client in
            let r = try await Visitor(client: client).form()
            #expect(r.status == .ok)
            #expect(String(buffer: r.body).contains("name=\"g\" value=\"main\""))
        }
    }

    @Test func unknownVenueIsAFriendly404() async throws {
        let web = try Web()
        try await web.app().test(.router) { client in
            for path in ["/c/other", "/c/other?lang=en", "/c/DEMO", "/c/%3Cscript%3E"] {
                let r = try await client.execute(uri: path, method: .get)
                #expect(r.status == .notFound, "\(path)")
                expectLockedDown(r, path)
                let html = String(buffer: r.body)
                #expect(html.contains(path.contains("lang=en") ? "Scan the QR code at the gate again" : "Hãy quét lại mã QR ở cổng"), "\(path)")
                #expect(Page.csrf(html) == nil, "\(path): a form on a 404")
            }
            // POST to another venue is refused the same way, before anything is read.
            let r = try await client.execute(uri: "/c/other", method: .post, headers: Visitor.formType, body: ByteBuffer(string: "name=x"))
            #expect(r.status == .notFound)
            expectLockedDown(r, "POST other venue")
        }
        #expect(try web.visits().isEmpty)
    }

    @Test func unknownGateIs404() async throws {
        let web = try Web()
        try await web.app().test(.router) { client in
            for q in ["g=south", "g=", "g=%3Cb%3Emain", "g=MAIN&lang=en"] {
                let r = try await Visitor(client: client).form(query: q)
                #expect(r.status == .notFound, "\(q)")
                expectLockedDown(r, q)
                let html = String(buffer: r.body)
                #expect(!html.contains("<b>"), "\(q)")
                #expect(Page.csrf(html) == nil)
            }
        }
    }

    @Test func otherPathsAndMethodsAreFriendly404s() async throws {
        let web = try Web()
        try await web.app().test(.router) { client in
            for (path, method) in [("/", HTTPRequest.Method.get), ("/c", .get), ("/admin", .get), ("/c/demo/x", .get), ("/c/demo", .put), ("/c/demo", .delete)] {
                let r = try await client.execute(uri: path, method: method)
                #expect(r.status == .notFound, "\(method) \(path): \(r.status)")
                expectLockedDown(r, "\(method) \(path)")
            }
        }
    }

    @Test func stylesheetIsServedAsCSS() async throws {
        let web = try Web()
        try await web.app().test(.router) { client in
            let r = try await client.execute(uri: "/c/style.css", method: .get)
            #expect(r.status == .ok)
            #expect(r.headers[.contentType]?.hasPrefix("text/css") == true)
            #expect(r.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            #expect(r.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("default-src 'self'") == true)
            // The stylesheet may be cached; pages may not.
            #expect(r.headers[.cacheControl] != "no-store")
            let css = String(buffer: r.body)
            #expect(css.contains("body{"))
            #expect(!css.contains("<"))
            // Every page links it from the same origin.
            let form = String(buffer: try await Visitor(client: client).form().body)
            #expect(form.contains("<link rel=\"stylesheet\" href=\"/c/style.css\">"))
        }
    }

    @Test func healthCheck() async throws {
        let web = try Web()
        try await web.app().test(.router) { client in
            let r = try await client.execute(uri: "/healthz", method: .get)
            #expect(r.status == .ok)
            #expect(String(buffer: r.body) == "ok")
            #expect(r.headers[.cacheControl] == "no-store")
        }
    }
}

/// The empty form is cached per language, gate and venue code with the token put in at send
/// time (issue 19): every phone must still get its own working token, and a cached page must
/// be the page that would have been built.
@Suite struct FormPageCacheTests {
    @Test func everyPhoneGetsItsOwnTokenInTheSamePage() async throws {
        let web = try Web()
        try await web.app().test(.router) { client in
            let visitor = Visitor(client: client)
            let first = String(buffer: try await visitor.form(query: "g=main").body)
            let second = String(buffer: try await visitor.form(query: "g=main").body)
            let a = try #require(Page.csrf(first)), b = try #require(Page.csrf(second))
            #expect(a != b)
            #expect(first.replacingOccurrences(of: a, with: "T") == second.replacingOccurrences(of: b, with: "T"))
            #expect(!first.contains(FormPageCache.marker))
            let english = String(buffer: try await visitor.form(query: "g=main&lang=en").body)
            #expect(english.contains("Full name") && !english.contains(FormPageCache.marker))
            let north = String(buffer: try await visitor.form(query: "g=north").body)
            #expect(north.contains("name=\"g\" value=\"north\"") && !north.contains("name=\"g\" value=\"main\""))
        }
    }

    @Test func aCachedPageIsThePageThatWouldBeBuilt() {
        let cache = FormPageCache()
        let key = FormPageCache.Key(lang: .vi, gateName: "main", token: nil, hosts: 0)
        func build(_ csrf: String) -> String { "<p>x</p><input name=\"csrf\" value=\"\(HTML.escape(csrf))\"><p>y</p>" }
        #expect(cache.page(key, csrf: "abc", build: build) == build("abc"))
        #expect(cache.page(key, csrf: "a<\"b", build: { _ in "never called" }) == build("a<\"b"))
    }

    @Test func aPageWithTheMarkerElsewhereIsNotCached() {
        let cache = FormPageCache()
        let key = FormPageCache.Key(lang: .vi, gateName: "main", token: nil, hosts: 0)
        func build(_ csrf: String) -> String { "<h1>\(FormPageCache.marker)</h1><input name=\"csrf\" value=\"\(csrf)\">" }
        #expect(cache.page(key, csrf: "one", build: build) == build("one"))
        #expect(cache.page(key, csrf: "two", build: build) == build("two"))
    }
}
