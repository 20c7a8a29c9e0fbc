import Foundation
import Gate
import KioskCore
import Records

/// Durable check-ins per second through `GateService.checkIn`, in process, on a fresh
/// `Store(path:)` (WAL, synchronous=FULL) — beside bare sqlite3 doing one INSERT per
/// transaction, and beside one write+fsync per record (the disk's limit).
///
/// Runs alternate between the three so that a slow minute of the machine hits all of them,
/// and every run starts from an empty database so the figures do not drift as tables grow.
struct CheckInBench {
    let count: Int
    let runs: Int
    let config: KioskConfig
    let sqlite3: String
    let workDir: String

    /// The goal of issue 2: at least this fraction of the bare sqlite3 rate.
    static let goalRatio = 0.8

    func run() throws -> SuiteResult {
        let dir = workDir + "/checkins"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }

        let visitors = (0..<count).map { VietnameseVisitors.details(person: $0) }
        let hasher = IdHasher(key: (0..<32).map { _ in UInt8.random(in: 0...255) })
        let script = SQLiteInsertScript(
            sqlite3: sqlite3, visitors: visitors, hasher: hasher, venue: config.venue.id, gate: config.venue.gate)
        // A database made by the real migrations, for the baseline's schema.
        let schemaSource = dir + "/schema.sqlite"
        _ = try Store(path: schemaSource, chainKey: .random())
        try write(try script.setup(schemaFrom: schemaSource, scratch: dir + "/schema.sql"), to: dir + "/setup.sql")
        try write(script.inserts(startingAt: Date()), to: dir + "/inserts.sql")
        let transaction = SQLiteTransactionScript(inserts: script)
        try write(try transaction.setup(schemaFrom: schemaSource, scratch: dir + "/schema-all.sql"), to: dir + "/setup-all.sql")
        try write(transaction.transactions(startingAt: Date()), to: dir + "/transactions.sql")

        var gate: [Double] = []
        var gateUser: [Double] = []
        var gateSystem: [Double] = []
        var bare: [Double] = []
        var whole: [Double] = []
        var disk: [Double] = []
        // Run 0 warms the page cache, the binary's code and the file system; it is not kept.
        for r in 0...runs {
            Progress.note("check-ins: run \(r)/\(runs)")
            let (g, cpu) = try gateRate(visitors, hasher: hasher, dir: dir + "/gate-\(r)")
            let s = try sqliteRate(dir: dir + "/sqlite-\(r)")
            let t = try sqliteRate(dir: dir + "/sqlite-tx-\(r)", setup: "setup-all.sql", script: "transactions.sql")
            let f = try FsyncProbe.rate(count: count, recordSize: 512, path: dir + "/fsync-\(r).log")
            if r > 0 {
                gate.append(g)
                gateUser.append(cpu.user)
                gateSystem.append(cpu.system)
                bare.append(s)
                whole.append(t)
                disk.append(f)
            }
        }

        let group = "durable check-ins (\(count)/run)"
        let subject = Figure(
            id: "checkin.gate", group: group, label: "kiosk GateService.checkIn", role: .subject,
            unit: .perSecond, samples: Samples(gate))
        let baseline = Figure(
            id: "checkin.sqlite3", group: group, label: "sqlite3 CLI, 1 INSERT/transaction", role: .baseline,
            unit: .perSecond, samples: Samples(bare))
        let floor = Figure(
            id: "checkin.sqlite3-transaction", group: group, label: "sqlite3 CLI, a check-in's 17 statements/transaction",
            role: .reference, unit: .perSecond, samples: Samples(whole))
        let limit = Figure(
            id: "checkin.fsync", group: group, label: "write+fsync per record (disk limit)", role: .reference,
            unit: .perSecond, samples: Samples(disk))
        let ratio = subject.samples.median / baseline.samples.median
        let goal = Goal(
            id: "checkin", text: "check-ins ≥ \(Format.ratio(Self.goalRatio)) the sqlite3 rate",
            measured: Format.ratio(ratio), value: ratio, met: ratio >= Self.goalRatio)
        let wall = 1 / subject.samples.median
        let note = "check-in: \(Format.duration(wall)) per check-in, of which CPU \(Format.duration(Samples(gateUser).median)) "
            + "user + \(Format.duration(Samples(gateSystem).median)) system (the rest is waiting for fsync); "
            + "bare sqlite3 \(Format.duration(1 / baseline.samples.median)) per INSERT"
        let floorNote = "check-in: its SQL alone (the same 17 statements in one transaction, in the sqlite3 shell, which parses each "
            + "statement where the kiosk prepares it once; no kiosk CPU) runs at \(Format.ratio(floor.samples.median / baseline.samples.median)) "
            + "the one-INSERT baseline; the kiosk, checks and chain included, at \(Format.ratio(subject.samples.median / floor.samples.median)) that rate"
        return SuiteResult(figures: [subject, baseline, floor, limit], goals: [goal], notes: [note, floorNote])
    }

    /// One timed batch of check-ins through the Gate. Requests are built before the clock
    /// starts; opening the store and migrating are not part of a check-in either.
    /// Returns the rate and the process's CPU time per check-in during the timed loop.
    private func gateRate(_ visitors: [VisitorDetails], hasher: IdHasher, dir: String) throws -> (Double, CPUClock.Reading) {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(path: dir + "/kiosk.sqlite", chainKey: hasher.chainKey)
        let service = GateService(config: config, store: store, clock: SystemClock(), hasher: hasher)
        let requests = visitors.enumerated().map { i, details in
            var r = CheckInRequest(details: details, guardName: "bench")
            r.badge = String(i + 1)
            r.temperature = 36.6
            r.app = .installed
            return r
        }
        var refused = 0
        let cpuStart = CPUClock.now()
        let seconds = try Stopwatch.seconds {
            for request in requests {
                if try service.checkIn(request).recorded == nil { refused += 1 }
            }
        }
        let cpu = CPUClock.now() - cpuStart
        if refused > 0 { throw BenchFailure("the Gate recorded no visit for \(refused) of \(count) check-ins") }
        return (Double(count) / seconds, CPUClock.Reading(user: cpu.user / Double(count), system: cpu.system / Double(count)))
    }

    /// One timed `sqlite3 DB < script`, after an untimed run of the schema script.
    private func sqliteRate(dir: String, setup: String = "setup.sql", script: String = "inserts.sql") throws -> Double {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/bare.sqlite"
        try Spawn.run(Command(program: sqlite3, arguments: ["-batch", db], stdin: workDir + "/checkins/" + setup, stderr: dir + "/err"))
        let seconds = try Spawn.run(
            Command(program: sqlite3, arguments: ["-batch", db], stdin: workDir + "/checkins/" + script, stderr: dir + "/err"))
        if let errors = try? String(contentsOfFile: dir + "/err", encoding: .utf8), !errors.isEmpty {
            throw BenchFailure("sqlite3 < \(script): \(errors.prefix(300))")
        }
        let rows = try Spawn.output(
            Command(program: sqlite3, arguments: ["-batch", db, "SELECT COUNT(*) FROM visit"]), scratch: dir + "/count")
        guard Int(rows.trimmingCharacters(in: .whitespacesAndNewlines)) == count else {
            throw BenchFailure("sqlite3 inserted \(rows.trimmingCharacters(in: .whitespacesAndNewlines)) rows, not \(count)")
        }
        return Double(count) / seconds
    }

    private func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }
}
