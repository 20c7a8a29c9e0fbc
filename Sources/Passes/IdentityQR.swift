import KioskCore

/// Unsigned identity codes: the PC-Covid personal QR, the QR on a chip ID card (the 2021
/// CCCD and the 2024 căn cước card) and the health-insurance (BHYT) card's QR. Nothing in them
/// is verified, so they only prefill the visitor's details and the visit is marked
/// self-declared; parsing is defensive because each comes in several shapes.
///
/// Only what a visit can need leaves the parser: relatives' names and cancelled numbers on the
/// 2024 card, the BHYT card's hospital code and the like are dropped here, so they can never
/// reach the database, a log or the screen.
public struct IdentityDetails: Equatable, Sendable {
    public var idNumber: String?
    public var oldIdNumber: String?
    public var name: String
    /// `YYYY-MM-DD`.
    public var dateOfBirth: String?
    /// As printed (`Nam`, `Nữ`).
    public var sex: String?
    public var address: String?
    /// `YYYY-MM-DD`.
    public var issueDate: String?
    /// `YYYY-MM-DD`: the last day a BHYT card is valid.
    public var validUntil: String?
}

public enum IdentityQR {
    public enum Failure: Error, Equatable, Sendable {
        case notThisFormat
    }

    /// More fields than any known card has: a scan with more is not an identity code.
    static let maxFields = 16

    /// The ID card's QR, 2021 CCCD or 2024 căn cước, by shape rather than position: the
    /// holder's 12-digit number first; then a 9-digit old number, dates `DDMMYYYY` (birth,
    /// then issue), the sex, and text. The name is the first text before the birth date; the
    /// address is the first text after it that reads like one. Other 12-digit numbers (a
    /// cancelled card) and name-like text after the birth date (parents' names) are dropped.
    public static func cccd(_ text: String) throws(Failure) -> IdentityDetails {
        let f = try fields(text)
        guard f.count >= 5, isDigits(f[0], count: 12) else { throw .notThisFormat }
        var old: String?
        var name: String?
        var dob: String?
        var issue: String?
        var sex: String?
        var address: String?
        for field in f.dropFirst() {
            if field.isEmpty { continue }
            if isDigits(field, count: 9) {
                // Only before the name: a 9-digit number later is not the holder's.
                if name == nil, old == nil { old = field }
                continue
            }
            if isDigits(field, count: 12) { continue }  // a cancelled number: dropped
            if field.count == 8, field.allSatisfy(\.isASCIIDigit) {
                // The name comes before the birth date on every card.
                guard name != nil else { throw .notThisFormat }
                guard let day = dayMonthYear(field) else {
                    if dob == nil { throw .notThisFormat }
                    continue  // a damaged issue date does not hide the holder
                }
                if dob == nil, name != nil { dob = day } else if issue == nil, dob != nil { issue = day }
                continue
            }
            if let s = sexWord(field) {
                guard name != nil else { throw .notThisFormat }
                if sex == nil, dob != nil { sex = s }
                continue
            }
            if name == nil {
                guard dob == nil, looksLikeName(field) else { throw .notThisFormat }
                name = field
                continue
            }
            // After the name: the residence if it reads like one; relatives' names are dropped.
            if address == nil, dob != nil, issue == nil, looksLikeAddress(field) { address = field }
        }
        guard let name, let dob else { throw .notThisFormat }
        return IdentityDetails(
            idNumber: f[0], oldIdNumber: old, name: name, dateOfBirth: dob, sex: sex, address: address, issueDate: issue)
    }

    /// The health-insurance card's QR: `card|name|dob|sex|address|hospital|from|to|…|$`. The
    /// card number is 2 letters and 13 digits; name and address are hexadecimal UTF-8 (on
    /// older cards plain text); the birth date is `dd/mm/yyyy` (or only the year); sex `1`
    /// (male) or `2` (female). Hex that is not valid UTF-8 is refused, never shown as text.
    public static func bhyt(_ text: String) throws(Failure) -> IdentityDetails {
        var body = Substring(text)
        while let last = body.last, last.isNewline || last == " " { body = body.dropLast() }
        guard body.hasSuffix("$") else { throw .notThisFormat }
        let f = try fields(String(body.dropLast()))
        guard f.count >= 4 else { throw .notThisFormat }
        let card = f[0].uppercased()
        guard card.count == 15, card.prefix(2).allSatisfy({ $0.isASCII && $0.isLetter }),
              card.dropFirst(2).allSatisfy(\.isASCIIDigit) else { throw .notThisFormat }
        guard let name = hexOrText(f[1]), looksLikeName(name) else { throw .notThisFormat }
        let dob: String?
        if f[2].count == 4, f[2].allSatisfy(\.isASCIIDigit) {
            dob = nil  // only the year of birth is known
        } else {
            guard let d = slashDate(f[2]) else { throw .notThisFormat }
            dob = d
        }
        let sex: String? = switch f[3] {
        case "1": "Nam"
        case "2": "Nữ"
        case "": nil
        default: throw .notThisFormat
        }
        var address: String?
        if f.count > 4, !f[4].isEmpty {
            // An address that does not decode is dropped, not the card: it is optional.
            address = hexOrText(f[4]).flatMap { TextFolding.clean($0).isEmpty ? nil : TextFolding.clean($0) }
        }
        // The validity dates follow the hospital code: the second date after it is the end.
        let dates = f.dropFirst(5).compactMap(slashDate)
        return IdentityDetails(
            idNumber: card, oldIdNumber: nil, name: TextFolding.clean(name), dateOfBirth: dob, sex: sex,
            address: address, issueDate: nil, validUntil: dates.count >= 2 ? dates[1] : nil)
    }

    /// The PC-Covid personal QR v1.1: `idNumber|NAME|YYYY-MM-DD|declType|QID|EXT`. The id number
    /// may be partly masked (`******`) and the name upper case without diacritics.
    public static func personal(_ text: String) throws(Failure) -> IdentityDetails {
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || ($0.value >= 0x7F && $0.value < 0xA0) }) else { throw .notThisFormat }
        let f = text.split(separator: "|", omittingEmptySubsequences: false).map { TextFolding.clean(String($0)) }
        guard (3...6).contains(f.count) else { throw .notThisFormat }
        let id = f[0]
        guard id.count >= 6, id.count <= 20, id.allSatisfy({ ($0.isASCII && ($0.isNumber || $0.isLetter)) || $0 == "*" }) else {
            throw .notThisFormat
        }
        guard !f[1].isEmpty, f[1].count <= Validation.maxNameLength, let dob = isoDay(f[2]) else { throw .notThisFormat }
        return IdentityDetails(idNumber: id, oldIdNumber: nil, name: f[1], dateOfBirth: dob, sex: nil, address: nil, issueDate: nil)
    }

    /// The `|`-separated fields, cleaned, without the `\r` or `|` a scanner may leave at the
    /// end; refused when there are more than any card has (before any other work).
    static func fields(_ text: String) throws(Failure) -> [String] {
        var body = Substring(text)
        // `\r\n` is one Character: compared as newlines, not as "\r".
        while let last = body.last, last.isNewline { body = body.dropLast() }
        if body.last == "|" { body = body.dropLast() }
        // No card prints a control character: an escape sequence is an attack, not a name.
        guard !body.unicodeScalars.contains(where: { $0.value < 0x20 || ($0.value >= 0x7F && $0.value < 0xA0) }) else { throw .notThisFormat }
        var raw: [Substring] = []
        for part in body.split(separator: "|", omittingEmptySubsequences: false) {
            guard raw.count < maxFields else { throw .notThisFormat }
            raw.append(part)
        }
        return raw.map { TextFolding.clean(String($0)) }
    }

    static func isDigits(_ s: String, count: Int) -> Bool {
        s.utf8.count == count && s.allSatisfy(\.isASCIIDigit)
    }

    static func sexWord(_ s: String) -> String? {
        switch TextFolding.fold(s) {
        case "nam", "male", "m": "Nam"
        case "nu", "female", "f": "Nữ"
        default: nil
        }
    }

    /// Letters, spaces and the few marks names carry; no digits, no symbols. Length is left to
    /// the check-in's validation, which tells the guard the name is too long.
    static func looksLikeName(_ s: String) -> Bool {
        guard s.contains(where: \.isLetter) else { return false }
        return s.allSatisfy { $0.isLetter || $0 == " " || $0 == "'" || $0 == "-" || $0 == "." }
    }

    /// A residence: several parts separated by commas, a house number, or an administrative
    /// word (`Xã`, `Phường`, `Thị trấn`, `Tổ`, …). Compared with their diacritics, because
    /// folded they are names (`Phường`/`Phương`, `Tổ`/`Tô`, `Thị trấn`/`Thị`).
    static func looksLikeAddress(_ s: String) -> Bool {
        if s.contains(",") || s.contains(where: \.isNumber) { return true }
        let lower = " " + s.lowercased() + " "
        return addressWords.contains { lower.contains(" \($0) ") }
    }

    /// Only words no Vietnamese name contains (`Tổ`, `Ấp`, `Đường`, `Số`, `Bản`, `Khu` can be
    /// parts of names: the review stored "Đường Văn Bình", a father, as an address).
    static let addressWords = [
        "xã", "phường", "thị trấn", "thị xã", "tỉnh", "thành phố", "quận", "huyện", "thôn", "khu phố", "tổ dân phố",
        "tp.", "tx.", "tt.",
    ]

    /// Hexadecimal UTF-8 decoded, or the text itself when it is not hexadecimal; nil when it is
    /// hexadecimal but not valid UTF-8 (or decodes to control characters).
    static func hexOrText(_ s: String) -> String? {
        let bytes = Array(s.utf8)
        let isHex = bytes.count >= 2 && bytes.count % 2 == 0 && bytes.allSatisfy { hexValue($0) != nil }
            && bytes.contains { !($0 >= 0x30 && $0 <= 0x39) }
        guard isHex else { return s }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count / 2)
        var i = 0
        while i + 1 < bytes.count {
            guard let hi = hexValue(bytes[i]), let lo = hexValue(bytes[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        guard let decoded = String(validating: out, as: UTF8.self),
              !decoded.unicodeScalars.contains(where: { $0.value < 0x20 || ($0.value >= 0x7F && $0.value < 0xA0) }) else { return nil }
        return decoded
    }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: b - 0x30
        case 0x41...0x46: b - 0x41 + 10
        case 0x61...0x66: b - 0x61 + 10
        default: nil
        }
    }

    static func dayMonthYear(_ s: String) -> String? {
        guard s.count == 8, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let c = Array(s)
        let iso = "\(String(c[4..<8]))-\(String(c[2..<4]))-\(String(c[0..<2]))"
        return VenueDay(iso) == nil ? nil : iso
    }

    /// `dd/mm/yyyy` → `YYYY-MM-DD`.
    static func slashDate(_ s: String) -> String? {
        let p = s.split(separator: "/", omittingEmptySubsequences: false)
        guard p.count == 3, p[0].count == 2, p[1].count == 2, p[2].count == 4 else { return nil }
        return dayMonthYear(String(p[0] + p[1] + p[2]))
    }

    static func isoDay(_ s: String) -> String? {
        VenueDay(s) == nil ? nil : s
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
