import KioskCore

/// Unsigned identity codes: the PC-Covid personal QR and the QR on a chip ID card (CCCD).
/// Nothing in them is verified, so they only prefill the visitor's details and the visit is
/// marked self-declared; parsing is defensive because both come in several shapes.
public struct IdentityDetails: Equatable, Sendable {
    public var idNumber: String?
    public var oldIdNumber: String?
    public var name: String
    /// `YYYY-MM-DD`.
    public var dateOfBirth: String?
    public var sex: String?
    public var address: String?
    /// `YYYY-MM-DD`.
    public var issueDate: String?
}

public enum IdentityQR {
    public enum Failure: Error, Equatable, Sendable {
        case notThisFormat
    }

    /// The CCCD QR: `CCCD12|CMND9|Họ và tên|DDMMYYYY|Nam/Nữ|address|DDMMYYYY`, or the 6-field
    /// form without the old CMND.
    public static func cccd(_ text: String) throws(Failure) -> IdentityDetails {
        var f = text.split(separator: "|", omittingEmptySubsequences: false).map { TextFolding.clean(String($0)) }
        guard f.count == 6 || f.count == 7 else { throw .notThisFormat }
        if f.count == 6 { f.insert("", at: 1) }
        guard f[0].count == 12, f[0].allSatisfy({ $0.isASCII && $0.isNumber }) else { throw .notThisFormat }
        guard f[1].isEmpty || (f[1].count == 9 && f[1].allSatisfy({ $0.isASCII && $0.isNumber })) else { throw .notThisFormat }
        guard !f[2].isEmpty, let dob = dayMonthYear(f[3]) else { throw .notThisFormat }
        return IdentityDetails(
            idNumber: f[0], oldIdNumber: f[1].isEmpty ? nil : f[1], name: f[2], dateOfBirth: dob,
            sex: f[4].isEmpty ? nil : f[4], address: f[5].isEmpty ? nil : f[5], issueDate: dayMonthYear(f[6]))
    }

    /// The PC-Covid personal QR v1.1: `idNumber|NAME|YYYY-MM-DD|declType|QID|EXT`. The id number
    /// may be partly masked (`******`) and the name upper case without diacritics.
    public static func personal(_ text: String) throws(Failure) -> IdentityDetails {
        let f = text.split(separator: "|", omittingEmptySubsequences: false).map { TextFolding.clean(String($0)) }
        guard (3...6).contains(f.count) else { throw .notThisFormat }
        let id = f[0]
        guard id.count >= 6, id.count <= 20, id.allSatisfy({ ($0.isASCII && ($0.isNumber || $0.isLetter)) || $0 == "*" }) else {
            throw .notThisFormat
        }
        guard !f[1].isEmpty, f[1].count <= Validation.maxNameLength, let dob = isoDay(f[2]) else { throw .notThisFormat }
        return IdentityDetails(idNumber: id, oldIdNumber: nil, name: f[1], dateOfBirth: dob, sex: nil, address: nil, issueDate: nil)
    }

    static func dayMonthYear(_ s: String) -> String? {
        guard s.count == 8, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let c = Array(s)
        let iso = "\(String(c[4..<8]))-\(String(c[2..<4]))-\(String(c[0..<2]))"
        return VenueDay(iso) == nil ? nil : iso
    }

    static func isoDay(_ s: String) -> String? {
        VenueDay(s) == nil ? nil : s
    }
}
