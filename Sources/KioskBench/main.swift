import Foundation
import Gate
import KioskCore

/// kiosk-bench: the figures `make bench` prints (issue 2, "Speed"). Every figure stands
/// beside a baseline measured in the same run on the same machine; timings are reported,
/// never asserted. The exit status is non-zero only when a benchmark could not run.

let options: BenchOptions
let config: KioskConfig
do {
    options = try BenchOptions.parse(Array(CommandLine.arguments.dropFirst()))
    config = try BenchConfig.load(path: options.config, workDir: options.work)
} catch {
    FileHandle.standardError.write(Data("kiosk-bench: \(error)\n\(BenchOptions.usage)\n".utf8))
    exit(2)
}

Progress.note("results go to \(options.json ?? "standard output only"); work folder \(options.work)")
let sqliteVersion = (try? Spawn.output(
    Command(program: options.sqlite3, arguments: ["--version"]), scratch: options.work + "/sqlite3-version"))?
    .split(separator: " ").first.map(String.init) ?? "missing"
var report = Report(machine: Machine.current(sqlite3Version: sqliteVersion))
var noise = NoiseProbe()
noise.sample("start")

if options.only.contains("checkins") {
    report.run("durable check-ins") {
        try CheckInBench(
            count: options.checkins, runs: options.checkinRuns, config: config, sqlite3: options.sqlite3,
            workDir: options.work
        ).run()
    }
}

if !options.only.isDisjoint(with: ["export", "inside", "search", "terminal"]) {
    let plan = SeedPlan(visits: options.visits, timeZone: config.venue.timeZone)
    let seeded = SeededDatabase(
        plan: plan, cacheDir: options.cache, schemaKey: options.schemaKey, venue: config.venue.id,
        gates: config.venue.gates)
    var ready = false
    do {
        Progress.note("seeded database: \(seeded.path)")
        if let seconds = try seeded.prepare() {
            report.note("seeded \(Format.grouped(plan.visits)) visits in \(Format.duration(seconds)) (cached for later runs)")
        }
        Progress.note("copying it to \(config.records.database)")
        try WorkingCopy.make(of: seeded.path, at: config.records.database)
        try WorkingCopy.make(of: seeded.keyPath, at: config.records.keyFile)
        ready = true
    } catch {
        report.fail("seeding \(Format.grouped(plan.visits)) visits", "\(error)")
    }
    if ready {
        report.note("CLI runs use KIOSK_NOW=\(plan.nowISO); seeded days \(plan.firstDay) … \(plan.lastDay)")
        if options.only.contains("export") {
            report.run("export") {
                try ExportBench(
                    kiosk: options.kiosk, sqlite3: options.sqlite3, config: options.config,
                    database: config.records.database, plan: plan, workDir: options.work, runs: options.exportRuns
                ).run()
            }
        }
        if options.only.contains("inside") {
            report.run("list --inside") {
                try RollCallBench(
                    kiosk: options.kiosk, sqlite3: options.sqlite3, config: options.config,
                    database: config.records.database, plan: plan, workDir: options.work, runs: options.listRuns
                ).run()
            }
        }
        if options.only.contains("search") {
            report.run("list --search") {
                try SearchBench(
                    kiosk: options.kiosk, sqlite3: options.sqlite3, config: options.config,
                    database: config.records.database, plan: plan, workDir: options.work, runs: options.listRuns
                ).run()
            }
        }
        if options.only.contains("terminal") {
            report.run("guard terminal start-up") {
                try TerminalStartBench(
                    kiosk: options.kiosk, sqlite3: options.sqlite3, python: options.python,
                    script: options.terminalScript, config: options.config, logFile: config.ui.logFile,
                    database: config.records.database, fixtures: options.fixtures, now: plan.nowISO,
                    workDir: options.work, runs: options.listRuns
                ).run()
            }
        }
    }
}

noise.sample("middle")

if options.only.contains("terminal") {
    report.run("scan to verdict") {
        try ScanToVerdictBench(
            config: config, workDir: options.work, scans: 300, hc1Codes: options.hc1Codes + "/hc1.jsonl",
            hc1Signer: options.hc1Codes + "/signer.pem"
        ).run()
    }
}

if options.only.contains("web") {
    report.run("self check-in") {
        try WebBench(kiosk: options.kiosk, config: options.config, venue: config.venue.id, workDir: options.work,
            submissions: 2000, clients: 8).run()
    }
}

if options.only.contains("hc1") {
    report.run("HC1 verification") {
        try HC1Bench(fixtures: options.fixtures, reference: options.reference, python: options.python,
            seconds: options.hc1Seconds, workDir: options.work).run()
    }
}

if options.only.contains("venue") {
    report.run("venue QR codes") {
        try VenueCodeBench(qrencode: options.qrencode, workDir: options.work).run()
    }
}

if options.only.contains("slip") {
    report.run("visitor slips") {
        try SlipBench(qrencode: options.qrencode, config: config, workDir: options.work, runs: 30).run()
    }
}

if options.only.contains("building") {
    report.run("building log") {
        try BuildingBench(workDir: options.work, runs: 3).run()
    }
}

noise.sample("end")
if let figure = noise.figure { report.add(figure) }

Progress.note("done")
print(report.table, terminator: "")
if let json = options.json {
    do {
        try report.writeJSON(to: json)
    } catch {
        report.fail("results.json", "\(error)")
    }
}
exit(report.failures.isEmpty ? 0 : 1)
