import Crypto
import KioskCore

/// The address of a visitor's slip picture: `/c/<venue>/slip/<code>?k=<mac>`. Entry codes are
/// short enough to guess; the MAC under a key only this building has is not, so the picture
/// (a name, a host) is shown only to the phone that was given the link.
struct SlipLinks: Sendable {
    private let key: SymmetricKey

    init(key: [UInt8]) { self.key = SymmetricKey(data: key) }

    func token(venue: String, code: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("slip\n\(venue)\n\(code)".utf8), using: key)
        return String(Base64URL.encode(mac).prefix(22))
    }

    func path(venue: String, code: String, lang: Language) -> String {
        "/c/\(venue)/slip/\(code)?k=\(token(venue: venue, code: code))" + (lang == .en ? "&lang=en" : "")
    }

    func accepts(_ given: String?, venue: String, code: String) -> Bool {
        guard let given else { return false }
        let expected = Array(token(venue: venue, code: code).utf8), got = Array(given.utf8)
        guard expected.count == got.count else { return false }
        var d: UInt8 = 0
        for (x, y) in zip(expected, got) { d |= x ^ y }
        return d == 0
    }
}
