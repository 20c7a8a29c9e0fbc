import Crypto
import Foundation
import KioskCore

/// The short rotating token in a venue code shown on screen: a photo of the screen stops
/// working once the slot has passed. Derived, not stored: HMAC-SHA-256 of the venue id and
/// the slot number under a secret only this building has.
public struct VenueToken: Sendable {
    let key: SymmetricKey
    public let venueID: String
    /// Slot length; the server accepts the current and the previous slot.
    public let slotSeconds: Int

    public init(secret: [UInt8], venueID: String, slotMinutes: Int) {
        key = SymmetricKey(data: secret)
        self.venueID = venueID
        slotSeconds = max(60, slotMinutes * 60)
    }

    public func slot(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / Double(slotSeconds)).rounded(.down))
    }

    /// 11 URL-safe characters (64 bits): short enough for a small code, too many to guess.
    public func token(forSlot slot: Int64, kind: String = "screen") -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(kind)|\(venueID)|\(slot)".utf8), using: key)
        return Base64URL.encode(Array(mac).prefix(8))
    }

    public func token(at date: Date) -> String { token(forSlot: slot(at: date)) }

    /// A poster's daily token: valid for one venue day (`dayNumber`: days since the epoch in
    /// the venue's zone, computed by the caller who knows the zone).
    public func dailyToken(dayNumber: Int64) -> String { token(forSlot: dayNumber, kind: "day") }

    /// True for the token of the current or the previous slot, compared in constant time.
    public func accepts(_ candidate: String, at date: Date) -> Bool {
        let now = slot(at: date)
        return [now, now - 1].contains { constantTimeEqual(token(forSlot: $0), candidate) }
    }

    func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
