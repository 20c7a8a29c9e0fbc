/// The verdict shown to the guard, in the Khánh Hòa colours.
public enum Verdict: String, Codable, Sendable {
    /// Green: let in.
    case admit
    /// Yellow: let in, but the guard must look (watch-list alert, unverified code).
    case check
    /// Red: do not let in.
    case deny
}

/// Why a decision came out as it did, as a key the UI translates.
public struct Reason: Equatable, Codable, Sendable {
    public var key: MessageKey
    public var args: [String]

    public init(_ key: MessageKey, _ args: [String] = []) {
        self.key = key
        self.args = args
    }

    public func text(_ language: Language) -> String {
        L10n.text(key, language, args)
    }
}

/// The outcome of a check-in attempt.
public struct Decision: Equatable, Codable, Sendable {
    public var verdict: Verdict
    public var reasons: [Reason]
    /// Who let the visitor in despite a denial, and why.
    public var overriddenBy: String?
    public var overrideReason: String?

    public init(
        verdict: Verdict, reasons: [Reason] = [], overriddenBy: String? = nil,
        overrideReason: String? = nil
    ) {
        self.verdict = verdict
        self.reasons = reasons
        self.overriddenBy = overriddenBy
        self.overrideReason = overrideReason
    }

    /// The word stored in the log's `decision` column.
    public var recordedValue: String {
        if overriddenBy != nil { return "overridden" }
        switch verdict {
        case .admit: return "admitted"
        case .check: return "admitted-alert"
        case .deny: return "denied"
        }
    }

    public var admits: Bool { verdict != .deny }
}
