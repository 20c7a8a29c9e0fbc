import Foundation
import KioskCore

/// Everything a front end knows about a visitor at the moment of check-in.
public struct CheckInRequest: Sendable {
    public var details: VisitorDetails
    public var method: EntryMethod = .manual
    public var category: String?
    public var badge: String?
    public var temperature: Double?
    public var symptoms: Bool?
    public var declaration: [String: String] = [:]
    public var app: AppStatus?
    public var passSummary: String?
    /// A supervisor letting the visitor in despite a denial (capacity, watch list).
    public var override: Override?
    /// Fill fields left empty from the visitor's last visit.
    public var reuseLastDetails = false
    /// A self check-in waiting for the guard: recorded as pending when admitted.
    public var pending = false
    /// The gate the visitor came through when it is not this terminal's (a phone that scanned
    /// another gate's venue code); nil: `[venue] gate`.
    public var gate: String?
    /// For a scanned code without an id number (HC1, invitation): a stable key of the person
    /// or code, hashed like an id number, so a second scan finds the open visit.
    public var identityKey: String?
    /// The verdict of the scanned code (yellow when the guard must look).
    public var passDecision: Decision?
    /// An invitation whose uses are counted and revocation checked in the same transaction.
    public var invitation: InvitationUse?
    /// The guard saw a temperature at or above the limit and let the visitor in
    /// (`[policy] fever = check`): recorded with the visit.
    public var feverConfirmed = false
    /// How the visitor agreed, with the exact text (the web form's tick, the guard's "informed
    /// and agreed"); nil: the guard recorded the visit under the notice, which
    /// `[privacy] guard_consent = ask` refuses.
    public var consent: ConsentGiven?

    public struct InvitationUse: Sendable, Equatable {
        public var id: String
        public var allowedUses: Int
        /// What the verified code itself says: with a building log, a genuine invitation issued
        /// at another gate and not synced here yet is kept from it (see `admission`).
        public var signed: InvitationRecord?
        public init(id: String, allowedUses: Int, signed: InvitationRecord? = nil) {
            self.id = id
            self.allowedUses = allowedUses
            self.signed = signed
        }
    }
    public var guardName: String

    public struct Override: Sendable, Equatable {
        public var by: String
        public var reason: String
        public init(by: String, reason: String) {
            self.by = by
            self.reason = reason
        }
    }

    public init(details: VisitorDetails, guardName: String) {
        self.details = details
        self.guardName = guardName
    }
}

/// What happened at check-in. Exactly one of `recorded` or `alreadyInside` is set, unless the
/// visitor was refused without a record (capacity).
public struct CheckInResult: Sendable {
    public var decision: Decision
    /// The visit as written (admitted, flagged, or denied by the watch list).
    public var recorded: Entry?
    /// The open visit of the same person (for a self check-in, also the same phone's visit
    /// still waiting for the guard): no second visit was opened.
    public var alreadyInside: Entry?
    /// The visitor's previous visit, offered for reuse.
    public var previousVisit: Entry?
    /// Things the guard should look at; never blocking.
    public var warnings: [Reason]
    /// The printer job of this visit's slip, when one was queued (`SlipPrinter.outcome(of:)`).
    public var slipJob: Int?
    /// The host told of this visit (or asked to approve it), as the directory names them.
    public var notifiedHost: String?

    public init(decision: Decision, recorded: Entry?, alreadyInside: Entry?, previousVisit: Entry?, warnings: [Reason], slipJob: Int? = nil) {
        self.decision = decision
        self.recorded = recorded
        self.alreadyInside = alreadyInside
        self.previousVisit = previousVisit
        self.warnings = warnings
        self.slipJob = slipJob
    }
}
