import Crypto
import Foundation
import KioskCore

/// One CSRF token per form served: issue time, a random nonce and an HMAC under a key only
/// this building has, over those and the venue token the form was served for (`t`). A token
/// is good for an hour from when its form was first served and for one submission. The
/// venue token is bound in, so a form cannot be sent with another (or no) `t` than the one
/// checked when it was served; a form sent back with errors gets a new token with the same
/// issue time, so corrections never stretch a form's life past the hour.
actor FormTokens {
    private let key: SymmetricKey
    private var used: [String: Date] = [:]
    /// The visit each spent token produced: the browser that sent it may send it again (a
    /// reload of the confirmation) and is shown its own confirmation, nobody else's.
    private var produced: [String: String] = [:]
    /// When spent tokens past their lifetime were last forgotten (about once a minute): a
    /// spent token need only be remembered while it could still be accepted, so memory holds
    /// the last hour's submissions, not every submission since start.
    private var lastPrune = Date.distantPast
    static let lifetime: TimeInterval = 3600

    /// Spent tokens remembered now (for tests).
    var spentCount: Int { used.count }

    init(key: [UInt8]) { self.key = SymmetricKey(data: key) }

    /// A token for a form served for `venueToken` (nil: none), issued `issued` (default now).
    func issue(now: Date, venueToken: String?, issued: Date? = nil) -> String {
        var rng = SystemRandomNumberGenerator()
        let nonce = (0..<12).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &rng)) }.joined()
        let body = "\(Int64((issued ?? now).timeIntervalSince1970)).\(nonce)"
        return body + "." + mac(body, venueToken)
    }

    enum Redemption: Equatable {
        /// Good and not sent before; its form was first served at `issued`.
        case fresh(issued: Date)
        /// Sent before and it produced this visit.
        case resent(code: String)
        case invalid
    }

    /// Checks and spends a token sent with the venue token `venueToken`.
    func redeem(_ token: String?, venueToken: String?, now: Date) -> Redemption {
        guard let (body, issued) = verified(token, venueToken, now: now) else { return .invalid }
        if used[body] != nil {
            return produced[body].map { .resent(code: $0) } ?? .invalid
        }
        used[body] = now
        // The clock may be set back: a prune "in the future" is redone.
        if abs(now.timeIntervalSince(lastPrune)) >= 60 {
            lastPrune = now
            used = used.filter { now.timeIntervalSince($0.value) <= Self.lifetime }
            produced = produced.filter { used[$0.key] != nil }
        }
        return .fresh(issued: issued)
    }

    /// The visit a spent token produced.
    func remember(_ token: String?, venueToken: String?, code: String, now: Date) {
        guard let (body, _) = verified(token, venueToken, now: now) else { return }
        produced[body] = code
    }

    /// Gives a spent token back (nothing was recorded: the database failed), so sending the
    /// same page again works.
    func release(_ token: String?, venueToken: String?, now: Date) {
        guard let (body, _) = verified(token, venueToken, now: now) else { return }
        used[body] = nil
    }

    /// The token's body and issue time, if its MAC holds for this venue token and it is
    /// within its lifetime.
    private func verified(_ token: String?, _ venueToken: String?, now: Date) -> (body: String, issued: Date)? {
        guard let token, token.utf8.count < 200 else { return nil }
        let parts = token.split(separator: ".")
        guard parts.count == 3, let issued = Int64(parts[0]) else { return nil }
        let body = "\(parts[0]).\(parts[1])"
        guard constantTimeEqual(Array(mac(body, venueToken).utf8), Array(parts[2].utf8)) else { return nil }
        let age = now.timeIntervalSince1970 - Double(issued)
        guard age >= -60, age <= Self.lifetime else { return nil }
        return (body, Date(timeIntervalSince1970: Double(issued)))
    }

    /// Over the body and the venue token (length-prefixed, so no two pairs read the same).
    private func mac(_ body: String, _ venueToken: String?) -> String {
        let t = venueToken ?? ""
        let code = HMAC<SHA256>.authenticationCode(for: Array("\(body)\n\(t.utf8.count):\(t)".utf8), using: key)
        return Base64URL.encode(code)
    }

    private func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var d: UInt8 = 0
        for (x, y) in zip(a, b) { d |= x ^ y }
        return d == 0
    }
}

/// Submissions per address per minute (a sliding window), so one phone or script cannot
/// flood the log. Memory is bounded: old addresses are forgotten.
actor RateLimiter {
    let perMinute: Int
    private var recent: [String: [Date]] = [:]
    /// Addresses silent for a minute are forgotten about once a minute: every phone on the
    /// mobile network has its own, and a busy day would otherwise keep them all.
    private var lastPrune = Date.distantPast

    init(perMinute: Int) { self.perMinute = perMinute }

    /// Addresses remembered now (for tests).
    var addressCount: Int { recent.count }

    func allow(_ address: String, now: Date) -> Bool {
        var times = (recent[address] ?? []).filter { now.timeIntervalSince($0) < 60 }
        guard times.count < perMinute else {
            recent[address] = times
            return false
        }
        times.append(now)
        recent[address] = times
        if abs(now.timeIntervalSince(lastPrune)) >= 60 {
            lastPrune = now
            recent = recent.filter { $0.value.last.map { now.timeIntervalSince($0) < 60 } ?? false }
        }
        return true
    }
}
