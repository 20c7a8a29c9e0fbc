import Foundation
import Testing

/// Building invitations through the CLI with a pinned clock: issue (`kiosk invite --json`),
/// scan at the gate, uses counted, window enforced, revocation, another building's key,
/// tampering, and the QR image.
@Suite("invitations")
struct InvitationE2ETests {
    /// Visit day: the sandbox's default clock is 2026-11-29 08:00 at the venue (UTC+7).
    static let day = "2026-11-29"

    private func code(_ inv: [String: Any]) throws -> String {
        try #require(inv["code"] as? String)
    }

    @Test("issue --json: id, KIV1 code, name, host, window in UTC, uses")
    func issueJSON() throws {
        let box = try Sandbox(language: "en")
        let inv = try box.invite(name: "Trần Thị Bích", host: "Phòng Kỹ thuật", from: "2026-11-29 07:30", until: "2026-11-30", uses: 3)
        let id = try #require(inv["id"] as? String)
        #expect(id.count == 32 && id.allSatisfy { "0123456789abcdef".contains($0) }, "\(id)")
        let code = try code(inv)
        #expect(code.hasPrefix("KIV1:"))
        #expect(code.dropFirst(5).allSatisfy { TestBase45.alphabet.contains($0) }, "\(code)")
        #expect(code.utf8.count < 1000)
        #expect(inv["name"] as? String == "Trần Thị Bích")
        #expect(inv["host"] as? String == "Phòng Kỹ thuật")
        #expect(inv["from"] as? String == "2026-11-29T00:30:00Z")
        // A bare day ends at the end of that day, venue time.
        #expect(inv["until"] as? String == "2026-11-30T16:59:59Z")
        #expect(inv["uses"] as? Int == 3)
        // Issuing is audited and listed, but is not a visit.
        #expect(try box.auditedEvents() == 1)
        #expect(try box.visitCount() == 0)
        let list = try box.run(["invite", "list"])
        #expect(list.status == 0, "\(list)")
        #expect(list.stdout.contains(String(id.prefix(12))) && list.stdout.contains("Trần Thị Bích"), "\(list)")
        // Two invitations never share an id or a code.
        let other = try box.invite(name: "Trần Thị Bích", host: "Phòng Kỹ thuật", from: "2026-11-29 07:30", until: "2026-11-30", uses: 3)
        #expect(other["id"] as? String != id)
        #expect(other["code"] as? String != code)
    }

    @Test("bad invite options are refused: --uses 0, until before from, empty name")
    func badIssue() throws {
        let box = try Sandbox(language: "en")
        for args in [
            ["invite", "--name", "A", "--host", "B", "--until", "2026-11-30", "--uses", "0"],
            ["invite", "--name", "A", "--host", "B", "--from", "2026-11-30", "--until", "2026-11-29"],
            ["invite", "--name", " ", "--host", "B", "--until", "2026-11-30"],
            ["invite", "--name", "A", "--host", "B", "--until", "tomorrow"],
        ] {
            let r = try box.run(args)
            #expect(r.status != 0 && !r.timedOut, "\(args): \(r)")
            #expect(!r.stderr.isEmpty, "\(args): \(r)")
        }
        #expect(try box.run(["invite", "list"]).stdout.isEmpty)
    }

    @Test("single use: admitted inside the window, already inside on a second scan, used up after checkout")
    func singleUse() throws {
        let box = try Sandbox(language: "en")
        let inv = try box.invite(name: "Trần Thị Bích", host: "Phòng Kỹ thuật", from: "2026-11-29 07:00", until: "2026-11-29 18:00")
        let code = try code(inv)

        let first = try box.scan(code, now: "2026-11-29T08:41:00+07:00")
        #expect(first.result.status == 0, "\(first.result)")
        #expect(first.json["format"] as? String == "invite")
        #expect(first.json["valid"] as? Bool == true)
        #expect(first.json["decision"] as? String == "admit")
        #expect((first.json["holder"] as? [String: Any])?["name"] as? String == "Trần Thị Bích")
        let entry = try #require(first.json["code"] as? String, "\(first.result)")
        #expect(looksLikeCode(entry))
        let visits = try box.list(date: Self.day)
        #expect(visits.count == 1)
        #expect(visits.first?["code"] as? String == entry)
        #expect(visits.first?["method"] as? String == "invite")
        #expect(visits.first?["name"] as? String == "Trần Thị Bích")
        #expect(visits.first?["host"] as? String == "Phòng Kỹ thuật")

        let again = try box.scan(code, now: "2026-11-29T09:00:00+07:00")
        #expect(again.result.status == 1, "\(again.result)")
        #expect(again.json["already_inside"] as? String == entry, "\(again.result)")
        #expect(reasonsText(again.json).contains("Already inside since 08:41"), "\(again.result)")
        #expect(isNull(again.json["code"]))
        #expect(try box.visitCount() == 1)

        let out = try box.run(["checkout", entry], now: "2026-11-29T10:00:00+07:00")
        #expect(out.status == 0, "\(out)")
        let used = try box.scan(code, now: "2026-11-29T11:00:00+07:00")
        #expect(used.result.status == 1, "\(used.result)")
        #expect(used.json["decision"] as? String == "deny")
        // The message says when it was used.
        #expect(reasonsText(used.json).contains("used up"), "\(used.result)")
        #expect(reasonsText(used.json).contains("2026-11-29 08:41"), "\(used.result)")
        #expect(isNull(used.json["code"]))
        #expect(try box.visitCount() == 1)
        // The plain output says the same.
        let text = try box.run(["scan", code], now: "2026-11-29T11:05:00+07:00")
        #expect(text.status == 1)
        #expect(text.stdout.contains("08:41"), "\(text)")
        // The two refused scans are counted as refusal events naming nobody.
        #expect(try box.auditedEvents() == 6, "issue, check-in, its use of the invitation, check-out, two refusals")
    }

    @Test("--uses 2 allows two entries, not three")
    func twoUses() throws {
        let box = try Sandbox(language: "en")
        let code = try code(try box.invite(from: "2026-11-29 07:00", until: "2026-11-29 20:00", uses: 2))
        var entries: [String] = []
        for (inAt, outAt) in [("08:00", "09:00"), ("10:00", "11:00")] {
            let s = try box.scan(code, now: "2026-11-29T\(inAt):00+07:00")
            #expect(s.result.status == 0 && s.json["decision"] as? String == "admit", "\(s.result)")
            let entry = try #require(s.json["code"] as? String)
            entries.append(entry)
            let o = try box.scan("KOUT:" + entry, now: "2026-11-29T\(outAt):00+07:00")
            #expect(o.result.status == 0, "\(o.result)")
        }
        #expect(Set(entries).count == 2)
        let third = try box.scan(code, now: "2026-11-29T12:00:00+07:00")
        #expect(third.result.status == 1, "\(third.result)")
        #expect(reasonsText(third.json).contains("used up (2 times)") && reasonsText(third.json).contains("10:00"), "\(third.result)")
        #expect(try box.visitCount() == 2)
    }

    @Test("outside the window: not yet valid before it, expired after it; nothing recorded")
    func window() throws {
        let box = try Sandbox(language: "en")
        let code = try code(try box.invite(from: "2026-11-30 09:00", until: "2026-11-30 17:00"))
        for (now, why) in [("2026-11-29T08:00:00+07:00", "not valid yet"), ("2026-11-30T08:59:00+07:00", "not valid yet"), ("2026-11-30T17:01:00+07:00", "expired"), ("2026-12-05T09:00:00+07:00", "expired")] {
            let s = try box.scan(code, now: now)
            #expect(s.result.status == 1, "\(now): \(s.result)")
            #expect(s.json["valid"] as? Bool == false)
            #expect(s.json["decision"] as? String == "deny")
            #expect((s.json["checks"] as? [String: String])?["signature"] == "pass", "\(now): \(s.result)")
            #expect((s.json["checks"] as? [String: String])?["validity"] == "fail", "\(now): \(s.result)")
            #expect(reasonsText(s.json).contains(why), "\(now): \(s.result)")
        }
        #expect(try box.visitCount() == 0)
        // Inside it, the same code admits.
        let ok = try box.scan(code, now: "2026-11-30T12:00:00+07:00")
        #expect(ok.result.status == 0, "\(ok.result)")
    }

    @Test("revoked by full id or by an 8-hex-digit prefix: refused with 'revoked'")
    func revoke() throws {
        let box = try Sandbox(language: "en")
        let a = try box.invite(name: "Alice", until: "2026-11-30")
        let b = try box.invite(name: "Bob", until: "2026-11-30")
        let idA = try #require(a["id"] as? String), idB = try #require(b["id"] as? String)
        let r1 = try box.run(["invite", "revoke", idA], now: "2026-11-29T08:05:00+07:00")
        #expect(r1.status == 0, "\(r1)")
        #expect(r1.stdout.contains(idA) && r1.stdout.contains("revoked"), "\(r1)")
        let r2 = try box.run(["invite", "revoke", String(idB.prefix(8))], now: "2026-11-29T08:06:00+07:00")
        #expect(r2.status == 0, "\(r2)")
        #expect(r2.stdout.contains(idB), "\(r2)")
        for (inv, at) in [(a, "08:05"), (b, "08:06")] {
            let s = try box.scan(try code(inv), now: "2026-11-29T09:00:00+07:00")
            #expect(s.result.status == 1, "\(s.result)")
            #expect(s.json["decision"] as? String == "deny")
            #expect(reasonsText(s.json).contains("revoked"), "\(s.result)")
            #expect(reasonsText(s.json).contains(at), "\(s.result)")
        }
        #expect(try box.visitCount() == 0)
        let list = try box.run(["invite", "list"])
        #expect(list.lines.filter { $0.contains("revoked") }.count == 2, "\(list)")
        // An id that was never issued.
        let none = try box.run(["invite", "revoke", "00000000"])
        #expect(none.status != 0, "\(none)")
        #expect(none.stderr.contains("00000000"), "\(none)")
    }

    @Test("an invitation issued by another kiosk (another key) fails at the signature step")
    func otherKiosk() throws {
        let here = try Sandbox(language: "en")
        let there = try Sandbox(language: "en")
        let code = try code(try there.invite(until: "2026-11-30"))
        #expect(try there.scan(code).result.status == 0, "the issuing kiosk admits it")
        let s = try here.scan(code)
        #expect(s.result.status == 1, "\(s.result)")
        #expect(s.json["valid"] as? Bool == false)
        #expect(s.json["decision"] as? String == "deny")
        let checks = try #require(s.json["checks"] as? [String: String])
        #expect(checks["cose"] == "pass" && checks["signature"] == "fail", "\(s.result)")
        #expect(isNull(s.json["holder"]), "an unverified invitation must not name anyone: \(s.result)")
        #expect(try here.visitCount() == 0)
        #expect(try here.auditedEvents() == 0)
    }

    @Test("one character changed anywhere in the KIV1 text is never admitted")
    func tampered() throws {
        let box = try Sandbox(language: "en")
        let code = Array(try code(try box.invite(until: "2026-11-30")))
        let alphabet = TestBase45.alphabet
        var positions = [0, 3, 4, 5, 6, 7, 10, 20, 40, code.count / 3, code.count / 2, 2 * code.count / 3]
        positions += [code.count - 70, code.count - 40, code.count - 20, code.count - 3, code.count - 2, code.count - 1]
        for p in Set(positions).sorted() {
            var t = code
            // The neighbour in the alphabet: an odd change of the Base45 digit always changes
            // bit 0 of the byte it ends in, which no deflate or Adler-32 byte leaves unused
            // (a change confined to the final byte's padding bits would not be tampering).
            let i = alphabet.firstIndex(of: t[p]) ?? 0
            t[p] = alphabet[i + 1 < alphabet.count ? i + 1 : i - 1]
            let tampered = String(t)
            #expect(tampered != String(code))
            let r = try box.run(["scan", tampered, "--json"])
            #expect(r.status == 1, "position \(p): \(r)")
            let json = try JSON.object(r.stdout)
            #expect(json["valid"] as? Bool == false, "position \(p): \(r)")
            #expect(json["decision"] as? String == "deny", "position \(p): \(r)")
            #expect(isNull(json["code"]), "position \(p): \(r)")
        }
        #expect(try box.visitCount() == 0)
        #expect(try box.auditedEvents() == 1)
        // The original still works.
        #expect(try box.scan(String(code)).result.status == 0)
    }

    @Test("--png writes a QR that zbarimg decodes to exactly the KIV1 code")
    func png() throws {
        let box = try Sandbox(language: "en")
        let path = box.dir + "/invitation.png"
        let inv = try box.invite(name: "Lê Văn Cường", until: "2026-11-30", extra: ["--png", path])
        let png = try contents(path)
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        // The QR carries the visitor's name, host and purpose: private, like every file
        // holding personal data.
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
        let decoded = try Tool.run("zbarimg", ["--raw", "-q", path]).trimmingCharacters(in: .newlines)
        #expect(decoded == (try code(inv)))
        // And what the camera read is admitted.
        let s = try box.scan(decoded)
        #expect(s.result.status == 0 && s.json["decision"] as? String == "admit", "\(s.result)")
    }

    @Test("the same building key at another venue id: signature passes, validity fails")
    func otherVenue() throws {
        let here = try Sandbox(language: "en")
        let code = try code(try here.invite(until: "2026-11-30"))
        let there = try Sandbox(language: "en", settings: ["venue.id": "other-hq"])
        try FileManager.default.createDirectory(atPath: there.dataDir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: here.keyPath, toPath: there.keyPath)
        let s = try there.scan(code)
        #expect(s.result.status == 1, "\(s.result)")
        let checks = try #require(s.json["checks"] as? [String: String])
        #expect(checks["signature"] == "pass" && checks["validity"] == "fail", "\(s.result)")
        #expect(reasonsText(s.json).contains("demo-hq"), "\(s.result)")
        #expect(try there.visitCount() == 0)
    }
}
