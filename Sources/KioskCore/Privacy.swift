import Foundation

/// The personal-data side of a deployment (`[privacy]`, Law 91/2025/QH15 and Decree 356/2025):
/// on what basis visits are recorded, how the guard's visitors agree, and whom to ask.
public struct PrivacySettings: Equatable, Sendable {
    /// How a visitor the guard records agrees (`guard_consent`).
    public enum GuardConsent: String, Equatable, Sendable, CaseIterable {
        /// The guard's form has a "visitor informed and agreed" box, never ticked in advance;
        /// nothing typed by the guard is saved without it.
        case ask
        /// The visitor is shown the notice (posted at the desk, read out) and the visit records
        /// that the notice was given.
        case notice
    }

    public var guardConsent = GuardConsent.notice
    public var basis = LegalBasis.consent
    /// The law, decree or contract a basis other than consent rests on (required then).
    public var basisReference = ""
    /// The version of the consent and notice texts, recorded with each visit.
    public var consentVersion = "2026-01"
    /// Who decides on the processing (the building's management); default: the venue's name.
    public var controller = ""
    /// Where a visitor sends a request to see or erase their data.
    public var contact = ""
}

/// The legal basis a visit is recorded on. Law 91/2025 allows processing without consent only in
/// the cases it lists; a building names one of them with the law or contract it rests on.
public enum LegalBasis: String, Equatable, Sendable, CaseIterable, Codable {
    case consent
    case contract
    case legalObligation = "legal-obligation"
    case vitalInterest = "vital-interest"
    case publicInterest = "public-interest"
}

/// Through which channel a visitor agreed or was told.
public enum ConsentChannel: String, Equatable, Sendable, CaseIterable, Codable {
    /// Ticked the (never pre-ticked) box of the self check-in form.
    case webForm = "web-form"
    /// The guard asked and ticked "visitor informed and agreed" (`guard_consent = ask`).
    case guardAsked = "guard-asked"
    /// The guard recorded the visit with the notice given (`guard_consent = notice`).
    case guardNotice = "guard-notice"
    /// A code scanned at the gate that admits by itself, under the notice posted there.
    case gateNotice = "gate-notice"
    /// Not consent: `[privacy] basis` names another legal basis.
    case configured
}

/// What a front end tells the check-in about the visitor's agreement: the exact text shown.
public struct ConsentGiven: Equatable, Sendable {
    public var channel: ConsentChannel
    public var text: String
    public var language: Language
    public init(channel: ConsentChannel, text: String, language: Language) {
        self.channel = channel
        self.text = text
        self.language = language
    }
}

/// The legal basis of one visit as recorded with it (and in the chain, inside the check-in
/// event): which text, its version, when and how. It lives in the visit's declaration under
/// `consent_*` keys, so older logs and other gates carry it without a schema change.
public struct ConsentRecord: Equatable, Sendable, Encodable {
    public var basis: String
    public var channel: String
    /// SHA-256 (hex) of the exact text shown; the text itself is kept in `consent_text`.
    public var text_sha256: String?
    public var version: String?
    public var language: String?
    /// ISO 8601 UTC.
    public var at: String?
    /// The law or contract a basis other than consent rests on.
    public var reference: String?

    public init(basis: String, channel: String, text_sha256: String?, version: String?, language: String?, at: String?, reference: String?) {
        self.basis = basis
        self.channel = channel
        self.text_sha256 = text_sha256
        self.version = version
        self.language = language
        self.at = at
        self.reference = reference
    }

    static let keys = ["consent_basis", "consent_channel", "consent_text", "consent_version", "consent_language", "consent_at", "consent_reference"]

    /// The declaration entries that hold it.
    public var declaration: [String: String] {
        var d = ["consent_basis": basis, "consent_channel": channel]
        d["consent_text"] = text_sha256
        d["consent_version"] = version
        d["consent_language"] = language
        d["consent_at"] = at
        d["consent_reference"] = reference
        return d
    }

    /// Read back from a visit's declaration. A self check-in recorded before consent records
    /// existed says only `consent = yes`: that is the web form's tick, text unknown.
    public init?(declaration d: [String: String]) {
        if let basis = d["consent_basis"], let channel = d["consent_channel"] {
            self.init(basis: basis, channel: channel, text_sha256: d["consent_text"], version: d["consent_version"],
                      language: d["consent_language"], at: d["consent_at"], reference: d["consent_reference"])
        } else if d["consent"] == "yes" {
            self.init(basis: LegalBasis.consent.rawValue, channel: ConsentChannel.webForm.rawValue, text_sha256: nil,
                      version: nil, language: nil, at: nil, reference: nil)
        } else {
            return nil
        }
    }

    /// The declaration without the consent entries (what the visitor answered).
    public static func answers(_ d: [String: String]) -> [String: String] {
        d.filter { !keys.contains($0.key) && $0.key != "consent" }
    }
}

/// The notice a guard gives (reads out, or points to on the desk) before recording a visitor:
/// what is collected, why, for how long, and the visitor's rights. Its exact text is what a
/// guard-recorded visit's consent refers to.
public enum PrivacyNotice {
    public static func text(_ language: Language, controller: String, retentionDays: Int, contact: String) -> String {
        let ask = contact.isEmpty ? (language == .vi ? " Liên hệ: ban quản lý tòa nhà." : " Contact: the building's management.")
            : (language == .vi ? " Liên hệ: \(contact)." : " Contact: \(contact).")
        switch language {
        case .vi:
            return "\(controller) ghi nhận họ tên, số giấy tờ (chỉ lưu một phần hoặc mã hóa), số điện thoại, đơn vị, người cần gặp, giờ ra vào và, khi được hỏi, nhiệt độ, triệu chứng và khai báo y tế của khách để kiểm soát ra vào tòa nhà và truy vết khi cơ quan y tế yêu cầu. Dữ liệu lưu \(retentionDays) ngày rồi tự động xóa, không dùng cho mục đích khác. Khách có quyền xem, nhận bản sao và yêu cầu xóa dữ liệu của mình (Luật 91/2025/QH15).\(ask)"
        case .en:
            return "\(controller) records visitors' names, ID numbers (partly or as a keyed hash), phone numbers, organisation, whom they visit, times in and out and, when asked, temperature, symptoms and health declaration, to control entry to the building and to trace contacts if health authorities ask. The data is kept \(retentionDays) days, then deleted automatically, and used for nothing else. Visitors may see, receive a copy of and ask for erasure of their data (Law 91/2025/QH15).\(ask)"
        }
    }

}

/// The sentence the self check-in form's consent box shows (never ticked in advance); kept
/// here so that the visit can record the hash of exactly these words.
public enum WebConsent {
    public static func text(_ language: Language, venue: String, retentionDays: Int) -> String {
        text(language, venue: venue, retentionDays: String(retentionDays))
    }

    public static func text(_ language: Language, venue: String, retentionDays: String) -> String {
        switch language {
        case .vi: "Tôi đồng ý để \(venue) ghi nhận các thông tin trên nhằm kiểm soát ra vào và truy vết khi có yêu cầu của cơ quan y tế. Thông tin được lưu \(retentionDays) ngày rồi tự động xóa, không dùng cho mục đích khác."
        case .en: "I agree that \(venue) records the details above to control entry and, if health authorities ask, to trace contacts. They are kept \(retentionDays) days and then deleted automatically, and used for nothing else."
        }
    }
}
