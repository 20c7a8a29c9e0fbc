/// What a scanned line is, by its shape only: classifying never trusts the content.
public enum ScanKind: String, Sendable, Codable {
    case hc1
    case invite
    case personalQR = "personal-qr"
    case cccd
    /// The health-insurance card's QR.
    case bhyt
    case checkout
    /// `KIN:` + entry code: the confirmation a visitor shows after checking in on the phone.
    case selfCheckIn = "self-checkin"
    case unknown

    /// Longer scans are refused before any work (DESIGN: bounded sizes).
    public static let maxBytes = 8 * 1024

    public static func classify(_ scan: String) -> ScanKind {
        guard scan.utf8.count <= maxBytes else { return .unknown }
        if scan.hasPrefix("HC1:") { return .hc1 }
        if scan.hasPrefix("KIV1:") { return .invite }
        if scan.uppercased().hasPrefix("KOUT:") { return .checkout }
        if scan.uppercased().hasPrefix("KIN:") { return .selfCheckIn }
        if scan.contains("|") {
            if (try? IdentityQR.cccd(scan)) != nil { return .cccd }
            if (try? IdentityQR.bhyt(scan)) != nil { return .bhyt }
            if (try? IdentityQR.personal(scan)) != nil { return .personalQR }
        }
        return .unknown
    }

    /// An HC1 typed by a scanner set to a non-US keyboard layout loses or swaps the Base45
    /// punctuation (`$ % * + / :` and space) and letters; say so instead of only "damaged".
    public static func looksLikeWrongKeyboardLayout(_ scan: String) -> Bool {
        let bytes = Array(scan.utf8)
        guard bytes.count > 20 else { return false }
        let head = Array("HC1".utf8)
        let headUpper = bytes.prefix(3).map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
        guard headUpper == head else { return false }
        // Control characters are damage, not a keyboard layout.
        guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return false }
        if bytes[3] != UInt8(ascii: ":") { return true }
        return bytes.dropFirst(4).contains { Base45.values[Int($0)] < 0 }
    }
}
