import Foundation
import Gate
import KioskCore

/// The large panel on the main screen: what the last scan or entry came to.
public struct VerdictPanel: Equatable, Sendable {
    public enum Tone: Equatable, Sendable { case admit, deny, check, neutral }
    public var tone: Tone
    public var headline: String
    /// What was scanned or done ("Health certificate (HC1)").
    public var source: String
    public var name: String?
    public var lines: [String]
    public var code: String?
    public var badge: String?
    /// A watch-list match, shown small in the guard's corner only.
    public var discreetTag: String?

    static func tone(_ v: Verdict) -> Tone {
        switch v {
        case .admit: .admit
        case .deny: .deny
        case .check: .check
        }
    }

    static func headline(_ v: Verdict, _ lang: Language) -> String {
        switch v {
        case .admit: UIText.text(.admit, lang)
        case .deny: UIText.text(.deny, lang)
        case .check: UIText.text(.check, lang)
        }
    }

    static func kindLabel(_ kind: ScanKind?, _ lang: Language) -> String {
        switch kind {
        case .hc1: UIText.text(.kindHC1, lang)
        case .invite: UIText.text(.kindInvite, lang)
        case .personalQR: UIText.text(.kindPersonalQR, lang)
        case .cccd: UIText.text(.kindCCCD, lang)
        case .checkout: UIText.text(.kindCheckout, lang)
        case .selfCheckIn: UIText.text(.kindSelfCheckIn, lang)
        case .unknown: UIText.text(.kindUnknown, lang)
        case nil: UIText.text(.kindManual, lang)
        }
    }

    /// A decision as the guard sees it. Watch-list reasons are replaced by a neutral
    /// instruction: the panel is readable from across the desk, the list is not for the visitor.
    static func from(decision: Decision, kind: ScanKind?, name: String?, recorded: Entry?, warnings: [Reason], lang: Language) -> VerdictPanel {
        let watch = decision.reasons.contains { $0.key == .watchAlert || $0.key == .watchDeny }
        var lines: [String] = []
        for r in decision.reasons {
            switch r.key {
            case .watchDeny: lines.append(UIText.text(.watchDenyCallSupervisor, lang))
            case .watchAlert: lines.append(UIText.text(.watchCallSupervisor, lang))
            default: lines.append(r.text(lang))
            }
        }
        lines += warnings.map { $0.text(lang) }
        return VerdictPanel(
            tone: tone(decision.verdict), headline: headline(decision.verdict, lang), source: kindLabel(kind, lang),
            name: name.map(TextFolding.clean), lines: lines, code: recorded?.code, badge: recorded?.badge,
            discreetTag: watch ? UIText.text(.watchTag, lang, [recorded?.watchMatch ?? ""]) : nil)
    }
}
