import Foundation
import KioskCore
import Notify
import Records

/// What became of a host's answer on the approval page.
public enum HostAnswer: Sendable, Equatable {
    /// The visitor is inside now.
    case approved(Entry)
    /// The visit is refused, on record.
    case refused(Entry)
    /// The host said yes but the rules of the gate say no now (the building filled, the watch
    /// list): the visit still waits, and the guard sees why.
    case approvedButHeld(Entry, Decision)
    /// Answered before (by this host, another link of theirs, or the guard): what was decided.
    case alreadyDecided(Entry)
    /// The visit's day is over: nobody waits any more.
    case expired(Entry)
}

/// What the approval page shows before the host answers.
public struct HostApprovalView: Sendable, Equatable {
    public var visit: Entry
    public var hostLabel: String
    public var waiting: Bool
    public var expired: Bool
}

extension GateService {
    /// The approval links of this building: keyed with a secret derived from `key_file`.
    public var approvalLink: ApprovalLink {
        ApprovalLink(key: hasher.derivedKey("host-approval"), publicURL: config.checkinWeb.publicURL, venue: config.venue.id)
    }

    /// The outbox's worker for a front end that runs all day; `start()` it, and `stop()` it on
    /// the way out.
    public func makeNotifier() -> Notifier {
        Notifier(store: store, config: config, clock: clock, links: approvalLink)
    }

    /// The host a visit's "whom" names, if exactly one in the directory does and the kiosk can
    /// reach them. An ambiguous name (two people, no department) tells nobody: a message to the
    /// wrong person is a visitor's name given to a stranger.
    func notifiableHost(_ text: String?, in tx: StoreTransaction) throws -> HostRecord? {
        guard let host = try uniqueHost(text, in: tx), !channels(of: host).isEmpty else { return nil }
        return host
    }

    /// The one directory host `text` names; nil for none or several.
    func uniqueHost(_ text: String?, in tx: StoreTransaction) throws -> HostRecord? {
        guard let text, !text.isEmpty else { return nil }
        let found = try tx.hosts(matching: text)
        return found.count == 1 ? found.first : nil
    }

    func channels(of host: HostRecord) -> [(OutboxItem.Channel, String)] {
        var list: [(OutboxItem.Channel, String)] = []
        if let email = host.email, config.notify.emailEnabled { list.append((.email, email)) }
        if let webhook = host.webhook { list.append((.webhook, webhook)) }
        return list
    }

    /// Queues the host's messages in the visit's transaction.
    func enqueueHostMessages(_ host: HostRecord, code: String, kind: OutboxItem.Kind, in tx: StoreTransaction, at now: Date) throws {
        let end = calendar.interval(of: calendar.day(of: now)).end
        for (channel, recipient) in channels(of: host) {
            try tx.enqueueNotification(visitCode: code, kind: kind, channel: channel, host: host, recipient: recipient, at: now, expires: end)
        }
    }

    /// The host named in a visit's approval message (the directory may have changed since).
    func approvalHostLabel(code: String, in tx: StoreTransaction) throws -> String {
        try tx.approvalHostName(visitCode: code) ?? ""
    }

    /// Visits waiting for their host's yes, oldest first, with the host each waits for.
    public func awaitingHost() throws -> [(visit: Entry, host: String, heldAfterYes: Bool)] {
        var q = VisitQuery()
        q.pendingOnly = true
        let list = try store.list(q).filter { $0.decision == "awaiting-host" }
        guard !list.isEmpty else { return [] }
        return try store.read { tx in
            let held = try tx.heldApprovals(codes: list.map(\.code))
            return try list.map { ($0, try approvalHostLabel(code: $0.code, in: tx), held.contains($0.code)) }
        }
    }

    /// What the approval page shows; nil for a forged or mistyped link (the page says only
    /// "not valid", never whether the code exists).
    public func hostApprovalView(code raw: String, token: String?) throws -> HostApprovalView? {
        guard let code = EntryCode.normalise(raw), approvalLink.accepts(token, code: code) else { return nil }
        let now = clock.now()
        return try store.read { tx -> HostApprovalView? in
            guard let visit = try tx.visit(code: code), visit.decision == "awaiting-host", !visit.details.name.isEmpty,
                try tx.approvalStands(visitCode: code)
            else { return nil }
            let expired = visit.status == .pending && calendar.day(of: visit.checkedInAt) != calendar.day(of: now)
            return HostApprovalView(
                visit: visit, hostLabel: try approvalHostLabel(code: code, in: tx),
                waiting: visit.status == .pending && !expired, expired: expired || visit.status == .unconfirmed)
        }
    }

    /// The host's yes or no, from the approval page. nil for a forged link. A yes applies
    /// the rules of the gate again in the same transaction (the building may have filled, the
    /// watch list changed, the visitor come in another way since the message left).
    public func answerHost(code raw: String, token: String?, approve: Bool) throws -> HostAnswer? {
        guard let code = EntryCode.normalise(raw), approvalLink.accepts(token, code: code) else { return nil }
        let now = clock.now()
        let answer = try store.write { tx -> HostAnswer? in
            // A host removed from the directory since answers for nobody.
            guard let visit = try tx.visit(code: code), visit.decision == "awaiting-host", !visit.details.name.isEmpty,
                try tx.approvalStands(visitCode: code)
            else { return nil }
            guard visit.status == .pending else {
                return visit.status == .unconfirmed ? .expired(visit) : .alreadyDecided(visit)
            }
            guard calendar.day(of: visit.checkedInAt) == calendar.day(of: now) else { return .expired(visit) }
            let host = try approvalHostLabel(code: code, in: tx)
            let by = "host: " + (host.isEmpty ? "?" : host)
            guard approve else {
                let entry = try tx.confirm(code: code, by: by, at: now, admitted: false, decision: "refused-by-host")
                return .refused(entry)
            }
            let candidate = AdmissionCandidate(
                nameFolded: TextFolding.fold(visit.details.name), idHash: visit.idHash,
                phone: visit.details.phone.flatMap { Masking.isMasked($0) ? nil : $0 })
            switch try admission(candidate, in: tx) {
            case .alreadyInside(let open):
                try tx.noteHeldApproval(code: code, at: now)
                return .approvedButHeld(visit, Decision(verdict: .check, reasons: [Reason(.alreadyInside, [insideSince(open), open.code])]))
            case .refused(let refusal):
                // Kept, so the guard's screen says the host agreed and a supervisor decides.
                try tx.noteHeldApproval(code: code, at: now)
                return .approvedButHeld(visit, refusal)
            case .decided(let decision, let watchNote):
                var note: [(String, String)] = []
                if let watchNote { note.append(("watch_match", watchNote)) }
                if decision.verdict == .deny {
                    let entry = try tx.confirm(code: code, by: by, at: now, admitted: false, decision: decision.recordedValue, note: note)
                    return .approvedButHeld(entry, decision)
                }
                // What the gate flagged at check-in (a fever, a pass to look at, a watch-list
                // alert) stays on record: the host's yes lets the visitor in, it does not
                // clear the alert.
                let flagged = visit.reasons.contains { $0 != MessageKey.admitted.rawValue } || decision.verdict == .check
                let recorded = flagged && decision.overriddenBy == nil ? "admitted-alert" : decision.recordedValue
                let entry = try tx.confirm(code: code, by: by, at: now, admitted: true, decision: recorded, note: note)
                return .approved(entry)
            }
        }
        // No slip here: the guard terminal that shows the waiting visitor prints it when it sees
        // the visit turn green (this may be `kiosk serve`, with no printer of its own).
        return answer
    }
}

// MARK: The directory and the outbox, for the command line

extension GateService {
    /// Reads and imports a host CSV: all or nothing.
    public func importHosts(csv data: Data) throws -> (result: HostImportResult, total: Int) {
        let hosts: [HostRecord]
        do {
            hosts = try HostDirectoryFile.parse(data)
        } catch {
            throw HostFileRefused(problem: error.description)
        }
        let result = try store.importHosts(hosts, at: clock.now())
        return (result, try store.hosts().count)
    }

    public func hostDirectory() throws -> [HostRecord] { try store.hosts() }

    public func removeHost(id: Int64) throws -> HostRecord {
        guard let removed = try store.removeHost(id: id, at: clock.now()) else { throw RuleViolation(.hostNoSuch, [String(id)]) }
        return removed
    }

    /// Hosts whose name or department contains the folded text, for suggestions as the
    /// guard or visitor types: at most `limit`, names starting with it first.
    public func suggestHosts(_ text: String, limit: Int = 8) throws -> [HostRecord] {
        let folded = TextFolding.fold(text).split(separator: " ").joined(separator: " ")
        guard folded.count >= 2 else { return [] }
        /// Vietnamese people are called by the last word of their name (`anh Đức`): a match
        /// there comes first, then a word that starts with it, then anywhere in name and
        /// department (`an ke toan`).
        func rank(_ h: HostRecord) -> Int? {
            let name = TextFolding.fold(h.name), words = name.split(separator: " ")
            if name == folded { return 0 }
            if words.last.map(String.init) == folded { return 1 }
            if name.hasPrefix(folded) { return 2 }
            if words.contains(where: { $0.hasPrefix(folded) }) { return 3 }
            let all = TextFolding.fold(h.name + " " + h.department).replacingOccurrences(of: "(", with: "").replacingOccurrences(of: ")", with: "")
            if all.contains(folded) { return 4 }
            return nil
        }
        let ranked = try store.hosts().compactMap { h in rank(h).map { (h, $0) } }
        return Array(ranked.sorted { ($0.1, TextFolding.fold($0.0.label)) < ($1.1, TextFolding.fold($1.0.label)) }.map(\.0).prefix(limit))
    }

    /// How many hosts have exactly this (folded) name: more than one tells nobody.
    public func hostsNamed(_ text: String) throws -> Int {
        try store.read { tx in try tx.hosts(matching: text).count }
    }

    /// What waits, what failed and why, and what went since the start of today.
    public func outboxStatus() throws -> [OutboxItem] {
        try store.outbox(since: calendar.start(of: today()))
    }
}

/// A host CSV that could not be imported, with the line.
public struct HostFileRefused: LocalizedKioskError {
    public var problem: String
    public var key: MessageKey { .hostsFileProblem }
    public var args: [String] { ["hosts", problem] }
}
