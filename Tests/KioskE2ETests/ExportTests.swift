import Foundation
import Testing

/// `kiosk export`: the default file and its checksum, masking, formats, ranges, and the
/// audit record of an unmasked export.
@Suite("export")
struct ExportTests {
    static let header = "code,venue,gate,category,method,status,date,time_in,time_out,auto_closed_at,name,id_number,phone,organisation,host,purpose,address,badge,temperature,symptoms,app,pass,declaration,decision,reasons,override_by,override_reason,watch_match,guard,consent"

    /// CSV bytes → rows of cells (RFC 4180: quoted cells, doubled quotes, CRLF), BOM removed.
    static func parseCSV(_ data: Data) throws -> [[String]] {
        #expect(Array(data.prefix(3)) == [0xEF, 0xBB, 0xBF], "CSV must start with a UTF-8 BOM")
        let text = String(decoding: data.dropFirst(3), as: UTF8.self)
        var rows: [[String]] = []
        var row: [String] = []
        var cell = ""
        var quoted = false
        var chars = Array(text.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" {
                        cell.unicodeScalars.append("\"")
                        chars.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    cell.unicodeScalars.append(c)
                }
            } else if c == "\"" && cell.isEmpty {
                quoted = true
            } else if c == "," {
                row.append(cell)
                cell = ""
            } else if c == "\r" {
                guard chars.popFirst() == "\n" else { throw E2EError("bare CR in CSV") }
                row.append(cell)
                rows.append(row)
                row = []
                cell = ""
            } else if c == "\n" {
                throw E2EError("bare LF in CSV: rows must end with CRLF")
            } else {
                cell.unicodeScalars.append(c)
            }
        }
        guard row.isEmpty && cell.isEmpty && !quoted else { throw E2EError("CSV does not end with CRLF") }
        return rows
    }

    /// Rows as dictionaries keyed by the header.
    static func records(_ rows: [[String]]) -> [[String: String]] {
        guard let head = rows.first else { return [] }
        return rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(head, $0)) }
    }

    /// Three visits of 2026-11-29 (venue time), one just before and one just after it.
    private func seed(_ box: Sandbox) throws -> [String: String] {
        var c: [String: String] = [:]
        c["before"] = try box.checkin("Before Midnight", now: "2026-11-28T23:59:00+07:00")
        c["an"] = try box.checkin("Nguyễn Văn An", ["--id-number", "079203001234", "--phone", "0912345678", "--org", "Công ty A, B & C"], now: "2026-11-29T01:30:00Z")
        try box.run(["checkout", c["an"]!], now: "2026-11-29T10:15:30+07:00")
        c["late"] = try box.checkin("Late \"Night\" Visitor", ["--temperature", "37.9"], now: "2026-11-29T23:30:00+07:00")
        // 00:30 on the 30th in Hanoi is still the 29th in UTC: it belongs to the 30th.
        c["after"] = try box.checkin("After Midnight", now: "2026-11-29T17:30:00Z")
        return c
    }

    @Test("default export: entries-<venue>-<date>.csv, 0600, .sha256 beside it, BOM, header, venue times, masked")
    func defaultFile() throws {
        let box = try Sandbox(language: "en", settings: ["records.id_storage": "full"])
        let c = try seed(box)
        let r = try box.run(["export", "--date", "2026-11-29"], now: "2026-11-30T09:00:00+07:00")
        #expect(r.status == 0, "\(r)")
        let path = box.exportDir + "/entries-demo-hq-2026-11-29.csv"
        #expect(r.stdout == "Exported 2 visits to \(path).\n", "\(r)")
        #expect(try permissions(path) == 0o600)
        #expect(try permissions(box.exportDir) == 0o700)

        let sumPath = path + ".sha256"
        #expect(try permissions(sumPath) == 0o600)
        let sumLine = String(decoding: try contents(sumPath), as: UTF8.self)
        #expect(sumLine == "\(try Tool.sha256(file: path))  entries-demo-hq-2026-11-29.csv\n")
        // And coreutils agrees, checking from the export folder as a recipient would.
        let check = try ProcessRunner.run(try Tool.path("sh"), ["-c", "cd '\(box.exportDir)' && sha256sum -c entries-demo-hq-2026-11-29.csv.sha256"])
        #expect(check.status == 0, "\(check)")

        let rows = try Self.parseCSV(try contents(path))
        #expect(rows.first?.joined(separator: ",") == Self.header)
        #expect(rows.allSatisfy { $0.count == rows[0].count }, "every row has every column")
        let recs = Self.records(rows)
        #expect(recs.map { $0["code"] } == [c["an"], c["late"]], "only visits of the venue day, oldest first")
        let an = try #require(recs.first)
        #expect(an["date"] == "2026-11-29")
        #expect(an["time_in"] == "08:30:00", "venue time, not UTC 01:30")
        #expect(an["time_out"] == "2026-11-29 10:15:30")
        #expect(an["status"] == "left")
        #expect(an["name"] == "Nguyễn Văn An")
        #expect(an["id_number"] == "********1234")
        #expect(an["phone"] == "******5678")
        #expect(an["organisation"] == "Công ty A, B & C")
        #expect(an["venue"] == "demo-hq")
        #expect(an["gate"] == "main")
        #expect(an["guard"] == "e2e-guard")
        let late = try #require(recs.last)
        #expect(late["name"] == "Late \"Night\" Visitor")
        #expect(late["time_in"] == "23:30:00")
        #expect(late["temperature"] == "37.9")
        let raw = String(decoding: try contents(path), as: UTF8.self)
        #expect(!raw.contains("079203001234") && !raw.contains("0912345678"), "masked by default")

        // The export is in the chain and the chain still verifies.
        let payload = try box.sql("SELECT payload FROM event WHERE kind = 'export'")
        #expect(payload.contains("\"unmasked\":false") && payload.contains("\"rows\":2"), "\(payload)")
        #expect(try box.audit().status == 0)
    }

    @Test("--unmasked shows full numbers and is recorded in the audit chain")
    func unmasked() throws {
        let box = try Sandbox(language: "en", settings: ["records.id_storage": "full"])
        let c = try seed(box)
        let before = try box.audit()
        #expect(before.status == 0, "\(before.result)")
        let eventsBefore = try #require(before.report["events"] as? Int)

        let r = try box.run(["export", "--date", "2026-11-29", "--unmasked", "--output", "-", "--by", "Thanh tra Sở Y tế"], now: "2026-11-30T09:00:00+07:00")
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr == "An unmasked export was recorded in the audit log.\n", "\(r)")
        let an = try #require(Self.records(try Self.parseCSV(r.stdoutData)).first { $0["code"] == c["an"] })
        #expect(an["id_number"] == "079203001234")
        #expect(an["phone"] == "0912345678")

        let after = try box.audit()
        #expect(after.status == 0, "\(after.result)")
        #expect(after.report["events"] as? Int == eventsBefore + 1)
        let payload = try box.sql("SELECT payload FROM event WHERE kind = 'export' ORDER BY seq DESC LIMIT 1")
        #expect(payload.contains("\"unmasked\":true"), "\(payload)")
        #expect(payload.contains("\"by\":\"Thanh tra Sở Y tế\""), "\(payload)")
        #expect(payload.contains("\"file\":\"-\""), "\(payload)")
    }

    @Test("--format jsonl --output - streams one JSON object per visit")
    func jsonlToStdout() throws {
        let box = try Sandbox(language: "vi")
        let c = try seed(box)
        let r = try box.run(["export", "--date", "2026-11-29", "--format", "jsonl", "--output", "-"], now: "2026-11-30T09:00:00+07:00")
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.hasSuffix("}\n"))
        let objects = try r.lines.map { try JSON.object($0) }
        #expect(objects.map { $0["code"] as? String } == [c["an"], c["late"]])
        let an = try #require(objects.first)
        #expect(an["time_in"] as? String == "08:30:00")
        #expect(an["time_out"] as? String == "2026-11-29 10:15:30")
        #expect(an["phone"] as? String == "******5678")
        #expect(an["organisation"] as? String == "Công ty A, B & C")
        #expect(isNull(an["auto_closed_at"]))
        #expect(objects.last?["name"] as? String == "Late \"Night\" Visitor")
        #expect(objects.last?["temperature"] as? Double == 37.9)
        #expect(Set(an.keys) == Set(Self.header.split(separator: ",").map(String.init)))
        #expect(!FileManager.default.fileExists(atPath: box.exportDir + "/entries-demo-hq-2026-11-29.csv"), "nothing written to disk")
    }

    @Test("--output FILE writes that file only")
    func outputFile() throws {
        let box = try Sandbox(language: "en")
        _ = try seed(box)
        let target = box.dir + "/handover.jsonl"
        let r = try box.run(["export", "--date", "2026-11-29", "--format", "jsonl", "--output", target], now: "2026-11-30T09:00:00+07:00")
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout == "Exported 2 visits to \(target).\n", "\(r)")
        #expect(String(decoding: try contents(target), as: UTF8.self).split(separator: "\n").count == 2)
        #expect(try permissions(target) == 0o600)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: box.dir).filter { $0.contains(".tmp") }
        #expect(leftovers.isEmpty, "no temporary files left: \(leftovers)")
    }

    @Test("--from/--to exports a range of venue days")
    func range() throws {
        let box = try Sandbox(language: "en")
        let c = try seed(box)
        let r = try box.run(["export", "--from", "2026-11-28", "--to", "2026-11-29"], now: "2026-11-30T09:00:00+07:00")
        #expect(r.status == 0, "\(r)")
        let path = box.exportDir + "/entries-demo-hq-2026-11-28_2026-11-29.csv"
        #expect(r.stdout.contains(path), "\(r)")
        let recs = Self.records(try Self.parseCSV(try contents(path)))
        #expect(recs.map { $0["code"] } == [c["before"], c["an"], c["late"]])
        #expect(recs.first?["status"] == "auto-closed")
        #expect(recs.first?["auto_closed_at"] == "2026-11-29 00:00:00", "closed at the venue's midnight")
        #expect(recs.first?["time_out"] == "", "no invented exit time")
        #expect(FileManager.default.fileExists(atPath: path + ".sha256"))

        let all = try box.run(["export", "--from", "2026-11-28", "--to", "2026-11-30", "--output", "-"], now: "2026-11-30T09:00:00+07:00")
        #expect(Self.records(try Self.parseCSV(all.stdoutData)).count == 4)
    }

    @Test("a day without visits exports a header only")
    func emptyDay() throws {
        let box = try Sandbox(language: "en")
        let r = try box.run(["export", "--output", "-"])
        #expect(r.status == 0, "\(r)")
        #expect(try Self.parseCSV(r.stdoutData) == [Self.header.split(separator: ",").map(String.init)])
    }

    @Test("bad export arguments are usage errors (exit 2)", arguments: [
        ["export", "--date", "2026-11-29", "--from", "2026-11-28", "--to", "2026-11-29"],
        ["export", "--from", "2026-11-28"],
        ["export", "--format", "xlsx"],
        ["export", "--date", "29/11/2026"],
        ["export", "--from", "2026-12-01", "--to", "2026-11-01"],
    ])
    func badArguments(args: [String]) throws {
        let box = try Sandbox(language: "en")
        let r = try box.run(args)
        #expect(r.status == 2, "\(args): \(r)")
        #expect(!r.stderr.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: box.exportDir + "/entries-demo-hq-2026-11-29.csv"))
    }
}
