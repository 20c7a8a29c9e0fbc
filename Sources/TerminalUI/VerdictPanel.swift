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
    /// The venue time of the verdict ("11:18"), set when it is shown: a verdict left standing
    /// must say when it was given.
    public var time: String?
    /// When it was shown, in seconds of the terminal's uptime (monotonic, injectable).
    public var shownAt: Double?
    /// Past `[ui] verdict_seconds`, or after the next key: drawn neutral, without the name,
    /// so the next visitor never reads it as theirs.
    public var faded = false

    public init(
        tone: Tone, headline: String, source: String, name: String?, lines: [String], code: String?, badge: String?,
        discreetTag: String?
    ) {
        self.tone = tone
        self.headline = headline
        self.source = source
        self.name = name
        self.lines = lines
        self.code = code
        self.badge = badge
        self.discreetTag = discreetTag
    }

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
        case .bhyt: UIText.text(.kindBHYT, lang)
        case .checkout: UIText.text(.kindCheckout, lang)
        case .selfCheckIn: UIText.text(.kindSelfCheckIn, lang)
        case .unknown: UIText.text(.kindUnknown, lang)
        case nil: UIText.text(.kindManual, lang)
        }
    }

    /// How a recorded visit came in, in the words of `kindLabel`: the panel and the export
    /// must name the same method (an overridden CCCD visit is not "manual").
    static func methodLabel(_ method: EntryMethod, _ lang: Language) -> String {
        switch method {
        case .hc1: kindLabel(.hc1, lang)
        case .invite: kindLabel(.invite, lang)
        case .personalQR: kindLabel(.personalQR, lang)
        case .cccd: kindLabel(.cccd, lang)
        case .bhyt: kindLabel(.bhyt, lang)
        case .manual: kindLabel(nil, lang)
        case .selfService: kindLabel(.selfCheckIn, lang)
        }
    }

    /// A decision as the guard sees it. Watch-list reasons are replaced by a neutral
    /// instruction: the panel is readable from across the desk, the list is not for the visitor.
    static func from(decision: Decision, kind: ScanKind?, name: String?, recorded: Entry?, warnings: [Reason], lang: Language) -> VerdictPanel {
        let watch = decision.reasons.contains { $0.key == .watchAlert || $0.key == .watchDeny }
        var lines: [String] = []
        // An override admits: the denial's instructions ("do not admit") no longer hold, only
        // who allowed it and why.
        let reasons = decision.overriddenBy != nil ? decision.reasons.filter { $0.key == .overridden } : decision.reasons
        for r in reasons {
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
            discreetTag: watch || recorded?.watchMatch != nil ? UIText.text(.watchTag, lang, [L10n.watchMatch(recorded?.watchMatch ?? "", lang)]) : nil)
    }
}
