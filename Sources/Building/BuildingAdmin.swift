import Foundation
import KioskCore
import Records

/// The building log as a whole: set up by its administrator (`building init`, `add-gate`),
/// read by anyone with a gate's or the administrator's login (`status`, `export`, `audit`).
public struct BuildingAdmin {
    let link: BuildingLink

    public init(link: BuildingLink) { self.link = link }

    /// Creates or upgrades the schema; returns the steps applied (none when current).
    public func initialize() throws(BuildingError) -> [String] {
        let c = try link.connect()
        return try BuildingSchema.migrate(c)
    }

    public enum KeyCheckOutcome { case set, same, differs }

    /// Records the building's key check (a MAC of a fixed text: it reveals nothing of the key)
    /// unless one is there; gates with another key file are then refused.
    public func setKeyCheck(_ check: String) throws(BuildingError) -> KeyCheckOutcome {
        let c = try link.connect()
        let held = try c.query("SELECT value FROM kiosk.building WHERE key = 'key_check'").values.first?[0] ?? nil
        if let held { return held == check ? .same : .differs }
        try c.query("INSERT INTO kiosk.building (key, value) VALUES ('key_check', $1) ON CONFLICT (key) DO NOTHING", [check])
        return .set
    }

    /// The role a gate logs in as.
    public static func role(forGate gate: String) -> String { "kiosk_gate_\(gate)" }

    /// Creates the gate's login role (or gives an existing one a new password: a replaced
    /// box) with a random password, and registers the gate. Returns the role and password.
    public func addGate(_ gate: String) throws(BuildingError) -> (role: String, password: String) {
        let c = try link.connect()
        try BuildingSchema.check(c)
        let role = BuildingAdmin.role(forGate: gate)
        var bytes = [UInt8](repeating: 0, count: 24)
        var rng = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = rng.next() }
        let password = Base64URL.encode(bytes)
        try c.transaction { () throws(BuildingError) in
            // The statement carrying the password is not written to the server's log (a
            // superuser's setting; another administrator's server logs by its own rules).
            if try c.query("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").values.first?[0] == "t" {
                try c.query("SET LOCAL log_statement = 'none'")
            }
            let exists = try c.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]).values.isEmpty == false
            let verb = exists ? "ALTER ROLE %I LOGIN PASSWORD %L" : "CREATE ROLE %I LOGIN PASSWORD %L"
            guard let sql = try c.query("SELECT format('\(verb)', $1::text, $2::text)", [role, password]).values.first?[0] ?? nil else {
                throw .server(sqlstate: "local", message: "could not build the role statement")
            }
            try c.query(sql)
            guard let grant = try c.query("SELECT format('GRANT kiosk_gates TO %I', $1::text)", [role]).values.first?[0] ?? nil else {
                throw .server(sqlstate: "local", message: "could not build the grant")
            }
            try c.query(grant)
            let taken = try c.query("SELECT role FROM kiosk.gate WHERE name = $1", [gate]).values.first?[0] ?? nil
            if let taken, taken != role { throw .server(sqlstate: "local", message: "gate \(gate) is registered with role \(taken)") }
            try c.query("INSERT INTO kiosk.gate (name, role) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", [gate, role])
            // Registered again: a new box may take the gate over (the old password no longer
            // works), and the fork it was registered again for is settled.
            try c.query("UPDATE kiosk.gate SET box = NULL, box_host = NULL, box_since = NULL, fork_at = NULL, fork_detail = NULL WHERE name = $1", [gate])
        }
        return (role, password)
    }

    // MARK: Reading the whole building

    public struct GateState: Equatable, Sendable {
        public var name: String
        public var role: String
        public var lastContact: Date?
        /// The newest event the building log holds of this gate.
        public var headSeq: Int64
        /// What the gate last reported as the building's head for it.
        public var reportedHeadSeq: Int64?
        public var reportedHeadHash: String?
        public var clockOffsetMillis: Int64?
        public var keyDiffers: Bool
        public var forkAt: Date?
        public var forkDetail: String?
    }

    public struct Status: Sendable {
        public var gates: [GateState]
        public var inside: Int
        public var conflicts: [BuildingLedger.Conflict]
        public var serverTime: Date
        /// Events left out because they do not verify (gate, seq, why): see `ledger`.
        public var problems: [ReplicaResult.Refusal]
    }

    /// Every gate's state, who is inside and the conflicts among visits of the last `days`
    /// days (by the server's clock). Needs the building's key: nothing unverified is counted.
    public func status(timeZone: TimeZone, days: Int, key: ChainKey) throws(BuildingError) -> Status {
        let c = try link.connect()
        try BuildingSchema.check(c)
        let server = try c.query("SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint").values.first?[0].flatMap { $0 }.flatMap(Int64.init) ?? 0
        let building = try c.query("SELECT value FROM kiosk.building WHERE key = 'key_check'").values.first?[0] ?? nil
        let rows = try c.query("""
            SELECT g.name, g.role, (extract(epoch FROM g.last_contact) * 1000)::bigint,
                   COALESCE((SELECT MAX(seq) FROM kiosk.event e WHERE e.gate = g.name), 0),
                   g.head_seq, g.head_hash, g.clock_offset_ms, g.key_check,
                   (extract(epoch FROM g.fork_at) * 1000)::bigint, g.fork_detail
            FROM kiosk.gate g ORDER BY g.name
            """)
        func date(_ s: String??) -> Date? { s.flatMap { $0 }.flatMap(Int64.init).map { Date(timeIntervalSince1970: Double($0) / 1000) } }
        let gates = rows.values.map { v in
            GateState(
                name: v[0] ?? "", role: v[1] ?? "", lastContact: date(v[2]), headSeq: v[3].flatMap { Int64($0) } ?? 0,
                reportedHeadSeq: v[4].flatMap { Int64($0) }, reportedHeadHash: v[5], clockOffsetMillis: v[6].flatMap { Int64($0) },
                keyDiffers: building != nil && v[7] != nil && v[7] != building, forkAt: date(v[8]), forkDetail: v[9])
        }
        let now = Date(timeIntervalSince1970: Double(server) / 1000)
        let (ledger, problems) = try self.ledger(c, checkedInFrom: now.addingTimeInterval(-Double(days) * 86400), timeZone: timeZone, key: key)
        let inside: Int
        do { inside = try ledger.store.read { tx in try tx.insideCount() } } catch { throw .server(sqlstate: "local", message: "\(error)") }
        return Status(gates: gates, inside: inside, conflicts: ledger.conflicts, serverTime: now, problems: problems)
    }

    /// The building's visits from `from` on, replayed from every gate's events, and the
    /// events left out because they do not verify under the building's key.
    public func ledger(checkedInFrom from: Date, timeZone: TimeZone, key: ChainKey) throws(BuildingError) -> (BuildingLedger, [ReplicaResult.Refusal]) {
        let c = try link.connect()
        try BuildingSchema.check(c)
        return try ledger(c, checkedInFrom: from, timeZone: timeZone, key: key)
    }

    /// Reads every gate's events from a day before `from` on (a visit's exit may come days
    /// later, at any gate; a gate's clock may be a little off) and the invitations' issues,
    /// and checks them as a gate's replica does: each link under the key, no gap, nothing
    /// erased that a later purge of that gate does not explain, no gate's log copied under
    /// another name. A gate's events stop at its first that fails; the problem is returned.
    func ledger(_ c: PGConnection, checkedInFrom from: Date, timeZone: TimeZone, key: ChainKey) throws(BuildingError) -> (BuildingLedger, [ReplicaResult.Refusal]) {
        var problems: [ReplicaResult.Refusal] = []
        var events: [ChainEvent] = []
        let starts = try c.query(
            "SELECT gate, MIN(seq) FROM kiosk.event WHERE at >= $1::bigint - 86400000 GROUP BY gate ORDER BY gate", [String(millis(from))])
        let copies = try BuildingAdmin.copiedGates(c)
        for row in starts.values {
            guard let gate = row[0] ?? nil, let first = row[1].flatMap({ $0 }).flatMap(Int64.init) else { continue }
            let rows = try c.query(
                "SELECT seq, at, kind, code, payload, payload_hash, prev_hash, hash, clock_offset_ms FROM kiosk.event WHERE gate = $1 AND seq >= $2 ORDER BY seq",
                [gate, String(first)])
            let list = rows.values.compactMap { GateSync.event(gate, $0) }
            if let bad = BuildingAdmin.verify(list, gate: gate, key: key, copied: copies.contains(gate)) {
                problems.append(bad)
                events += list.filter { $0.seq < bad.seq }
            } else {
                events += list
            }
        }
        // Issues of invitations older than the range, each checked on its own link.
        let issues = try c.query(
            "SELECT gate, seq, at, kind, code, payload, payload_hash, prev_hash, hash, clock_offset_ms FROM kiosk.event WHERE kind = 'invite-issue' AND at < $1::bigint - 86400000",
            [String(millis(from))])
        for v in issues.values {
            guard let e = GateSync.event(v[0] ?? "", Array(v[1...])), key.linkProblem(e, after: (e.seq - 1, e.prevHash)) == nil else { continue }
            events.append(e)
        }
        do {
            return (try BuildingLedger(events: events, timeZone: timeZone), problems)
        } catch {
            throw .server(sqlstate: "local", message: "\(error)")
        }
    }

    /// The first event of one gate's run (in seq order) that cannot be taken as it is.
    /// Gates whose first event is another gate's, received later: copies under a second
    /// name. The first to arrive is the original and keeps its place.
    static func copiedGates(_ c: PGConnection) throws(BuildingError) -> Set<String> {
        Set(try c.query("""
            SELECT gate FROM (SELECT gate, row_number() OVER (PARTITION BY hash ORDER BY received_at, gate) AS n
                              FROM kiosk.event WHERE seq = 1) x WHERE n > 1
            """).values.compactMap { $0[0] ?? nil })
    }

    static func verify(_ list: [ChainEvent], gate: String, key: ChainKey, copied: Bool) -> ReplicaResult.Refusal? {
        // Purges of this gate in the run: what they explain (code → latest cutoff).
        var explained: [String: [(seq: Int64, cutoff: Int64)]] = [:]
        for e in list where e.kind == "purge" {
            guard let obj = e.payload.flatMap({ try? JSONSerialization.jsonObject(with: Data($0.utf8)) }) as? [String: Any],
                let codes = obj["codes"] as? [String], let cutoff = (obj["cutoff"] as? NSNumber)?.int64Value
            else { continue }
            for code in codes { explained[code, default: []].append((e.seq, cutoff)) }
        }
        // A purge erases every event of the codes it names whose visit began before its
        // cutoff (an exit after midnight included), as the gate's own audit has it.
        var firstAt: [String: Int64] = [:]
        for e in list { if let code = e.code, firstAt[code] == nil { firstAt[code] = e.at } }
        var previous: (seq: Int64, hash: String)? = nil
        for e in list {
            let after = previous ?? (e.seq - 1, e.prevHash)
            if let problem = key.linkProblem(e, after: after) { return .init(gate: gate, seq: e.seq, problem: problem) }
            previous = (e.seq, e.hash)
            if e.seq == 1, copied {
                return .init(gate: gate, seq: 1, problem: "this gate's log is a copy of another gate's (the same first event)")
            }
            if e.payload == nil {
                guard let code = e.code else { return .init(gate: gate, seq: e.seq, problem: "its contents were erased; a purge never erases an event without a code") }
                let began = firstAt[code] ?? e.at
                let ok = explained[code]?.contains { $0.seq > e.seq && began < $0.cutoff } ?? false
                if !ok { return .init(gate: gate, seq: e.seq, problem: "its contents were erased without a purge of this gate that names it") }
            } else if e.kind == "checkin",
                let obj = e.payload.flatMap({ try? JSONSerialization.jsonObject(with: Data($0.utf8)) }) as? [String: Any],
                let claimed = obj["gate"] as? String, claimed != gate
            {
                return .init(gate: gate, seq: e.seq, problem: "a visit recorded at gate \(claimed) is held under gate \(gate)")
            }
        }
        return nil
    }

    // MARK: Audit

    public struct AuditResult: Equatable, Sendable {
        public var gates = 0
        public var events = 0
        /// The first bad (gate, seq) and why; nil when every chain verifies.
        public var problem: (gate: String, seq: Int64, why: String)?
        public var ok: Bool { problem == nil }

        public static func == (a: AuditResult, b: AuditResult) -> Bool {
            a.gates == b.gates && a.events == b.events && a.problem?.gate == b.problem?.gate && a.problem?.seq == b.problem?.seq
        }
    }

    /// Verifies every gate's chain as the building log holds it: each link under the
    /// building's key (only a holder of the key file can), the payloads against their hashes,
    /// no gap from #1 on, and each gate's last reported head still there, unchanged.
    public func audit(key: ChainKey) throws(BuildingError) -> AuditResult {
        let c = try link.connect()
        try BuildingSchema.check(c)
        var result = AuditResult()
        let gates = try c.query("SELECT name, head_seq, head_hash FROM kiosk.gate ORDER BY name")
        let copies = try BuildingAdmin.copiedGates(c)
        for g in gates.values {
            guard let gate = g[0] ?? nil else { continue }
            result.gates += 1
            var previous: (seq: Int64, hash: String) = (0, HashChain.genesis)
            var hashes: [Int64: String] = [:]
            var all: [ChainEvent] = []
            let reported = g[1].flatMap { $0 }.flatMap(Int64.init)
            while true {
                let rows = try c.query(
                    "SELECT seq, at, kind, code, payload, payload_hash, prev_hash, hash, clock_offset_ms FROM kiosk.event WHERE gate = $1 AND seq > $2 ORDER BY seq LIMIT 5000",
                    [gate, String(previous.seq)])
                if rows.values.isEmpty { break }
                for v in rows.values {
                    guard let e = GateSync.event(gate, v) else {
                        result.problem = (gate, previous.seq + 1, "a row that is not an event")
                        return result
                    }
                    result.events += 1
                    if let problem = key.linkProblem(e, after: previous) {
                        result.problem = (gate, e.seq, problem)
                        return result
                    }
                    previous = (e.seq, e.hash)
                    if e.seq == reported { hashes[e.seq] = e.hash }
                    all.append(e)
                }
            }
            // Erasures without a purge that explains them, a copied log, a visit under
            // another gate's name: the same rules as every replica.
            if let bad = BuildingAdmin.verify(all, gate: gate, key: key, copied: copies.contains(gate)) {
                result.problem = (gate, bad.seq, bad.problem)
                return result
            }
            if let reported, reported > 0 {
                if reported > previous.seq {
                    result.problem = (gate, previous.seq + 1, "the gate last reported #\(reported), the building log ends at #\(previous.seq): events were deleted")
                    return result
                }
                if let expected = g[2] ?? nil, hashes[reported] != expected {
                    result.problem = (gate, reported, "differs from what the gate last reported: the event was replaced")
                    return result
                }
            }
        }
        return result
    }
}
