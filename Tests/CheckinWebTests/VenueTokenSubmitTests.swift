import CheckinWeb
import Foundation
import Gate
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KioskCore
import Testing

/// Issue 21: the venue token is checked on submission too, not only when the form is served.
@Suite struct VenueTokenSubmitTests {
    @Test func aFormCannotBeSentWithAnotherVenueToken() async throws {
        let web = try Web { $0.venue.posterToken = .daily }
        let poster = try #require(VenueTokenTests.token(in: web.gate.posterPayload(gate: "main")))
        try await web.app().test(.router) { client in
            let v = Visitor(client: client)
            for t in ["garbage", "", web.gate.venueToken.token(at: web.clock.now().addingTimeInterval(-86400))] {
                var s = Submission()
                (s.csrf, _) = try await v.tokens(query: "g=main&t=" + Form.escape(poster))
                s.t = t
                let r = try await v.post(s.body)
                #expect(r.status == .forbidden || r.status == .gone, "t=\(t): \(r.status)")
                expectLockedDown(r, "t=\(t)")
                #expect(Page.code(String(buffer: r.body)) == nil)
            }
            #expect(try web.visits().isEmpty)
            // The token the form was served for still sends it.
            let ok = try await v.submit(query: "g=main&t=" + Form.escape(poster))
            #expect(ok.status == .ok)
        }
        #expect(try web.visits().count == 1)
    }

    @Test func correctingAFormDoesNotRenewItsLife() async throws {
        let web = try Web()
        try await web.app().test(.router) { client in
            let v = Visitor(client: client)
            var s = Submission()
            (s.csrf, s.t) = try await v.tokens(query: "g=main&t=" + Form.escape(web.gate.venueToken.token(at: web.clock.now())))
            // Sent back with an error 50 minutes later, and again 50 minutes after that: the
            // 422 answer's fresh token must not keep a long-stale venue code alive.
            s.consent = nil
            web.clock.advance(50 * 60)
            let first = try await v.post(s.body)
            #expect(first.status == .unprocessableContent)
            s.csrf = Page.csrf(String(buffer: first.body))
            web.clock.advance(50 * 60)
            s.consent = "yes"
            let late = try await v.post(s.body)
            #expect(late.status == .forbidden)
            #expect(Page.code(String(buffer: late.body)) == nil)
        }
        #expect(try web.visits().isEmpty)
    }
}
