import Foundation
import Testing

/// Issue 22 #17: usage errors were English with `language = vi`. The kiosk's own checks of
/// options speak the configured language and still exit 2.
@Suite("usage errors in the configured language")
struct UsageWordsTests {
    @Test(arguments: [
        (["checkin"], "Cần --name"),
        (["checkin", "--name", "A", "--override-by", "B"], "phải dùng cùng nhau"),
        (["checkout"], "--badge SỐ"),
        (["export", "--date", "2026-11-29", "--from", "2026-11-28", "--to", "2026-11-29"], "không dùng cả hai"),
        (["export", "--from", "2026-11-28"], "phải dùng cùng nhau"),
        (["purge", "--older-than", "5000"], "3650 ngày"),
        (["venue-qr", "--scale", "99", "--format", "png", "--output", "x.png"], "--scale phải"),
        (["invite", "--name", "A", "--host", "B", "--until", "2026-12-01", "--uses", "0"], "--uses phải"),
    ])
    func vietnamese(_ args: [String], _ words: String) throws {
        let box = try Sandbox(language: "vi")
        let r = try box.run(args)
        #expect(r.status == 2, "\(args): \(r)")
        #expect(r.stderr.contains(words), "\(args): \(r)")
    }

    @Test func englishStaysEnglish() throws {
        let box = try Sandbox(language: "en")
        let r = try box.run(["checkout"])
        #expect(r.status == 2, "\(r)")
        #expect(r.stderr.contains("Give either an entry CODE or --badge N."), "\(r)")
    }
}
