import Building
import Foundation
import KioskCore
import Records
import TestSupport

/// The building log on PostgreSQL (issue 14), on a real server started for the run:
/// - upload rate with 1, 4 and 16 gates syncing at once, beside a bare `psql \copy` of the
///   same rows into a table with the same columns and primary key (goal ≥ 0.5×);
/// - the lag from a commit at one gate to the visit being visible at another, both running
///   the background sync at `sync_seconds = 2` (goal p99 < 3 s);
/// - convergence after a partition: 5,000 events waiting at one gate until another holds
///   them all (goal < 10 s).
struct BuildingBench {
    let workDir: String
    let runs: Int
    /// Events uploaded in each upload run, split between the gates.
    let events = 16_000

    static let key = ChainKey(Array(repeating: 42, count: 32))

    final class Building {
        let pg: PostgresServer
        let adminLink: BuildingLink
        let workDir: String
        var links: [String: BuildingLink] = [:]

        init(workDir: String) throws {
            pg = try PostgresServer.start(name: "bench")
            self.workDir = workDir
            guard case .success(let address) = BuildingAddress.parse(pg.adminURL) else { throw BenchFailure("bad URL \(pg.adminURL)") }
            adminLink = BuildingLink(address: address, tls: .disable, passwordFile: pg.adminPasswordFile, timeout: .seconds(30))
            _ = try BuildingAdmin(link: adminLink).initialize()
        }

        func link(_ gate: String) throws -> BuildingLink {
            if let l = links[gate] { return l }
            let made = try BuildingAdmin(link: adminLink).addGate(gate)
            let file = workDir + "/\(gate).pw"
            try SecureFiles.writeAtomically(Array(made.password.utf8), to: file)
            guard case .success(let address) = BuildingAddress.parse(pg.url(user: made.role)) else { throw BenchFailure("bad URL") }
            let l = BuildingLink(address: address, tls: .disable, passwordFile: file, timeout: .seconds(30))
            links[gate] = l
            return l
        }

        func reset() throws { try pg.psql("TRUNCATE kiosk.event; UPDATE kiosk.gate SET head_seq = NULL, head_hash = NULL") }

        deinit { pg.shutdown() }
    }

    /// A gate's log with `count` check-ins (in memory: the upload is what is measured).
    static func gateLog(_ gate: String, count: Int) throws -> Store {
        let store = try Store(inMemoryNamed: "bench-\(gate)-\(UUID().uuidString)", chainKey: key)
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        try store.write { tx in
            for i in 0..<count {
                let t = start.addingTimeInterval(Double(i))
                _ = try tx.insert(visit(gate: gate, i: i, at: t), at: t)
            }
        }
        return store
    }

    static func visit(gate: String, i: Int, at: Date) -> Entry {
        Entry(
            code: "", venue: "bench", gate: gate, category: "visitor", method: .manual, status: .inside, checkedInAt: at,
            details: VietnameseVisitors.details(person: i),
            idStorage: .masked, decision: "admitted", reasons: ["admitted"], guardName: "bench")
    }

    func run() throws -> SuiteResult {
        let building = try Building(workDir: workDir)
        var figures: [Figure] = []
        var goals: [Goal] = []
        let group = "building log: upload"
        try building.pg.psql("CREATE TABLE bench_copy (LIKE kiosk.event INCLUDING DEFAULTS); ALTER TABLE bench_copy ADD PRIMARY KEY (gate, seq)")
        for gates in [1, 4, 16] {
            let names = (0..<gates).map { "g\(gates)x\($0)" }
            let stores = try names.map { try BuildingBench.gateLog($0, count: events / gates) }
            let syncs = try zip(names, stores).map { name, store in
                GateSync(link: try building.link(name), store: store, gate: name, keyCheck: BuildingBench.key.check, batch: 2000, now: { Date() })
            }
            // The same rows as CSV for the baseline, where psql can read it: run as root, the
            // bench runs psql as the postgres user, who cannot enter the 0700 work folder.
            let csvDir = NSTemporaryDirectory() + "kiosk-bench-copy-\(getpid())"
            try FileManager.default.createDirectory(atPath: csvDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
            defer { try? FileManager.default.removeItem(atPath: csvDir) }
            let csv = csvDir + "/copy-\(gates).csv"
            var text = ""
            for (name, store) in zip(names, stores) {
                for e in try store.ownEvents(gate: name, after: 0, limit: Int.max) {
                    let cells = [e.gate, String(e.seq), String(e.at), e.kind, e.code ?? "", e.payload ?? "", e.payloadHash, e.prevHash, e.hash, "0"]
                    text += cells.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",") + "\n"
                }
            }
            try text.write(toFile: csv, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: csv)
            var ours: [Double] = []
            var copy: [Double] = []
            for _ in 0..<runs {
                try building.reset()
                let seconds = try Stopwatch.seconds {
                    let failures = Failures()
                    let done = DispatchGroup()
                    for s in syncs {
                        done.enter()
                        Thread {
                            do { _ = try s.pass(download: false) } catch { failures.add("\(error)") }
                            done.leave()
                        }.start()
                    }
                    done.wait()
                    if let f = failures.first { throw BenchFailure("upload: \(f)") }
                }
                let held = try building.pg.psql("SELECT count(*) FROM kiosk.event")
                guard Int(held) == events / gates * gates else { throw BenchFailure("upload left \(held) events") }
                ours.append(Double(events / gates * gates) / seconds)
                try building.pg.psql("TRUNCATE bench_copy")
                let c = try Stopwatch.seconds { try building.pg.psql("\\copy bench_copy (gate, seq, at, kind, code, payload, payload_hash, prev_hash, hash, clock_offset_ms) FROM '\(csv)' CSV") }
                copy.append(Double(events / gates * gates) / c)
            }
            let g = "\(group), \(gates) gate\(gates == 1 ? "" : "s")"
            figures.append(Figure(id: "building.upload.\(gates)", group: g, label: "kiosk sync, \(gates) at once", role: .subject, unit: .perSecond, samples: Samples(ours)))
            figures.append(Figure(id: "building.copy.\(gates)", group: g, label: "psql \\copy, bare table", role: .baseline, unit: .perSecond, samples: Samples(copy)))
            let ratio = Samples(ours).median / Samples(copy).median
            goals.append(Goal(
                id: "building-upload-\(gates)", text: "upload with \(gates) gate(s) ≥ 0.5× a bare COPY", measured: String(format: "%.2f×", ratio),
                value: ratio, met: ratio >= 0.5))
        }

        // Lag: two gates syncing in the background; check-ins at one, watched at the other.
        let lobby = try BuildingBench.gateLog("lag-lobby", count: 0)
        let car = try BuildingBench.gateLog("lag-car", count: 0)
        let workers = try [("lag-lobby", lobby), ("lag-car", car)].map { name, store in
            SyncWorker(
                sync: GateSync(link: try building.link(name), store: store, gate: name, keyCheck: BuildingBench.key.check, now: { Date() }),
                store: store, interval: .seconds(2))
        }
        workers.forEach { $0.start() }
        Thread.sleep(forTimeInterval: 3)
        var lags: [Double] = []
        for i in 0..<60 {
            let code = try lobby.write { tx in try tx.insert(BuildingBench.visit(gate: "lag-lobby", i: i, at: Date()), at: Date()) }.code
            let committed = Date()
            while try car.read({ tx in try tx.replicaVisit(code: code) }) == nil {
                if Date().timeIntervalSince(committed) > 30 { throw BenchFailure("visit \(code) never reached the other gate") }
                Thread.sleep(forTimeInterval: 0.005)
            }
            lags.append(Date().timeIntervalSince(committed))
            Thread.sleep(forTimeInterval: Double(i % 7) * 0.05)
        }
        workers.forEach { $0.stop(timeout: 10) }
        let lag = Samples(lags)
        let p99 = lag.sorted[min(lag.values.count - 1, Int((Double(lag.values.count) * 0.99).rounded(.up)) - 1)]
        figures.append(Figure(id: "building.lag", group: "building log: commit → visible at another gate (sync_seconds = 2)", label: "lag, 60 check-ins", role: .subject, unit: .seconds, samples: lag))
        goals.append(Goal(id: "building-lag-p99", text: "sync lag p99 < 3 s (p50 \(String(format: "%.2f", lag.median)) s)", measured: String(format: "%.2f s", p99), value: p99, met: p99 < 3))

        // Convergence: 5,000 events waiting at one gate (a partition), then one pass each.
        var converge: [Double] = []
        for run in 0..<runs {
            try building.reset()
            let waiting = try BuildingBench.gateLog("part-a\(run)", count: 5000)
            let other = try BuildingBench.gateLog("part-b\(run)", count: 0)
            let a = GateSync(link: try building.link("part-a\(run)"), store: waiting, gate: "part-a\(run)", keyCheck: BuildingBench.key.check, now: { Date() })
            let b = GateSync(link: try building.link("part-b\(run)"), store: other, gate: "part-b\(run)", keyCheck: BuildingBench.key.check, now: { Date() })
            converge.append(try Stopwatch.seconds {
                _ = try a.pass()
                _ = try b.pass()
            })
            let held = try other.insideEverywhere().filter { $0.gate == "part-a\(run)" }.count
            guard held == 5000 else { throw BenchFailure("convergence left \(held) of 5000 visits at the other gate") }
        }
        let conv = Samples(converge)
        figures.append(Figure(id: "building.converge", group: "building log: converge after a partition", label: "5,000 events waiting", role: .subject, unit: .seconds, samples: conv))
        goals.append(Goal(id: "building-converge", text: "converge with 5,000 events waiting < 10 s", measured: String(format: "%.2f s", conv.median), value: conv.median, met: conv.median < 10))
        return SuiteResult(figures: figures, goals: goals, notes: ["building log: PostgreSQL \(try building.pg.psql("SHOW server_version")), fsync off (as in the tests)"])
    }
}

/// Errors from worker threads.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ s: String) { lock.withLock { list.append(s) } }
    var first: String? { lock.withLock { list.first } }
}
