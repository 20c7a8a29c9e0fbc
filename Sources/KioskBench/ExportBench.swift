import Foundation

/// Export of the seeded month to CSV: `kiosk export` as a user runs it (its own process,
/// writing the file, its checksum and the export's chain event) beside `sqlite3 -csv`
/// printing the same rows and columns of the same database to a file.
struct ExportBench {
    let kiosk: String
    let sqlite3: String
    let config: String
    let database: String
    let plan: SeedPlan
    let workDir: String
    let runs: Int

    /// The goal of issue 2: no slower than this multiple of sqlite3's own CSV.
    static let goalRatio = 1.2

    /// The columns and rows `Store.export` selects (see Store+Export.swift), with the same
    /// WHERE and ORDER BY, so both sides walk the same index over the same rows.
    static func baselineSQL(from: Int64, to: Int64) -> String {
        """
        SELECT code, venue, gate, category, method, status, checked_in_at, checked_out_at,
               auto_closed_at, name, id_number, phone, organisation, host, purpose, address,
               badge, temperature, symptoms, app, pass_summary, declaration, decision, reasons,
               override_by, override_reason, watch_match, guard, id_storage
        FROM visit WHERE checked_in_at >= \(from) AND checked_in_at < \(to) ORDER BY checked_in_at, id
        """
    }

    func run() throws -> SuiteResult {
        let kioskOut = workDir + "/export-kiosk.csv"
        let sqliteOut = workDir + "/export-sqlite3.csv"
        let from = plan.calendar.start(of: plan.firstDay)
        let to = plan.calendar.interval(of: plan.lastDay).end
        let subject = Command(
            program: kiosk,
            arguments: ["export", "--config", config, "--from", "\(plan.firstDay)", "--to", "\(plan.lastDay)", "--output", kioskOut],
            environment: ["KIOSK_NOW": plan.nowISO, "KIOSK_GUARD": "kiosk-bench"], stderr: workDir + "/export-kiosk.err")
        let sql = Self.baselineSQL(from: Int64(from.timeIntervalSince1970 * 1000), to: Int64(to.timeIntervalSince1970 * 1000))
        let baseline = Command(
            program: sqlite3, arguments: ["-batch", "-csv", database, sql], stdout: sqliteOut,
            stderr: workDir + "/export-sqlite3.err")

        let times = try AlternatingRuns(subject: subject, baseline: baseline, runs: runs, label: "export").run { warmUp in
            if warmUp {
                // The header row, then one line per visit; sqlite3 prints no header.
                let k = try LineCount.of(kioskOut) - 1
                let s = try LineCount.of(sqliteOut)
                guard k == plan.visits, s == plan.visits else {
                    throw BenchFailure("export wrote \(k) rows and sqlite3 \(s), not \(plan.visits)")
                }
            }
            try? FileManager.default.removeItem(atPath: kioskOut)
            try? FileManager.default.removeItem(atPath: sqliteOut)
        }

        let group = "export \(Format.grouped(plan.visits)) visits → CSV"
        let kioskFigure = Figure(
            id: "export.kiosk", group: group, label: "kiosk export --from --to --output", role: .subject,
            unit: .seconds, samples: Samples(times.subject))
        let sqliteFigure = Figure(
            id: "export.sqlite3", group: group, label: "sqlite3 -csv, same rows and columns", role: .baseline,
            unit: .seconds, samples: Samples(times.baseline))
        let ratio = kioskFigure.samples.median / sqliteFigure.samples.median
        let goal = Goal(
            id: "export", text: "export time ≤ \(Format.ratio(Self.goalRatio)) sqlite3 -csv",
            measured: Format.ratio(ratio), value: ratio, met: ratio <= Self.goalRatio)
        return SuiteResult(figures: [kioskFigure, sqliteFigure], goals: [goal])
    }
}
