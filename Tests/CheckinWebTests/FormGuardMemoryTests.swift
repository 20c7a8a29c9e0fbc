import Foundation
import Testing

@testable import CheckinWeb

/// The form's guards remember only what they still need: the soak saw the terminal's heap
/// creep up with every self check-in, because spent tokens were kept until 50,000 of them
/// and idle addresses until 10,000.
@Suite struct FormGuardMemoryTests {
    @Test func spentTokensAreForgottenOnceTheyCouldNoLongerBeAccepted() async throws {
        let tokens = FormTokens(key: Array(repeating: 7, count: 32))
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for i in 0..<500 {
            let at = start.addingTimeInterval(Double(i))
            #expect(await tokens.redeem(await tokens.issue(now: at, venueToken: nil), venueToken: nil, now: at) == .fresh(issued: at))
        }
        #expect(await tokens.spentCount == 500)
        // Two hours on, a token spent then could not be accepted any more: only the new one stays.
        let later = start.addingTimeInterval(2 * FormTokens.lifetime)
        let fresh = await tokens.issue(now: later, venueToken: nil)
        #expect(await tokens.redeem(fresh, venueToken: nil, now: later) == .fresh(issued: later))
        #expect(await tokens.spentCount == 1)
        // Still spent: a second submission of the same form is refused.
        #expect(await tokens.redeem(fresh, venueToken: nil, now: later.addingTimeInterval(1)) == .invalid)
    }

    @Test func addressesSilentForAMinuteAreForgotten() async {
        let limiter = RateLimiter(perMinute: 10)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for i in 0..<300 { #expect(await limiter.allow("10.0.\(i / 250).\(i % 250)", now: start)) }
        #expect(await limiter.addressCount == 300)
        #expect(await limiter.allow("10.9.9.9", now: start.addingTimeInterval(120)))
        #expect(await limiter.addressCount == 1)
    }
}
