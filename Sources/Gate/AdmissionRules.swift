import Foundation
import KioskCore
import Records

/// Someone asking to come in, as the rules of entry see them, whatever the path: a scan, the
/// guard's form, a self check-in, or the guard confirming one.
struct AdmissionCandidate {
    var nameFolded: String
    var idHash: String?
    var phone: String?
    var badge: String?
    var invitation: CheckInRequest.InvitationUse?
    /// The verdict of a scanned code (yellow when the guard must look).
    var passDecision: Decision?
    var override: CheckInRequest.Override?
    /// What an open visit of the same person does: stop here (the gate), or only be noted for
    /// the guard (a self check-in typed on a phone, which may not be that person's and so must
    /// neither be refused for it nor tell whoever typed it that the person is inside).
    var openVisit = OpenVisitRule.stop
    /// A plausible temperature at or over the limit: what `[policy] fever` makes of it.
    var fever: Reason?
    /// The guard who saw the fever and let the visit go on (the form's second Enter).
    var feverConfirmedBy: String?
    /// False for a self check-in that waits for the guard: it takes no place until confirmed.
    var checkCapacity = true

    enum OpenVisitRule { case stop, note }
}

/// What the rules say.
enum AdmissionOutcome {
    /// The same person (id hash or phone) has a visit open: no second one is opened.
    case alreadyInside(Entry)
    /// Refused with nothing about the visitor kept (an invitation refused, capacity full).
    case refused(Decision)
    /// To record with this decision: admitted, flagged for the guard, overridden, or denied by
    /// the watch list (a refusal that must be on record).
    case decided(Decision, watchNote: String?)
}

extension GateService {
    /// The rules of entry — one open visit per person, one holder per badge, invitation uses
    /// and revocation, the watch list, capacity, a supervisor's override — in one place, run
    /// inside the write transaction by every path that lets someone in. The guard's
    /// confirmation of a self check-in once skipped all of them (issue 21): one function for
    /// both paths keeps them from drifting apart again.
    func admission(_ c: AdmissionCandidate, in tx: StoreTransaction) throws -> AdmissionOutcome {
        var notes: [Reason] = []
        if let open = try tx.insideVisit(idHash: c.idHash, phone: c.phone) {
            switch c.openVisit {
            case .stop: return .alreadyInside(open)
            case .note: notes.append(Reason(.alreadyInside, [insideSince(open), open.code]))
            }
        }
        if let badge = c.badge, let holder = try tx.insideVisit(badge: badge) {
            throw RuleViolation(.badgeInUse, [badge, holder.code])
        }
        // An invitation that no longer admits is refused like a full building: a supervisor may
        // still let the person in (the override is recorded with the visit).
        var invitationRefusal: Reason?
        /// A genuine invitation this gate has not received yet (another gate's, not synced).
        var invitationUnknown = false
        if let inv = c.invitation {
            if let record = try tx.invitation(id: inv.id) {
                let uses = try tx.invitationUses(id: inv.id)
                if let revoked = record.revokedAt {
                    invitationRefusal = Reason(.inviteRevoked, [calendar.localTimestamp(revoked)])
                } else if uses.count >= min(inv.allowedUses, record.uses), let last = uses.last {
                    invitationRefusal = Reason(.inviteUsedUp, [String(uses.count), calendar.localTimestamp(last.at)])
                }
            } else if config.building.database == nil || inv.signed == nil {
                invitationRefusal = Reason(.inviteNotIssuedHere)
            } else {
                invitationUnknown = true
            }
            // Else: genuine, issued at a gate not synced here yet; the scan's verdict is yellow
            // and the check-in keeps the invitation in this gate's log with its use.
            if let invitationRefusal, c.override == nil { return .refused(Decision(verdict: .deny, reasons: [invitationRefusal])) }
        }
        var decision = c.passDecision ?? Decision(verdict: .admit, reasons: [Reason(.admitted)])
        if let invitationRefusal { decision = Decision(verdict: .deny, reasons: [invitationRefusal]) }
        if invitationUnknown, decision.verdict != .deny {
            decision = Decision(verdict: .check, reasons: decision.reasons.filter { $0.key != .kindNeedsGuard } + [Reason(.inviteNotReceivedYet)])
        }
        let matches = try tx.watchMatches(nameFolded: c.nameFolded, idHash: c.idHash, phone: c.phone)
        let watchNote = matches.isEmpty ? nil : matches.map { "\($0.tag) \($0.action.rawValue)" }.joined(separator: ", ")
        if matches.contains(where: { $0.action == .deny }) {
            decision = Decision(verdict: .deny, reasons: [Reason(.watchDeny)])
        } else if !matches.isEmpty {
            decision = Decision(verdict: .check, reasons: (c.passDecision?.reasons ?? []) + [Reason(.watchAlert)])
        }
        if decision.verdict != .deny, !notes.isEmpty {
            decision = Decision(verdict: .check, reasons: (decision.verdict == .admit ? [] : decision.reasons) + notes)
        }
        if let fever = c.fever, decision.verdict != .deny {
            switch config.policy.fever {
            case .warn:
                break
            case .check:
                // Yellow: the guard looks; when the guard confirmed, that is on record too.
                var reasons = decision.reasons.filter { $0.key != .admitted } + [fever]
                if let by = c.feverConfirmedBy { reasons.append(Reason(.feverConfirmed, [by])) }
                decision = Decision(verdict: .check, reasons: reasons)
            case .deny:
                if c.override == nil { return .refused(Decision(verdict: .deny, reasons: [fever])) }
                decision = Decision(verdict: .deny, reasons: [fever])
            }
        }
        let capacity = config.venue.capacity
        if c.checkCapacity, decision.verdict != .deny, capacity > 0 {
            let inside = try tx.insideCount()
            if inside >= capacity {
                decision = Decision(verdict: .deny, reasons: [Reason(.capacityFull, [String(inside), String(capacity)])])
                // Refused for lack of room: nothing about the visitor is kept.
                if c.override == nil { return .refused(decision) }
            }
        }
        if decision.verdict == .deny, let o = c.override {
            decision = Decision(
                verdict: .admit,
                reasons: decision.reasons + [Reason(.overridden, [TextFolding.clean(o.by), TextFolding.clean(o.reason)])],
                overriddenBy: TextFolding.clean(o.by), overrideReason: TextFolding.clean(o.reason))
        }
        return .decided(decision, watchNote: watchNote)
    }
}
