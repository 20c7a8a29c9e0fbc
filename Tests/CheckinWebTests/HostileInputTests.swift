import CheckinWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KioskCore
import NIOCore
import Testing

/// What a script, a broken phone or a curious visitor sends: an answer each time, never a
/// crash, never half a record.
@Suite struct HostileInputTests {
    @Test func rateLimitPerAddressPerMinute() async throws {
        let web = try Web { $0.checkinWeb.rateLimit = 3 }
        // A real socket: the limit is keyed by the peer's address.
        try await web.app().test(.live) { client in
            let v = Visitor(client: client)
            for i in 0..<3 {
                var s = Submission()
                s.phone = "091234500\(i)"
                let r = try await v.submit(s)
                #expect(r.status == .ok, "submission \(i + 1)")
            }
            var s = Submission()
            s.phone = "0912345009"
            s.csrf = try await v.csrf()
            let fourth = try await v.post(s.body)
            #expect(fourth.status == .tooManyRequests)
            expectLockedDown(fourth, "429")
            #expect(String(buffer: fourth.body).contains("Gửi quá nhiều lần"))
            #expect(try web.visits().count == 3)
            // Still refused just before the minute is up, whatever is sent.
            web.clock.advance(59)
            #expect(try await v.post("garbage").status == .tooManyRequests)
            // A minute after: the same form (its token was not spent by the refusal) goes through.
            web.clock.advance(2)
            let later = try await v.post(s.body)
            #expect(later.status == .ok)
            #expect(Page.code(String(buffer: later.body)) != nil)
            #expect(try web.visits().count == 4)
            // Reading the form is never limited.
            for _ in 0..<5 { #expect(try await v.form().status == .ok) }
        }
    }

    @Test func bodyOver16KiBIsRefused() async throws {
        let web = try Web()
        for setup in [TestingSetup.router, .live] {
            try await web.app().test(setup) { client in
                let v = Visitor(client: client)
                var s = Submission()
                s.purpose = String(repeating: "x", count: 17 * 1024)
                s.csrf = try await v.csrf()
                let r = try await v.post(s.body)
                #expect(r.status == .contentTooLarge)
                expectLockedDown(r, "413")
                #expect(String(buffer: r.body).contains("Nội dung quá dài"))
                // Just under the limit is read (and refused for the field's own length).
                var t = Submission()
                t.csrf = try await v.csrf()
                t.purpose = ""
                t.purpose = String(repeating: "x", count: CheckinServer.maxBody - t.body.utf8.count)
                #expect(t.body.utf8.count == CheckinServer.maxBody)
                let under = try await v.post(t.body)
                #expect(under.status == .unprocessableContent)
                #expect(Page.error(of: "purpose", in: String(buffer: under.body)) != nil)
            }
        }
        #expect(try web.visits().isEmpty)
    }

    @Test func scriptAsNameIsTextShownEscaped() async throws {
        let web = try Web()
        let name = "<script>alert(1)</script>"
        try await web.app().test(.router) { client in
            var s = Submission()
            s.name = name
            s.organisation = "\"><img src=x onerror=alert(1)>"
            let r = try await Visitor(client: client).submit(s)
            #expect(r.status == .ok)
            expectLockedDown(r, "script name")
            let html = String(buffer: r.body)
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!html.contains("<img"))
            let code = try #require(Page.code(html))
            let v = try #require(try web.gate.visit(code: code))
            #expect(v.details.name == name)
            #expect(v.details.organisation == "\"><img src=x onerror=alert(1)>")

            // Re-shown in a refused form, it is escaped in the value attribute too.
            s.phone = "0987654321"
            s.consent = nil
            let again = try await Visitor(client: client).submit(s)
            #expect(again.status == .unprocessableContent)
            let page = String(buffer: again.body)
            expectLockedDown(again, "script name 422")
            #expect(page.contains("value=\"&lt;script&gt;alert(1)&lt;/script&gt;\""))
            #expect(page.contains("value=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\""))
            #expect(!page.contains("<img"))
        }
    }

    @Test func escapeSequencesAreDropped() async throws {
        let web = try Web()
        try await web.app().test(.router) { client in
            var s = Submission()
            s.name = "Trần\u{1B}[2J Bình\u{7}\u{202E}"
            s.host = "A\r\nSet-Cookie: x=1"
            s.purpose = "\u{9B}31m đỏ"
            let r = try await Visitor(client: client).submit(s)
            #expect(r.status == .ok)
            expectLockedDown(r, "escape sequences")
            let html = String(buffer: r.body)
            #expect(!html.unicodeScalars.contains { TextFolding.isControl($0) && $0 != "\n" })
            #expect(r.headers[.setCookie] == nil)
            let code = try #require(Page.code(html))
            let v = try #require(try web.gate.visit(code: code))
            for text in [v.details.name, v.details.host ?? "", v.details.purpose ?? ""] {
                #expect(!text.unicodeScalars.contains(where: TextFolding.isControl), "\(text.debugDescription)")
            }
            #expect(v.details.name.hasPrefix("Trần"))
            #expect(v.details.name.contains("Bình"))
            #expect(!v.details.name.contains("\u{1B}"))
        }
    }

    @Test func tenKilobyteNameIsRefusedAsTooLong() async throws {
        let web = try Web()
        try await web.app().test(.router) { client in
            var s = Submission()
            s.name = String(repeating: "Ann ", count: 2500)
            let r = try await Visitor(client: client).submit(s)
            #expect(r.status == .unprocessableContent)
            let html = String(buffer: r.body)
            #expect(Page.error(of: "name", in: html) == Page.escaped(Reason(.fieldTooLong, [L10nField.name, "200"]).text(.vi)))
        }
        #expect(try web.visits().isEmpty)
    }

    @Test func unreadableBodiesAre400() async throws {
        // Router tests have no peer address: every request is one "unknown" sender.
        let web = try Web { $0.checkinWeb.rateLimit = 1000 }
        try await web.app().test(.router) { client in
            let v = Visitor(client: client)
            let valid = Submission().body
            let bad: [(String, [UInt8])] = [
                ("invalid UTF-8", Array("name=".utf8) + [0xFF, 0xFE] + Array(("&" + valid).utf8)),
                ("percent-escaped invalid UTF-8", Array(("name=%C3%28&" + valid).utf8)),
                ("overlong UTF-8", Array(("name=%C0%AF&" + valid).utf8)),
                ("lone surrogate", Array(("name=%ED%A0%80&" + valid).utf8)),
                ("bad escape", Array((valid + "&purpose=%G1").utf8)),
                ("cut escape", Array((valid + "&x=%4").utf8)),
                ("escape at the end", Array((valid + "&x=%").utf8)),
                ("duplicated field", Array((valid + "&name=Other").utf8)),
                ("duplicated empty field", Array(("consent=&" + valid).utf8)),
            ]
            for (what, body) in bad {
                var b = body
                b += Array("&csrf=\(try await v.csrf())".utf8)
                let r = try await v.post(bytes: b)
                #expect(r.status == .badRequest, "\(what): \(r.status)")
                expectLockedDown(r, what)
                #expect(String(buffer: r.body).contains("Biểu mẫu gửi lên không đọc được"), "\(what)")
            }
            // Nothing at all, and a JSON body: no token, so no record.
            #expect(try await v.post("").status == .forbidden)
            let json = try await client.execute(
                uri: "/c/demo", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: "{\"name\":\"x\"}"))
            #expect(json.status == .forbidden)
            expectLockedDown(json, "json")
        }
        #expect(try web.visits().isEmpty)
    }
}
