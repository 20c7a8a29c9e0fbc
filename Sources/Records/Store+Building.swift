import Foundation
import GRDB
import KioskCore

/// What a batch of other gates' events did to the local replica.
public struct ReplicaResult: Equatable, Sendable {
    /// Events stored (duplicates already held are not counted).
    public var applied = 0
    /// Check-outs of this gate's visits made at another gate, now recorded here too.
    public var adopted = 0
    /// Events refused: (gate, seq, why). Nothing of that gate after it is applied.
    public var refused: [Refusal] = []

    public struct Refusal: Equatable, Sendable {
        public var gate: String
        public var seq: Int64
        public var problem: String

        public init(gate: String, seq: Int64, problem: String) {
            self.gate = gate
            self.seq = seq
            self.problem = problem
        }
    }
}

/// The newest event the replica holds of one gate.
public struct ReplicaHead: Equatable, Sendable {
    public var seq: Int64
    public var hash: String
    /// When it was recorded (the gate's clock) and that gate's offset: the age of what this
    /// gate knows about that one.
    public var at: Int64
    public var clockOffsetMillis: Int64
}

extension Store {
    // MARK: This gate's own events, for upload

    /// This gate's events after `seq`, oldest first, at most `limit`.
    public func ownEvents(gate: String, after seq: Int64, limit: Int) throws -> [ChainEvent] {
        try read { tx in
            try Row.fetchAll(
                tx.db.cachedStatement(sql: "SELECT \(ChainEvent.columns) FROM event WHERE seq > ? ORDER BY seq LIMIT ?"),
                arguments: [seq, limit]
            ).map { ChainEvent.from($0, gate: gate, offset: 0) }
        }
    }

    /// The hash of this gate's event `seq`, nil when there is none.
    public func ownEventHash(seq: Int64) throws -> String? {
        try read { tx in try Store.eventHash(tx.db, seq: seq) }
    }

    public func ownHead() throws -> (seq: Int64, hash: String) {
        try read { tx in try HashChain.head(tx.db) }
    }

    /// Remembers the clock offset a run of own events was uploaded with (see `building_upload`).
    public func recordUpload(firstSeq: Int64, lastSeq: Int64, clockOffsetMillis: Int64) throws {
        try write { tx in
            try tx.execute(
                "INSERT INTO building_upload (first_seq, last_seq, clock_offset_ms) VALUES (?, ?, ?) ON CONFLICT(first_seq) DO UPDATE SET last_seq = excluded.last_seq, clock_offset_ms = excluded.clock_offset_ms",
                [firstSeq, lastSeq, clockOffsetMillis])
        }
    }

    // MARK: The replica of the other gates

    /// The newest replicated event of each other gate.
    public func replicaHeads() throws -> [String: ReplicaHead] {
        try read { tx in
            var heads: [String: ReplicaHead] = [:]
            for row in try Row.fetchAll(
                tx.db,
                sql: "SELECT gate, seq, hash, at, clock_offset_ms FROM replica_event r WHERE seq = (SELECT MAX(seq) FROM replica_event WHERE gate = r.gate)")
            {
                heads[row[0]] = ReplicaHead(seq: row[1], hash: row[2], at: row[3], clockOffsetMillis: row[4])
            }
            return heads
        }
    }

    /// Stores other gates' events and brings what they say into the replica tables, in one
    /// transaction. Each event must be the next link of its gate's chain under this building's
    /// key: the server that carried it is not trusted to have kept it intact. A check-out of
    /// one of this gate's own visits made at another gate is recorded here too, as this gate's
    /// own `checkout` event naming where it happened, so this gate's log says the visit ended.
    public func applyReplica(_ events: [ChainEvent], ownGate: String, at now: Date) throws -> ReplicaResult {
        try write { tx in
            var result = ReplicaResult()
            var heads: [String: (seq: Int64, hash: String)] = [:]
            var stopped = Set<String>()
            for e in events.sorted(by: { ($0.gate, $0.seq) < ($1.gate, $1.seq) }) where e.gate != ownGate && !stopped.contains(e.gate) {
                let head: (seq: Int64, hash: String)
                if let h = heads[e.gate] {
                    head = h
                } else {
                    let row = try tx.row("SELECT seq, hash FROM replica_event WHERE gate = ? ORDER BY seq DESC LIMIT 1", [e.gate])
                    head = row.map { ($0[0], $0[1]) } ?? (0, HashChain.genesis)
                }
                if e.seq <= head.seq { continue }
                let problem: String?
                if let broken = chainKey.linkProblem(e, after: head) { problem = broken } else { problem = try tx.replicaProblem(e, ownGate: ownGate) }
                if let problem {
                    result.refused.append(.init(gate: e.gate, seq: e.seq, problem: problem))
                    stopped.insert(e.gate)
                    continue
                }
                try tx.execute(
                    "INSERT INTO replica_event (gate, seq, at, kind, code, payload, payload_hash, prev_hash, hash, clock_offset_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [e.gate, e.seq, e.at, e.kind, e.code, e.payload, e.payloadHash, e.prevHash, e.hash, e.clockOffsetMillis])
                heads[e.gate] = (e.seq, e.hash)
                result.applied += 1
                if try tx.replay(e, ownGate: ownGate, now: now) { result.adopted += 1 }
            }
            return result
        }
    }

    /// Closes, in the replica, other gates' visits past `closeTime` (this gate's automatic
    /// check-out time with a margin for other rules and clocks): a gate that stopped syncing
    /// must not keep its visitors "inside the building" (and counted, and refused a second
    /// entry) for ever. Their own gate records the real close; until then such a visit can
    /// still be checked out here (`replicaClosedByGuess`).
    public func autoCloseReplica(now: Date, closeTime: (Date) -> Date?) throws -> Int {
        let due = try read { tx in
            try Row.fetchAll(tx.db, sql: "SELECT gate, code, checked_in_at FROM replica_visit WHERE status IN ('inside', 'pending')")
                .compactMap { row -> (String, String, Date)? in
                    guard let at = closeTime(VisitRow.date(row[2])), at <= now else { return nil }
                    return (row[0], row[1], at)
                }
        }
        guard !due.isEmpty else { return 0 }
        return try write { tx in
            var closed = 0
            for (gate, code, at) in due {
                try tx.execute(
                    "UPDATE replica_visit SET status = CASE status WHEN 'pending' THEN 'unconfirmed' ELSE 'auto-closed' END, auto_closed_at = ? WHERE gate = ? AND code = ? AND status IN ('inside', 'pending')",
                    [VisitRow.millis(at), gate, code])
                // (Closed meanwhile by a real event: left as that event says.)
                closed += tx.db.changesCount
            }
            return closed
        }
    }

    /// Every visit inside the building now: this gate's and the replica's, oldest first.
    public func insideEverywhere() throws -> [Entry] {
        try read { tx in
            let local = try Row.fetchAll(tx.db, sql: "SELECT \(VisitRow.selectList) FROM visit WHERE status = 'inside'").map(VisitRow.entry)
            let others = try Row.fetchAll(tx.db, sql: "SELECT \(VisitRow.selectList) FROM replica_visit WHERE status = 'inside'").map(VisitRow.entry)
            return (local + others).sorted { ($0.checkedInAt, $0.gate, $0.code) < ($1.checkedInAt, $1.gate, $1.code) }
        }
    }

    /// The first of `gate`'s events that arrived erased and that no purge of that gate has
    /// explained: its contents were removed on the way (in the building log), so what it said
    /// (a watch-list entry, a visit) is missing here.
    public func unexplainedErasure(gate: String) throws -> (seq: Int64, code: String)? {
        try unexplainedErasures(gate: gate).first
    }

    /// All of them (at most 20), oldest first.
    public func unexplainedErasures(gate: String) throws -> [(seq: Int64, code: String)] {
        try read { tx in
            try Row.fetchAll(tx.db, sql: "SELECT seq, code FROM replica_erasure WHERE gate = ? ORDER BY seq LIMIT 20", arguments: [gate])
                .map { ($0[0], $0[1]) }
        }
    }

    /// Events of this gate not yet in the building log, given the head the server last
    /// reported holding.
    public func eventsAfter(_ seq: Int64) throws -> Int {
        try read { tx in try Int.fetchOne(tx.db, sql: "SELECT COUNT(*) FROM event WHERE seq > ?", arguments: [seq]) ?? 0 }
    }
}

extension StoreTransaction {
    /// A visit another gate recorded, open here (from the replica), by code.
    public func replicaVisit(code: String) throws -> Entry? {
        try row("SELECT \(VisitRow.selectList) FROM replica_visit WHERE code = ? ORDER BY status = 'inside' DESC, checked_in_at DESC LIMIT 1", [code])
            .map(VisitRow.entry)
    }

    /// True when another gate's visit is closed here only by this gate's guess
    /// (`autoCloseReplica`), not by any gate's event: the visitor may still be seen leaving.
    public func replicaClosedByGuess(code: String) throws -> Bool {
        try Int.fetchOne(
            db, sql: "SELECT 1 FROM replica_visit WHERE code = ? AND status = 'auto-closed' AND closed_by IS NULL", arguments: [code]) != nil
    }

    /// Checks out, at this gate, a visit another gate recorded: a `remote-checkout` event in
    /// this gate's chain (the visit's own gate records it too once it syncs), and the replica
    /// row closed at once so the roll call and the rules see it.
    public func remoteCheckOut(origin: String, code: String, by gate: String, at now: Date) throws -> Entry {
        let millis = VisitRow.millis(now)
        try execute(
            "UPDATE replica_visit SET status = 'left', checked_out_at = ?, closed_by = ? WHERE gate = ? AND code = ? AND (status = 'inside' OR (status = 'auto-closed' AND closed_by IS NULL))",
            [millis, gate, origin, code])
        try append(
            .remoteCheckout, code: code,
            payload: CanonicalJSON.object([("gate", .string(origin)), ("status", .string("left")), ("checked_out_at", .int(millis))]),
            at: now)
        guard let e = try row("SELECT \(VisitRow.selectList) FROM replica_visit WHERE gate = ? AND code = ?", [origin, code]).map(VisitRow.entry) else {
            throw RuleViolation(.noSuchVisit, [code])
        }
        return e
    }

    /// What makes a correctly linked event unacceptable all the same: erased where no purge
    /// erases, a visit that claims another gate, a chain that is a copy of another gate's
    /// (the same first event under a second name), or a gate calling itself this one.
    func replicaProblem(_ e: ChainEvent, ownGate: String) throws -> String? {
        // A purge erases the payloads of the visits and invitations it names, nothing else.
        if e.payload == nil, e.code == nil { return "its contents were erased; a purge never erases an event without a code" }
        if e.kind == HashChain.Kind.checkin.rawValue, let gate = e.object?["gate"] as? String, gate != e.gate {
            return "a visit recorded at gate \(gate) arrived as gate \(e.gate)'s: the log was copied under another name"
        }
        if e.seq == 1 {
            if let other = try String.fetchOne(db, sql: "SELECT gate FROM replica_event WHERE seq = 1 AND hash = ? AND gate != ?", arguments: [e.hash, e.gate]) {
                return "its log is a copy of gate \(other)'s (the same first event)"
            }
            if try Store.eventHash(db, seq: 1) == e.hash { return "its log is a copy of this gate's own (the same first event)" }
        }
        // Taken, but held as unexplained until a purge of that gate names it.
        if e.payload == nil, let code = e.code {
            try execute("INSERT OR IGNORE INTO replica_erasure (gate, seq, code, at) VALUES (?, ?, ?, ?)", [e.gate, e.seq, code, e.at])
        }
        return nil
    }

    /// What one replicated event changes in the replica tables. True when it was a check-out
    /// of this gate's own visit, adopted into this gate's chain.
    func replay(_ e: ChainEvent, ownGate: String, now: Date) throws -> Bool {
        // A revocation needs no more than its code (the invitation), which the link proves.
        if e.kind == HashChain.Kind.inviteRevoke.rawValue, let id = e.code {
            try execute("UPDATE replica_invitation SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?", [e.at, id])
            return false
        }
        // A use whose contents were erased still counts: its code (the invitation) is proven.
        if e.kind == HashChain.Kind.inviteUse.rawValue, e.payload == nil, let id = e.code {
            try execute("INSERT OR IGNORE INTO replica_invitation_use (gate, seq, invitation, visit_code, at) VALUES (?, ?, ?, '?', ?)", [e.gate, e.seq, id, e.at])
            return false
        }
        guard let obj = e.object else { return false }
        switch HashChain.Kind(rawValue: e.kind) {
        case .checkin?:
            guard let code = e.code else { return false }
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
            try execute(
                "INSERT OR IGNORE INTO replica_visit (\(VisitRow.fixedColumns.joined(separator: ", ")), status) VALUES (\(marks))",
                StatementArguments(values + [status.rawValue.databaseValue]))
            // A check-out by a third gate that arrived before this check-in.
            if let closure = try row("SELECT gate, checked_out_at FROM replica_closure WHERE origin = ? AND code = ? ORDER BY checked_out_at LIMIT 1", [e.gate, code]) {
                try execute(
                    "UPDATE replica_visit SET status = 'left', checked_out_at = ?, closed_by = ? WHERE gate = ? AND code = ? AND status = 'inside'",
                    [closure[1] as Int64, closure[0] as String, e.gate, code])
            }
        case .checkout?, .autoClose?, .confirm?:
            guard let code = e.code, let status = obj["status"] as? String else { return false }
            let out = (obj["checked_out_at"] as? NSNumber)?.int64Value
            let auto = (obj["auto_closed_at"] as? NSNumber)?.int64Value
            if e.kind == HashChain.Kind.confirm.rawValue {
                try execute(
                    "UPDATE replica_visit SET status = ?, confirmed_at = ?, confirmed_by = ?, confirmed_decision = ? WHERE gate = ? AND code = ? AND status = 'pending'",
                    [status, (obj["confirmed_at"] as? NSNumber)?.int64Value, obj["confirmed_by"] as? String, obj["decision"] as? String, e.gate, code])
            } else {
                // Only an open visit closes: a later close by its own gate of a visit another
                // gate closed first leaves the first (the building log lists both).
                try execute(
                    "UPDATE replica_visit SET status = ?, checked_out_at = ?, auto_closed_at = ?, closed_by = ? WHERE gate = ? AND code = ? AND status IN ('inside', 'pending')",
                    [status, out, auto, e.gate, e.gate, code])
            }
        case .remoteCheckout?:
            guard let code = e.code, let origin = obj["gate"] as? String, let out = (obj["checked_out_at"] as? NSNumber)?.int64Value else { return false }
            if origin == ownGate {
                return try adoptCheckOut(code: code, checkedOutAt: out, by: e, now: now)
            }
            try execute(
                "INSERT OR IGNORE INTO replica_closure (origin, code, gate, seq, checked_out_at) VALUES (?, ?, ?, ?, ?)",
                [origin, code, e.gate, e.seq, out])
            try execute(
                "UPDATE replica_visit SET status = 'left', checked_out_at = ?, closed_by = ? WHERE gate = ? AND code = ? AND status = 'inside'",
                [out, e.gate, origin, code])
        case .watchAdd?:
            guard let id = (obj["id"] as? NSNumber)?.int64Value, let action = obj["action"] as? String else { return false }
            try execute(
                "INSERT OR REPLACE INTO replica_watch (gate, id, name_folded, id_hash, phone, action, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [e.gate, id, obj["name_folded"] as? String, obj["id_hash"] as? String, obj["phone"] as? String, action, obj["note"] as? String, e.at])
        case .watchRemove?:
            guard let id = (obj["id"] as? NSNumber)?.int64Value else { return false }
            try execute("DELETE FROM replica_watch WHERE gate = ? AND id = ?", [e.gate, id])
        case .inviteIssue?:
            guard let id = e.code, let payload = e.payload else { return false }
            try execute("INSERT OR IGNORE INTO replica_invitation (id, gate, payload) VALUES (?, ?, ?)", [id, e.gate, payload])
        case .inviteUse?:
            guard let id = e.code, let visit = obj["visit"] as? String, let when = (obj["at"] as? NSNumber)?.int64Value else { return false }
            try execute(
                "INSERT OR IGNORE INTO replica_invitation_use (gate, seq, invitation, visit_code, at) VALUES (?, ?, ?, ?, ?)",
                [e.gate, e.seq, id, visit, when])
        case .purge?:
            // What the gate's own purge erased, no more: events before its cutoff, visits no
            // longer inside. A purge naming a visit still inside (a forged one) erases nothing
            // of it.
            guard let codes = obj["codes"] as? [String], let cutoff = (obj["cutoff"] as? NSNumber)?.int64Value else { return false }
            // No retention is under a day: a cutoff within the hour before the purge itself is
            // forged (the server ignores it too), and erases nothing here.
            guard cutoff <= e.at - 3_600_000 else { return false }
            for chunk in stride(from: 0, to: codes.count, by: 500).map({ Array(codes[$0..<min($0 + 500, codes.count)]) }) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let values: [DatabaseValue] = [e.gate.databaseValue, cutoff.databaseValue] + chunk.map(\.databaseValue)
                let args = StatementArguments(values)
                let open = "SELECT code FROM replica_visit WHERE gate = ? AND status = 'inside'"
                try execute("DELETE FROM replica_visit WHERE gate = ? AND checked_in_at < ? AND status != 'inside' AND code IN (\(marks))", args)
                try execute(
                    "UPDATE replica_event SET payload = NULL WHERE gate = ? AND seq < ? AND code IN (\(marks)) AND code NOT IN (\(open))",
                    StatementArguments([e.gate.databaseValue, e.seq.databaseValue] + chunk.map(\.databaseValue) + [e.gate.databaseValue]))
                // Explained: the code's visit began before the cutoff (its later events, an exit
                // after midnight, go with it), as the gate's own audit has it.
                try execute(
                    "DELETE FROM replica_erasure WHERE gate = ? AND (SELECT MIN(at) FROM replica_event r WHERE r.gate = replica_erasure.gate AND r.code = replica_erasure.code) < ? AND code IN (\(marks))",
                    args)
                try execute("DELETE FROM replica_invitation WHERE gate = ? AND json_extract(payload, '$.expires') < ? AND id IN (\(marks))", args)
                try execute("DELETE FROM replica_closure WHERE origin = ? AND checked_out_at < ? AND code IN (\(marks))", args)
            }
        default:
            break
        }
        return false
    }

    /// Another gate checked out one of this gate's visits: this gate's row closes with that
    /// gate's time, and this gate's chain says where it happened (`by_gate`, `by_seq`), so the
    /// building log sees one exit, not two. A visit already closed here stays as it is: two
    /// exits are a conflict the building log lists, never overwritten.
    func adoptCheckOut(code: String, checkedOutAt: Int64, by e: ChainEvent, now: Date) throws -> Bool {
        try execute("UPDATE visit SET status = 'left', checked_out_at = ? WHERE code = ? AND status = 'inside'", [checkedOutAt, code])
        guard db.changesCount > 0 else { return false }
        try append(
            .checkout, code: code,
            payload: CanonicalJSON.object([
                ("status", .string("left")), ("checked_out_at", .int(checkedOutAt)), ("by_gate", .string(e.gate)), ("by_seq", .int(e.seq)),
            ]),
            at: now)
        return true
    }
}
