import Foundation
import Testing

/// `kiosk list`: days, who is inside, folded search, JSON, and the evacuation roll call.
@Suite("list")
struct ListTests {
    /// Visits over two venue days; returns the codes by name.
    private func seed(_ box: Sandbox) throws -> [String: String] {
        var codes: [String: String] = [:]
        codes["Yesterday"] = try box.checkin("Yesterday Person", now: "2026-11-28T15:00:00+07:00")
        codes["An"] = try box.checkin("Nguyễn Văn An", ["--badge", "3", "--host", "Phòng Kế toán", "--org", "FPT"], now: "2026-11-29T07:30:00+07:00")
        codes["Duc"] = try box.checkin("Đặng Minh Đức", ["--org", "Công ty Đông Á"], now: "2026-11-29T07:45:00+07:00")
        codes["Left"] = try box.checkin("Hoàng Thị Lan", now: "2026-11-29T07:50:00+07:00")
        try box.run(["checkout", codes["Left"]!], now: "2026-11-29T07:55:00+07:00")
        return codes
    }

    @Test("--date picks the venue day; default is today")
    func byDate() throws {
        let box = try Sandbox(language: "en")
        let codes = try seed(box)
        let yesterday = try box.list(date: "2026-11-28")
        #expect(yesterday.map { $0["code"] as? String } == [codes["Yesterday"]])
        #expect(yesterday.first?["status"] as? String == "auto-closed", "yesterday's open visit was closed at midnight")
        let today = try box.run(["list", "--json"])
        #expect(today.status == 0, "\(today)")
        let names = try JSON.array(today.stdout).compactMap { $0["name"] as? String }
        #expect(names == ["Nguyễn Văn An", "Đặng Minh Đức", "Hoàng Thị Lan"], "ordered by time in")
        #expect(try box.list(date: "2026-11-27").isEmpty)
        let bad = try box.run(["list", "--date", "2026-02-30"])
        #expect(bad.status == 2, "\(bad)")
        #expect(bad.stderr.contains("Invalid date \"2026-02-30\": use YYYY-MM-DD."), "\(bad)")
    }

    @Test("--inside lists only visitors still inside")
    func inside() throws {
        let box = try Sandbox(language: "en")
        let codes = try seed(box)
        let inside = try box.list(inside: true)
        #expect(Set(inside.compactMap { $0["code"] as? String }) == [codes["An"]!, codes["Duc"]!])
        #expect(inside.allSatisfy { $0["status"] as? String == "inside" })
        let text = try box.run(["list", "--inside"])
        #expect(text.status == 0, "\(text)")
        #expect(text.lines.count == 2, "\(text)")
        #expect(text.stdout.contains(codes["An"]!) && text.stdout.contains("#3"), "\(text)")
        #expect(text.stdout.contains("2026-11-29 07:30:00"), "the roll call shows the full time in: \(text)")
        #expect(!text.stdout.contains("Hoàng Thị Lan"), "\(text)")
    }

    @Test("search folds diacritics and case", arguments: [
        ("nguyen van an", "An"), ("NGUYỄN", "An"), ("  van   an ", "An"), ("dang minh duc", "Duc"),
        ("ĐỨC", "Duc"), ("dong a", "Duc"), ("ke toan", "An"), ("fpt", "An"),
    ])
    func search(query: String, expected: String) throws {
        let box = try Sandbox(language: "vi")
        let codes = try seed(box)
        let found = try box.list(date: "2026-11-29", search: query)
        #expect(found.compactMap { $0["code"] as? String } == [codes[expected]!], "search \(query)")
    }

    @Test("search by code, and a search that finds nothing")
    func searchCodeAndNothing() throws {
        let box = try Sandbox(language: "en")
        let codes = try seed(box)
        let byCode = try box.list(date: "2026-11-29", search: codes["Duc"]!.lowercased())
        #expect(byCode.compactMap { $0["code"] as? String } == [codes["Duc"]!])
        #expect(try box.list(date: "2026-11-29", search: "nobody-like-this").isEmpty)
        #expect(try box.list(date: "2026-11-29", search: "%").isEmpty, "LIKE wildcards are literal")
    }

    @Test("--inside --format csv is the evacuation roll call")
    func rollCall() throws {
        let box = try Sandbox(language: "vi")
        let codes = try seed(box)
        let r = try box.run(["list", "--inside", "--format", "csv"])
        #expect(r.status == 0, "\(r)")
        #expect(Array(r.stdoutData.prefix(3)) == [0xEF, 0xBB, 0xBF], "UTF-8 BOM")
        let rows = String(decoding: r.stdoutData.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n")
        #expect(rows == [
            "name,badge,host,organisation,time_in,code",
            "Nguyễn Văn An,3,Phòng Kế toán,FPT,2026-11-29 07:30:00,\(codes["An"]!)",
            "Đặng Minh Đức,,,Công ty Đông Á,2026-11-29 07:45:00,\(codes["Duc"]!)",
            "",
        ], "\(r)")
    }
}
