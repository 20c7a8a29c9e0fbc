import Foundation
import KioskCore
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
    /// Recorded: pending until the guard confirms (guard-confirms), or inside (auto-admit).
    case recorded(Entry)
    /// This phone already has a visit waiting or open: the same one is shown again.
    case existing(Entry)
    /// Refused by a rule of the gate (watch list, capacity): nothing to show the guard but
    /// the refusal, which is on record.
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
        request.pending = config.checkinWeb.mode == .guardConfirms
        let result = try checkIn(request)
        // Inside already, or (guard-confirms) this phone's earlier self check-in still waiting.
        if let open = result.alreadyInside { return .existing(open) }
        guard let entry = result.recorded, entry.status != .denied else { return .refused(result.decision) }
        return .recorded(entry)
    }

    /// The guard confirms a self check-in (by scanning `KIN:CODE` or from the visits screen).
    public func confirmSelfCheckIn(code raw: String, guardName: String) throws -> Entry {
        guard let code = EntryCode.normalise(raw) else {
            throw RuleViolation(.noSuchVisit, [TextFolding.clean(String(raw.prefix(40)))])
        }
        let now = clock.now()
        return try store.write { tx in
            guard let visit = try tx.visit(code: code) else { throw RuleViolation(.noSuchVisit, [code]) }
            guard visit.status == .pending else {
                if visit.status == .inside { return visit }
                throw RuleViolation(.selfCheckInNotPending, [code, visit.status.rawValue])
            }
            return try tx.confirm(code: code, by: TextFolding.clean(guardName), at: now)
        }
    }

    /// Self check-ins waiting for the guard, oldest first.
    public func pendingSelfCheckIns() throws -> [Entry] {
        var q = VisitQuery()
        q.pendingOnly = true
        return try store.list(q)
    }

    /// Whether a token from a venue code is good now: the on-screen token of this slot or
    /// the one before, the print day's poster token, or none when posters carry none.
    public func acceptsVenueToken(_ token: String?) -> Bool {
        let now = clock.now()
        guard let token, !token.isEmpty else { return config.venue.posterToken == .none }
        if venueToken.accepts(token, at: now) { return true }
        if config.venue.posterToken == .daily {
            let expected = Array(venueToken.dailyToken(dayNumber: posterDayNumber()).utf8), given = Array(token.utf8)
            // Compared in constant time, like the screen token.
            return expected.count == given.count && zip(expected, given).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
        }
        return false
    }

    /// What the visitor's confirmation QR carries: the guard scans it to confirm.
    public func confirmationPayload(_ entry: Entry) -> String { "KIN:" + entry.code }
}
