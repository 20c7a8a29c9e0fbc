import Foundation
import Testing

/// `kiosk watchlist add|remove|list` and what a match does to a check-in.
@Suite("watch list")
struct WatchlistTests {
    @Test("deny: the check-in is refused (exit 1) and the denied visit is recorded with its match")
    func deny() throws {
        let box = try Sandbox(language: "vi")
        let add = try box.run(["watchlist", "add", "--name", "Trần Thị Bình", "--action", "deny", "--note", "đã gây rối"])
        #expect(add.status == 0, "\(add)")
        #expect(add.stdout == "Đã thêm vào danh sách theo dõi (mục 1).\n", "\(add)")

        let r = try box.run(["checkin", "--name", "tran thi BINH"], now: "2026-11-29T09:00:00+07:00")
        #expect(r.status == 1, "\(r)")
        #expect(r.stdout.contains("Khách thuộc danh sách theo dõi (từ chối): không cho vào, báo giám sát viên."), "\(r)")

        let visits = try box.list(date: "2026-11-29", now: "2026-11-29T09:00:00+07:00")
        #expect(visits.count == 1)
        let v = try #require(visits.first)
        #expect(v["status"] as? String == "denied")
        #expect(v["decision"] as? String == "denied")
        #expect(v["watch_match"] as? String == "#1 deny")
        #expect(try box.list(inside: true, now: "2026-11-29T09:00:00+07:00").isEmpty, "a denied visitor is not inside")

        let code = try #require(v["code"] as? String)
        let out = try box.run(["checkout", code], now: "2026-11-29T09:05:00+07:00")
        #expect(out.status == 1, "\(out)")
        #expect(out.stderr.contains("đã bị từ chối"), "\(out)")

        let json = try box.run(["checkin", "--name", "Trần Thị Bình", "--json"], now: "2026-11-29T09:10:00+07:00")
        #expect(json.status == 1, "\(json)")
        let obj = try JSON.object(json.stdout)
        #expect(obj["verdict"] as? String == "deny")
        #expect(obj["decision"] as? String == "denied")
        #expect(try box.audit().status == 0)
    }

    @Test("alert: admitted (exit 0) with the alert shown and recorded; phone matched in any form")
    func alert() throws {
        let box = try Sandbox(language: "en")
        let add = try box.run(["watchlist", "add", "--phone", "+84 911 222 333", "--action", "alert"])
        #expect(add.status == 0, "\(add)")
        let r = try box.run(["checkin", "--name", "Zed", "--phone", "0911.222.333", "--json"])
        #expect(r.status == 0, "\(r)")
        let obj = try JSON.object(r.stdout)
        #expect(obj["decision"] as? String == "admitted-alert")
        #expect((obj["reasons"] as? [String]) == ["Visitor is on the watch list (alert): inform the supervisor."])
        let visit = try #require(obj["visit"] as? [String: Any])
        #expect(visit["watch_match"] as? String == "#1 alert")
        #expect(visit["status"] as? String == "inside")

        let text = try box.run(["checkin", "--name", "Other", "--phone", "+84911222333"])
        #expect(text.status == 1, "already inside by the same phone: \(text)")
        let plain = try box.run(["checkin", "--name", "Clean Person", "--phone", "0988777666"])
        #expect(plain.status == 0, "\(plain)")
        #expect(plain.lines.last == "Admitted.", "\(plain)")
    }

    @Test("id numbers are matched through their keyed hash and never shown")
    func byIdNumber() throws {
        let box = try Sandbox(language: "en")
        let add = try box.run(["watchlist", "add", "--id-number", "001088009999", "--action", "deny"])
        #expect(add.status == 0, "\(add)")
        let list = try box.run(["watchlist", "list"])
        #expect(list.status == 0, "\(list)")
        #expect(list.stdout.hasPrefix("#1  deny  id="), "\(list)")
        let json = try box.run(["watchlist", "list", "--json"])
        #expect(!list.stdout.contains("001088009999") && !json.stdout.contains("001088009999"), "the number itself is not kept")
        #expect(try box.sql("SELECT COUNT(*) FROM watch WHERE id_hash IS NOT NULL AND id_hash NOT LIKE '%9999%'") == "1")

        let r = try box.run(["checkin", "--name", "Any Name", "--id-number", "001088009999"])
        #expect(r.status == 1, "\(r)")
        #expect(r.stdout.contains("Visitor is on the watch list (deny)"), "\(r)")
    }

    @Test("list, remove, and a removed entry no longer matches")
    func listAndRemove() throws {
        let box = try Sandbox(language: "en")
        try box.run(["watchlist", "add", "--name", "Đỗ Văn Hùng", "--action", "deny", "--note", "banned"])
        try box.run(["watchlist", "add", "--phone", "0911222333"])
        let list = try box.run(["watchlist", "list"])
        #expect(list.status == 0, "\(list)")
        #expect(list.lines == ["#1  deny  name=do van hung  (banned)", "#2  alert  phone=******2333"], "\(list)")
        let json = try JSON.array(try box.run(["watchlist", "list", "--json"]).stdout)
        #expect(json.count == 2)
        #expect(json.first?["action"] as? String == "deny")

        let removed = try box.run(["watchlist", "remove", "1"])
        #expect(removed.status == 0, "\(removed)")
        #expect(removed.stdout == "Removed entry 1 from the watch list.\n", "\(removed)")
        let again = try box.run(["watchlist", "remove", "1"])
        #expect(again.status == 1, "\(again)")
        #expect(again.stderr == "There is no watch-list entry 1.\n", "\(again)")
        #expect(try box.run(["watchlist", "list"]).lines == ["#2  alert  phone=******2333"])

        let r = try box.run(["checkin", "--name", "Đỗ Văn Hùng", "--json"])
        #expect(r.status == 0, "\(r)")
        #expect(try JSON.object(r.stdout)["decision"] as? String == "admitted")
        #expect(try box.sql("SELECT kind FROM event ORDER BY seq") == "watch-add\nwatch-add\nwatch-remove\ncheckin")
        #expect(try box.audit().status == 0)
    }

    @Test("an entry needs a name, id number or phone")
    func needsCriterion() throws {
        let box = try Sandbox(language: "en")
        let r = try box.run(["watchlist", "add", "--action", "deny"])
        #expect(r.status != 0, "\(r)")
        #expect(r.stderr.contains("Give at least one of --name, --id-number, --phone."), "\(r)")
        #expect(try box.run(["watchlist", "list"]).stdout.isEmpty)
    }
}
