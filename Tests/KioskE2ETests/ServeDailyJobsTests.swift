import Foundation
import Testing

/// Issue 20 #6: `kiosk serve` alone (a gate with only the phone form) runs the daily jobs
/// like the guard terminal: yesterday's forgotten visit is closed and the day exported,
/// without any other command touching the log.
@Suite("serve runs the daily jobs")
struct ServeDailyJobsTests {
    @Test func serveClosesForgottenVisitsAndExportsYesterday() throws {
        let box = try Sandbox(language: "en")
        let code = try box.checkin("Nguyen Van An", now: "2026-11-28T09:00:00+07:00")
        let exported = box.exportDir + "/entries-\(try venueID(box))-2026-11-28.csv"
        #expect(!FileManager.default.fileExists(atPath: exported))
        // The next morning, after auto_export_at (00:05); serve is the only process.
        box.now = "2026-11-29T08:00:00+07:00"
        let serve = try startServe(box, port: try freePort())
        defer {
            serve.send(signal: SIGTERM)
            _ = serve.wait(timeout: 10)
        }
        var found = false
        for _ in 0..<100 where !found {
            found = FileManager.default.fileExists(atPath: exported)
            if !found { usleep(100_000) }
        }
        #expect(found, "no daily export from serve: \(serve.summary)")
        // Read with sqlite3, not the CLI: every CLI command runs the automatic check-out itself.
        let status = try Tool.run("sqlite3", [box.dbPath, "SELECT status FROM visit WHERE code = '\(code)'"])
        #expect(status.trimmingCharacters(in: .whitespacesAndNewlines) == "auto-closed", "\(status)")
        serve.send(signal: SIGTERM)
        #expect(serve.wait(timeout: 10), "serve stops on SIGTERM with the jobs' thread: \(serve.summary)")
    }

    func venueID(_ box: Sandbox) throws -> String {
        let conf = try String(contentsOfFile: box.configPath, encoding: .utf8)
        var section = ""
        for line in conf.components(separatedBy: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("[") { section = t }
            if section == "[venue]", t.hasPrefix("id"), let eq = t.firstIndex(of: "=") {
                return t[t.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            }
        }
        throw E2EError("no [venue] id in \(box.configPath)")
    }
}
