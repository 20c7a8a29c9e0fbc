import Foundation
import Testing

/// The 2024 ID card's QR and the BHYT card's QR through the binary and at the guard terminal.
@Suite("identity codes: the 2024 ID card and the BHYT card")
struct IdentityCodeTests {
    static let card2024 = "001099012345|123456789|Lê Thị Hoa|15082015|Nữ|Số 5, Phường Bến Nghé, Quận 1, TP Hồ Chí Minh|20082024|001087654321|Lê Văn Bình|Trần Thị Cúc|"
    static func hex(_ s: String) -> String { s.utf8.map { String(format: "%02x", $0) }.joined() }
    static let bhyt = "HS4010120878811|\(hex("Nguyễn Văn Bảo"))|01/02/1990|1|\(hex("1 Tràng Tiền, Hà Nội"))|01 - 024|01/01/2026|31/12/2026|15/01/2026|-|4|$"

    @Test("verify --json: format, holder.name and holder.dob for each identity code")
    func verifyJSON() throws {
        let box = try Sandbox(language: "en")
        for (payload, format, name, dob) in [
            (Self.card2024, "cccd", "Lê Thị Hoa", "2015-08-15"),
            (Self.card2024.dropLast() + "\r", "cccd", "Lê Thị Hoa", "2015-08-15"),
            (Self.bhyt, "bhyt", "Nguyễn Văn Bảo", "1990-02-01"),
            ("GD4797915373512|Trần Thị Bình|15/07/1985|2|$", "bhyt", "Trần Thị Bình", "1985-07-15"),
        ] {
            let r = try box.run(["verify", "--json", String(payload)])
            let json = try JSON.object(r.stdout)
            #expect(json["format"] as? String == format, "\(payload): \(r)")
            let holder = json["holder"] as? [String: Any]
            #expect(holder?["name"] as? String == name && holder?["dob"] as? String == dob, "\(payload): \(json)")
            if format == "cccd" { #expect(!r.stdout.contains("Bình") && !r.stdout.contains("Cúc"), "relatives never shown: \(r.stdout)") }
        }
    }

    @Test("hostile identity-shaped codes are unrecognised and record nothing", arguments: [
        "HS4010120878811|4e67zz|01/01/1990|1|$",
        "HS4010120878811|c328|01/01/1990|1|$",
        "HS4010120878811|\(hex("A\u{1B}[2JB"))|01/01/1990|1|$",
        "001099012345|" + Array(repeating: "Lê", count: 10_000).joined(separator: "|"),
        "001099012345|123456789|\u{1B}]0;owned\u{07}|15082015|Nữ|x|20082024",
    ])
    func hostile(_ payload: String) throws {
        let box = try Sandbox(language: "en")
        let r = try box.run(["scan", "--json", "-"], stdin: Data(payload.utf8))
        #expect(r.status == 1, "\(r)")
        let json = try JSON.object(r.stdout)
        #expect(json["format"] as? String == "unknown" && json["decision"] as? String == "deny", "\(json)")
        #expect(!r.stdout.contains("\u{1B}") && !r.stderr.contains("\u{1B}"))
        #expect(try box.visitCount() == 0)
        #expect(try box.auditedEvents() == 0)
    }

    @Test("a 2024 card recorded at the gate keeps name, number and birth date; parents and the cancelled number never reach the files")
    func relativesDropped() throws {
        let box = try Sandbox(language: "en", settings: ["policy.admit": "hc1, invite, cccd, bhyt", "records.id_storage": "full", "records.keep_address": "true"])
        let r = try box.run(["scan", "--json", Self.card2024])
        #expect(r.status == 0, "\(r)")
        let visit = try #require(try box.list().first)
        #expect(visit["name"] as? String == "Lê Thị Hoa" && visit["method"] as? String == "cccd", "\(visit)")
        #expect(try box.sql("SELECT id_number || '|' || address FROM visit") == "001099012345|Số 5, Phường Bến Nghé, Quận 1, TP Hồ Chí Minh")
        let b = try box.run(["scan", "--json", Self.bhyt])
        #expect(b.status == 0, "\(b)")
        #expect(try box.sql("SELECT method || '|' || id_number FROM visit WHERE name = 'Nguyễn Văn Bảo'") == "bhyt|HS4010120878811")
        for file in [box.dbPath, box.dbPath + "-wal"] where FileManager.default.fileExists(atPath: file) {
            let bytes = try contents(file)
            for secret in ["Bình", "Cúc", "001087654321", "01 - 024"] {
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) in \(file)")
            }
        }
    }

    @Test("at the terminal: a 2024 card and a BHYT card each fill the guard's form")
    func terminalPrefill() throws {
        let s = try GuardSession(language: "en")
        defer { s.close() }
        try s.start()
        try s.waitFor("the main screen", timeout: 60) { onScreen($0, "Inside 0/") }
        try s.scan(Self.card2024)
        let first = try s.waitFor(texts: ["Manual entry", "Filled in from the ID card QR (CCCD)", "Lê Thị Hoa", "001099012345"])
        #expect(!onScreen(first, "Bình") && !onScreen(first, "Cúc"), "\(s.describe(first))")
        try s.key("Enter")
        try s.waitFor(texts: ["ADMIT", "Lê Thị Hoa", "Inside 1/"])
        try s.scan(Self.bhyt)
        try s.waitFor(texts: ["Manual entry", "Filled in from the Health-insurance card QR (BHYT)", "Nguyễn Văn Bảo", "HS4010120878811"])
        try s.key("Enter")
        try s.waitFor(texts: ["ADMIT", "Nguyễn Văn Bảo", "Inside 2/"])
        let visits = try s.list()
        #expect(Set(visits.compactMap { $0["method"] as? String }) == ["cccd", "bhyt"], "\(visits)")
        #expect(visits.allSatisfy { ($0["consent"] as? [String: Any])?["channel"] as? String == "guard-notice" }, "\(visits)")
    }

    @Test("guard_consent = ask at the terminal: the form will not save until the guard ticks Informed and agreed")
    func terminalAsks() throws {
        let s = try GuardSession(language: "en", settings: ["privacy.guard_consent": "ask"])
        defer { s.close() }
        try s.start()
        try s.waitFor("the main screen", timeout: 60) { onScreen($0, "Inside 0/") }
        try s.key("F2")
        try s.waitFor(texts: ["Manual entry", "Informed and agreed"])
        try s.type("Hỏi Trước")
        try s.key("Enter")
        try s.waitFor(texts: ["has not agreed yet", "Manual entry"])
        #expect(try s.list().isEmpty)
        try s.key("Space")
        try s.key("Enter")
        try s.waitFor(texts: ["ADMIT", "Hỏi Trước", "Inside 1/"])
        let visit = try #require(try s.list().first)
        #expect((visit["consent"] as? [String: Any])?["channel"] as? String == "guard-asked", "\(visit)")
    }
}
