import Foundation
import Testing

/// Names and fields carrying escape sequences, control characters and spreadsheet formulas
/// are stored as plain text and never reach a terminal or a CSV cell as they came.
@Suite("hostile input")
struct HostileInputTests {
    /// (what is typed, what is stored)
    static let names: [(typed: String, stored: String)] = [
        ("\u{1b}[31mRed\u{1b}[0m Alert", "[31mRed [0m Alert"),
        ("\u{1b}]0;pwned\u{07}Title", "]0;pwned Title"),
        ("Tab\there", "Tab here"),
        ("Line\nbreak\r\nagain", "Line break again"),
        ("=cmd()", "=cmd()"),
        ("=HYPERLINK(\"http://x\",\"y\")", "=HYPERLINK(\"http://x\",\"y\")"),
        ("+1", "+1"),
        ("@x", "@x"),
        ("-2", "-2"),
        ("\t=SUM(A1)", "=SUM(A1)"),
        ("Bidi \u{202E}evil\u{202C} name", "Bidi evil name"),
        ("O\"Brien, Jr", "O\"Brien, Jr"),
    ]

    static func hasControl(_ s: String) -> Bool {
        s.unicodeScalars.contains { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) || (0x202A...0x202E).contains($0.value) }
    }

    /// Checks each name in through argv and returns the codes, in order.
    private func seed(_ box: Sandbox) throws -> [String] {
        var codes: [String] = []
        for (i, n) in Self.names.enumerated() {
            let r = try box.run(["checkin", "--name=" + n.typed, "--org", "Org\u{1b}[2J\tX", "--host", "=host()", "--purpose", "a\u{7f}b"],
                now: String(format: "2026-11-29T09:%02d:00+07:00", i))
            #expect(r.status == 0, "\(n.typed.debugDescription): \(r)")
            #expect(!r.stdoutData.contains(escByte) && !r.stderrData.contains(escByte), "\(r)")
            codes.append(try #require(r.lines.first))
        }
        return codes
    }

    @Test("stored as cleaned text; list --json and list show no control characters")
    func storedClean() throws {
        let box = try Sandbox(language: "en")
        _ = try seed(box)
        let json = try box.run(["list", "--json"], now: "2026-11-29T10:00:00+07:00")
        #expect(json.status == 0, "\(json)")
        #expect(!json.stdoutData.contains(escByte))
        let visits = try JSON.array(json.stdout)
        let expected = Self.names.map(\.stored)
        #expect(visits.compactMap { $0["name"] as? String } == expected)
        for v in visits {
            for (key, value) in v {
                if let s = value as? String { #expect(!Self.hasControl(s), "\(key) = \(s.debugDescription)") }
            }
            #expect(v["organisation"] as? String == "Org [2J X")
            #expect(v["host"] as? String == "=host()")
            #expect(v["purpose"] as? String == "a b")
        }
        let text = try box.run(["list"], now: "2026-11-29T10:00:00+07:00")
        #expect(text.status == 0)
        #expect(!text.stdoutData.contains(escByte))
        #expect(!text.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(text)")
        // And in the database itself: cleaned before it was stored.
        #expect(try box.sql("SELECT COUNT(*) FROM visit WHERE instr(name, char(27)) > 0 OR instr(name, char(9)) > 0 OR instr(name, char(10)) > 0 OR instr(organisation, char(27)) > 0") == "0")
    }

    @Test("CSV exports neutralise formula cells and carry no raw control bytes")
    func csvNeutralised() throws {
        let box = try Sandbox(language: "en")
        let codes = try seed(box)
        let r = try box.run(["export", "--output", "-"], now: "2026-11-29T10:00:00+07:00")
        #expect(r.status == 0, "\(r)")
        #expect(!r.stdoutData.contains(escByte))
        #expect(!r.stdoutData.contains(0x00) && !r.stdoutData.contains(0x09) && !r.stdoutData.contains(0x7F))
        let raw = r.stdout
        for cell in ["\"'=cmd()\"", "\"'+1\"", "\"'@x\"", "\"'-2\"", "\"'=SUM(A1)\"", "\"'=host()\"", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"", "\"O\"\"Brien, Jr\""] {
            #expect(raw.contains("," + cell + ","), "CSV should contain the cell \(cell)")
        }
        let recs = ExportTests.records(try ExportTests.parseCSV(r.stdoutData))
        #expect(recs.count == codes.count)
        for rec in recs {
            for (column, value) in rec {
                #expect(!Self.hasControl(value), "\(column) = \(value.debugDescription)")
                if let f = value.first { #expect(!"=+-@".contains(f), "\(column) starts with a formula character: \(value)") }
            }
        }
        #expect(recs.map { $0["code"]! } == codes)

        // The same file on disk, and the roll call.
        let file = try box.run(["export"], now: "2026-11-29T10:00:00+07:00")
        #expect(file.status == 0, "\(file)")
        let disk = try contents(box.exportDir + "/entries-demo-hq-2026-11-29.csv")
        #expect(disk == r.stdoutData, "the file and the stream hold the same bytes")
        let roll = try box.run(["list", "--inside", "--format", "csv"], now: "2026-11-29T10:00:00+07:00")
        #expect(!roll.stdoutData.contains(escByte))
        for rec in ExportTests.records(try ExportTests.parseCSV(roll.stdoutData)) {
            for (column, value) in rec {
                if let f = value.first { #expect(!"=+-@".contains(f), "roll call \(column): \(value)") }
            }
        }
        let jsonl = try box.run(["export", "--format", "jsonl", "--output", "-"], now: "2026-11-29T10:00:00+07:00")
        #expect(!jsonl.stdoutData.contains(escByte))
        #expect(try jsonl.lines.map { try JSON.object($0)["name"] as? String } == Self.names.map(\.stored))
    }

    @Test("hostile JSON lines in a batch, and outputs that echo names")
    func batchAndEchoes() throws {
        let box = try Sandbox(language: "en")
        let lines = [
            #"{"name": "\u001b[2J\u001b[HCleared", "org": "=1+1", "badge": "\u001b[5m9"}"#,
            #"{"name": "\u0000\u0007Bell"}"#,
            #"not json at all \u001b[31m"#,
            #"{"name": "\u202eReversed"}"#,
        ].joined(separator: "\n") + "\n"
        let r = try box.run(["checkin", "--batch", "-"], stdin: Data(lines.utf8))
        #expect(r.status == 1, "one line was not JSON: \(r)")
        #expect(r.lines.count == 3 && r.lines.allSatisfy(looksLikeCode), "\(r)")
        #expect(r.stderr.contains("line 3: not a JSON object; skipped"), "\(r)")
        #expect(!r.stdoutData.contains(escByte) && !r.stderrData.contains(escByte), "\(r)")
        let visits = try box.list(date: "2026-11-29")
        #expect(visits.compactMap { $0["name"] as? String } == ["[2J [HCleared", "Bell", "Reversed"])
        #expect(visits.first?["badge"] as? String == "[5m9")

        for args in [["checkout", r.lines[0]], ["trace", r.lines[1]], ["list", "--inside"], ["checkout", "\u{1b}[31mXXXXXX"]] {
            let out = try box.run(args)
            #expect(!out.stdoutData.contains(escByte) && !out.stderrData.contains(escByte), "\(args): \(out)")
        }
    }

    @Test("over-long fields are refused, not truncated or crashed on")
    func overlong() throws {
        let box = try Sandbox(language: "en")
        let r = try box.run(["checkin", "--name", String(repeating: "A", count: 201)])
        #expect(r.status == 1, "\(r)")
        #expect(r.stderr == "Field name is too long (at most 200 characters): shorten it and try again.\n", "\(r)")
        let org = try box.run(["checkin", "--name", "Ok", "--org", String(repeating: "x", count: 100_000)])
        #expect(org.status == 1, "\(org)")
        #expect(try box.list(date: "2026-11-29").isEmpty)
    }
}
