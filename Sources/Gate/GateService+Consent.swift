import Crypto
import Foundation
import KioskCore

extension GateService {
    /// The notice a guard gives before recording a visitor, in the terminal's language, with
    /// this building's name, retention and contact filled in.
    public func privacyNotice(_ language: Language? = nil) -> String {
        PrivacyNotice.text(
            language ?? config.ui.language, controller: config.privacy.controller,
            retentionDays: config.records.retentionDays, contact: config.privacy.contact)
    }

    /// The consent a scanned code that admits by itself carries: the notice posted at the gate.
    public var gateNoticeConsent: ConsentGiven {
        ConsentGiven(channel: .gateNotice, text: privacyNotice(), language: config.ui.language)
    }

    /// The consent of a visitor the guard asked (`guard_consent = ask`, the box ticked).
    public var guardAskedConsent: ConsentGiven {
        ConsentGiven(channel: .guardAsked, text: privacyNotice(), language: config.ui.language)
    }

    /// The legal basis this visit is recorded on (Law 91/2025), and the text to keep: the
    /// configured basis other than consent; or the visitor's consent through its channel,
    /// refused when the guard must ask and did not.
    func legalBasis(_ request: CheckInRequest, at now: Date) throws -> (record: ConsentRecord, shown: ConsentGiven?) {
        let p = config.privacy
        let at = ISOTime.format(now)
        guard p.basis == .consent else {
            let record = ConsentRecord(
                basis: p.basis.rawValue, channel: ConsentChannel.configured.rawValue, text_sha256: nil,
                version: p.consentVersion, language: nil, at: at, reference: p.basisReference)
            return (record, nil)
        }
        let given: ConsentGiven
        if let c = request.consent {
            given = c
        } else if request.method == .selfService {
            throw RuleViolation(.consentRequired)
        } else {
            given = ConsentGiven(channel: .guardNotice, text: privacyNotice(), language: config.ui.language)
        }
        // Under `ask`, a visit the guard types needs the visitor's yes, not only the notice.
        if given.channel == .guardNotice, p.guardConsent == .ask { throw RuleViolation(.guardConsentRequired) }
        let text = TextFolding.clean(given.text)
        let record = ConsentRecord(
            basis: LegalBasis.consent.rawValue, channel: given.channel.rawValue, text_sha256: Self.sha256Hex(text),
            version: p.consentVersion, language: given.language.rawValue, at: at, reference: nil)
        return (record, ConsentGiven(channel: given.channel, text: text, language: given.language))
    }

    static func sha256Hex(_ text: String) -> String {
        hex(SHA256.hash(data: Array(text.utf8)))
    }
}
