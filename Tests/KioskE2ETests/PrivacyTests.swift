import Crypto
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Law 91/2025 through the binary: the legal basis of every visit, and `kiosk privacy find /
/// export / erase / requests / report`.
@Suite("privacy: consent records and the visitor's rights")
struct PrivacyTests {
    static let idNumber = "001099012345"
    static let phone = "0912345678"
    static let name = "Phạm Thị Zuyến"

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    @Test("a typed visit records consent through the notice, with the hash of the notice's exact text; list --json and both export formats carry it")
    func consentRecorded() throws {
        let box = try Sandbox(language: "vi")
        let code = try box.checkin(Self.name, ["--phone", Self.phone])
        let notice = try box.run(["privacy", "notice"])
        #expect(notice.status == 0 && notice.stdout.contains("Luật 91/2025"), "\(notice)")
        let visit = try #require(try box.list().first { $0["code"] as? String == code })
        let consent = try #require(visit["consent"] as? [String: Any], "\(visit)")
        #expect(consent["basis"] as? String == "consent")
        #expect(consent["channel"] as? String == "guard-notice")
        #expect(consent["version"] as? String == "2026-01")
        #expect(consent["at"] as? String == "2026-11-29T01:00:00Z")
        let text = notice.stdout.trimmingCharacters(in: .newlines)
        #expect(consent["text_sha256"] as? String == Self.sha256(text), "the hash is of the very words `privacy notice` prints")
        #expect(try box.sql("SELECT text FROM consent_text WHERE sha256 = '\(Self.sha256(text))'") == text, "the text itself is kept")

        let jsonl = try box.run(["export", "--date", "2026-11-29", "--format", "jsonl", "--output", "-"])
        let row = try JSON.object(jsonl.stdout.split(separator: "\n").first.map(String.init) ?? "")
        let exported = try #require(row["consent"] as? [String: Any], "a JSON object, not a string: \(row)")
        #expect(exported["channel"] as? String == "guard-notice" && exported["text_sha256"] as? String == Self.sha256(text))
        let csv = try box.run(["export", "--date", "2026-11-29", "--output", "-"])
        let header = csv.stdout.split(separator: "\r\n").first.map(String.init) ?? ""
        #expect(header.hasSuffix(",guard,consent"), "\(header)")
        #expect(csv.stdout.contains("guard-notice"), "\(csv.stdout)")
    }

    @Test("guard_consent = ask: a typed visit without the visitor's yes is refused and nothing is written; --consent records guard-asked")
    func guardMustAsk() throws {
        let box = try Sandbox(language: "en", settings: ["privacy.guard_consent": "ask"])
        let refused = try box.run(["checkin", "--name", Self.name])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("has not agreed yet") && refused.stderr.contains("--consent"), "\(refused)")
        #expect(try box.visitCount() == 0)
        #expect(try box.audit().status == 0)
        let code = try box.checkin(Self.name, ["--consent"])
        let visit = try #require(try box.list().first { $0["code"] as? String == code })
        #expect((visit["consent"] as? [String: Any])?["channel"] as? String == "guard-asked", "\(visit)")
        // A batch line says so itself, or is refused like a typed visit.
        let batch = try box.run(["checkin", "--batch", "-"], stdin: Data("{\"name\":\"A Yes\",\"consent\":true}\n{\"name\":\"B No\"}\n{\"name\":\"C\",\"consent\":\"yes\"}\n".utf8))
        #expect(batch.stdout.split(separator: "\n").count == 1, "\(batch)")
        #expect(batch.stderr.contains("line 2") && batch.stderr.contains("line 3: \"consent\" must be true or false"), "\(batch)")
        // An ID card scanned at the command line is a visit the guard records: asked too.
        let card = "079203001234|123456789|Nguyễn Văn An|01011990|Nam|1 Tràng Tiền, Hà Nội|01012021"
        let unasked = try box.run(["scan", "--json", card])
        #expect(unasked.status == 1 && unasked.stderr.contains("has not agreed yet"), "\(unasked)")
        #expect(try box.run(["scan", "--json", "--consent", card]).status == 0)
        let scanned = try #require(try box.list().first { $0["name"] as? String == "Nguyễn Văn An" })
        #expect((scanned["consent"] as? [String: Any])?["channel"] as? String == "guard-asked", "\(scanned)")
        // A signed invitation admits by itself: it rests on the notice posted at the gate.
        let inv = try box.run(["invite", "issue", "--json", "--name", "Khách Mời", "--host", "Lễ tân", "--until", "2026-11-30"])
        let kiv = try #require(try JSON.object(inv.stdout)["code"] as? String, "\(inv)")
        #expect(try box.run(["scan", "--json", kiv]).status == 0)
        let invited = try #require(try box.list().first { $0["name"] as? String == "Khách Mời" })
        #expect((invited["consent"] as? [String: Any])?["channel"] as? String == "gate-notice", "\(invited)")
    }

    @Test("another legal basis needs its reference; the visit then records it")
    func otherBasis() throws {
        let box = try Sandbox(language: "en", settings: ["privacy.basis": "legal-obligation"])
        let bad = try box.run(["checkin", "--name", "X Y"])
        #expect(bad.status == 2 && bad.stderr.contains("basis_reference"), "\(bad)")
        #expect(!FileManager.default.fileExists(atPath: box.dbPath))
        let ok = try Sandbox(language: "en", settings: ["privacy.basis": "legal-obligation", "privacy.basis_reference": "Nghị định 144/2021, Điều 9"])
        let code = try ok.checkin("X Y")
        let consent = try #require(try ok.list().first { $0["code"] as? String == code }?["consent"] as? [String: Any])
        #expect(consent["basis"] as? String == "legal-obligation" && consent["reference"] as? String == "Nghị định 144/2021, Điều 9", "\(consent)")
    }

    /// One person with three visits (id typed with dots, then by phone, then a scanned card),
    /// someone else, a watch-list entry and an invitation in the person's name.
    func seeded(_ box: Sandbox) throws -> (mine: [String], other: String, invited: String) {
        let a = try box.checkin(Self.name, ["--id-number", "001.099.012.345", "--org", "Công ty Zeta"], now: "2026-11-20T09:00:00+07:00")
        try box.run(["checkout", a], now: "2026-11-20T10:00:00+07:00")
        let b = try box.checkin(Self.name, ["--phone", Self.phone, "--purpose", "Họp quý"], now: "2026-11-25T09:00:00+07:00")
        try box.run(["checkout", b], now: "2026-11-25T10:00:00+07:00")
        let other = try box.checkin("Trần Văn Khác", ["--phone", "0987654321"], now: "2026-11-25T09:30:00+07:00")
        try box.run(["checkout", other], now: "2026-11-25T11:00:00+07:00")
        let w = try box.run(["watchlist", "add", "--id-number", Self.idNumber, "--action", "alert", "--note", "nhắc lễ tân"])
        #expect(w.status == 0, "\(w)")
        let inv = try box.run(["invite", "issue", "--json", "--name", Self.name, "--host", "Phòng Kế toán", "--from", "2026-11-21", "--until", "2026-11-30"], now: "2026-11-21T08:00:00+07:00")
        #expect(inv.status == 0, "\(inv)")
        let kiv = try #require(try JSON.object(inv.stdout)["code"] as? String)
        let entered = try box.run(["scan", "--json", kiv], now: "2026-11-22T09:00:00+07:00")
        let invited = try #require(try JSON.object(entered.stdout)["code"] as? String, "\(entered)")
        try box.run(["checkout", invited], now: "2026-11-22T10:00:00+07:00")
        // Another invitation in the same name that none of her visits used: maybe a namesake's.
        #expect(try box.run(["invite", "issue", "--name", Self.name, "--host", "Phòng Nhân sự", "--from", "2026-12-01", "--until", "2026-12-01"]).status == 0)
        return ([a, b], other, invited)
    }

    @Test("find: by id number however typed, by phone, by name; visits, watch list and invitations")
    func find() throws {
        let box = try Sandbox(language: "en")
        let (mine, other, invited) = try seeded(box)
        for args in [["--id-number", "001 099 012 345"], ["--id-number", "001.099.012.345"], ["--id-number", Self.idNumber]] {
            let r = try box.run(["privacy", "find", "--json"] + args)
            #expect(r.status == 0, "\(r)")
            let doc = try JSON.object(r.stdout)
            let codes = (doc["visits"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            #expect(codes == [mine[0]], "\(args): \(codes)")
            #expect((doc["watch_list"] as? [[String: Any]])?.count == 1, "\(doc)")
            #expect((doc["invitations"] as? [[String: Any]])?.isEmpty == true, "no visit found by the number used an invitation: \(doc)")
            #expect((doc["same_name_invitations"] as? [[String: Any]])?.count == 2, "both invitations in her name are shown to the supervisor: \(doc)")
        }
        let byPhone = try JSON.object(try box.run(["privacy", "find", "--json", "--phone", "+84 912 345 678"]).stdout)
        #expect((byPhone["visits"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String } == [mine[1]])
        let byName = try JSON.object(try box.run(["privacy", "find", "--json", "--name", "pham thi zuyen"]).stdout)
        let named = (byName["visits"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(Set(named) == Set(mine + [invited]) && !named.contains(other), "\(named)")
        #expect((byName["invitations"] as? [[String: Any]])?.count == 1, "the invitation her visit used: \(byName)")
        // Bad usage is bad usage, not "nobody".
        #expect(try box.run(["privacy", "find", "--id-number", "..."]).status == 1)
        #expect(try box.run(["privacy", "find"]).status == 2)
        #expect(try box.run(["privacy", "find", "--phone", "1", "--name", "x y"]).status == 2)
    }

    @Test("export: the person's data to a 0600 file, readable; the request is chained without the data")
    func accessExport() throws {
        let box = try Sandbox(language: "vi")
        let (mine, _, _) = try seeded(box)
        let file = box.dir + "/answer.json"
        let r = try box.run(["privacy", "export", "--phone", Self.phone, "--output", file, "--by", "Chị Hạnh"], now: "2026-11-29T09:00:00+07:00")
        #expect(r.status == 0, "\(r)")
        #expect(try permissions(file) == 0o600)
        let doc = try JSON.object(String(decoding: try contents(file), as: UTF8.self))
        let visits = try #require(doc["visits"] as? [[String: Any]])
        #expect(visits.compactMap { $0["code"] as? String } == [mine[1]])
        #expect(visits.first?["phone"] as? String == "0912345678", "the person's own phone, in full")
        #expect(visits.first?["purpose"] as? String == "Họp quý")
        #expect((doc["explanation"] as? [String: String])?["vi"]?.contains("đang lưu về bạn") == true)
        #expect(doc["same_name_invitations"] == nil, "a namesake's invitation is not handed over")
        // Not written, not answered.
        let failed = try box.run(["privacy", "export", "--phone", Self.phone, "--output", box.dir + "/no/such/dir/x.json"])
        #expect(failed.status == 1, "\(failed)")
        #expect(try JSON.array(try box.run(["privacy", "requests", "--json"]).stdout).count == 1, "only the written answer is recorded")
        let text = try box.run(["privacy", "export", "--phone", Self.phone, "--format", "text"])
        #expect(text.stdout.contains("Lượt ra vào: 1") && text.stdout.contains(Self.name), "\(text)")
        let payloads = try box.sql("SELECT payload FROM event WHERE kind = 'privacy'")
        #expect(payloads.contains("\"by\":\"Chị Hạnh\"") && payloads.contains("******5678"), "\(payloads)")
        #expect(!payloads.contains(Self.name) && !payloads.contains(Self.phone), "the chain holds who asked and when, not the data: \(payloads)")
        #expect(try box.audit().status == 0)

        // An answer kept under export_dir is a document, not rows: listed by the erasure, not cut.
        try FileManager.default.createDirectory(atPath: box.exportDir, withIntermediateDirectories: true)
        let kept = box.exportDir + "/answer.txt"
        #expect(try box.run(["privacy", "export", "--phone", Self.phone, "--format", "text", "--output", kept]).status == 0)
        let erased = try JSON.object(try box.run(["privacy", "erase", "--phone", Self.phone, "--reason", "after the answer", "--json"]).stdout)
        #expect((erased["exports_elsewhere"] as? [String])?.contains(kept) == true, "\(erased)")
    }

    @Test("erase: rows keep code and times, the name and phone are gone from the file and the WAL, exports rewritten, the audit passes")
    func erase() throws {
        let box = try Sandbox(language: "en")
        let (mine, other, invited) = try seeded(box)
        let inside = try box.checkin(Self.name, ["--id-number", Self.idNumber], now: "2026-11-29T07:00:00+07:00")
        #expect(try box.run(["export", "--from", "2026-11-20", "--to", "2026-11-25"], now: "2026-11-26T09:00:00+07:00").status == 0)
        #expect(try box.run(["export", "--from", "2026-11-20", "--to", "2026-11-25", "--format", "jsonl"], now: "2026-11-26T09:00:00+07:00").status == 0)
        let elsewhere = box.dir + "/mine.csv"
        #expect(try box.run(["export", "--date", "2026-11-20", "--output", elsewhere], now: "2026-11-26T09:00:00+07:00").status == 0)

        let byId = try box.run(["privacy", "erase", "--id-number", "001 099 012 345", "--reason", "Email request of 2026-11-27", "--request-date", "2026-11-27", "--json"])
        #expect(byId.status == 0, "\(byId)")
        let answer = try JSON.object(byId.stdout)
        #expect(answer["erased"] as? [String] == [mine[0]], "\(answer)")
        #expect(answer["still_open"] as? [String] == [inside], "a visit still inside is not erased: \(answer)")
        #expect((answer["watch_list_kept"] as? [Any])?.count == 1, "\(answer)")
        #expect((answer["exports_elsewhere"] as? [String]) == [elsewhere], "\(answer)")
        #expect((answer["exports_rewritten"] as? [[String: String]])?.count == 2, "\(answer)")
        #expect((answer["invitations_erased"] as? [String])?.isEmpty == true, "\(answer)")
        #expect((answer["invitations_same_name_kept"] as? [String])?.count == 2, "\(answer)")
        #expect(try box.sql("SELECT count(*) FROM invitation") == "2")
        let byPhone = try box.run(["privacy", "erase", "--phone", Self.phone, "--reason", "same person, by phone"])
        #expect(byPhone.status == 0 && byPhone.stdout.contains("Erased the personal data of 1 visit: \(mine[1])"), "\(byPhone)")

        // The rows stay, with code, gate and times; personal columns are empty.
        for code in mine {
            #expect(try box.sql("SELECT name || '|' || ifnull(phone,'') || '|' || ifnull(id_hash,'') || '|' || ifnull(organisation,'') || '|' || gate || '|' || status || '|' || (checked_out_at IS NOT NULL) FROM visit WHERE code = '\(code)'") == "||||main|left|1")
            #expect(try box.sql("SELECT count(*) FROM event WHERE code = '\(code)' AND kind = 'checkin' AND payload IS NOT NULL") == "0")
        }
        #expect(try box.sql("SELECT name FROM visit WHERE code = '\(other)'") == "Trần Văn Khác", "nobody else is touched")
        #expect(try box.sql("SELECT count(*) FROM event WHERE kind = 'erase'") == "2")
        #expect(try box.sql("SELECT count(*) FROM visit WHERE name = '\(Self.name)'") == "2", "only the open visit and the one that came with an invitation (no number) still name her")
        #expect(try box.sql("SELECT payload FROM event WHERE kind = 'erase' ORDER BY seq LIMIT 1").contains("Email request of 2026-11-27"))
        // The open visit is checked out and erased too: then the name is nowhere.
        try box.run(["checkout", inside], now: "2026-11-29T08:30:00+07:00")
        let third = try box.run(["privacy", "erase", "--id-number", Self.idNumber, "--reason", "after leaving"], now: "2026-11-29T08:31:00+07:00")
        #expect(third.status == 0 && third.stdout.contains(inside), "\(third)")
        // The visit that came in with an invitation carries no number: erased by its code, with
        // the invitation it used. The namesake's invitation stays, and is said to.
        let byCode = try box.run(["privacy", "erase", "--code", invited, "--reason", "same person, visit found by name", "--json"], now: "2026-11-29T08:32:00+07:00")
        let coded = try JSON.object(byCode.stdout)
        #expect(coded["erased"] as? [String] == [invited] && (coded["invitations_erased"] as? [String])?.count == 1, "\(byCode)")
        #expect(try box.sql("SELECT host FROM invitation") == "Phòng Nhân sự")
        #expect(try box.sql("SELECT count(*) FROM visit WHERE name = '\(Self.name)'") == "0")
        for file in [box.dbPath, box.dbPath + "-wal"] where FileManager.default.fileExists(atPath: file) {
            let bytes = try contents(file)
            for secret in [Self.phone, "Công ty Zeta", "Họp quý"] {
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) still in \(file)")
            }
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: box.exportDir) {
            let path = box.exportDir + "/" + name
            let bytes = try contents(path)
            #expect(bytes.range(of: Data("Zuyến".utf8)) == nil, "\(path) still names the person")
            if name.hasSuffix(".sha256") {
                let data = try contents(String(path.dropLast(7)))
                let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
                #expect(String(decoding: bytes, as: UTF8.self).hasPrefix(digest), "\(name) matches the rewritten file")
            } else if name.hasSuffix(".csv") {
                #expect(String(decoding: bytes, as: UTF8.self).contains("Trần Văn Khác"), "the others' rows are kept")
            }
        }
        #expect(try box.sql("SELECT count(*) FROM event WHERE kind = 'privacy' AND payload LIKE '%export-rewrite%'") == "6", "each erasure of a visit in the range rewrote both range exports")
        let audit = try box.audit()
        #expect(audit.status == 0, "\(audit.result)")
        #expect(try box.list(date: "2026-11-25").count == 2, "the erased visit still counts in the day's figures")

        // An erased row edited afterwards is still caught.
        _ = try box.sql("UPDATE visit SET name = 'Someone Else' WHERE code = '\(mine[0])'")
        let tampered = try box.audit()
        #expect(tampered.status == 1 && tampered.result.stdout.contains(mine[0]), "\(tampered.result)")
    }

    @Test("an erasure that matches nobody says so and changes nothing; bad input is refused")
    func eraseNobody() throws {
        let box = try Sandbox(language: "en")
        _ = try box.checkin("Someone Here", ["--phone", "0987654321"])
        let before = try box.sql("SELECT group_concat(code || name) FROM visit")
        let r = try box.run(["privacy", "erase", "--phone", "0900000000", "--reason", "request"])
        #expect(r.status == 0 && r.stdout.hasPrefix("No visit of this person to erase"), "\(r)")
        #expect(try box.sql("SELECT group_concat(code || name) FROM visit") == before)
        #expect(try box.sql("SELECT count(*) FROM event WHERE kind = 'erase'") == "0")
        #expect(try box.run(["privacy", "erase", "--phone", "0900000000"]).status == 2, "--reason is required")
        let future = try box.run(["privacy", "erase", "--phone", "0900000000", "--reason", "x", "--request-date", "2027-01-01"])
        #expect(future.status == 1 && future.stderr.contains("not after today"), "\(future)")
        let building = try Sandbox(language: "en", settings: ["building.database": "postgresql://kiosk_gate_main@127.0.0.1:1/tower"])
        let refused = try building.run(["privacy", "erase", "--phone", "0900000000", "--reason", "x"])
        #expect(refused.status == 1 && refused.stderr.contains("building log"), "\(refused)")
        #expect(try box.audit().status == 0)

        // A log edited outside the kiosk is not laundered by an erasure: refused, nothing changed.
        let edited = try box.checkin("Tampered With", ["--phone", "0977000111"])
        try box.run(["checkout", edited])
        _ = try box.sql("UPDATE visit SET category = 'staff' WHERE code = '\(edited)'")
        let laundering = try box.run(["privacy", "erase", "--phone", "0977000111", "--reason", "x"])
        #expect(laundering.status == 1 && laundering.stderr.contains("not intact"), "\(laundering)")
        #expect(try box.sql("SELECT name FROM visit WHERE code = '\(edited)'") == "Tampered With")
        #expect(try box.audit().status == 1, "the edit is still found")
    }

    @Test("erase killed at random moments: the log holds the old state or the new, and the audit passes either way")
    func eraseKilled() throws {
        let box = try Sandbox(language: "en")
        for i in 0..<25 {
            let code = try box.checkin("Kill Nine", ["--phone", "0911222333", "--badge", String(i)])
            try box.run(["checkout", code])
        }
        var random = FaultRandom()
        var erased = false
        for round in 0..<12 where !erased {
            let delay = random.delay(0.0...(0.05 + 0.05 * Double(round)))
            let p = try BackgroundProcess(box.binary, ["privacy", "erase", "--phone", "0911222333", "--reason", "kill test", "--config", box.configPath],
                                          environment: ["KIOSK_NOW": box.now])
            usleep(useconds_t(delay * 1_000_000))
            p.send(signal: SIGKILL)
            _ = p.wait(timeout: 30)
            let audit = try box.audit()
            #expect(audit.status == 0, "after a kill at \(delay) s (seed \(random.seed)): \(audit.result)")
            let named = Int(try box.sql("SELECT count(*) FROM visit WHERE name = 'Kill Nine'")) ?? -1
            #expect(named == 0 || named == 25, "all or nothing, found \(named) (seed \(random.seed))")
            erased = named == 0
        }
        let last = try box.run(["privacy", "erase", "--phone", "0911222333", "--reason", "finish"])
        #expect(last.status == 0, "\(last)")
        #expect(try box.sql("SELECT count(*) FROM visit WHERE name = 'Kill Nine'") == "0")
        #expect(try box.sql("SELECT count(*) FROM visit") == "25")
        for file in [box.dbPath, box.dbPath + "-wal"] where FileManager.default.fileExists(atPath: file) {
            #expect(try contents(file).range(of: Data("Kill Nine".utf8)) == nil, "\(file)")
        }
        #expect(try box.audit().status == 0)
    }

    @Test("requests: received, acknowledge-by skipping the weekend, due, on time")
    func requests() throws {
        let box = try Sandbox(language: "en")
        _ = try box.checkin("Req Person", ["--phone", "0933444555"], now: "2026-11-20T09:00:00+07:00")
        // 2026-11-27 is a Friday: two working days later is Tuesday 2026-12-01.
        #expect(try box.run(["privacy", "export", "--phone", "0933444555", "--request-date", "2026-11-27"]).status == 0)
        #expect(try box.run(["privacy", "erase", "--phone", "0933444555", "--reason", "asked at the desk", "--request-date", "2026-11-27"], now: "2026-11-29T10:00:00+07:00").status == 0)
        let r = try box.run(["privacy", "requests", "--json"])
        let rows = try JSON.array(r.stdout)
        #expect(rows.count == 2, "\(r)")
        let erasure = try #require(rows.first { $0["kind"] as? String == "erasure" })
        #expect(erasure["received"] as? String == "2026-11-27")
        #expect(erasure["acknowledge_by"] as? String == "2026-12-01")
        #expect(erasure["due"] as? String == "2026-12-17")
        #expect(erasure["on_time"] as? Bool == true)
        #expect(erasure["reason"] as? String == "asked at the desk")
        let access = try #require(rows.first { $0["kind"] as? String == "access" })
        // 3 days after Friday is Monday, but never before the acknowledgement is due (Tuesday).
        #expect(access["due"] as? String == "2026-12-01" && access["subject"] as? String == "phone ******4555", "\(access)")
        let text = try box.run(["privacy", "requests"])
        #expect(text.stdout.contains("erasure") && text.stdout.contains("on time"), "\(text)")
    }

    @Test("report: the processing record from the configuration and the log, Vietnamese first, English, and as a PDF")
    func report() throws {
        let box = try Sandbox(language: "vi", settings: ["records.retention_days": "21", "privacy.contact": "dpo@toanha.vn"])
        _ = try box.checkin("Báo Cáo", ["--phone", "0944555666"])
        #expect(try box.run(["export", "--unmasked", "--by", "Anh Tuấn", "--output", box.dir + "/full.csv"]).status == 0)
        _ = try box.run(["privacy", "erase", "--phone", "0900000001", "--reason", "test"])
        let vi = try box.run(["privacy", "report"])
        #expect(vi.status == 0, "\(vi)")
        for part in ["Hồ sơ hoạt động xử lý dữ liệu cá nhân", "Lưu 21 ngày", "dpo@toanha.vn", "consent/guard-notice: 1", "Anh Tuấn", "quyền 0600", "#1 xóa"] {
            #expect(vi.stdout.contains(part), "missing \(part):\n\(vi.stdout)")
        }
        #expect(!vi.stdout.contains("Báo Cáo") && !vi.stdout.contains("0944555666"), "the record describes processing, not people")
        let en = try box.run(["privacy", "report", "--lang", "en"])
        #expect(en.stdout.contains("Record of personal data processing") && en.stdout.contains("Kept 21 days"), "\(en)")
        let pdf = box.dir + "/report.pdf"
        let p = try box.run(["privacy", "report", "--format", "pdf", "--output", pdf])
        #expect(p.status == 0, "\(p)")
        let key = try contents(box.keyPath)
        let overKey = try box.run(["privacy", "report", "--output", box.keyPath])
        #expect(overKey.status == 2 && overKey.stderr.contains("tệp của chính kiosk"), "\(overKey)")
        #expect(try contents(box.keyPath) == key, "the key file is never overwritten by a report")
        let poster = try box.run(["venue-qr", "--format", "png", "--output", box.dbPath])
        #expect(poster.status != 0 && poster.stderr.contains("tệp của chính kiosk"), "\(poster)")
        #expect(try box.audit().status == 0, "the log is untouched")
        let text = try Tool.run("pdftotext", [pdf, "-"])
        #expect(text.contains("Hồ sơ hoạt động xử lý dữ liệu cá nhân") && text.contains("dpo@toanha.vn"), "\(text)")
    }
}
