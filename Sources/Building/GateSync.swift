import Foundation
import KioskCore
import Records

/// What one sync pass did.
public struct SyncReport: Equatable, Sendable {
    /// This gate's events the building log now holds (its answer, not a local flag).
    public var serverHead: Int64 = 0
    public var localHead: Int64 = 0
    public var uploaded = 0
    public var pulled = 0
    /// Check-outs of this gate's visits made at other gates, recorded here.
    public var adopted = 0
    /// Server clock minus this gate's clock, ms, estimated at this pass.
    public var clockOffsetMillis: Int64 = 0
    /// Other gates' events this gate refused (a link that does not verify).
    public var refused: [ReplicaResult.Refusal] = []
    /// Events of this gate not yet in the building log.
    public var waiting: Int { Int(max(0, localHead - serverHead)) }
}

/// One gate's side of the building log: uploads its own chain, pulls the other gates'. One
/// per process, used from one thread at a time (the sync worker or `kiosk sync`); it keeps
/// its connection between passes and drops it on any error. (`@unchecked Sendable`: handed
/// to the one thread that uses it, never shared between two at once.)
public final class GateSync: @unchecked Sendable {
    let link: BuildingLink
    let store: Store
    public let gate: String
    let keyCheck: String
    let now: @Sendable () -> Date
    private var connection: PGConnection?
    /// Events per statement: large enough to amortise a round trip, small enough that one
    /// statement stays well inside the deadline on a slow link.
    let batch: Int

    /// Meta keys: the head the server last reported holding (for "N events waiting" while
    /// offline) and when the replica last caught up (the age of what this gate knows).
    public static let serverHeadMeta = "building_server_head"
    public static let pulledAtMeta = "building_pulled_at"

    /// Which box this is (`BoxIdentity`): the first box to sync as a gate keeps it.
    let box: BoxIdentity

    public init(
        link: BuildingLink, store: Store, gate: String, keyCheck: String, box: BoxIdentity = .unknown, batch: Int = 500,
        now: @escaping @Sendable () -> Date
    ) {
        self.box = box
        self.link = link
        self.store = store
        self.gate = gate
        self.keyCheck = keyCheck
        self.batch = max(1, batch)
        self.now = now
    }

    /// One pass, up and down. Throws `.offline` when the server cannot be reached (the gate
    /// goes on alone), `.fork` / `.keyDiffers` when it must not continue.
    /// `download: false`: send only (the benchmark of the upload rate).
    public func pass(download: Bool = true) throws(BuildingError) -> SyncReport {
        do {
            return try run(download: download)
        } catch {
            connection?.close()
            connection = nil
            throw error
        }
    }

    private func run(download pull: Bool) throws(BuildingError) -> SyncReport {
        let c: PGConnection
        if let open = connection, open.isOpen {
            c = open
        } else {
            c = try link.connect()
            try BuildingSchema.check(c)
            try c.query("LISTEN kiosk_events")
            connection = c
        }
        var report = SyncReport()
        let mine = try c.query("SELECT kiosk.my_gate()").values.first?[0] ?? nil
        guard let mine else {
            throw .login("role \(link.address.role) is not a gate of this building; run `kiosk building add-gate \(gate)` and use the role it prints")
        }
        guard mine == gate else {
            throw .login("role \(link.address.role) belongs to gate \(mine), but this kiosk is gate \(gate) ([venue] gate)")
        }
        report.clockOffsetMillis = try clockOffset(c)
        let building = try c.query("SELECT value FROM kiosk.building WHERE key = 'key_check'").values.first?[0] ?? nil
        if let building, building != keyCheck {
            _ = try? c.query("SELECT kiosk.report($1, $2, $3, $4, NULL)", ["0", HashChain.genesis, String(report.clockOffsetMillis), keyCheck])
            throw .keyDiffers(gate: gate)
        }
        let claim = try c.query("SELECT kiosk.claim($1, $2)", [box.id, box.host]).values.first?[0] ?? nil
        if let claim, claim.hasPrefix("other:") {
            throw .fork(gate: gate, detail: "this box (\(box.host)) is not the box registered for gate \(gate) (\(claim.dropFirst(6)))")
        }
        try upload(c, &report)
        let answer = try c.query(
            "SELECT kiosk.report($1, $2, $3, $4, NULL)",
            [String(report.serverHead), try serverHash(c, report.serverHead), String(report.clockOffsetMillis), keyCheck])
        if answer.values.first?[0] == "key-differs" { throw .keyDiffers(gate: gate) }
        if pull { try download(c, &report) }
        if report.adopted > 0 { try upload(c, &report) }
        try remember(report)
        return report
    }

    /// True when another gate has added events since the last look (a notification on the
    /// open connection): the worker then pulls at once. Never waits; false when offline.
    public func othersAdded() -> Bool {
        guard let c = connection, c.isOpen else { return false }
        return c.notifications().contains { $0 != gate }
    }

    /// Server clock minus this gate's, from the middle of a round trip.
    private func clockOffset(_ c: PGConnection) throws(BuildingError) -> Int64 {
        let t0 = millis(now())
        let rows = try c.query("SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint")
        let t1 = millis(now())
        guard let server = rows.values.first?[0].flatMap({ $0 }).flatMap(Int64.init) else { return 0 }
        return server - (t0 + t1) / 2
    }

    private func serverHash(_ c: PGConnection, _ seq: Int64) throws(BuildingError) -> String {
        guard seq > 0 else { return HashChain.genesis }
        return try c.query("SELECT hash FROM kiosk.event WHERE gate = $1 AND seq = $2", [gate, String(seq)]).values.first?[0] ?? HashChain.genesis
    }

    /// Sends this gate's events the server does not hold, oldest first. Where to start is
    /// what the server says it holds; an event it holds that differs from ours is a fork.
    private func upload(_ c: PGConnection, _ report: inout SyncReport) throws(BuildingError) {
        let head: (seq: Int64, hash: String)
        do { head = try store.ownHead() } catch { throw .server(sqlstate: "local", message: "\(error)") }
        report.localHead = head.seq
        let row = try c.query("SELECT seq, hash FROM kiosk.event WHERE gate = $1 ORDER BY seq DESC LIMIT 1", [gate]).values.first
        var serverSeq = row?[0].flatMap { Int64($0) } ?? 0
        let serverHash = row?[1] ?? HashChain.genesis
        if serverSeq > 0 {
            let ours: String?
            do { ours = try store.ownEventHash(seq: serverSeq) } catch { throw .server(sqlstate: "local", message: "\(error)") }
            if ours != serverHash {
                let detail = ours == nil
                    ? "the building log holds #\(serverSeq) of gate \(gate), this box only #\(head.seq): it is an older copy of that gate's log"
                    : "event #\(serverSeq) differs from the one the building log holds"
                try reportFork(c, detail)
            }
        }
        report.serverHead = serverSeq
        while serverSeq < head.seq {
            let events: [ChainEvent]
            do { events = try store.ownEvents(gate: gate, after: serverSeq, limit: batch) } catch { throw .server(sqlstate: "local", message: "\(error)") }
            guard let first = events.first, let last = events.last else { break }
            let offset = report.clockOffsetMillis
            do {
                try c.query(
                    """
                    INSERT INTO kiosk.event (gate, seq, at, kind, code, payload, payload_hash, prev_hash, hash, clock_offset_ms)
                    SELECT gate, seq, at, kind, code, payload, payload_hash, prev_hash, hash, $2::bigint
                    FROM jsonb_to_recordset($1::jsonb) AS x(gate text, seq bigint, at bigint, kind text, code text, payload text,
                         payload_hash text, prev_hash text, hash text)
                    ORDER BY seq
                    """, [GateSync.json(events), String(offset)])
            } catch .server(let state, let message) where state == "KF002" {
                try reportFork(c, message)
            } catch .server(let state, _) where state == "23505" {
                // The server holds some of these already: another process of this gate (the
                // terminal's worker beside a `kiosk sync`) sent them a moment ago — the same
                // events, so go on from what it holds — or another box with this name did.
                let held = try c.query("SELECT hash FROM kiosk.event WHERE gate = $1 AND seq = $2", [gate, String(first.seq)]).values.first?[0] ?? nil
                if held != first.hash {
                    try reportFork(c, "event #\(first.seq) differs from the one the building log holds")
                }
            }
            do { try store.recordUpload(firstSeq: first.seq, lastSeq: last.seq, clockOffsetMillis: offset) } catch {
                throw .server(sqlstate: "local", message: "\(error)")
            }
            // The cursor is what the server holds now, not what was sent.
            let now = try c.query("SELECT COALESCE(MAX(seq), 0) FROM kiosk.event WHERE gate = $1", [gate]).values.first?[0].flatMap { Int64($0) } ?? 0
            report.uploaded += Int(max(0, now - serverSeq))
            guard now > serverSeq else { break }
            if let ours = try? store.ownEventHash(seq: now),
                ours != (try c.query("SELECT hash FROM kiosk.event WHERE gate = $1 AND seq = $2", [gate, String(now)]).values.first?[0] ?? nil)
            {
                try reportFork(c, "event #\(now) differs from the one the building log holds")
            }
            serverSeq = now
            report.serverHead = now
        }
    }

    private func reportFork(_ c: PGConnection, _ detail: String) throws(BuildingError) -> Never {
        _ = try? c.query("SELECT kiosk.report(0, $1, 0, $2, $3)", [HashChain.genesis, keyCheck, "box at \(link.applicationName): \(detail)"])
        throw .fork(gate: gate, detail: detail)
    }

    /// Pulls the other gates' events after what the replica holds, gate by gate.
    private func download(_ c: PGConnection, _ report: inout SyncReport) throws(BuildingError) {
        let heads: [String: ReplicaHead]
        do { heads = try store.replicaHeads() } catch { throw .server(sqlstate: "local", message: "\(error)") }
        let gates = try c.query(
            // Oldest first (by when each gate's first event arrived): of two gates with the same
            // first event, the original is taken and the copy refused, whatever their names.
            """
            SELECT g.name, (SELECT MAX(seq) FROM kiosk.event e WHERE e.gate = g.name) FROM kiosk.gate g WHERE g.name <> $1
            ORDER BY (SELECT received_at FROM kiosk.event e WHERE e.gate = g.name AND e.seq = 1) NULLS LAST, g.name
            """, [gate])
        for row in gates.values {
            guard let other = row[0] ?? nil, let top = row[1].flatMap({ $0 }).flatMap(Int64.init) else { continue }
            var cursor = heads[other]?.seq ?? 0
            var rounds = 0
            while cursor < top, rounds < 50 {
                rounds += 1
                let rows = try c.query(
                    """
                    SELECT seq, at, kind, code, payload, payload_hash, prev_hash, hash, clock_offset_ms FROM kiosk.event
                    WHERE gate = $1 AND seq > $2 ORDER BY seq LIMIT $3
                    """, [other, String(cursor), String(batch)])
                let events = rows.values.compactMap { GateSync.event(other, $0) }
                guard let last = events.last else { break }
                let result: ReplicaResult
                do { result = try store.applyReplica(events, ownGate: gate, at: now()) } catch {
                    throw .server(sqlstate: "local", message: "\(error)")
                }
                report.pulled += result.applied
                report.adopted += result.adopted
                report.refused += result.refused
                if !result.refused.isEmpty { break }
                cursor = last.seq
            }
            // Caught up with that gate: every erased event must have been explained by now.
            if cursor >= top, report.refused.allSatisfy({ $0.gate != other }) {
                let hidden: [(seq: Int64, code: String)]
                do { hidden = try store.unexplainedErasures(gate: other) } catch { throw .server(sqlstate: "local", message: "\(error)") }
                for h in hidden {
                    report.refused.append(.init(
                        gate: other, seq: h.seq,
                        problem: "its contents (\(h.code)) were erased in the building log without a purge of that gate; what it said is missing here"))
                }
            }
        }
    }

    private func remember(_ report: SyncReport) throws(BuildingError) {
        do {
            if try store.meta(GateSync.serverHeadMeta) != String(report.serverHead) {
                try store.setMeta(GateSync.serverHeadMeta, String(report.serverHead))
            }
            // The age of the replica, kept at most every 30 s (every write is an fsync).
            let t = millis(now())
            let last = try store.meta(GateSync.pulledAtMeta).flatMap(Int64.init) ?? 0
            if report.pulled > 0 || t - last >= 30_000 || t < last {
                try store.setMeta(GateSync.pulledAtMeta, String(t))
            }
        } catch {
            throw .server(sqlstate: "local", message: "\(error)")
        }
    }

    static func event(_ gate: String, _ v: [String?]) -> ChainEvent? {
        guard v.count == 9, let seqText = v[0], let seq = Int64(seqText), let atText = v[1], let at = Int64(atText), let kind = v[2],
            let payloadHash = v[5], let prev = v[6], let hash = v[7]
        else { return nil }
        return ChainEvent(
            gate: gate, seq: seq, at: at, kind: kind, code: v[3], payload: v[4], payloadHash: payloadHash, prevHash: prev, hash: hash,
            clockOffsetMillis: v[8].flatMap { Int64($0) } ?? 0)
    }

    /// The batch as a JSON array for jsonb_to_recordset: one statement, one round trip. Built
    /// as bytes: the payloads are JSON themselves, so nearly every byte of the batch passes
    /// through the escaping, which character by character was most of a sync's client time.
    static func json(_ events: [ChainEvent]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(events.reduce(0) { $0 + ($1.payload?.utf8.count ?? 0) + 300 } + 2)
        out.append(UInt8(ascii: "["))
        for (i, e) in events.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out += Array(#"{"gate":"#.utf8); quote(e.gate, &out)
            out += Array(#","seq":\#(e.seq),"at":\#(e.at),"kind":"#.utf8); quote(e.kind, &out)
            out += Array(#","code":"#.utf8)
            if let code = e.code { quote(code, &out) } else { out += Array("null".utf8) }
            out += Array(#","payload":"#.utf8)
            if let payload = e.payload { quote(payload, &out) } else { out += Array("null".utf8) }
            out += Array(#","payload_hash":"#.utf8); quote(e.payloadHash, &out)
            out += Array(#","prev_hash":"#.utf8); quote(e.prevHash, &out)
            out += Array(#","hash":"#.utf8); quote(e.hash, &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    /// A JSON string: `"` and `\` escaped, control characters as \u00XX; every other byte
    /// (UTF-8 of any character) as it is.
    static func quote(_ s: String, _ out: inout [UInt8]) {
        out.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, 0x6E]
            case 0x0D: out += [0x5C, 0x72]
            case 0x09: out += [0x5C, 0x74]
            case 0..<0x20, 0x7F:
                let hex = Array("0123456789abcdef".utf8)
                out += [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0x0F)]]
            default: out.append(b)
            }
        }
        out.append(0x22)
    }
}

func millis(_ d: Date) -> Int64 { Int64((d.timeIntervalSince1970 * 1000).rounded()) }

/// A box, as the building log tells gates' boxes apart: a hash of the machine's id, its host
/// name and where its log lies, with the host name to show. A copy of a gate's folder on
/// another machine or in another folder is another box; only a card cloned into an identical
/// machine is not, and that one is caught when its log diverges.
public struct BoxIdentity: Equatable, Sendable {
    public var id: String
    public var host: String

    public init(id: String, host: String) {
        self.id = id
        self.host = host
    }

    public static let unknown = BoxIdentity(id: "unknown", host: "unknown")
}
