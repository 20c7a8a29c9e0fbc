import CheckinWeb
import Foundation
import Gate
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KioskCore
import Testing

/// The token in a venue code: a photo of the screen stops working, a poster works for its day.
@Suite struct VenueTokenTests {
    /// The `t=` of a payload URL.
    static func token(in payload: String) -> String? {
        URLComponents(string: payload)?.queryItems?.first { $0.name == "t" }?.value
    }

    func status(_ client: any TestClientProtocol, token: String?, lang: String = "vi") async throws -> (HTTPResponse.Status, String) {
        var q = "g=main&lang=\(lang)"
        if let token { q += "&t=" + Form.escape(token) }
        let r = try await Visitor(client: client).form(query: q)
        expectLockedDown(r, "t=\(token ?? "-")")
        return (r.status, String(buffer: r.body))
    }

    @Test func screenTokenOfThisAndThePreviousSlotOnly() async throws {
        let web = try Web()
        let slot = TimeInterval(web.gate.venueToken.slotSeconds)
        #expect(slot == 300)
        let start = try #require(ISOTime.parse(Web.morning))
        #expect(start.timeIntervalSince1970.truncatingRemainder(dividingBy: slot) == 0, "the test clock is not at a slot edge")
        let current = web.gate.venueToken.token(at: start)
        let previous = web.gate.venueToken.token(at: start - 1)
        let twoBack = web.gate.venueToken.token(at: start - slot - 1)
        #expect(Set([current, previous, twoBack]).count == 3)
        // What the guard's screen shows carries the current token.
        #expect(Self.token(in: web.gate.screenPayload(gate: "main")) == current)

        try await web.app().test(.router) { client in
            // First second of the slot: this slot's and the last one's codes work.
            #expect(try await status(client, token: current).0 == .ok)
            #expect(try await status(client, token: previous).0 == .ok)
            let (gone, page) = try await status(client, token: twoBack)
            #expect(gone == .gone)
            #expect(page.contains("Mã đã thay đổi"))
            #expect(Page.csrf(page) == nil, "an expired code must not hand out a form")

            // Last second of the slot: still the same two.
            web.clock.set(start + slot - 1)
            #expect(try await status(client, token: current).0 == .ok)
            #expect(try await status(client, token: previous).0 == .ok)
            #expect(try await status(client, token: twoBack).0 == .gone)

            // Next slot: the old "previous" is now two back; "current" is the previous one.
            web.clock.set(start + slot)
            #expect(try await status(client, token: current).0 == .ok)
            #expect(try await status(client, token: previous).0 == .gone)
            let next = web.gate.venueToken.token(at: start + slot)
            #expect(try await status(client, token: next).0 == .ok)

            // A token from the future is not accepted either.
            web.clock.set(start)
            #expect(try await status(client, token: next).0 == .gone)

            // In English the page says the code has changed.
            let (_, en) = try await status(client, token: twoBack, lang: "en")
            #expect(en.contains("The code has changed"))
        }
    }

    @Test func garbageTokensAreGone() async throws {
        let web = try Web()
        let good = web.gate.venueToken.token(at: web.clock.now())
        try await web.app().test(.router) { client in
            for t in ["x", "AAAAAAAAAAA", String(good.dropLast()), good + "A", good.lowercased() == good ? good.uppercased() : good.lowercased(),
                "<script>alert(1)</script>", String(repeating: "A", count: 4000), "\u{1B}[2J"] where t != good {
                let (s, page) = try await status(client, token: t)
                #expect(s == .gone, "t=\(t.prefix(20))")
                #expect(!page.contains("<script>"))
            }
            // The poster token of today is not a screen token unless posters carry tokens.
            let printing = try Web { $0.venue.posterToken = .daily }
            let daily = try #require(Self.token(in: printing.gate.posterPayload(gate: "main")))
            #expect(printing.gate.acceptsVenueToken(daily))
            #expect(!web.gate.acceptsVenueToken(daily))
            #expect(try await status(client, token: daily).0 == .gone)
        }
    }

    @Test func dailyPosterTokenWorksForItsDayOnly() async throws {
        let web = try Web(now: "2026-11-28T10:00:00+07:00") { $0.venue.posterToken = .daily }
        let yesterday = try #require(Self.token(in: web.gate.posterPayload(gate: "main")))
        web.clock.set(Web.morning)
        let today = try #require(Self.token(in: web.gate.posterPayload(gate: "main")))
        #expect(today != yesterday)
        try await web.app().test(.router) { client in
            #expect(try await status(client, token: today).0 == .ok)
            let (s, page) = try await status(client, token: yesterday)
            #expect(s == .gone)
            #expect(page.contains("Mã đã thay đổi"))
            // The screen code still works beside the poster.
            #expect(try await status(client, token: web.gate.venueToken.token(at: web.clock.now())).0 == .ok)
            // Posters now carry a token: a visitor without one is told to scan again.
            let (missing, page2) = try await status(client, token: nil)
            #expect(missing == .gone)
            #expect(page2.contains("Mã đã thay đổi"))
            #expect(try await status(client, token: "").0 == .gone)

            // The day is the venue's: yesterday's poster works until local midnight, not after.
            web.clock.set("2026-11-28T23:59:59+07:00")
            #expect(try await status(client, token: yesterday).0 == .ok)
            #expect(try await status(client, token: today).0 == .gone)
            web.clock.set("2026-11-29T00:00:00+07:00")
            #expect(try await status(client, token: yesterday).0 == .gone)
            #expect(try await status(client, token: today).0 == .ok)
        }
    }

    @Test func withoutPosterTokensNoTokenIsFine() async throws {
        let web = try Web()
        #expect(web.gate.config.venue.posterToken == .none)
        #expect(Self.token(in: web.gate.posterPayload(gate: "main")) == nil)
        try await web.app().test(.router) { client in
            let (s, _) = try await status(client, token: nil)
            #expect(s == .ok)
        }
    }
}
