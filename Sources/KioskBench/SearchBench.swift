import Foundation
import KioskCore

/// `kiosk list --search` on the seeded month: the guard looking someone up by part of a name
/// on a busy day (about 33,000 visits), timed as a whole process beside sqlite3 running the
/// same LIKE over the same day. Diacritics are folded on both sides (`search_text`).
struct SearchBench {
    let kiosk: String
    let sqlite3: String
    let config: String
    let database: String
    let plan: SeedPlan
    let workDir: String
    let runs: Int

    /// Typed as a guard types it: no diacritics, lower case; matches a few percent of names.
    static let term = "tran thi"

    func run() throws -> SuiteResult {
        let kioskOut = workDir + "/search-kiosk.txt"
        let sqliteOut = workDir + "/search-sqlite3.txt"
        let day = plan.lastDay
        let subject = Command(
            program: kiosk, arguments: ["list", "--config", config, "--date", "\(day)", "--search", Self.term],
            environment: ["KIOSK_NOW": plan.nowISO], stdout: kioskOut, stderr: workDir + "/search-kiosk.err")
        let (start, end) = plan.calendar.interval(of: day)
        let millis = { (d: Date) in Int64((d.timeIntervalSince1970 * 1000).rounded()) }
        let sql = """
            SELECT code, venue, gate, category, method, checked_in_at, name, search_text, id_number, id_storage,
                   id_hash, phone, organisation, host, purpose, address, badge, temperature, symptoms, declaration,
                   app, pass_summary, decision, reasons, override_by, override_reason, watch_match, guard,
                   status, checked_out_at, auto_closed_at
            FROM visit WHERE checked_in_at >= \(millis(start)) AND checked_in_at < \(millis(end))
              AND search_text LIKE '%\(Self.term)%' ESCAPE '\\' ORDER BY checked_in_at, id
            """
        let baseline = Command(
            program: sqlite3, arguments: ["-batch", database, sql], stdout: sqliteOut, stderr: workDir + "/search-sqlite3.err")

        var found = 0
        let times = try AlternatingRuns(subject: subject, baseline: baseline, runs: runs, label: "list --search").run { _ in
            let k = try LineCount.of(kioskOut)
            let s = try LineCount.of(sqliteOut)
            guard k == s, k > 0 else {
                throw BenchFailure("list --search \"\(Self.term)\" printed \(k) lines and sqlite3 \(s): they must agree and find someone")
            }
            found = k
        }

        let group = "list --search, 1 day of \(Format.grouped(plan.visits)) visits"
        return SuiteResult(
            figures: [
                Figure(
                    id: "search.kiosk", group: group, label: "kiosk list --date --search \"\(Self.term)\" (whole process)",
                    role: .subject, unit: .seconds, samples: Samples(times.subject)),
                Figure(
                    id: "search.sqlite3", group: group, label: "sqlite3 SELECT … LIKE, same day", role: .baseline,
                    unit: .seconds, samples: Samples(times.baseline)),
            ],
            goals: [], notes: ["list --search found \(found) visits of \(day) for \"\(Self.term)\""])
    }
}
