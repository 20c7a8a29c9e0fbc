import Foundation
import KioskCore
import Notify
import Records

/// What a visitor fills in on the phone (the self check-in form).
public struct SelfCheckInForm: Sendable, Equatable {
    public var name: String
    public var phone: String
    public var idNumber: String?
    public var organisation: String?
    public var host: String?
    public var purpose: String?
    /// One answer per `[checkin_web] questions`, in order: true = yes.
    public var answers: [Bool?]
    public var consent: Bool
    /// The exact consent text the form showed, and in which language: what the tick agreed to.
    public var consentText: String?
    public var language: Language = .vi
    /// The gate whose venue code was scanned (`?g=`).
    public var gate: String

    public init(name: String, phone: String, idNumber: String? = nil, organisation: String? = nil, host: String? = nil,
                purpose: String? = nil, answers: [Bool?] = [], consent: Bool, gate: String) {
        self.name = name
        self.phone = phone
        self.idNumber = idNumber
        self.organisation = organisation
        self.host = host
        self.purpose = purpose
        self.answers = answers
        self.consent = consent
        self.gate = gate
    }
}

/// The form's problems, field by field, so each is shown next to its field.
public struct SelfCheckInRefusal: Error, Sendable, Equatable {
    /// Field name (`name`, `phone`, `id_number`, …, `answer_0`, `consent`) → what is wrong.
    public var fields: [String: Reason]
}

/// What became of a self check-in.
public enum SelfCheckInOutcome: Sendable {
    /// Recorded: pending until the guard confirms (guard-confirms, or whenever the rules want
    /// the guard), or inside (auto-admit). Also when the phone or id typed is already inside
    /// or waiting: the answer must not tell whoever typed it, and the guard sorts it out.
    case recorded(Entry)
    /// Refused for lack of room: nothing recorded, nothing about anyone told.
    case refused(Decision)
}

extension GateService {
    /// Validates the form with the rules of the guard's form plus what a self check-in needs
    /// (a phone to reach the visitor, explicit consent), then records it through the same
    /// check-in as every other visit.
    public func selfCheckIn(_ form: SelfCheckInForm) throws -> SelfCheckInOutcome {
        let details = VisitorDetails(
            name: form.name, idNumber: form.idNumber, phone: form.phone.isEmpty ? nil : Validation.normalisePhone(form.phone),
            organisation: form.organisation, host: form.host, purpose: form.purpose
        ).cleaned()
        var problems: [String: Reason] = [:]
        for e in Validation.errors(details) {
            let field = e.key == .nameRequired ? "name" : (e.args.first ?? "name")
            problems[field] = problems[field] ?? e
        }
        if details.phone == nil {
            problems["phone"] = Reason(.phoneRequired)
        } else if let p = details.phone, !Validation.isValidPhone(p) {
            problems["phone"] = Reason(.phoneUnusual)
        }
        if let id = details.idNumber, Validation.idKind(id) == .unknown {
            problems["id_number"] = Reason(.idNumberUnusual)
        }
        let questions = config.checkinWeb.questions
        for (i, _) in questions.enumerated() where (form.answers.count > i ? form.answers[i] : nil) == nil {
            problems["answer_\(i)"] = Reason(.nameRequired)
        }
        if !form.consent { problems["consent"] = Reason(.consentRequired) }
        guard config.venue.gates.contains(form.gate) else {
            throw RuleViolation(.unknownGate, [TextFolding.clean(String(form.gate.prefix(40))), config.venue.gates.joined(separator: ", ")])
        }
        if !problems.isEmpty { throw SelfCheckInRefusal(fields: problems) }

        var request = CheckInRequest(details: details, guardName: "self-service")
        request.method = .selfService
        request.gate = form.gate
        request.symptoms = form.answers.first.flatMap { $0 }
        for i in questions.indices {
            request.declaration["q\(i + 1)"] = (form.answers.count > i ? form.answers[i] : nil) == true ? "yes" : "no"
        }
        request.declaration["consent"] = "yes"
        request.consent = ConsentGiven(
            channel: .webForm,
            text: form.consentText ?? WebConsent.text(form.language, venue: config.venue.name, retentionDays: config.records.retentionDays),
            language: form.language)
        request.pending = config.checkinWeb.mode == .guardConfirms
        let result = try checkIn(request)
        // Nothing about anyone comes back to the phone but this submission's own visit. A
        // watch-list denial is on record and answered like any visit waiting for the guard
        // (who is shown the denial on scanning it): a different answer would tell whoever
        // typed a name or number that it is on the list.
        guard let entry = result.recorded else { return .refused(result.decision) }
        return .recorded(entry)
    }

    /// The guard confirms a self check-in (by scanning `KIN:CODE` or from the visits screen).
    /// Every rule of the gate is applied again here, in the confirming transaction: the
    /// visitor's answers were given minutes or hours ago, by a phone, and since then the venue
    /// may have filled, the watch list changed, or the same person come in another way.
    ///
    /// The answer is a `CheckInResult` like any check-in's: `recorded` is the visit when the
    /// confirmation changed it (now inside, or denied by the watch list, which stays on
    /// record); `alreadyInside` is the open visit when this code was confirmed before or the
    /// same person is inside on another visit (the pending one stays unconfirmed and is closed
    /// at the automatic check-out); neither when refused for capacity (a supervisor may
    /// override, as at the gate).
    public func confirmSelfCheckIn(code raw: String, guardName: String, override: CheckInRequest.Override? = nil) throws -> CheckInResult {
        guard let code = EntryCode.normalise(raw) else {
            throw RuleViolation(.noSuchVisit, [TextFolding.clean(String(raw.prefix(40)))])
        }
        if let o = override, TextFolding.clean(o.by).isEmpty || TextFolding.clean(o.reason).isEmpty {
            throw RuleViolation(.overrideNeedsReason)
        }
        let now = clock.now()
        let who = TextFolding.clean(guardName)
        return slipAfterCheckIn(try store.write { tx -> CheckInResult in
            guard let visit = try tx.visit(code: code) else { throw RuleViolation(.noSuchVisit, [code]) }
            switch visit.status {
            // Erased on the visitor's request while waiting: nobody is left to let in.
            case .pending where visit.details.name.isEmpty: throw RuleViolation(.noSuchVisit, [code])
            case .pending where visit.decision == "awaiting-host" && override == nil:
                // The host has the say; the guard may only go past them with a supervisor.
                let host = try approvalHostLabel(code: code, in: tx)
                return CheckInResult(
                    decision: Decision(verdict: .check, reasons: [Reason(.hostAwaitingOverride, [code, host])]),
                    recorded: nil, alreadyInside: nil, previousVisit: nil, warnings: [])
            case .pending: break
            case .inside:
                // The same confirmation scanned again: say since when, as for any second scan.
                return CheckInResult(
                    decision: Decision(verdict: .check, reasons: [Reason(.alreadyInside, [calendar.localTime(visit.checkedInAt), visit.code])]),
                    recorded: nil, alreadyInside: visit, previousVisit: nil, warnings: [])
            case .autoClosed, .unconfirmed:
                throw RuleViolation(.selfCheckInExpired, [code, calendar.localTimestamp(visit.checkedInAt)])
            case .denied where visit.finalDecision == "refused-by-host":
                let host = try approvalHostLabel(code: code, in: tx)
                return CheckInResult(
                    decision: Decision(verdict: .deny, reasons: [Reason(.hostRefused, [host, visit.details.name, code])]),
                    recorded: nil, alreadyInside: nil, previousVisit: nil, warnings: [])
            case .denied where visit.method == .selfService:
                // Refused when submitted (the watch list): the guard is shown why, again.
                let reasons = visit.reasons.compactMap { MessageKey(rawValue: $0) }.filter { $0 != .admitted }.map { Reason($0) }
                return CheckInResult(
                    decision: Decision(verdict: .deny, reasons: reasons.isEmpty ? [Reason(.watchDeny)] : reasons),
                    recorded: nil, alreadyInside: nil, previousVisit: nil, warnings: [])
            case .left, .denied:
                throw RuleViolation(.selfCheckInNotPending, [code, visit.status.rawValue])
            }
            // Yesterday's answers are not today's: the visitor checks in again.
            guard calendar.day(of: visit.checkedInAt) == calendar.day(of: now) else {
                throw RuleViolation(.selfCheckInExpired, [code, calendar.localTimestamp(visit.checkedInAt)])
            }
            let candidate = AdmissionCandidate(
                nameFolded: TextFolding.fold(visit.details.name), idHash: visit.idHash,
                phone: visit.details.phone.flatMap { Masking.isMasked($0) ? nil : $0 }, override: override)
            switch try admission(candidate, in: tx) {
            case .alreadyInside(let open):
                return CheckInResult(
                    decision: Decision(verdict: .check, reasons: [Reason(.alreadyInside, [insideSince(open), open.code])]),
                    recorded: nil, alreadyInside: open, previousVisit: nil, warnings: [])
            case .refused(let refusal):
                return CheckInResult(decision: refusal, recorded: nil, alreadyInside: nil, previousVisit: nil, warnings: [])
            case .decided(var decision, let watchNote):
                var note: [(String, String)] = []
                if let watchNote { note.append(("watch_match", watchNote)) }
                // Past a host who has not answered: the supervisor's word is the decision,
                // recorded as an override like one past a denial.
                if visit.decision == "awaiting-host", let o = override, decision.admits, decision.overriddenBy == nil {
                    decision = Decision(verdict: .admit, reasons: [Reason(.overridden, [TextFolding.clean(o.by), TextFolding.clean(o.reason)])],
                        overriddenBy: TextFolding.clean(o.by), overrideReason: TextFolding.clean(o.reason))
                    note.append(("host_not_answered", try approvalHostLabel(code: code, in: tx)))
                }
                if let by = decision.overriddenBy {
                    note.append(("overridden_by", by))
                    note.append(("override_reason", decision.overrideReason ?? ""))
                }
                let entry = try tx.confirm(code: code, by: who, at: now, admitted: decision.admits, decision: decision.recordedValue, note: note)
                // Let in by the guard: the host hears of it as of any arrival (a walk-in
                // approved past the host by a supervisor included).
                var notified: String?
                if entry.status == .inside, let host = try notifiableHost(entry.details.host, in: tx) {
                    try enqueueHostMessages(host, code: code, kind: .arrival, in: tx, at: now)
                    notified = host.label
                }
                let shown = decision.verdict == .admit && decision.overriddenBy == nil
                    ? Decision(verdict: .admit, reasons: [Reason(.selfCheckInConfirmed, [entry.details.name, entry.code])])
                    : decision
                var result = CheckInResult(decision: shown, recorded: entry, alreadyInside: nil, previousVisit: nil, warnings: [])
                result.notifiedHost = notified
                return result
            }
        }).notifyingHost(notifier)
    }

    /// Self check-ins waiting for the guard, oldest first.
    public func pendingSelfCheckIns() throws -> [Entry] {
        var q = VisitQuery()
        q.pendingOnly = true
        return try store.list(q)
    }

    /// Whether a token from a venue code is good at `date` (default now): the on-screen token
    /// of that slot or the one before, that day's poster token, or none when posters carry
    /// none. The form server asks at GET time and again, for the time the form was served, at
    /// POST time.
    public func acceptsVenueToken(_ token: String?, at date: Date? = nil) -> Bool {
        let now = date ?? clock.now()
        guard let token, !token.isEmpty else { return config.venue.posterToken == .none }
        if venueToken.accepts(token, at: now) { return true }
        if config.venue.posterToken == .daily {
            let expected = Array(venueToken.dailyToken(dayNumber: posterDayNumber(at: now)).utf8), given = Array(token.utf8)
            // Compared in constant time, like the screen token.
            return expected.count == given.count && zip(expected, given).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
        }
        return false
    }

    /// What the visitor's confirmation QR carries: the guard scans it to confirm.
    public func confirmationPayload(_ entry: Entry) -> String { "KIN:" + entry.code }
}

extension CheckInResult {
    /// Wakes the outbox's worker when this result queued a message.
    func notifyingHost(_ notifier: Notifier?) -> CheckInResult {
        if notifiedHost != nil { notifier?.wake() }
        return self
    }
}
