import Foundation
import KioskCore
import Records

/// The application service every front end calls: the CLI today, the guard terminal and the
/// web form later. It applies the rules (validation, one open visit per person, badges,
/// watch list, capacity) and writes through `Store`, reading time only from its clock.
public struct GateService: Sendable {
    public let config: KioskConfig
    public let store: Store
    public let clock: any KioskClock
    public let hasher: IdHasher
    /// Signer certificates for HC1 codes, from `[passes] trust_dir`.
    public var trust: TrustStore

    public init(config: KioskConfig, store: Store, clock: any KioskClock, hasher: IdHasher, trust: TrustStore = TrustStore()) {
        self.config = config
        self.store = store
        self.clock = clock
        self.hasher = hasher
        self.trust = trust
    }

    public var calendar: VenueCalendar { config.calendar }
    public var language: Language { config.ui.language }

    // MARK: Check-in

    public func checkIn(_ request: CheckInRequest) throws -> CheckInResult {
        var details = request.details.cleaned()
        // Dropped before validation: a field that is not kept cannot refuse a visit.
        if !config.records.keepAddress { details.address = nil }
        if let error = Validation.errors(details).first { throw RuleViolation(error.key, error.args) }
        // Refused on every path (CLI, batch, terminal, web): `inf` or `1e300` is a mistake,
        // not a fever, and must never reach the log or a screen that draws it.
        if let t = request.temperature, let refusal = Validation.temperatureRefusal(t) {
            throw RuleViolation(refusal.key, refusal.args)
        }
        let category = request.category.map { TextFolding.clean($0).lowercased() } ?? config.records.categories.first ?? "visitor"
        guard config.records.categories.contains(category) else {
            throw RuleViolation(.unknownCategory, [category, config.records.categories.joined(separator: ", ")])
        }
        if let o = request.override, TextFolding.clean(o.by).isEmpty || TextFolding.clean(o.reason).isEmpty {
            throw RuleViolation(.overrideNeedsReason)
        }
        if let gate = request.gate { try validateGate(gate) }
        let badge = request.badge.map(TextFolding.clean).flatMap { $0.isEmpty ? nil : $0 }
        let (idHash, phoneKey) = personKeys(details, identityKey: request.identityKey)
        let now = clock.now()
        var warnings = Validation.warnings(details, temperature: request.temperature, feverLimit: config.policy.temperatureLimit)
        let limit = config.policy.temperatureLimit
        let fever = request.temperature.map { $0 >= limit && Validation.plausibleTemperatures.contains($0) } ?? false
        let feverReason = request.temperature.map { Reason(.temperatureOverLimit, [Validation.format1($0), Validation.format1(limit)]) }
        // Under `check` and `deny` the fever is part of the decision, not a side warning.
        if fever, config.policy.fever != .warn { warnings.removeAll { $0.key == .temperatureHigh } }
        let gateName = request.gate ?? config.venue.gate
        /// A refusal that keeps no visit row is still one the guard saw: counted as an event.
        func refuse(_ tx: StoreTransaction, _ reason: Reason, previous: Entry? = nil) throws -> CheckInResult {
            try tx.recordRefusal(reason: reason.key, method: request.method.rawValue, gate: gateName, at: now)
            return CheckInResult(decision: Decision(verdict: .deny, reasons: [reason]), recorded: nil, alreadyInside: nil, previousVisit: previous, warnings: warnings)
        }

        return try store.write { tx in
            if let open = try tx.insideVisit(idHash: idHash, phone: phoneKey) {
                let since = calendar.localTime(open.checkedInAt)
                return CheckInResult(
                    decision: Decision(verdict: .check, reasons: [Reason(.alreadyInside, [since, open.code])]),
                    recorded: nil, alreadyInside: open, previousVisit: nil, warnings: warnings)
            }
            // Looked up in the same transaction as the insert: two submissions from one phone
            // at once must not both queue the visitor.
            if request.method == .selfService, let phoneKey, let waiting = try tx.pendingVisit(phone: phoneKey) {
                return CheckInResult(
                    decision: Decision(verdict: .check, reasons: [Reason(.selfCheckInWaiting, [waiting.code])]),
                    recorded: nil, alreadyInside: waiting, previousVisit: nil, warnings: warnings)
            }
            if let badge, let holder = try tx.insideVisit(badge: badge) {
                throw RuleViolation(.badgeInUse, [badge, holder.code])
            }
            let previous = try tx.lastVisit(idHash: idHash, phone: phoneKey)
            if request.reuseLastDetails, let p = previous?.details {
                details.organisation = details.organisation ?? p.organisation
                details.host = details.host ?? p.host
                details.purpose = details.purpose ?? p.purpose
                details.phone = details.phone ?? p.phone
            }

            // An invitation that no longer admits is refused like a full building: a supervisor
            // may still let the person in (the override is recorded with the visit).
            var invitationRefusal: Reason?
            if let inv = request.invitation {
                if let record = try tx.invitation(id: inv.id) {
                    let uses = try tx.invitationUses(id: inv.id)
                    if let revoked = record.revokedAt {
                        invitationRefusal = Reason(.inviteRevoked, [calendar.localTimestamp(revoked)])
                    } else if uses.count >= min(inv.allowedUses, record.uses), let last = uses.last {
                        invitationRefusal = Reason(.inviteUsedUp, [String(uses.count), calendar.localTimestamp(last.at)])
                    }
                } else {
                    invitationRefusal = Reason(.inviteNotIssuedHere)
                }
                if let invitationRefusal, request.override == nil { return try refuse(tx, invitationRefusal) }
            }
            var decision = request.passDecision ?? Decision(verdict: .admit, reasons: [Reason(.admitted)])
            if let invitationRefusal { decision = Decision(verdict: .deny, reasons: [invitationRefusal]) }
            let matches = try tx.watchMatches(nameFolded: TextFolding.fold(details.name), idHash: idHash, phone: phoneKey)
            let watchNote = matches.isEmpty ? nil : matches.map { "#\($0.id) \($0.action.rawValue)" }.joined(separator: ", ")
            if matches.contains(where: { $0.action == .deny }) {
                decision = Decision(verdict: .deny, reasons: [Reason(.watchDeny)])
            } else if !matches.isEmpty {
                let passReasons = request.passDecision?.reasons ?? []
                decision = Decision(verdict: .check, reasons: passReasons + [Reason(.watchAlert)])
            }
            if fever, decision.verdict != .deny, let feverReason {
                switch config.policy.fever {
                case .warn:
                    break
                case .check:
                    // Yellow: the guard looks; when the guard confirmed, that is on record too.
                    var reasons = decision.reasons.filter { $0.key != .admitted } + [feverReason]
                    if request.feverConfirmed { reasons.append(Reason(.feverConfirmed, [TextFolding.clean(request.guardName)])) }
                    decision = Decision(verdict: .check, reasons: reasons)
                case .deny:
                    if request.override == nil { return try refuse(tx, feverReason, previous: previous) }
                    decision = Decision(verdict: .deny, reasons: [feverReason])
                }
            }
            let capacity = config.venue.capacity
            if decision.verdict != .deny, capacity > 0 {
                let inside = try tx.insideCount()
                if inside >= capacity {
                    let full = Reason(.capacityFull, [String(inside), String(capacity)])
                    // Refused for lack of room: nothing about the visitor is kept.
                    if request.override == nil { return try refuse(tx, full, previous: previous) }
                    decision = Decision(verdict: .deny, reasons: [full])
                }
            }
            if decision.verdict == .deny, let o = request.override {
                decision = Decision(
                    verdict: .admit,
                    reasons: decision.reasons + [Reason(.overridden, [TextFolding.clean(o.by), TextFolding.clean(o.reason)])],
                    overriddenBy: TextFolding.clean(o.by), overrideReason: TextFolding.clean(o.reason))
            }

            let storedId: String?
            switch config.records.idStorage {
            case .full: storedId = details.idNumber
            case .masked: storedId = details.idNumber.map { Masking.isMasked($0) ? $0 : Masking.mask($0) }
            case .hashed: storedId = nil
            }
            var stored = details
            stored.idNumber = storedId
            let entry = Entry(
                code: "", venue: config.venue.id, gate: gateName, category: category,
                method: request.method, status: .inside, checkedInAt: now, details: stored,
                idStorage: config.records.idStorage, idHash: idHash, badge: badge,
                temperature: request.temperature, symptoms: request.symptoms,
                declaration: request.declaration.mapValues(TextFolding.clean), app: request.app,
                passSummary: request.passSummary.map(TextFolding.clean),
                // A self check-in waiting for the guard is kept, but the visitor is not inside yet.
                decision: request.pending && decision.verdict != .deny ? "pending" : decision.recordedValue, reasons: decision.reasons.map { $0.key.rawValue },
                overriddenBy: decision.overriddenBy, overrideReason: decision.overrideReason,
                watchMatch: watchNote, guardName: TextFolding.clean(request.guardName))
            // A clock set back (a dead RTC battery, a bad NTP step) is recorded as it reads, and
            // said: the chain keeps the order things happened, the times are what the clock said.
            var warnings = warnings
            if let latest = try tx.latestCheckIn(), now < latest.addingTimeInterval(-60) {
                warnings.append(Reason(.clockBehind, [calendar.localTimestamp(now), calendar.localTimestamp(latest)]))
            }
            let recorded = try tx.insert(entry, at: now)
            if let inv = request.invitation, recorded.status != .denied {
                try tx.recordInvitationUse(id: inv.id, visitCode: recorded.code, at: now)
            }
            return CheckInResult(decision: decision, recorded: recorded, alreadyInside: nil, previousVisit: previous, warnings: warnings)
        }
    }

    /// What recognises a person across visits: the keyed hash of the id number (or of the
    /// scanned code's identity), and the phone.
    private func personKeys(_ details: VisitorDetails, identityKey: String?) -> (idHash: String?, phone: String?) {
        let idHash = details.idNumber.flatMap { Masking.isMasked($0) ? nil : hasher.hash($0) }
            ?? identityKey.map { hasher.hash($0) }
        return (idHash, details.phone.flatMap { Masking.isMasked($0) ? nil : $0 })
    }

    /// The visit this person has open now, if any: the terminal asks before opening a form
    /// for a scanned ID card, so a second scan says "already inside since 08:41".
    public func openVisit(for request: CheckInRequest) throws -> Entry? {
        let keys = personKeys(request.details.cleaned(), identityKey: request.identityKey)
        guard keys.idHash != nil || keys.phone != nil else { return nil }
        return try store.read { tx in try tx.insideVisit(idHash: keys.idHash, phone: keys.phone) }
    }

    // MARK: Check-out

    public enum CheckOutResult: Sendable {
        case checkedOut(Entry)
        /// Already closed: nothing changed.
        case alreadyClosed(Entry)
    }

    /// Closes a visit by entry code (also accepts `KOUT:CODE`).
    public func checkOut(code raw: String) throws -> CheckOutResult {
        var text = raw.trimmingCharacters(in: .whitespaces)
        if text.uppercased().hasPrefix("KOUT:") { text = String(text.dropFirst(5)) }
        guard let code = EntryCode.normalise(text) else {
            throw RuleViolation(.noSuchVisit, [TextFolding.clean(String(text.prefix(40)))])
        }
        let now = clock.now()
        return try store.write { tx in
            guard let visit = try tx.visit(code: code) else { throw RuleViolation(.noSuchVisit, [code]) }
            switch visit.status {
            case .inside:
                try refuseExitBeforeEntry(visit, now)
                return .checkedOut(try tx.checkOut(code: code, at: now))
            case .denied: throw RuleViolation(.visitWasDenied, [code])
            case .pending: throw RuleViolation(.visitPending, [code])
            case .left, .autoClosed: return .alreadyClosed(visit)
            }
        }
    }

    /// Closes the open visit holding a badge.
    public func checkOut(badge raw: String) throws -> CheckOutResult {
        let badge = TextFolding.clean(raw)
        let now = clock.now()
        return try store.write { tx in
            if let visit = try tx.insideVisit(badge: badge) {
                try refuseExitBeforeEntry(visit, now)
                return .checkedOut(try tx.checkOut(code: visit.code, at: now))
            }
            // Handed back again (a double scan, a second press): say when it already left,
            // provided that was today; an old visit with the same badge number is not news.
            if let last = try tx.latestVisit(badge: badge), calendar.day(of: last.checkedInAt) == calendar.day(of: now) {
                return .alreadyClosed(last)
            }
            throw RuleViolation(.noVisitWithBadge, [badge])
        }
    }

    /// A clock set back would record an exit before the entry: refused, with the reason.
    private func refuseExitBeforeEntry(_ visit: Entry, _ now: Date) throws {
        guard now < visit.checkedInAt else { return }
        throw RuleViolation(.clockBeforeCheckIn, [calendar.localTimestamp(now), visit.code, calendar.localTimestamp(visit.checkedInAt)])
    }

    // MARK: Reading

    /// Visits of a day (nil: any day), oldest first; with `newest`, only the last that many,
    /// newest first — what a screen shows without loading a busy day whole.
    public func list(day: VenueDay?, insideOnly: Bool, search: String?, newest: Int? = nil) throws -> [Entry] {
        var q = VisitQuery(insideOnly: insideOnly, search: search, limit: newest)
        q.newestFirst = newest != nil
        if let day {
            let i = calendar.interval(of: day)
            q.from = i.start
            q.to = i.end
        }
        return try store.list(q)
    }

    public func today() -> VenueDay { calendar.day(of: clock.now()) }

    /// Visits, refusals and who is inside, without the breakdowns of `stats`.
    public func counts(day: VenueDay) throws -> DayStats {
        let i = calendar.interval(of: day)
        return try store.counts(from: i.start, to: i.end)
    }

    public func stats(day: VenueDay) throws -> DayStats {
        let i = calendar.interval(of: day)
        return try store.stats(from: i.start, to: i.end, calendar: calendar)
    }

    public func trace(code raw: String, margin: TimeInterval) throws -> (Entry, [TraceContact]) {
        guard let code = EntryCode.normalise(raw.hasPrefix("KOUT:") ? String(raw.dropFirst(5)) : raw),
            let result = try store.trace(code: code, margin: margin, now: clock.now())
        else { throw RuleViolation(.noSuchVisit, [TextFolding.clean(String(raw.prefix(40)))]) }
        return result
    }

    public func audit() throws -> AuditReport { try store.audit() }

    // MARK: Watch list

    public func addWatch(name: String?, idNumber: String?, phone: String?, action: WatchEntry.Action, note: String?) throws -> Int64 {
        let folded = name.map(TextFolding.fold).flatMap { $0.isEmpty ? nil : $0 }
        let idHash = idNumber.map(TextFolding.clean).flatMap { $0.isEmpty ? nil : hasher.hash($0) }
        let phoneKey = phone.map(TextFolding.clean).flatMap { $0.isEmpty ? nil : Validation.normalisePhone($0) }
        guard folded != nil || idHash != nil || phoneKey != nil else { throw RuleViolation(.watchNeedsCriterion) }
        return try store.addWatch(
            nameFolded: folded, idHash: idHash, phone: phoneKey, action: action,
            note: note.map(TextFolding.clean), at: clock.now())
    }

    public func removeWatch(id: Int64) throws {
        guard try store.removeWatch(id: id, at: clock.now()) else { throw RuleViolation(.watchNotFound, [String(id)]) }
    }

    public func watchList() throws -> [WatchEntry] { try store.watchList() }
}

extension GateService {
    /// Opens the configured log and key file: what a front end calls at start-up.
    public static func open(config: KioskConfig, clock: any KioskClock) throws -> GateService {
        let store = try Store(path: config.records.database)
        let hasher = try IdHasher.loadOrCreate(path: config.records.keyFile)
        return GateService(config: config, store: store, clock: clock, hasher: hasher, trust: loadTrust(config.passes.trustDir))
    }

    public func visit(code: String) throws -> Entry? {
        try store.visit(code: code)
    }
}

extension GateService {
    /// The one-line answer to a check-out, in the configured language; every front end
    /// says it the same way.
    public func message(for result: CheckOutResult) -> String {
        switch result {
        case .checkedOut(let e):
            return L10n.text(.checkedOut, language, [e.details.name, e.code, e.checkedOutAt.map(calendar.localTime) ?? "?"])
        case .alreadyClosed(let e):
            return L10n.text(.alreadyCheckedOut, language, [e.code, (e.checkedOutAt ?? e.autoClosedAt).map(calendar.localTimestamp) ?? "?"])
        }
    }
}
