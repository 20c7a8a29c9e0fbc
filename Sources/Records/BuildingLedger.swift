import Foundation
import GRDB
import KioskCore

/// The building's log as one answer: every gate's events replayed together into the visits
/// they describe, with the conflicts that partitions produce kept as facts.
///
/// The answer depends only on the set of events: they are replayed in the building order
/// (corrected time, gate, seq — see `ChainEvent.buildingOrder`), so every replica and the
/// building export compute the same visits and the same conflicts from the same events, in
/// whatever order they arrived.
public struct BuildingLedger: Sendable {
    public enum ConflictKind: String, Sendable, Codable {
        /// One visit closed at two gates (or twice) while they could not see each other: the
        /// earliest closes it; the other is kept and listed.
        case closedTwice = "closed-twice"
        /// The same person (id hash or phone) inside at two gates at once.
        case insideAtTwoGates = "inside-at-two-gates"
        /// An invitation used more often than it allows, at different gates offline.
        case invitationOverused = "invitation-overused"
    }

    public struct VisitRef: Equatable, Hashable, Sendable, Codable {
        public var gate: String
        public var code: String
    }

    public struct Conflict: Equatable, Sendable {
        public var kind: ConflictKind
        public var visits: [VisitRef]
        /// In plain words, with the times and gates involved.
        public var why: String
    }

    /// The visits, replayed into an in-memory log whose `export` writes the building export
    /// with exactly the columns (and the code) of each gate's own export.
    public let store: Store
    public let conflicts: [Conflict]
    public let visitCount: Int

    public init(events: [ChainEvent], timeZone: TimeZone) throws {
        let memory = try Store(inMemoryNamed: "building-\(UUID().uuidString)")
        var conflicts: [Conflict] = []
        var count = 0
        let ordered = events.sorted(by: ChainEvent.buildingOrder)
        let clock = BuildingLedger.clock(timeZone)
        try memory.write { tx in
            struct Open { var checkedIn: Int64; var correctedIn: Int64; var idHash: String?; var phone: String? }
            var visits: [VisitRef: Open] = [:]
            /// The closing event of each visit, to name it when a second one comes.
            var closedBy: [VisitRef: ChainEvent] = [:]
            var closedAtCorrected: [VisitRef: Int64] = [:]
            /// Remote check-outs seen, so a gate's adoption of one is not a second exit.
            let remoteSeen = Set(ordered.filter { $0.kind == HashChain.Kind.remoteCheckout.rawValue }.map { "\($0.gate)#\($0.seq)" })
            var invitationUses: [String: [(ChainEvent, String)]] = [:]
            var invitationAllowed: [String: Int] = [:]
            // Check-ins first, then everything else in the building order: an exit's corrected
            // time may fall before its entry's (one gate's offset measured a little off), and an
            // exit must still find its visit. Which of two exits counts is decided among exits.
            let checkins = ordered.filter { $0.kind == HashChain.Kind.checkin.rawValue }
            let rest = ordered.filter { $0.kind != HashChain.Kind.checkin.rawValue }
            for e in checkins + rest {
                guard let obj = e.object else { continue }
                switch HashChain.Kind(rawValue: e.kind) {
                case .checkin?:
                    guard let code = e.code else { continue }
                    let ref = VisitRef(gate: e.gate, code: code)
                    var values: [DatabaseValue] = []
                    for column in VisitRow.fixedColumns {
                        switch (column, obj[column]) {
                        case ("gate", _): values.append(e.gate.databaseValue)
                        case ("temperature", let n as NSNumber): values.append(n.doubleValue.databaseValue)
                        case (_, let n as NSNumber): values.append(n.int64Value.databaseValue)
                        case (_, let s as String): values.append(s.databaseValue)
                        default: values.append(.null)
                        }
                    }
                    let status = VisitRow.initialStatus(decision: obj["decision"] as? String ?? "")
                    let marks = Array(repeating: "?", count: values.count + 1).joined(separator: ", ")
                    try tx.execute(
                        "INSERT OR IGNORE INTO visit (\(VisitRow.fixedColumns.joined(separator: ", ")), status) VALUES (\(marks))",
                        StatementArguments(values + [status.rawValue.databaseValue]))
                    let inAt = (obj["checked_in_at"] as? NSNumber)?.int64Value ?? e.at
                    visits[ref] = Open(
                        checkedIn: inAt, correctedIn: inAt &+ e.clockOffsetMillis, idHash: obj["id_hash"] as? String, phone: obj["phone"] as? String)
                    count += 1
                case .confirm?:
                    guard let code = e.code, let status = obj["status"] as? String else { continue }
                    try tx.execute(
                        "UPDATE visit SET status = ?, confirmed_at = ?, confirmed_by = ?, confirmed_decision = ? WHERE gate = ? AND code = ? AND status = 'pending'",
                        [status, (obj["confirmed_at"] as? NSNumber)?.int64Value, obj["confirmed_by"] as? String, obj["decision"] as? String, e.gate, code])
                case .checkout?, .autoClose?, .remoteCheckout?:
                    guard let code = e.code else { continue }
                    let origin = e.kind == HashChain.Kind.remoteCheckout.rawValue ? (obj["gate"] as? String ?? "") : e.gate
                    let ref = VisitRef(gate: origin, code: code)
                    if e.kind != HashChain.Kind.remoteCheckout.rawValue, let byGate = obj["by_gate"] as? String, let bySeq = (obj["by_seq"] as? NSNumber)?.int64Value,
                        remoteSeen.contains("\(byGate)#\(bySeq)")
                    {
                        // The visit's own gate recording the exit another gate made: one exit.
                        continue
                    }
                    if let first = closedBy[ref] {
                        conflicts.append(Conflict(
                            kind: .closedTwice, visits: [ref],
                            why: "visit \(code) (came in at \(origin)) was closed at \(first.gate) \(clock(first.correctedAt)) and again at \(e.gate) \(clock(e.correctedAt)) while the gates could not see each other; the earlier exit is the one recorded"))
                        continue
                    }
                    let status = obj["status"] as? String ?? "left"
                    try tx.execute(
                        "UPDATE visit SET status = ?, checked_out_at = ?, auto_closed_at = ? WHERE gate = ? AND code = ? AND status IN ('inside', 'pending')",
                        [status, (obj["checked_out_at"] as? NSNumber)?.int64Value, (obj["auto_closed_at"] as? NSNumber)?.int64Value, origin, code])
                    if tx.db.changesCount > 0 {
                        closedBy[ref] = e
                        closedAtCorrected[ref] = e.correctedAt
                    }
                case .inviteIssue?:
                    if let id = e.code { invitationAllowed[id] = (obj["uses"] as? NSNumber)?.intValue }
                case .inviteUse?:
                    if let id = e.code, let visit = obj["visit"] as? String { invitationUses[id, default: []].append((e, visit)) }
                // A purge is not replayed: what it erased arrives erased (the server erases the
                // payloads it names), and a forged one must not remove a visit from the answer.
                default:
                    continue
                }
            }
            // The same person inside at two gates at once: their stays overlap.
            let open = visits.sorted { ($0.value.correctedIn, $0.key.gate, $0.key.code) < ($1.value.correctedIn, $1.key.gate, $1.key.code) }
            var byPerson: [String: [(VisitRef, Open)]] = [:]
            for (ref, v) in open {
                let status = try String.fetchOne(tx.db, sql: "SELECT status FROM visit WHERE gate = ? AND code = ?", arguments: [ref.gate, ref.code])
                guard let status, status != "denied", status != "unconfirmed" else { continue }
                if let h = v.idHash { byPerson["id:" + h, default: []].append((ref, v)) }
                if let p = v.phone { byPerson["phone:" + p, default: []].append((ref, v)) }
            }
            var reported = Set<[VisitRef]>()
            for key in byPerson.keys.sorted() {
                guard let stays = byPerson[key], stays.count > 1 else { continue }
                for i in 0..<stays.count {
                    for j in (i + 1)..<stays.count where stays[i].0.gate != stays[j].0.gate {
                        let (a, b) = (stays[i], stays[j])
                        let aEnd = closedAtCorrected[a.0] ?? .max
                        guard b.1.correctedIn < aEnd else { continue }
                        let pair = [a.0, b.0]
                        guard reported.insert(pair).inserted else { continue }
                        conflicts.append(Conflict(
                            kind: .insideAtTwoGates, visits: pair,
                            why: "the same person (\(key.hasPrefix("id:") ? "same id number or invitation" : "same phone")) was checked in at \(a.0.gate) \(clock(a.1.correctedIn)) (\(a.0.code)) and at \(b.0.gate) \(clock(b.1.correctedIn)) (\(b.0.code)) while still inside"))
                    }
                }
            }
            for id in invitationUses.keys.sorted() {
                guard let uses = invitationUses[id] else { continue }
                let allowed = max(1, min(invitationAllowed[id] ?? 1, 1_000_000))
                guard uses.count > allowed, Set(uses.map(\.0.gate)).count > 1 else { continue }
                let first = uses[allowed - 1]
                for extra in uses[allowed...] {
                    conflicts.append(Conflict(
                        kind: .invitationOverused,
                        visits: [VisitRef(gate: first.0.gate, code: first.1), VisitRef(gate: extra.0.gate, code: extra.1)],
                        why: "invitation \(id.prefix(8)) allows \(allowed) use\(allowed == 1 ? "" : "s"); used at \(first.0.gate) \(clock(first.0.correctedAt)) (the entry) and again at \(extra.0.gate) \(clock(extra.0.correctedAt))"))
                }
            }
        }
        store = memory
        self.conflicts = conflicts
        visitCount = count
    }

    static func clock(_ timeZone: TimeZone) -> @Sendable (Int64) -> String {
        { millis in
            var f = LocalTimeFormatter(timeZone: timeZone)
            var out = [UInt8]()
            f.append(millis, date: true, time: true, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
    }
}
