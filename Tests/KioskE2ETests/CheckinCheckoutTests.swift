import Foundation
import Testing

/// `kiosk checkin` and `kiosk checkout` on the sample config, in both languages.
@Suite("check-in and check-out")
struct CheckinCheckoutTests {
    @Test("checkin prints the entry code and the decision in Vietnamese")
    func checkinText() throws {
        let box = try Sandbox(language: "vi")
        let r = try box.run(["checkin", "--name", "Nguyễn Văn An", "--phone", "0912345678"])
        #expect(r.status == 0, "\(r)")
        #expect(looksLikeCode(r.lines.first ?? ""), "\(r)")
        #expect(r.lines.contains("Được vào."), "\(r)")
        #expect(r.stderr.isEmpty, "\(r)")
        let visits = try box.list(date: "2026-11-29")
        #expect(visits.count == 1)
        #expect(visits.first?["code"] as? String == r.lines.first)
        #expect(visits.first?["name"] as? String == "Nguyễn Văn An")
        #expect(visits.first?["phone"] as? String == "******5678", "phones are masked on screens")
    }

    @Test("checkin --json gives code, decision and checked_in_at in UTC")
    func checkinJSON() throws {
        let box = try Sandbox(language: "en")
        let r = try box.run(
            ["checkin", "--name", "Trần Thị Bình", "--id-number", "079203001234", "--org", "ACME", "--host", "Phòng IT",
             "--purpose", "họp", "--badge", "17", "--temperature", "36.8", "--app", "installed", "--json"],
            now: "2026-11-29T08:00:00+07:00")
        #expect(r.status == 0, "\(r)")
        let obj = try JSON.object(r.stdout)
        let code = try #require(obj["code"] as? String)
        #expect(looksLikeCode(code))
        #expect(obj["decision"] as? String == "admitted")
        #expect(obj["checked_in_at"] as? String == "2026-11-29T01:00:00Z")
        let visit = try #require(obj["visit"] as? [String: Any])
        #expect(visit["local_time_in"] as? String == "2026-11-29 08:00:00")
        #expect(visit["id_number"] as? String == "********1234")
        #expect(visit["badge"] as? String == "17")
        #expect(visit["organisation"] as? String == "ACME")
        #expect(visit["host"] as? String == "Phòng IT")
        #expect(visit["app"] as? String == "installed")
        #expect(visit["temperature"] as? Double == 36.8)
        #expect(visit["status"] as? String == "inside")
        #expect(visit["guard"] as? String == "e2e-guard")
        #expect(!r.stdout.contains("079203001234"), "the full id number must not be printed")
    }

    @Test("checkout by CODE, by KOUT:CODE and by --badge")
    func checkoutThreeWays() throws {
        let box = try Sandbox(language: "en")
        let a = try box.checkin("Alice", now: "2026-11-29T08:00:00+07:00")
        let b = try box.checkin("Bob", now: "2026-11-29T08:05:00+07:00")
        let c = try box.checkin("Carol", ["--badge", "42"], now: "2026-11-29T08:10:00+07:00")

        let r1 = try box.run(["checkout", a], now: "2026-11-29T10:00:00+07:00")
        #expect(r1.status == 0, "\(r1)")
        #expect(r1.stdout == "Checked out: Alice (code \(a)) at 10:00.\n", "\(r1)")

        let r2 = try box.run(["checkout", "kout:" + b.lowercased()], now: "2026-11-29T10:30:00+07:00")
        #expect(r2.status == 0, "\(r2)")
        #expect(r2.stdout.contains("Bob (code \(b)) at 10:30"), "\(r2)")

        let r3 = try box.run(["checkout", "--badge", "42"], now: "2026-11-29T11:00:00+07:00")
        #expect(r3.status == 0, "\(r3)")
        #expect(r3.stdout.contains("Carol (code \(c)) at 11:00"), "\(r3)")

        let visits = try box.list(date: "2026-11-29", now: "2026-11-29T12:00:00+07:00")
        let byCode = Dictionary(uniqueKeysWithValues: visits.map { ($0["code"] as! String, $0) })
        #expect(byCode[a]?["status"] as? String == "left")
        #expect(byCode[a]?["checked_out_at"] as? String == "2026-11-29T03:00:00Z")
        #expect(byCode[b]?["checked_out_at"] as? String == "2026-11-29T03:30:00Z")
        #expect(byCode[c]?["checked_out_at"] as? String == "2026-11-29T04:00:00Z")
        #expect(byCode[c]?["local_time_out"] as? String == "2026-11-29 11:00:00")
        #expect(try box.list(inside: true, now: "2026-11-29T12:00:00+07:00").isEmpty)
        #expect(try box.audit().status == 0)
    }

    @Test("a second checkout says so, exits 0 and changes nothing", arguments: ["en", "vi"])
    func secondCheckout(language: String) throws {
        let box = try Sandbox(language: language)
        let code = try box.checkin("Dana", ["--badge", "7"], now: "2026-11-29T08:00:00+07:00")
        let first = try box.run(["checkout", code], now: "2026-11-29T10:00:00+07:00")
        #expect(first.status == 0, "\(first)")
        let before = try box.run(["list", "--json", "--date", "2026-11-29"], now: "2026-11-29T11:00:00+07:00")
        let eventsBefore = try box.sql("SELECT COUNT(*), MAX(seq) FROM event")

        for again in [["checkout", code], ["checkout", "KOUT:" + code], ["checkout", "--badge", "7"]] {
            let r = try box.run(again, now: "2026-11-29T11:00:00+07:00")
            #expect(r.status == 0, "\(r)")
            if language == "en" {
                #expect(r.stdout == "Visit \(code) already left at 2026-11-29 10:00:00: nothing changed.\n", "\(r)")
            } else {
                #expect(r.stdout == "Lượt \(code) đã ra về lúc 2026-11-29 10:00:00: không thay đổi gì.\n", "\(r)")
            }
        }
        let after = try box.run(["list", "--json", "--date", "2026-11-29"], now: "2026-11-29T11:00:00+07:00")
        #expect(after.stdout == before.stdout, "the visit must be unchanged")
        #expect(try box.sql("SELECT COUNT(*), MAX(seq) FROM event") == eventsBefore, "no event may be added")
    }

    @Test("checking out an unknown code is refused with exit 1")
    func checkoutUnknown() throws {
        let box = try Sandbox(language: "en")
        try box.checkin("Eve")
        let r = try box.run(["checkout", "ZZZZZZ"])
        #expect(r.status == 1, "\(r)")
        #expect(r.stderr == "No visit has code ZZZZZZ: check the code.\n", "\(r)")
        let badge = try box.run(["checkout", "--badge", "99"])
        #expect(badge.status == 1, "\(badge)")
        #expect(badge.stderr.contains("Nobody inside holds badge 99"), "\(badge)")
    }

    @Test("someone already inside never gets a second visit")
    func alreadyInside() throws {
        let box = try Sandbox(language: "en")
        let first = try box.checkin("Phan Văn Phúc", ["--phone", "0911000111"])
        let r = try box.run(["checkin", "--name", "Phan Van Phuc", "--phone", "+84 911 000 111", "--json"],
            now: "2026-11-29T09:00:00+07:00")
        #expect(r.status == 1, "\(r)")
        let obj = try JSON.object(r.stdout)
        #expect(isNull(obj["code"]))
        #expect(obj["already_inside"] as? String == first)
        #expect(obj["decision"] as? String == "already-inside")
        #expect(try box.list(date: "2026-11-29", now: "2026-11-29T09:00:00+07:00").count == 1)
    }

    @Test("a returning visitor is recognised by id number")
    func returningVisitor() throws {
        let box = try Sandbox(language: "en")
        let first = try box.checkin("Lê Văn Cường", ["--id-number", "001099012345", "--org", "Viettel"], now: "2026-11-28T09:00:00+07:00")
        try box.run(["checkout", first], now: "2026-11-28T10:00:00+07:00")
        let r = try box.run(["checkin", "--name", "Lê Văn Cường", "--id-number", "001099012345", "--reuse", "--json"])
        #expect(r.status == 0, "\(r)")
        let obj = try JSON.object(r.stdout)
        #expect(obj["previous_visit"] as? String == first)
        let visit = try #require(obj["visit"] as? [String: Any])
        #expect(visit["organisation"] as? String == "Viettel", "--reuse fills empty fields from the last visit")
    }

    @Test("an empty name is refused and nothing is recorded")
    func emptyName() throws {
        let box = try Sandbox(language: "en")
        for name in ["", "   ", "\u{1b}\t"] {
            let r = try box.run(["checkin", "--name", name])
            #expect(r.status == 1, "\(r)")
            #expect(r.stderr == "Name is missing: type the visitor's name and save again.\n", "\(r)")
        }
        #expect(try box.list(date: "2026-11-29").isEmpty)
    }

    @Test("past capacity a check-in is refused; a supervisor override admits and is recorded")
    func capacity() throws {
        let box = try Sandbox(language: "en", settings: ["venue.capacity": "2"])
        try box.checkin("One")
        try box.checkin("Two")
        let refused = try box.run(["checkin", "--name", "Three"])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stdout.contains("The building is full (2/2 inside): a supervisor must allow it."), "\(refused)")
        #expect(try box.list(date: "2026-11-29").count == 2, "a refusal for lack of room keeps nothing")

        let allowed = try box.run(["checkin", "--name", "Three", "--override-by", "Chị Hoa", "--reason", "fire inspector", "--json"])
        #expect(allowed.status == 0, "\(allowed)")
        let visit = try #require(try JSON.object(allowed.stdout)["visit"] as? [String: Any])
        #expect(visit["override_by"] as? String == "Chị Hoa")
        #expect(visit["override_reason"] as? String == "fire inspector")
        #expect(try box.list(date: "2026-11-29").count == 3)
        #expect(try box.audit().status == 0)
    }
}
