import Foundation
import Testing

/// Review of issue 21: a purge while another process held a read transaction deleted the
/// visits, then reported "database locked, try again" because the erasing checkpoint could
/// not run. The purge now says what it did, and the next maintenance run erases the bytes.
@Suite("purge beside a reader")
struct PurgeWhileReadTests {
    @Test func thePurgeReportsItsWorkAndTheBytesGoAtTheNextRun() throws {
        let box = try Sandbox(language: "en")
        try box.checkin("Zyxwvu Purgeable", ["--phone", "0987654321"], now: "2026-10-01T09:00:00+07:00")
        // A reader holding a snapshot for a few seconds, as another process's long read would.
        let reader = try BackgroundProcess("/usr/bin/python3", ["-c", """
            import sqlite3, time, sys
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute("BEGIN")
            db.execute("SELECT count(*) FROM visit").fetchone()
            print("reading", flush=True)
            time.sleep(8)
            db.execute("COMMIT")
            """, box.dbPath])
        defer { reader.send(signal: SIGKILL); _ = reader.wait(timeout: 5) }
        #expect(reader.waitForLines(timeout: 10) { $0.contains("reading") })
        let purge = try box.run(["purge", "--older-than", "30"])
        #expect(purge.status == 0, "\(purge)")
        #expect(purge.stdout.contains("Purged 1"), "\(purge)")
        #expect(reader.wait(timeout: 15))
        #expect(try box.run(["maintenance"]).status == 0)
        for file in [box.dbPath, box.dbPath + "-wal"] where FileManager.default.fileExists(atPath: file) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            #expect(bytes.range(of: Data("Zyxwvu".utf8)) == nil, "\(file) still holds the purged name")
            #expect(bytes.range(of: Data("0987654321".utf8)) == nil, "\(file) still holds the purged phone")
        }
        #expect(try box.run(["audit"]).status == 0)
    }
}
