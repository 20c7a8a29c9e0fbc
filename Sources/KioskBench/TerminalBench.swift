import Dispatch
import Foundation
import Gate
import KioskCore
import TerminalUI

/// The guard terminal's figures (issue 3): scan to verdict painted, in process, with the
/// durable write; start-up and peak memory of the real binary on the seeded database.
struct ScanToVerdictBench {
    let config: KioskConfig
    let workDir: String
    let scans: Int
    /// Signed HC1 codes of the soak's own signer (Tests/Soak/make_hc1.py, written by
    /// bench/run.sh) and its certificate; without them the HC1 figure cannot be measured.
    let hc1Codes: String
    let hc1Signer: String

    static let goalP99 = 0.020

    /// The issue's figure (an HC1: Base45, zlib, COSE signature, policy, durable record) and
    /// the same for invitations (an HMAC instead of a signature).
    func run() throws -> SuiteResult {
        let lines = try String(contentsOfFile: hc1Codes, encoding: .utf8).split(separator: "\n")
        let hc1 = try lines.map { line -> String in
            guard let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let code = obj["code"] as? String else {
                throw BenchFailure("\(hc1Codes): a line without a code")
            }
            return code
        }
        guard hc1.count >= 2 * scans else { throw BenchFailure("\(hc1Codes) holds \(hc1.count) codes, \(2 * scans) needed") }
        var result = try measure(kind: "HC1", name: "hc1", signer: hc1Signer) { _ in hc1 }
        let invitations = try measure(kind: "invitation", name: "invite", signer: nil) { gate in
            let now = Date()
            return try (0..<(2 * scans)).map { i in
                try gate.issueInvitation(name: "Khách Số \(i)", host: "Lễ tân", purpose: nil,
                    from: now.addingTimeInterval(-60), until: now.addingTimeInterval(7200), uses: 1).code
            }
        }
        result.figures += invitations.figures
        result.notes += invitations.notes
        return result
    }

    /// Times `2 × scans` codes of one kind on a fresh log: half straight through Gate (the
    /// baseline), half typed into the terminal as a scanner types them, until the frame shows
    /// the admission. Every scan admits and records, so each is a durable write.
    private func measure(kind: String, name: String, signer: String?, codes make: (GateService) throws -> [String]) throws -> SuiteResult {
        var c = config
        let dir = workDir + "/terminal-scan-\(name)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        c.records.database = dir + "/kiosk.sqlite"
        c.records.exportDir = dir + "/exports"
        c.passes.trustDir = dir + "/trust"
        c.venue.capacity = 0
        if let signer {
            // The trust store is read when the service opens: import, then open the one measured.
            _ = try GateService.open(config: c, clock: SystemClock()).importTrust(file: signer)
        }
        let gate = try GateService.open(config: c, clock: SystemClock())
        let codes = try make(gate)

        var direct: [Double] = []
        for code in codes.prefix(scans) {
            var recorded = false
            direct.append(try Stopwatch.seconds { recorded = try gate.scan(code, guardName: "bench").checkIn?.recorded != nil })
            guard recorded else { throw BenchFailure("\(kind) scan was not admitted and recorded: \(code.prefix(40))…") }
        }

        // Subject: keys as the terminal delivers them → assembler → app → worker → painted.
        let wake = DispatchSemaphore(value: 0)
        let runner = ThreadRunner(gate: gate) { wake.signal() }
        let app = TerminalApp(gate: gate, runner: runner, guardName: "bench", capabilities: .init(colour: true, unicode: true))
        let terminal = FakeTerminal()
        func settle() {
            while app.isBusy {
                wake.wait()
                app.collect()
            }
        }
        settle()
        var assembler = InputAssembler()
        var painted: [Double] = []
        for code in codes.suffix(scans) {
            let base = Monotonic.milliseconds()
            var keys = code.enumerated().map { TimedKey(.character($1), at: base + Double($0) * 0.01) }
            keys.append(TimedKey(.enter, at: base + Double(code.count) * 0.01))
            let before = app.verdict?.code
            let t0 = Monotonic.milliseconds()
            for e in assembler.feed(keys) { app.handle(e) }
            while app.verdict?.code == before || app.verdict?.code == nil {
                wake.wait()
                app.collect()
            }
            terminal.present(app.render(columns: 80, rows: 24))
            painted.append((Monotonic.milliseconds() - t0) / 1000)
            guard terminal.text.contains("ĐƯỢC VÀO") || terminal.text.contains("ADMIT") else {
                throw BenchFailure("the verdict panel did not show an admission:\n\(terminal.text)")
            }
            settle()
        }
        let p50 = percentile(painted, 0.5), p99 = percentile(painted, 0.99)
        let group = "scan → verdict painted (\(kind), durable write)"
        return SuiteResult(
            figures: [
                Figure(id: "scan.\(name).terminal", group: group, label: "guard terminal: Enter → frame with the verdict", role: .subject, unit: .seconds, samples: Samples(painted)),
                Figure(id: "scan.\(name).gate", group: group, label: "Gate.scan alone (same kind, same log)", role: .baseline, unit: .seconds, samples: Samples(direct)),
            ],
            goals: name == "hc1"
                ? [Goal(id: "scan-p99", text: "HC1 scan → verdict p99 < \(Format.duration(Self.goalP99))", measured: "p50 \(Format.duration(p50)), p99 " + Format.duration(p99), value: p99, met: p99 < Self.goalP99)]
                : [],
            notes: ["scan → verdict (\(kind)): p50 \(Format.duration(p50)), p99 \(Format.duration(p99)) over \(scans) scans; Gate.scan alone p50 \(Format.duration(percentile(direct, 0.5))), p99 \(Format.duration(percentile(direct, 0.99)))"])
    }

    func percentile(_ values: [Double], _ p: Double) -> Double {
        let s = values.sorted()
        return s[min(s.count - 1, Int((Double(s.count) * p).rounded(.up)) - 1)]
    }
}

/// The real binary on a pseudo-terminal against the seeded million visits (bench/terminal_start.py).
struct TerminalStartBench {
    let kiosk: String
    let sqlite3: String
    let python: String
    let script: String
    let config: String
    let logFile: String
    let database: String
    let fixtures: String
    let now: String
    let workDir: String
    let runs: Int

    static let goalReady = 0.200
    static let goalMemory = 40_000_000.0

    func run() throws -> SuiteResult {
        // What the scanner "types" after start-up: real HC1 codes from the test files.
        var codes: [String] = []
        if let files = FileManager.default.enumerator(atPath: fixtures) {
            for case let f as String in files where f.hasSuffix(".json") && codes.count < 200 {
                if let data = FileManager.default.contents(atPath: fixtures + "/" + f),
                    let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                    let prefix = json["PREFIX"] as? String, prefix.hasPrefix("HC1:"), prefix.count < 4000
                {
                    codes.append(prefix)
                }
            }
        }
        let codesFile = workDir + "/terminal-codes.txt"
        try codes.joined(separator: "\n").write(toFile: codesFile, atomically: true, encoding: .utf8)
        let out = try Spawn.output(
            Command(program: python, arguments: [script, kiosk, config, logFile, sqlite3, database, String(runs + 1), codesFile],
                environment: ["KIOSK_NOW": now], stderr: workDir + "/terminal-start.err"),
            scratch: workDir + "/terminal-start.json")
        guard let json = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: [Double]],
            let ready = json["ready_s"], let hwm = json["hwm_kb"], let anon = json["anon_kb"], let pss = json["pss_kb"], let sq = json["sqlite_s"], let sqkb = json["sqlite_kb"],
            ready.count > 1
        else { throw BenchFailure("terminal_start.py printed no figures: \(out.prefix(200))") }
        // The first run warms the page cache; the rest are reported.
        let readyS = Samples(Array(ready.dropFirst())), memory = Samples(hwm.dropFirst().map { $0 * 1024 })
        let startGroup = "guard terminal start-up, 1,000,000 visits"
        let memGroup = "guard terminal peak memory (start-up + \(codes.count) scans)"
        return SuiteResult(
            figures: [
                Figure(id: "terminal.ready", group: startGroup, label: "kiosk: start → first complete screen", role: .subject, unit: .seconds, samples: readyS),
                Figure(id: "terminal.sqlite3", group: startGroup, label: "sqlite3: open, count inside, last 20", role: .baseline, unit: .seconds, samples: Samples(Array(sq.dropFirst()))),
                Figure(id: "terminal.memory", group: memGroup, label: "kiosk peak resident memory (VmHWM)", role: .subject, unit: .bytes, samples: memory),
                Figure(id: "terminal.pss", group: memGroup, label: "kiosk proportional memory at the end (Pss)", role: .reference, unit: .bytes, samples: Samples(pss.dropFirst().map { $0 * 1024 })),
                Figure(id: "terminal.private-memory", group: memGroup, label: "kiosk own memory at the end (RssAnon, no shared libraries)", role: .reference, unit: .bytes, samples: Samples(anon.dropFirst().map { $0 * 1024 })),
                Figure(id: "terminal.sqlite3-memory", group: memGroup, label: "sqlite3 peak memory, same queries", role: .baseline, unit: .bytes, samples: Samples(sqkb.dropFirst().map { $0 * 1024 })),
            ],
            goals: [
                Goal(id: "terminal-ready", text: "start-up < \(Format.duration(Self.goalReady))", measured: Format.duration(readyS.median), value: readyS.median, met: readyS.median < Self.goalReady),
                Goal(id: "terminal-memory", text: "memory < 40 MB", measured: Format.value(memory.max, .bytes), value: memory.max, met: memory.max < Self.goalMemory),
            ])
    }
}
