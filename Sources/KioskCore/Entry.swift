import Foundation

/// One visit as the log holds it.
public struct Entry: Equatable, Codable, Sendable {
    public enum Status: String, Codable, Sendable {
        /// Checked in, not yet out.
        case inside
        /// Checked out by the guard or the visitor.
        case left
        /// Closed by the automatic check-out; the real exit time is unknown.
        case autoClosed = "auto-closed"
        /// Refused at the gate; kept because the refusal itself must be on record.
        case denied
        /// Checked in from the visitor's phone, waiting for the guard to confirm at the gate.
        case pending
        /// A self check-in the guard never confirmed, closed by the automatic check-out: the
        /// person was never let in, so it is no visit, no contact and no one inside.
        case unconfirmed
    }

    public var code: String
    public var venue: String
    public var gate: String
    public var category: String
    public var method: EntryMethod
    public var status: Status
    public var checkedInAt: Date
    /// The real exit time; nil while inside and for visits closed automatically.
    public var checkedOutAt: Date?
    /// When the automatic check-out closed the visit (never presented as an exit time).
    public var autoClosedAt: Date?
    public var details: VisitorDetails
    /// How `details.idNumber` is stored (full, masked, or absent because only hashed).
    public var idStorage: IdStorage
    /// Keyed hash of the id number: "seen before?" without storing the number.
    public var idHash: String?
    public var badge: String?
    public var temperature: Double?
    public var symptoms: Bool?
    public var declaration: [String: String]
    public var app: AppStatus?
    public var passSummary: String?
    public var decision: String
    public var reasons: [String]
    public var overriddenBy: String?
    public var overrideReason: String?
    public var watchMatch: String?
    public var guardName: String
    /// A self check-in the guard confirmed: when, by whom, and the decision the rules gave
    /// then (`decision` stays what the phone's submission was given: `pending`).
    public var confirmedAt: Date?
    public var confirmedBy: String?
    public var confirmedDecision: String?
    /// What was decided in the end: the confirmation's decision, else the check-in's.
    public var finalDecision: String { confirmedDecision ?? decision }

    public init(
        code: String, venue: String, gate: String, category: String, method: EntryMethod,
        status: Status, checkedInAt: Date, checkedOutAt: Date? = nil, autoClosedAt: Date? = nil,
        details: VisitorDetails, idStorage: IdStorage, idHash: String? = nil, badge: String? = nil,
        temperature: Double? = nil, symptoms: Bool? = nil, declaration: [String: String] = [:],
        app: AppStatus? = nil, passSummary: String? = nil, decision: String,
        reasons: [String] = [], overriddenBy: String? = nil, overrideReason: String? = nil,
        watchMatch: String? = nil, guardName: String,
        confirmedAt: Date? = nil, confirmedBy: String? = nil, confirmedDecision: String? = nil
    ) {
        self.code = code
        self.venue = venue
        self.gate = gate
        self.category = category
        self.method = method
        self.status = status
        self.checkedInAt = checkedInAt
        self.checkedOutAt = checkedOutAt
        self.autoClosedAt = autoClosedAt
        self.details = details
        self.idStorage = idStorage
        self.idHash = idHash
        self.badge = badge
        self.temperature = temperature
        self.symptoms = symptoms
        self.declaration = declaration
        self.app = app
        self.passSummary = passSummary
        self.decision = decision
        self.reasons = reasons
        self.overriddenBy = overriddenBy
        self.overrideReason = overrideReason
        self.watchMatch = watchMatch
        self.guardName = guardName
        self.confirmedAt = confirmedAt
        self.confirmedBy = confirmedBy
        self.confirmedDecision = confirmedDecision
    }

    public var isInside: Bool { status == .inside }

    /// The end of the visit for overlap questions: the exit, else the automatic close,
    /// else (still inside) `now`.
    public func end(now: Date) -> Date {
        checkedOutAt ?? autoClosedAt ?? now
    }
}
