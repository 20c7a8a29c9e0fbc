import Foundation
import KioskCore
import Notify
import Printing
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
    /// The slip printer's worker, started by the front end that prints (the guard terminal,
    /// one-shot check-ins); nil: slips are not printed by this process.
    public var printer: SlipPrinter?
    /// The outbox's worker, started by the front end that runs all day (the guard terminal,
    /// `kiosk serve`); nil: messages wait in the outbox for whichever process delivers them.
    public var notifier: Notifier?

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
        let basis = try legalBasis(request, at: now)
        /// A refusal that keeps no visit row is still one the guard saw: counted as an event.
        func refuse(_ tx: StoreTransaction, _ reason: Reason, previous: Entry? = nil) throws -> CheckInResult {
            try tx.recordRefusal(reason: reason.key, method: request.method.rawValue, gate: gateName, at: now)
            return CheckInResult(decision: Decision(verdict: .deny, reasons: [reason]), recorded: nil, alreadyInside: nil, previousVisit: previous, warnings: warnings)
        }

        let result = try store.write { tx -> CheckInResult in
            var candidate = AdmissionCandidate(
                nameFolded: TextFolding.fold(details.name), idHash: idHash, phone: phoneKey, badge: badge,
                invitation: request.invitation, passDecision: request.passDecision, override: request.override,
                // A phone's word that someone is inside is no reason to refuse or to tell: the
                // self check-in waits for the guard, who sees the open visit when confirming.
                openVisit: request.method == .selfService ? .note : .stop)
            if fever, let feverReason {
                candidate.fever = feverReason
                candidate.feverConfirmedBy = request.feverConfirmed ? TextFolding.clean(request.guardName) : nil
            }
            // A self check-in waiting for the guard takes no place yet: room is checked when the
            // guard confirms. Refusing it here for a full house would also answer a phone
            // differently from an ordinary submission (the review of issue 21 read the watch
            // list through that difference).
            candidate.checkCapacity = !request.pending
            let previous = try tx.lastVisit(idHash: idHash, phone: phoneKey)
            let decision: Decision, watchNote: String?
            switch try admission(candidate, in: tx) {
            case .alreadyInside(let open):
                let since = insideSince(open)
                return CheckInResult(
                    decision: Decision(verdict: .check, reasons: [Reason(.alreadyInside, [since, open.code])]),
                    recorded: nil, alreadyInside: open, previousVisit: nil, warnings: warnings)
            case .refused(let refusal):
                let previous = refusal.reasons.first?.key == .capacityFull ? previous : nil
                guard let reason = refusal.reasons.first else {
                    return CheckInResult(decision: refusal, recorded: nil, alreadyInside: nil, previousVisit: previous, warnings: warnings)
                }
                return try refuse(tx, reason, previous: previous)
            case .decided(let d, let note):
                decision = d
                watchNote = note
            }
            if request.reuseLastDetails, let p = previous?.details {
                details.organisation = details.organisation ?? p.organisation
                details.host = details.host ?? p.host
                details.purpose = details.purpose ?? p.purpose
                details.phone = details.phone ?? p.phone
            }
            // A self check-in waits for the guard when so configured, and also in auto-admit
            // mode when the rules want the guard's eyes (a watch-list alert, the same phone or
            // id already inside): a phone is never let in past what the gate would flag.
            let pending = request.pending || (request.method == .selfService && decision.verdict == .check)
            // A host the directory knows is recorded as the directory names them (`nguyen van
            // an` typed → `Nguyễn Văn An (Kế toán)`): the log, exports and slips read right.
            let known = try uniqueHost(details.host, in: tx)
            if let known { details.host = known.label }
            let host = known.flatMap { channels(of: $0).isEmpty ? nil : $0 }
            // `[notify] approval = walk-ins`: a visitor without an invitation whose host the
            // directory knows waits for the host's yes, at the desk and on a phone that would
            // otherwise be let in at once (auto-admit). Not a phone's submission waiting for
            // the guard (guard-confirms, or the rules want the guard's eyes): the guard decides
            // those, and the host hears of the arrival when the guard confirms. Not under a
            // supervisor's override either (the supervisor decided).
            let awaitingHost = host != nil && config.notify.approval == .walkIns && request.invitation == nil
                && request.override == nil && decision.verdict != .deny && !pending

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
                declaration: request.declaration.mapValues(TextFolding.clean).merging(basis.record.declaration) { _, recorded in recorded },
                app: request.app,
                passSummary: request.passSummary.map(TextFolding.clean),
                // A self check-in waiting for the guard is kept, but the visitor is not inside yet.
                decision: awaitingHost ? "awaiting-host" : pending && decision.verdict != .deny ? "pending" : decision.recordedValue,
                reasons: decision.reasons.map { $0.key.rawValue },
                overriddenBy: decision.overriddenBy, overrideReason: decision.overrideReason,
                watchMatch: watchNote, guardName: TextFolding.clean(request.guardName))
            // A clock set back (a dead RTC battery, a bad NTP step) is recorded as it reads, and
            // said: the chain keeps the order things happened, the times are what the clock said.
            var warnings = warnings
            if let latest = try tx.latestCheckIn(), now < latest.addingTimeInterval(-60) {
                warnings.append(Reason(.clockBehind, [calendar.localTimestamp(now), calendar.localTimestamp(latest)]))
            }
            let recorded = try tx.insert(entry, at: now)
            if let shown = basis.shown, let sha = basis.record.text_sha256 {
                try tx.keepConsentText(
                    sha256: sha, version: config.privacy.consentVersion, language: shown.language.rawValue,
                    channel: shown.channel.rawValue, text: shown.text, at: now)
            }
            if let inv = request.invitation, recorded.status != .denied {
                if let signed = inv.signed, try tx.invitation(id: inv.id) == nil { try tx.keepSignedInvitation(signed, at: now) }
                try tx.recordInvitationUse(id: inv.id, visitCode: recorded.code, at: now)
            }
            var shown = decision
            var notified: String?
            if let host, awaitingHost {
                try enqueueHostMessages(host, code: recorded.code, kind: .approval, in: tx, at: now)
                // What the rules flagged (a watch-list alert) stays in view; "admitted" does not.
                shown = Decision(verdict: .check, reasons: [Reason(.awaitingHost, [host.label])] + (decision.verdict == .check ? decision.reasons : []))
                notified = host.label
            } else if let host, recorded.status == .inside {
                try enqueueHostMessages(host, code: recorded.code, kind: .arrival, in: tx, at: now)
                notified = host.label
            }
            var result = CheckInResult(decision: shown, recorded: recorded, alreadyInside: nil, previousVisit: previous, warnings: warnings)
            result.notifiedHost = notified
            return result
        }
        if result.notifiedHost != nil { notifier?.wake() }
        // A phone's own check-in is not at the desk: its slip is the picture on the phone,
        // and the printer prints when the guard confirms it.
        return request.method == .selfService ? result : slipAfterCheckIn(result)
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
            guard let visit = try tx.visit(code: code) else {
                // A visit of another gate of the building (the replica): checked out here, in
                // this gate's chain; its own gate records the exit when it syncs.
                guard let remote = try tx.replicaVisit(code: code) else { throw RuleViolation(.noSuchVisit, [code]) }
                switch remote.status {
                case .inside:
                    // No "exit before entry" check here: the entry was timed by another gate's
                    // clock, which may be a little ahead; the building orders both by corrected time.
                    return .checkedOut(try tx.remoteCheckOut(origin: remote.gate, code: code, by: config.venue.gate, at: now))
                case .denied: throw RuleViolation(.visitWasDenied, [code])
                case .pending: throw RuleViolation(.visitPending, [code])
                case .unconfirmed: throw RuleViolation(.selfCheckInExpired, [code, calendar.localTimestamp(remote.checkedInAt)])
                case .autoClosed where try tx.replicaClosedByGuess(code: code):
                    return .checkedOut(try tx.remoteCheckOut(origin: remote.gate, code: code, by: config.venue.gate, at: now))
                case .left, .autoClosed: return .alreadyClosed(remote)
                }
            }
            switch visit.status {
            case .inside:
                try refuseExitBeforeEntry(visit, now)
                return .checkedOut(try tx.checkOut(code: code, at: now))
            case .denied: throw RuleViolation(.visitWasDenied, [code])
            // A walk-in who gave up waiting for the host: closed as never let in, so the
            // guard's banner and the host's link stop waiting for them.
            case .pending where visit.decision == "awaiting-host": return .checkedOut(try tx.withdraw(code: code, at: now))
            case .pending: throw RuleViolation(.visitPending, [code])
            case .unconfirmed: throw RuleViolation(.selfCheckInExpired, [code, calendar.localTimestamp(visit.checkedInAt)])
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

    /// "08:41", or "08:41 (lobby)" for a visit open at another gate of the building.
    public func insideSince(_ open: Entry) -> String {
        let time = calendar.localTime(open.checkedInAt)
        return open.gate == config.venue.gate ? time : "\(time) (\(open.gate))"
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
        // The key first: the store seals its chain with a key derived from it.
        let hasher = try IdHasher.loadOrCreate(path: config.records.keyFile)
        let seals = SealRegister(keyFile: config.records.keyFile)
        let database = config.records.database
        let store = try Store(path: database, chainKey: hasher.chainKey, mayReseal: !seals.contains(database))
        try seals.add(database)
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
            return L10n.text(.checkedOut, language, [e.details.name, e.code, (e.checkedOutAt ?? e.autoClosedAt).map(calendar.localTime) ?? "?"])
        case .alreadyClosed(let e):
            return L10n.text(.alreadyCheckedOut, language, [e.code, (e.checkedOutAt ?? e.autoClosedAt).map(calendar.localTimestamp) ?? "?"])
        }
    }
}
