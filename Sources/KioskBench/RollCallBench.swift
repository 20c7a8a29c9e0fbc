import Foundation

/// `kiosk list --inside` on the seeded month — the evacuation roll call, which must come up
/// at once — timed as a whole process (start-up, config, opening the log, the query, the
/// printing), beside sqlite3 selecting the same open visits.
struct RollCallBench {
    let kiosk: String
    let sqlite3: String
    let config: String
    let database: String
    let plan: SeedPlan
    let workDir: String
    let runs: Int

    /// The goal of issue 2, in seconds.
    static let goal = 0.050

    func run() throws -> SuiteResult {
        let kioskOut = workDir + "/inside-kiosk.txt"
        let sqliteOut = workDir + "/inside-sqlite3.txt"
        let subject = Command(
            program: kiosk, arguments: ["list", "--config", config, "--inside"],
            environment: ["KIOSK_NOW": plan.nowISO], stdout: kioskOut, stderr: workDir + "/inside-kiosk.err")
        // The columns `Store.list` reads (VisitRow.selectList), in the same order.
        let sql = """
            SELECT code, venue, gate, category, method, checked_in_at, name, search_text, id_number, id_storage,
                   id_hash, phone, organisation, host, purpose, address, badge, temperature, symptoms, declaration,
                   app, pass_summary, decision, reasons, override_by, override_reason, watch_match, guard,
                   status, checked_out_at, auto_closed_at
            FROM visit WHERE status = 'inside' ORDER BY checked_in_at, id
            """
        let baseline = Command(
            program: sqlite3, arguments: ["-batch", database, sql], stdout: sqliteOut,
            stderr: workDir + "/inside-sqlite3.err")

        let times = try AlternatingRuns(subject: subject, baseline: baseline, runs: runs, label: "list --inside").run { _ in
            let k = try LineCount.of(kioskOut)
            let s = try LineCount.of(sqliteOut)
            guard k == plan.stillInside, s == plan.stillInside else {
                throw BenchFailure("list --inside printed \(k) lines and sqlite3 \(s), not \(plan.stillInside)")
            }
        }

        let group = "list --inside, \(Format.grouped(plan.visits)) visits"
        let kioskFigure = Figure(
            id: "inside.kiosk", group: group, label: "kiosk list --inside (whole process)", role: .subject,
            unit: .seconds, samples: Samples(times.subject))
        let sqliteFigure = Figure(
            id: "inside.sqlite3", group: group, label: "sqlite3 SELECT … WHERE status='inside'", role: .baseline,
            unit: .seconds, samples: Samples(times.baseline))
        let median = kioskFigure.samples.median
        let goal = Goal(
            id: "inside", text: "list --inside < \(Format.duration(Self.goal))",
            measured: Format.duration(median), value: median, met: median < Self.goal)
        return SuiteResult(figures: [kioskFigure, sqliteFigure], goals: [goal])
    }
}
