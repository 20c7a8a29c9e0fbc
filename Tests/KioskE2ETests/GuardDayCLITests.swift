import Foundation
import Testing

/// Issue 22's command-line items: the unmasked export's own name, refusals in `kiosk stats`,
/// `kiosk trace` without the person's own visits, and Vietnamese words and messages.
@Suite("guard's day: command line")
struct GuardDayCLITests {
    @Test("--unmasked gets its own file name and leaves the masked file and checksum alone")
    func unmaskedOwnName() throws {
        let box = try Sandbox(language: "vi", settings: ["records.id_storage": "full"])
        try box.checkin("Lê Văn Phúc", ["--phone", "0912345678"], now: "2026-11-29T09:00:00+07:00")
        let now = "2026-11-29T18:00:00+07:00"
        #expect(try box.run(["export", "--date", "2026-11-29"], now: now).status == 0)
        let masked = box.exportDir + "/entries-demo-hq-2026-11-29.csv"
        let before = try Data(contentsOf: URL(fileURLWithPath: masked))
        let sum = try String(contentsOfFile: masked + ".sha256", encoding: .utf8)
        let r = try box.run(["export", "--date", "2026-11-29", "--unmasked", "--by", "Chị Hoa"], now: now)
        #expect(r.status == 0, "\(r)")
        let full = box.exportDir + "/entries-demo-hq-unmasked-2026-11-29.csv"
        #expect(try String(contentsOfFile: full, encoding: .utf8).contains("0912345678"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: masked)) == before)
        #expect(try String(contentsOfFile: masked + ".sha256", encoding: .utf8) == sum)
        // Written over the masked file by name: refused, nothing replaced.
        let over = try box.run(["export", "--date", "2026-11-29", "--unmasked", "--output", masked], now: now)
        #expect(over.status != 0, "\(over)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: masked)) == before)
    }

    @Test("capacity refusals count in stats, in words of the configured language")
    func statsCountRefusalsInWords() throws {
        let box = try Sandbox(language: "vi", settings: ["venue.capacity": "1"])
        try box.checkin("Người Một", now: "2026-11-29T09:00:00+07:00")
        let refused = try box.run(["checkin", "--name", "Người Hai"], now: "2026-11-29T09:05:00+07:00")
        #expect(refused.status != 0, "\(refused)")
        let stats = try box.run(["stats", "--date", "2026-11-29", "--json"], now: "2026-11-29T10:00:00+07:00")
        let obj = try JSON.object(stats.stdout)
        #expect((obj["stats"] as? [String: Any])?["denied"] as? Int == 1, "\(stats)")
        let text = try box.run(["stats", "--date", "2026-11-29"], now: "2026-11-29T10:00:00+07:00")
        #expect(text.stdout.contains("từ chối: 1"), "\(text)")
        #expect(text.stdout.contains("theo cách: nhập tay 1"), "\(text)")
        #expect(text.stdout.contains("theo loại: Khách 1"), "\(text)")
    }

    @Test("trace leaves out the person's own other visits and explains its marks")
    func traceExcludesSamePerson() throws {
        let box = try Sandbox(language: "vi")
        let a = try box.checkin("Nguyễn Văn An", ["--phone", "0912345678"], now: "2026-11-29T09:00:00+07:00")
        try box.run(["checkout", a], now: "2026-11-29T10:00:00+07:00")
        let again = try box.checkin("Nguyễn Văn An", ["--phone", "0912345678"], now: "2026-11-29T10:05:00+07:00")
        let other = try box.checkin("Trần Thị Bích", now: "2026-11-29T09:30:00+07:00")
        let r = try box.run(["trace", a, "--margin", "15m"], now: "2026-11-29T12:00:00+07:00")
        #expect(r.status == 0, "\(r)")
        #expect(!r.stdout.contains(again), "\(r.stdout)")
        #expect(r.stdout.contains(other), "\(r.stdout)")
        #expect(r.stdout.contains("(?) = không rõ giờ ra"), "\(r.stdout)")
    }

    @Test("a bad date is refused in Vietnamese with language = vi")
    func dateErrorInVietnamese() throws {
        let box = try Sandbox(language: "vi")
        for args in [["export", "--date", "2026-13-40"], ["list", "--date", "hôm qua"], ["stats", "--date", "x"]] {
            let r = try box.run(args)
            #expect(r.status == 2, "\(r)")
            #expect(r.stderr.contains("Ngày không hợp lệ"), "\(r)")
            #expect(!r.stderr.contains("Error:"), "\(r)")
        }
    }

    @Test("invite --until takes ISO 8601 without seconds, with or without a zone")
    func inviteISOWithoutSeconds() throws {
        let box = try Sandbox(language: "en")
        for until in ["2026-12-02T18:00", "2026-12-02T18:00+07:00"] {
            let r = try box.run(["invite", "--name", "Trần Thị Bích", "--host", "Phòng Kỹ thuật", "--until", until, "--json"])
            #expect(r.status == 0, "\(until): \(r)")
            #expect(try JSON.object(r.stdout)["until"] as? String == "2026-12-02T11:00:00Z", "\(r)")
        }
    }
}
