import Crypto
import KioskCore

/// The host's approval link: `<public_url>/c/<venue>/host/<code>?k=<mac>`. The entry code is
/// short enough to guess; the MAC under a key only this building holds is not, so only the
/// host who was sent the link can answer for that visit. It needs no table: the visit's own
/// state makes it single-use (once answered it no longer waits) and its day bounds it.
public struct ApprovalLink: Sendable {
    private let key: SymmetricKey
    public let publicURL: String?
    public let venue: String

    public init(key: [UInt8], publicURL: String?, venue: String) {
        self.key = SymmetricKey(data: key)
        self.publicURL = publicURL
        self.venue = venue
    }

    public func token(code: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("host-approval\n\(venue)\n\(code)".utf8), using: key)
        return String(Base64URL.encode(mac).prefix(27))
    }

    public func path(code: String) -> String { "/c/\(venue)/host/\(code)?k=\(token(code: code))" }

    /// nil without `[checkin_web] public_url` (the config refuses approval = walk-ins then).
    public func url(code: String) -> String? {
        guard var base = publicURL else { return nil }
        while base.hasSuffix("/") { base.removeLast() }
        return base + path(code: code)
    }

    /// Constant-time comparison: the answer must not tell how much of a guess was right.
    public func accepts(_ given: String?, code: String) -> Bool {
        guard let given else { return false }
        let expected = Array(token(code: code).utf8), got = Array(given.utf8)
        guard expected.count == got.count else { return false }
        var d: UInt8 = 0
        for (x, y) in zip(expected, got) { d |= x ^ y }
        return d == 0
    }
}
