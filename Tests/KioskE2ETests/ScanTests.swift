import Foundation
import Testing

/// `kiosk scan --json` of the unsigned personal codes (CCCD chip ID card QR, PC-Covid personal
/// QR) and of check-out codes: what is read, the yellow verdict, what is recorded and what not.
@Suite("scan: CCCD, PC-Covid and check-out codes")
struct ScanE2ETests {
    struct Personal: Sendable, CustomTestStringConvertible {
        var label: String
        var payload: String
        var format: String
        var name: String
        var dob: String
        var storedId: String
        var testDescription: String { label }
    }

    static let cccd7 = "079203001234|123456789|Nguyễn Văn An|01011990|Nam|1 Tràng Tiền, Hà Nội|01012021"
    static let cccd6 = "079203001234|Nguyễn Văn An|01011990|Nam|1 Tràng Tiền, Hà Nội|01012021"

    static let codes = [
        Personal(label: "CCCD, 7 fields", payload: cccd7, format: "cccd", name: "Nguyễn Văn An", dob: "1990-01-01", storedId: "********1234"),
        Personal(
            label: "CCCD, 6 fields (no CMND)", payload: "001085004321|Trần Thị Bình|15071985|Nữ|12 Lý Thái Tổ, Hà Nội|20052021",
            format: "cccd", name: "Trần Thị Bình", dob: "1985-07-15", storedId: "********4321"),
        Personal(
            label: "PC-Covid personal QR", payload: "0012********|NGUYEN VAN B|1990-01-01|1|abc|x", format: "personal-qr",
            name: "NGUYEN VAN B", dob: "1990-01-01", storedId: "0012********"),
    ]

    @Test("read, shown yellow for the guard, recorded self-declared without the address", arguments: codes)
    func personal(_ c: Personal) throws {
        let box = try Sandbox(language: "en")
        let (r, json) = try box.scan(c.payload)
        #expect(r.status == 0, "\(r)")
        #expect(json["format"] as? String == c.format, "\(r)")
        let holder = try #require(json["holder"] as? [String: Any], "\(r)")
        #expect(holder["name"] as? String == c.name)
        #expect(holder["dob"] as? String == c.dob)
        // Unsigned: never "valid", and the sample policy wants the guard to look.
        #expect(json["valid"] as? Bool == false)
        #expect(json["decision"] as? String == "check", "\(r)")
        #expect(json["colour"] as? String == "yellow")
        #expect(reasonsText(json).contains("Self-declared"), "\(r)")
        let code = try #require(json["code"] as? String, "\(r)")
        #expect(looksLikeCode(code))

        let visits = try box.list(date: "2026-11-29")
        #expect(visits.count == 1, "\(visits)")
        let v = try #require(visits.first)
        #expect(v["code"] as? String == code)
        #expect(v["method"] as? String == c.format)
        #expect(v["name"] as? String == c.name)
        #expect(v["status"] as? String == "inside")
        #expect(isNull(v["address"]), "\(v)")
        // In the database: id stored as configured (masked), the address nowhere, marked self-declared.
        #expect(try box.sql("SELECT id_number FROM visit WHERE code = '\(code)'") == c.storedId)
        #expect(try box.sql("SELECT COUNT(*) FROM visit WHERE address IS NOT NULL") == "0")
        #expect(try box.sql("SELECT COUNT(*) FROM event WHERE instr(payload, 'Tràng Tiền') > 0 OR instr(payload, 'Lý Thái Tổ') > 0") == "0")
        #expect(try box.sql("SELECT declaration FROM visit WHERE code = '\(code)'").contains("self_declared"))
        #expect(try box.auditedEvents() == 1)
    }

    @Test("keep_address = true keeps the CCCD address")
    func keepAddress() throws {
        let box = try Sandbox(language: "en", settings: ["records.keep_address": "true"])
        let (r, json) = try box.scan(Self.cccd7)
        #expect(r.status == 0, "\(r)")
        let code = try #require(json["code"] as? String)
        #expect(try box.sql("SELECT address FROM visit WHERE code = '\(code)'") == "1 Tràng Tiền, Hà Nội")
    }

    @Test("the same CCCD scanned twice, or as the 6-field variant, is already inside: no second visit")
    func sameCardTwice() throws {
        let box = try Sandbox(language: "en")
        let first = try box.scan(Self.cccd7, now: "2026-11-29T08:41:00+07:00")
        let code = try #require(first.json["code"] as? String, "\(first.result)")
        for payload in [Self.cccd7, Self.cccd6] {
            let again = try box.scan(payload, now: "2026-11-29T09:10:00+07:00")
            #expect(again.result.status == 1, "\(again.result)")
            #expect(again.json["already_inside"] as? String == code, "\(again.result)")
            #expect(isNull(again.json["code"]))
            #expect(reasonsText(again.json).contains("Already inside since 08:41"), "\(again.result)")
        }
        #expect(try box.visitCount() == 1)
        #expect(try box.auditedEvents() == 1)
    }

    @Test("KOUT:<code> checks the visit out; then the card opens a new visit")
    func checkoutCode() throws {
        let box = try Sandbox(language: "en")
        let first = try box.scan(Self.cccd7, now: "2026-11-29T08:00:00+07:00")
        let code = try #require(first.json["code"] as? String, "\(first.result)")

        let out = try box.scan("KOUT:" + code, now: "2026-11-29T09:30:00+07:00")
        #expect(out.result.status == 0, "\(out.result)")
        #expect(out.json["format"] as? String == "checkout")
        #expect(out.json["checked_out"] as? String == code)
        let v = try #require(try box.visit(code, date: "2026-11-29"))
        #expect(v["status"] as? String == "left", "\(v)")
        #expect(v["checked_out_at"] as? String == "2026-11-29T02:30:00Z", "\(v)")
        #expect(try box.list(date: "2026-11-29", inside: true).isEmpty)

        // Plain output names the visitor and the time.
        let second = try box.scan(Self.cccd7, now: "2026-11-29T10:00:00+07:00")
        let code2 = try #require(second.json["code"] as? String, "\(second.result)")
        #expect(code2 != code)
        let text = try box.run(["scan", "kout:" + code2.lowercased()], now: "2026-11-29T11:15:00+07:00")
        #expect(text.status == 0, "\(text)")
        #expect(text.stdout.contains("Nguyễn Văn An") && text.stdout.contains("11:15"), "\(text)")
        #expect(try box.visit(code2, date: "2026-11-29")?["status"] as? String == "left")

        // A code that was never issued: an error, nothing changes.
        let unknown = try box.run(["scan", "KOUT:ZZZZZZ", "--json"], now: "2026-11-29T12:00:00+07:00")
        #expect(unknown.status == 1, "\(unknown)")
        #expect(unknown.stderr.contains("ZZZZZZ"), "\(unknown)")
        #expect(try box.visitCount() == 2)
        #expect(try box.auditedEvents() == 4, "two check-ins, two check-outs")
    }

    @Test("a check-out code of a visit already closed keeps its first exit time")
    func checkoutTwice() throws {
        let box = try Sandbox(language: "en")
        let code = try #require(try box.scan(Self.cccd7).json["code"] as? String)
        _ = try box.scan("KOUT:" + code, now: "2026-11-29T09:00:00+07:00")
        let again = try box.run(["scan", "KOUT:" + code], now: "2026-11-29T09:45:00+07:00")
        #expect(!again.stdout.contains("09:45"), "\(again)")
        #expect(try box.visit(code, date: "2026-11-29")?["checked_out_at"] as? String == "2026-11-29T02:00:00Z")
        #expect(try box.auditedEvents() == 2)
    }

    @Test("the same PC-Covid QR (masked id) scanned twice is already inside: no second visit")
    func personalQRTwice() throws {
        // DESIGN: "A second scan of someone already inside never opens a second visit." The
        // PC-Covid QR carries a masked id number, so the person must be recognised otherwise.
        let box = try Sandbox(language: "en")
        let qr = "0012********|NGUYEN VAN B|1990-01-01|1|abc|x"
        let first = try box.scan(qr, now: "2026-11-29T08:41:00+07:00")
        let code = try #require(first.json["code"] as? String, "\(first.result)")
        let again = try box.scan(qr, now: "2026-11-29T08:50:00+07:00")
        #expect(again.result.status == 1, "\(again.result)")
        #expect(again.json["already_inside"] as? String == code, "\(again.result)")
        #expect(try box.visitCount() == 1, "a second visit was opened for the same PC-Covid QR")
    }

    @Test("a verified HC1 at the gate is recorded once (method hc1); an unknown signer's is not recorded")
    func hc1AtTheGate() throws {
        let box = try Sandbox(language: "en")
        let de = try DCCVector.load("DE/1.json")
        let der = box.dir + "/de.der"
        try de.certificateDER().write(to: URL(fileURLWithPath: der))
        let imp = try box.run(["trust", "import", der])
        #expect(imp.status == 0, "\(imp)")
        let now = try #require(de.clock)
        let first = try box.scan(de.prefix, now: now)
        #expect(first.result.status == 0, "\(first.result)")
        #expect(first.json["valid"] as? Bool == true)
        #expect(first.json["decision"] as? String == "admit")
        let code = try #require(first.json["code"] as? String, "\(first.result)")
        // 2021-06-01 20:00 +02:00 is already 2 June at the venue (UTC+7).
        let v = try #require(try box.visit(code, date: "2021-06-02", now: now), "not in the list of 2021-06-02")
        #expect(v["method"] as? String == "hc1")
        #expect(v["name"] as? String == "Mustermann Erika")
        #expect(try box.sql("SELECT pass_summary FROM visit WHERE code = '\(code)'").contains("verified"))
        let again = try box.scan(de.prefix, now: now)
        #expect(again.result.status == 1, "\(again.result)")
        #expect(again.json["already_inside"] as? String == code, "\(again.result)")
        // CH/1: its signer was never imported.
        let ch = try DCCVector.load("CH/1.json")
        let unknown = try box.scan(ch.prefix, now: try #require(ch.clock))
        #expect(unknown.result.status == 1, "\(unknown.result)")
        #expect(unknown.json["valid"] as? Bool == false)
        #expect(unknown.json["decision"] as? String == "deny")
        #expect(isNull(unknown.json["code"]))
        #expect(try box.visitCount() == 1)
    }

    @Test("escape sequences inside a CCCD name: unrecognised, nothing recorded, nothing echoed (issue 15)")
    func cccdWithEscapes() throws {
        let box = try Sandbox(language: "en")
        let payload = "079203001234|123456789|\u{1B}[2JEvil\u{1B}]0;x\u{07} Name|01011990|Nam|x|01012021"
        for args in [["scan", "-"], ["verify", "-"], ["scan", "-", "--json"]] {
            let w = try box.runWatched(args, stdin: Data(payload.utf8))
            #expect(!w.signalled && !w.result.stdoutData.contains(escByte) && !w.result.stderrData.contains(escByte), "\(args): \(w)")
            #expect(!w.result.stdoutData.contains(0x07), "\(args): \(w)")
        }
        #expect(try box.list().isEmpty)
        let json = try JSON.object(try box.run(["verify", "--json", "-"], stdin: Data(payload.utf8)).stdout)
        #expect(json["format"] as? String == "unknown", "\(json)")
    }
}
