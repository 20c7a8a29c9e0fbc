import Foundation
import Testing

/// `kiosk purge`: old visits and their personal data go, the chain stays verifiable.
@Suite("purge")
struct PurgeTests {
    @Test("purge --older-than removes old visits, erases their event payloads, keeps audit green")
    func purgeOld() throws {
        let box = try Sandbox(language: "en")
        let old1 = try box.checkin("Old Left", ["--phone", "0911111111"], now: "2026-10-01T09:00:00+07:00")
        try box.run(["checkout", old1], now: "2026-10-01T10:00:00+07:00")
        let old2 = try box.checkin("Old Forgot", now: "2026-10-20T09:00:00+07:00")  // auto-closed later
        let exported = try box.run(["export", "--date", "2026-10-01"], now: "2026-10-02T09:00:00+07:00")
        #expect(exported.status == 0, "\(exported)")
        let oldFile = box.exportDir + "/entries-demo-hq-2026-10-01.csv"
        #expect(FileManager.default.fileExists(atPath: oldFile))
        let recent = try box.checkin("Recent", now: "2026-11-28T09:00:00+07:00")
        let today = try box.checkin("Today Inside", now: "2026-11-29T08:00:00+07:00")

        let r = try box.run(["purge", "--older-than", "30"], now: "2026-11-29T09:00:00+07:00")
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout == "Purged 2 visits older than 30 days; the hash chain is still valid.\n", "\(r)")

        let remaining = Set(try box.sql("SELECT code FROM visit").split(separator: "\n").map(String.init))
        #expect(remaining == [recent, today])
        #expect(try box.list(date: "2026-10-01").isEmpty)
        #expect(try box.list(date: "2026-10-20").isEmpty)
        #expect(try box.sql("SELECT COUNT(*) FROM event WHERE code IN ('\(old1)','\(old2)') AND payload IS NOT NULL") == "0",
            "personal data in the purged visits' events is erased")
        #expect(try box.sql("SELECT COUNT(*) FROM event WHERE kind = 'purge'") == "1")
        let dump = try Tool.run("sqlite3", [box.dbPath, ".dump"])
        #expect(!dump.contains("Old Left") && !dump.contains("0911111111"), "no trace of purged personal data in the database")
        for file in [box.dbPath, box.dbPath + "-wal"] where FileManager.default.fileExists(atPath: file) {
            let bytes = try contents(file)
            #expect(bytes.range(of: Data("Old Left".utf8)) == nil && bytes.range(of: Data("0911111111".utf8)) == nil,
                "purged personal data is overwritten on disk (secure_delete), not left in free pages of \(file)")
        }
        #expect(!FileManager.default.fileExists(atPath: oldFile), "exports of purged days are deleted too")

        let audit = try box.run(["audit"], now: "2026-11-29T09:00:00+07:00")
        #expect(audit.status == 0, "\(audit)")
        #expect(audit.stdout.hasPrefix("Log intact: "), "\(audit)")

        let again = try box.run(["purge", "--older-than", "30"], now: "2026-11-29T09:05:00+07:00")
        #expect(again.status == 0, "\(again)")
        #expect(again.stdout.hasPrefix("Purged 0 visits"), "\(again)")
        #expect(try box.audit().status == 0)
    }

    @Test("purge uses retention_days by default and never removes someone inside")
    func purgeDefaultRetention() throws {
        let box = try Sandbox(language: "vi", settings: ["records.retention_days": "5", "records.auto_checkout": "off"])
        let stillInside = try box.checkin("Vẫn Ở Trong", now: "2026-11-01T09:00:00+07:00")
        let gone = try box.checkin("Đã Về", now: "2026-11-02T09:00:00+07:00")
        try box.run(["checkout", gone], now: "2026-11-02T10:00:00+07:00")
        let kept = try box.checkin("Mới", now: "2026-11-27T09:00:00+07:00")
        let r = try box.run(["purge"], now: "2026-11-29T09:00:00+07:00")
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout == "Đã xóa 1 lượt cũ hơn 5 ngày; chuỗi băm vẫn hợp lệ.\n", "\(r)")
        let remaining = Set(try box.sql("SELECT code FROM visit").split(separator: "\n").map(String.init))
        #expect(remaining == [stillInside, kept])
        #expect(try box.audit().status == 0)
    }

    @Test("a negative --older-than is a usage error")
    func negative() throws {
        let box = try Sandbox(language: "en")
        let r = try box.run(["purge", "--older-than", "-1"])
        #expect(r.status == 2, "\(r)")
    }
}
