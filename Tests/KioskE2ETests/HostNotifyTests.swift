import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Hosts told of their visitor and asked to approve walk-ins (issue 17), through the built
/// binary: the host directory, the outbox delivered by `kiosk notify run`, `kiosk serve` and
/// the guard terminal to a real local SMTP server and webhook endpoint, the approval page, and
/// what the guard sees while a visitor waits.
@Suite(.serialized) struct HostNotifyTests {
    static let header = "name,department,email,phone,webhook"
    static let venue = "Tòa nhà Demo Hà Nội"
    static let an = "Nguyễn Văn An (Kế toán)"
    static let from = "kiosk@demo.example"
    /// Never in a message: the visitor's id number and phone, given at check-in.
    static let idNumber = "079090001234"
    static let phone = "0912345678"

    // MARK: Helpers

    /// A sandbox with a `[notify]` section of these values (the sample's own section, if it
    /// has one, is replaced, so a test never depends on the sample's defaults).
    static func box(notify: [String: String], settings: [String: String] = [:], language: String = "en") throws -> Sandbox {
        let box = try Sandbox(language: language, settings: settings)
        try setNotify(box, notify)
        return box
    }

    static func setNotify(_ box: Sandbox, _ notify: [String: String]) throws {
        let text = try String(contentsOfFile: box.configPath, encoding: .utf8)
        var lines: [String] = []
        var inNotify = false
        for line in text.components(separatedBy: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("[") && t.hasSuffix("]") { inNotify = t == "[notify]" }
            if !inNotify { lines.append(line) }
        }
        lines.append("")
        lines.append("[notify]")
        for (k, v) in notify.sorted(by: { $0.key < $1.key }) { lines.append("\(k) = \(v)") }
        try box.writeConfig(lines.joined(separator: "\n") + "\n")
    }

    /// Writes a host CSV into the sandbox and imports it.
    @discardableResult
    static func importHosts(_ box: Sandbox, _ rows: [String], name: String = "hosts.csv", header: String = header) throws -> RunResult {
        let path = box.dir + "/" + name
        try ([header] + rows).joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
        return try box.run(["hosts", "import", path])
    }

    static func hosts(_ box: Sandbox) throws -> [[String: Any]] {
        let r = try box.run(["hosts", "list", "--json"])
        guard r.status == 0 else { throw E2EError("hosts list failed: \(r)") }
        return try JSON.array(r.stdout)
    }

    static func status(_ box: Sandbox, now: String? = nil) throws -> [[String: Any]] {
        let r = try box.run(["notify", "status", "--json"], now: now)
        guard r.status == 0 else { throw E2EError("notify status failed: \(r)") }
        return try JSON.array(r.stdout)
    }

    /// `kiosk notify run` at `now`; it exits 0 whatever the receivers do.
    @discardableResult
    static func run(_ box: Sandbox, now: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> RunResult {
        let r = try box.run(["notify", "run"], now: now, timeout: 90)
        #expect(r.status == 0, "notify run: \(r)", sourceLocation: sourceLocation)
        return r
    }

    /// `KIOSK_NOW` for a local time of the pinned day, "08:00:31".
    static func at(_ time: String, day: String = "2026-11-29") -> String { "\(day)T\(time)+07:00" }

    /// `KIOSK_NOW` one second after a local "2026-11-29 08:00:30" (next_attempt_at).
    static func justAfter(_ local: String) throws -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        guard let d = f.date(from: local) else { throw E2EError("not a local time: \(local)") }
        f.dateFormat = "yyyy-MM-dd'T'HH:mm:ssxxx"
        return f.string(from: d.addingTimeInterval(1))
    }

    /// The decoded text parts of a multipart/alternative mail: (content type, text).
    static func parts(_ mail: ReceivedMail) -> [(type: String, text: String)] {
        guard let ct = mail.header("Content-Type"), let r = ct.range(of: "boundary=") else { return [] }
        let boundary = ct[r.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "\"; "))
        var out: [(String, String)] = []
        for chunk in mail.body.components(separatedBy: "--" + boundary).dropFirst() {
            if chunk.hasPrefix("--") { break }
            let normal = chunk.replacingOccurrences(of: "\r\n", with: "\n")
            guard let split = normal.range(of: "\n\n") else { continue }
            let head = normal[..<split.lowerBound].lowercased()
            let content = String(normal[split.upperBound...])
            let type = head.components(separatedBy: "\n").first { $0.contains("content-type:") } ?? ""
            let text: String
            if head.contains("base64") {
                let b64 = content.filter { !$0.isWhitespace }
                text = Data(base64Encoded: b64).map { String(decoding: $0, as: UTF8.self) } ?? "<bad base64>"
            } else {
                text = content
            }
            out.append((type, text))
        }
        return out
    }

    /// The outbox rows of one visit and channel.
    static func row(_ rows: [[String: Any]], visit: String, channel: String) -> [String: Any]? {
        rows.first { $0["visit"] as? String == visit && $0["channel"] as? String == channel }
    }

    static func http(_ url: String, post form: [String: String]? = nil) throws -> (status: Int, body: String) {
        guard let u = URL(string: url) else { throw E2EError("bad URL \(url)") }
        var request = URLRequest(url: u)
        request.timeoutInterval = 30
        if let form {
            request.httpMethod = "POST"
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            request.httpBody = Data(form.sorted { $0.key < $1.key }.map {
                "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
            }.joined(separator: "&").utf8)
        }
        let (status, body) = try TwoGatesWebTests.http(request)
        return (status, body)
    }

    /// The hidden CSRF token of an approval page.
    static func csrf(_ page: String) -> String? {
        guard let r = page.range(of: "name=\"csrf\" value=\"") else { return nil }
        let rest = page[r.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]).replacingOccurrences(of: "&amp;", with: "&") }
    }

    /// The approval link a webhook carried for this visitor.
    static func approvalURL(_ requests: [ReceivedRequest], visitor: String) -> String? {
        requests.first { $0.json?["visitor"]?["name"]?.string == visitor }?.json?["approval_url"]?.string
    }

    static func stop(_ p: BackgroundProcess) {
        p.send(signal: SIGTERM)
        if !p.wait(timeout: 10) { p.send(signal: SIGKILL) }
    }

    // MARK: 1. The directory

    @Test("hosts import, list, update and remove; a bad line imports nothing and names its line")
    func directory() throws {
        let box = try Self.box(notify: ["smtp": "smtp://127.0.0.1:\(try freePort())", "from": Self.from])
        let first = try Self.importHosts(box, [
            "Nguyễn Văn An,Kế toán,an@example.com,0901234567,https://hooks.example.com/an?secret=s1",
            "\"Lê, Thị Mai\",Nhân sự,mai@example.com,,",
            "\"Phạm \"\"Tí\"\" Văn\",\"IT\",,,",
        ])
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout.contains("Host directory: 3 added, 0 updated, 0 unchanged (3 hosts)."), "\(first)")
        var list = try Self.hosts(box)
        #expect(list.count == 3, "\(list)")
        let names = Set(list.compactMap { $0["name"] as? String })
        #expect(names == ["Nguyễn Văn An", "Lê, Thị Mai", "Phạm \"Tí\" Văn"], "\(list)")
        let an = try #require(list.first { $0["name"] as? String == "Nguyễn Văn An" })
        #expect(an["department"] as? String == "Kế toán")
        #expect(an["email"] as? String == "an@example.com")
        #expect(an["phone"] as? String == "0901234567")
        // The webhook is the channel's secret: shown by its host only, in JSON too.
        #expect(an["webhook"] as? String == "https://hooks.example.com/…")
        for key in ["id", "updated_at"] { #expect(an[key] != nil, "\(key) in \(an)") }
        // The plain list never shows a webhook's secret path.
        let plain = try box.run(["hosts", "list"])
        #expect(plain.status == 0 && plain.stdout.contains("Nguyễn Văn An"), "\(plain)")
        #expect(!plain.stdout.contains("secret=s1"), "\(plain)")

        // Same name and department, other case and no diacritics: an update, not a new host.
        let second = try Self.importHosts(box, [
            "NGUYEN VAN AN,ke toan,an.nguyen@example.com,0901234567,",
            "\"Lê, Thị Mai\",Nhân sự,mai@example.com,,",
            "Hoàng Minh Đức,Bảo vệ,duc@example.com,,",
        ], name: "hosts2.csv")
        #expect(second.status == 0, "\(second)")
        #expect(second.stdout.contains("Host directory: 1 added, 1 updated, 1 unchanged (4 hosts)."), "\(second)")
        list = try Self.hosts(box)
        #expect(list.count == 4, "\(list)")
        let updated = try #require(list.first { $0["id"] as? Int == an["id"] as? Int }, "host \(String(describing: an["id"])) gone: \(list)")
        #expect(updated["email"] as? String == "an.nguyen@example.com", "\(updated)")

        // One bad line (line 3: an e-mail that is none) imports nothing, not even line 2.
        let bad = try Self.importHosts(box, [
            "Võ Thị Sáu,Pháp chế,sau@example.com,,",
            "Đỗ Văn Nam,Pháp chế,not-an-email,,",
        ], name: "bad.csv")
        #expect(bad.status == 1, "\(bad)")
        #expect(bad.stderr.contains("line 3"), "\(bad)")
        #expect(try Self.hosts(box).count == 4)
        #expect(!(try box.run(["hosts", "list"]).stdout.contains("Võ Thị Sáu")))
        // A quote left open and a wrong header: refused the same way.
        let open = try Self.importHosts(box, ["\"Võ Thị Sáu,Pháp chế,,,"], name: "open.csv")
        #expect(open.status == 1 && open.stderr.contains("line 2"), "\(open)")
        let wrongHeader = try Self.importHosts(box, ["Võ Thị Sáu,Pháp chế,,,"], name: "header.csv", header: "name,email,department,phone,webhook")
        #expect(wrongHeader.status == 1, "\(wrongHeader)")
        #expect(try Self.hosts(box).count == 4)

        // Escape sequences in a name never come back to the terminal.
        let esc = try Self.importHosts(box, ["Esc\u{1B}[31mRed,IT,,,"], name: "esc.csv")
        #expect(esc.status == 0 || esc.status == 1, "\(esc)")
        let shown = try box.run(["hosts", "list"])
        #expect(!shown.stdoutData.contains(escByte), "\(shown)")

        // Removing a host cancels what still waits for them.
        let mai = try #require(try Self.hosts(box).first { $0["name"] as? String == "Lê, Thị Mai" }?["id"] as? Int)
        let code = try box.checkin("Trần Thị Bình", ["--host", "Lê, Thị Mai"])
        let queued = try Self.status(box)
        #expect(Self.row(queued, visit: code, channel: "email")?["state"] as? String == "waiting", "\(queued)")
        let removed = try box.run(["hosts", "remove", "\(mai)"])
        #expect(removed.status == 0, "\(removed)")
        #expect(!(try Self.hosts(box)).contains { $0["id"] as? Int == mai })
        let after = try Self.status(box)
        #expect(Self.row(after, visit: code, channel: "email")?["state"] as? String == "cancelled", "\(after)")
        // Unknown numbers.
        let again = try box.run(["hosts", "remove", "\(mai)"])
        #expect(again.status == 1 && !again.stderr.isEmpty, "\(again)")
        let unknown = try box.run(["hosts", "remove", "9999"])
        #expect(unknown.status == 1 && !unknown.stderr.isEmpty, "\(unknown)")
        #expect(try Self.hosts(box).count == 4 - 1 + (esc.status == 0 ? 1 : 0))

        // The default language is Vietnamese.
        let vi = try Self.box(notify: [:], language: "vi")
        let viImport = try Self.importHosts(vi, ["Nguyễn Văn An,Kế toán,an@example.com,,"])
        #expect(viImport.status == 0 && !viImport.stdout.contains("Host directory"), "\(viImport)")
    }

    // MARK: 2. Arrival by e-mail and webhook

    @Test("an arrival goes out once by e-mail and once by webhook, in Vietnamese intact, without id number or phone")
    func arrivalByMailAndWebhook() throws {
        let smtp = try SMTPReceiver.start()
        defer { smtp.shutdown() }
        let hook = try HTTPReceiver.start()
        defer { hook.shutdown() }
        let box = try Self.box(notify: ["smtp": "smtp://127.0.0.1:\(smtp.port)", "from": Self.from])
        #expect(try Self.importHosts(box, ["Nguyễn Văn An,Kế toán,an@example.com,0901234567,\(hook.url(path: "/hook/an?token=t0k"))"]).status == 0)

        let r = try box.run([
            "checkin", "--name", "Trần Thị Bình", "--host", "nguyen van an", "--org", "<b>Ánh Dương</b> & Co",
            "--purpose", "Họp dự án", "--id-number", Self.idNumber, "--phone", Self.phone,
        ])
        #expect(r.status == 0, "\(r)")
        let code = try #require(r.lines.first)
        #expect(looksLikeCode(code), "\(r)")
        #expect(r.stdout.contains("\(Self.an) has been told."), "\(r)")
        let json = try box.run(["checkin", "--name", "Lý Thị Cúc", "--host", "Nguyễn Văn An (Kế toán)", "--json"])
        #expect(try JSON.object(json.stdout)["host_notified"] as? String == Self.an, "\(json)")
        let code2 = try #require(try JSON.object(json.stdout)["code"] as? String)
        // Nothing is sent by the check-in itself.
        Thread.sleep(forTimeInterval: 0.5)
        #expect(smtp.messages().isEmpty && hook.requests().isEmpty)
        let waiting = try Self.status(box)
        #expect(waiting.count == 4, "\(waiting)")
        #expect(waiting.allSatisfy { $0["state"] as? String == "waiting" && $0["kind"] as? String == "arrival" }, "\(waiting)")

        let first = try Self.run(box)
        #expect(first.stdout.contains("Sent 4, to retry 0, failed 0, cancelled 0."), "\(first)")
        let mails = smtp.waitForMessages(count: 2, timeout: 5)
        let posts = hook.waitForRequests(count: 2, timeout: 5)
        #expect(mails.count == 2, "\(mails.map(\.raw))")
        #expect(posts.count == 2, "\(posts.map(\.body))")
        let rows = try Self.status(box)
        #expect(rows.allSatisfy { $0["state"] as? String == "sent" && $0["attempts"] as? Int == 1 && $0["done_at"] != nil }, "\(rows)")
        let mailRow = try #require(Self.row(rows, visit: code, channel: "email"))
        let hookRow = try #require(Self.row(rows, visit: code, channel: "webhook"))
        #expect(mailRow["recipient"] as? String == "an@example.com", "\(mailRow)")
        #expect(hookRow["recipient"] as? String == "http://127.0.0.1:\(hook.port)/…", "\(hookRow)")
        #expect(!(try box.run(["notify", "status"]).stdout.contains("t0k")))
        let mailKey = try #require(mailRow["key"] as? String)
        let hookKey = try #require(hookRow["key"] as? String)

        // The e-mail.
        let mail = try #require(mails.first { $0.raw.contains(mailKey) }, "no mail with Message-ID \(mailKey)")
        #expect(mail.header("Message-ID") == "<\(mailKey)@demo.example>", "\(mail.raw.prefix(800))")
        #expect(mail.decodedHeader("Subject") == "Khách của anh/chị đã đến: Trần Thị Bình / Your visitor has arrived", "\(mail.raw.prefix(800))")
        #expect(mail.decodedHeader("From") == "\(Self.venue) <\(Self.from)>", "\(mail.raw.prefix(800))")
        #expect(mail.decodedHeader("To") == "\(Self.an) <an@example.com>", "\(mail.raw.prefix(800))")
        #expect(mail.rcptTo.count == 1 && mail.rcptTo.first?.contains("an@example.com") == true, "\(mail.rcptTo)")
        #expect(mail.mailFrom.contains(Self.from), "\(mail.mailFrom)")
        // Header lines stay 7-bit: the Vietnamese travels as encoded words.
        let head = mail.raw.components(separatedBy: "\r\n\r\n").first ?? ""
        #expect(head.unicodeScalars.allSatisfy { $0.isASCII }, "\(head)")
        #expect(mail.header("Content-Type")?.lowercased().hasPrefix("multipart/alternative") == true, "\(mail.raw.prefix(800))")
        let parts = Self.parts(mail)
        #expect(parts.count == 2, "\(parts)")
        let plain = try #require(parts.first { $0.type.contains("text/plain") }?.text, "\(parts)")
        let html = try #require(parts.first { $0.type.contains("text/html") }?.text, "\(parts)")
        for text in [plain, html] {
            #expect(text.contains("Trần Thị Bình"), "\(text)")
            #expect(text.contains("Họp dự án"), "\(text)")
            #expect(text.contains("main"), "the gate: \(text)")
            #expect(text.contains("08:00"), "the time: \(text)")
        }
        #expect(plain.contains("<b>Ánh Dương</b> & Co"), "\(plain)")
        #expect(html.contains("&lt;b&gt;Ánh Dương&lt;/b&gt; &amp; Co"), "organisation escaped in HTML: \(html)")
        #expect(!html.contains("<b>Ánh"), "\(html)")

        // The webhook.
        let post = try #require(posts.first { $0.header("Idempotency-Key") == hookKey }, "\(posts.map(\.headers))")
        #expect(post.method == "POST" && post.path == "/hook/an?token=t0k", "\(post.method) \(post.path)")
        #expect(post.header("Content-Type")?.hasPrefix("application/json") == true)
        let body = try #require(post.json, "\(post.body)")
        #expect(body["idempotency_key"]?.string == hookKey)
        #expect(body["event"]?.string == "visitor.arrived")
        #expect(body["building"]?.string == Self.venue)
        #expect(body["host"]?.string == Self.an)
        #expect(body["gate"]?.string == "main")
        #expect(body["time"]?.string == "2026-11-29T08:00:00+07:00")
        #expect(body["visitor"]?["name"]?.string == "Trần Thị Bình")
        #expect(body["visitor"]?["organisation"]?.string == "<b>Ánh Dương</b> & Co")
        #expect(body["visitor"]?["purpose"]?.string == "Họp dự án")
        #expect(body["text"]?.string?.contains("Trần Thị Bình") == true, "\(body)")
        #expect(body["approval_url"] == nil, "\(body)")
        // The second visitor had her own, different keys.
        let keys2 = [Self.row(rows, visit: code2, channel: "email")?["key"] as? String, Self.row(rows, visit: code2, channel: "webhook")?["key"] as? String]
        #expect(!keys2.contains(mailKey) && !keys2.contains(hookKey) && !keys2.contains(nil), "\(rows)")

        // Never the id number or the phone: not raw, not decoded, not in a webhook, not even
        // the masked id's last digits.
        for text in mails.map(\.raw) + mails.flatMap { Self.parts($0).map(\.text) } + posts.map(\.body) {
            for secret in [Self.idNumber, Self.phone, "1234", "5678"] {
                #expect(!text.contains(secret), "\(secret) leaked into: \(text.prefix(2000))")
            }
        }

        // Delivered once: a second pass sends nothing.
        let second = try Self.run(box)
        #expect(second.stdout.contains("Sent 0"), "\(second)")
        Thread.sleep(forTimeInterval: 0.5)
        #expect(smtp.messages().count == 2 && hook.requests().count == 2)
    }

    // MARK: 3. Relay down

    @Test("the relay down at check-in costs nothing; the message goes out once, after the retry delay")
    func relayDownThenBack() throws {
        let smtp = try SMTPReceiver.start()
        defer { smtp.shutdown() }
        let deadPort = try freePort()
        let box = try Self.box(notify: ["smtp": "smtp://127.0.0.1:\(smtp.port)", "from": Self.from])
        #expect(try Self.importHosts(box, [
            "Nguyễn Văn An,Kế toán,an@example.com,,",
            "Lê Thị Mai,Nhân sự,,,http://127.0.0.1:\(deadPort)/hook",
        ]).status == 0)
        smtp.stop()

        let r = try box.run(["checkin", "--name", "Trần Thị Bình", "--host", "Nguyễn Văn An"])
        #expect(r.status == 0, "\(r)")
        let code = try #require(r.lines.first)
        #expect(try box.visit(code, date: "2026-11-29")?["status"] as? String == "inside")
        let code2 = try box.checkin("Phan Văn Tú", ["--host", "Lê Thị Mai"])

        let down = try Self.run(box, now: Self.at("08:00:05"))
        #expect(down.stdout.contains("Sent 0, to retry 2"), "\(down)")
        #expect(!down.stderr.isEmpty, "the last error on stderr: \(down)")
        var row = try #require(Self.row(try Self.status(box), visit: code, channel: "email"))
        #expect(row["state"] as? String == "waiting", "\(row)")
        #expect(row["attempts"] as? Int == 1, "\(row)")
        #expect((row["last_error"] as? String)?.contains("127.0.0.1:\(smtp.port)") == true, "\(row)")
        let next = try #require(row["next_attempt_at"] as? String)
        #expect(next == "2026-11-29 08:00:35", "retry_seconds 30 after the attempt: \(row)")

        try smtp.restart()
        let early = try Self.run(box, now: Self.at("08:00:20"))
        #expect(early.stdout.contains("Sent 0"), "\(early)")
        Thread.sleep(forTimeInterval: 0.3)
        #expect(smtp.messages().isEmpty, "sent before its retry time")

        let due = try Self.run(box, now: try Self.justAfter(next))
        #expect(due.stdout.contains("Sent 1"), "\(due)")
        #expect(smtp.waitForMessages(count: 1, timeout: 5).count == 1)
        row = try #require(Self.row(try Self.status(box), visit: code, channel: "email"))
        #expect(row["state"] as? String == "sent" && row["attempts"] as? Int == 2, "\(row)")
        _ = try Self.run(box, now: Self.at("09:00:00"))
        Thread.sleep(forTimeInterval: 0.3)
        #expect(smtp.messages().count == 1, "exactly one message in the end")

        // The webhook that never comes back: retried all day, failed when the day is over.
        let hookRow = try #require(Self.row(try Self.status(box), visit: code2, channel: "webhook"))
        #expect(hookRow["state"] as? String == "waiting" && (hookRow["attempts"] as? Int ?? 0) >= 2, "\(hookRow)")
        let late = try Self.run(box, now: Self.at("00:00:30", day: "2026-11-30"))
        let ended = try #require(Self.row(try Self.status(box, now: Self.at("00:00:30", day: "2026-11-30")), visit: code2, channel: "webhook"))
        #expect(ended["state"] as? String == "failed", "\(ended)")
        #expect((ended["last_error"] as? String)?.contains("not delivered before the visit's day ended") == true, "\(ended)")
        #expect(late.stdout.contains("failed 1"), "the pass that gave up says so: \(late)")
    }

    // MARK: 4. Refusals

    @Test("a relay or webhook that refuses is tried max_refusals times, then failed; a 500 is retried until sent")
    func refusals() throws {
        let smtp = try SMTPReceiver.start(mode: "refuse")
        defer { smtp.shutdown() }
        let refusing = try HTTPReceiver.start(status: 400)
        defer { refusing.shutdown() }
        let flaky = try HTTPReceiver.start(status: 200, failFirst: 2)
        defer { flaky.shutdown() }
        let box = try Self.box(notify: ["smtp": "smtp://127.0.0.1:\(smtp.port)", "from": Self.from])
        #expect(try Self.importHosts(box, [
            "Nguyễn Văn An,Kế toán,an@example.com,,\(refusing.url())",
            "Lê Thị Mai,Nhân sự,,,\(flaky.url())",
        ]).status == 0)
        let code = try box.checkin("Trần Thị Bình", ["--host", "Nguyễn Văn An"])
        let code2 = try box.checkin("Phan Văn Tú", ["--host", "Lê Thị Mai"])

        var now = Self.at("08:00:00")
        var history: [Int] = []
        var flakySent = false
        for _ in 0..<8 {
            try Self.run(box, now: now)
            let rows = try Self.status(box, now: now)
            let mail = try #require(Self.row(rows, visit: code, channel: "email"))
            history.append(mail["attempts"] as? Int ?? -1)
            if Self.row(rows, visit: code2, channel: "webhook")?["state"] as? String == "sent" { flakySent = true }
            let nexts = rows.filter { $0["state"] as? String == "waiting" }.compactMap { $0["next_attempt_at"] as? String }.sorted()
            guard let soonest = nexts.first else { break }
            now = try Self.justAfter(soonest)
        }
        let rows = try Self.status(box, now: now)
        let mail = try #require(Self.row(rows, visit: code, channel: "email"))
        #expect(mail["state"] as? String == "failed", "\(mail)")
        #expect(mail["attempts"] as? Int == 3, "max_refusals = 3: \(mail)")
        #expect((mail["last_error"] as? String)?.contains("554") == true, "\(mail)")
        #expect(history.prefix(3) == [1, 2, 3], "attempts grow as the clock passes each retry: \(history)")
        #expect(smtp.messages().isEmpty)

        let hook = try #require(Self.row(rows, visit: code, channel: "webhook"))
        #expect(hook["state"] as? String == "failed", "\(hook)")
        #expect((hook["last_error"] as? String)?.contains("400") == true, "\(hook)")
        #expect(refusing.requests().count == 3, "\(refusing.requests().map(\.status))")

        let ok = try #require(Self.row(rows, visit: code2, channel: "webhook"))
        #expect(flakySent && ok["state"] as? String == "sent", "\(ok)")
        #expect(ok["attempts"] as? Int == 3, "two 500s, then 200: \(ok)")
        let got = flaky.requests()
        #expect(got.map(\.status) == [500, 500, 200], "\(got.map(\.status))")
        // The same message each time: one key for all three tries.
        #expect(Set(got.compactMap { $0.header("Idempotency-Key") }).count == 1, "\(got.map(\.headers))")
    }

    @Test("max_refusals and retry_seconds are honoured")
    func retrySettings() throws {
        let smtp = try SMTPReceiver.start(mode: "refuse")
        defer { smtp.shutdown() }
        let box = try Self.box(notify: [
            "smtp": "smtp://127.0.0.1:\(smtp.port)", "from": Self.from, "retry_seconds": "10", "max_refusals": "1",
        ])
        #expect(try Self.importHosts(box, ["Nguyễn Văn An,Kế toán,an@example.com,,"]).status == 0)
        let code = try box.checkin("Trần Thị Bình", ["--host", "Nguyễn Văn An"])
        let r = try Self.run(box)
        #expect(r.stdout.contains("failed 1"), "\(r)")
        let mail = try #require(Self.row(try Self.status(box), visit: code, channel: "email"))
        #expect(mail["state"] as? String == "failed" && mail["attempts"] as? Int == 1, "\(mail)")

        let down = try Self.box(notify: ["smtp": "smtp://127.0.0.1:\(try freePort())", "from": Self.from, "retry_seconds": "10"])
        #expect(try Self.importHosts(down, ["Nguyễn Văn An,Kế toán,an@example.com,,"]).status == 0)
        let c2 = try down.checkin("Trần Thị Bình", ["--host", "Nguyễn Văn An"])
        try Self.run(down)
        #expect(Self.row(try Self.status(down), visit: c2, channel: "email")?["next_attempt_at"] as? String == "2026-11-29 08:00:10")
        try Self.run(down, now: Self.at("08:00:11"))
        #expect(Self.row(try Self.status(down), visit: c2, channel: "email")?["next_attempt_at"] as? String == "2026-11-29 08:00:31", "doubling")
    }

    // MARK: 5. TLS and login

    @Test("STARTTLS with ca_file and AUTH from a 0600 login_file; tls = require never sends in clear; a 0644 login_file is refused")
    func tlsAndLogin() throws {
        let smtp = try SMTPReceiver.start(tls: true, requireTLS: true, auth: (user: "kiosk-gate", password: "s3cr:et pw"))
        defer { smtp.shutdown() }
        let https = try HTTPReceiver.start(tls: true)
        defer { https.shutdown() }
        let scratch = try Sandbox()
        // One PEM file trusted for both the relay and the https webhook.
        let bundle = scratch.dir + "/ca.pem"
        let pem = try String(contentsOfFile: try #require(smtp.certificateFile), encoding: .utf8)
            + (try String(contentsOfFile: try #require(https.certificateFile), encoding: .utf8))
        try pem.write(toFile: bundle, atomically: true, encoding: .utf8)
        let login = scratch.dir + "/smtp.login"
        try "kiosk-gate:s3cr:et pw\n".write(toFile: login, atomically: true, encoding: .utf8)
        #expect(chmod(login, 0o600) == 0)

        let box = try Self.box(notify: [
            "smtp": "smtp://127.0.0.1:\(smtp.port)", "from": Self.from, "ca_file": bundle, "login_file": login,
        ])
        #expect(try Self.importHosts(box, ["Nguyễn Văn An,Kế toán,an@example.com,,\(https.url())"]).status == 0)
        let code = try box.checkin("Trần Thị Bình", ["--host", "Nguyễn Văn An"])
        let r = try Self.run(box)
        #expect(r.stdout.contains("Sent 2"), "\(r)")
        let mails = smtp.waitForMessages(count: 1, timeout: 5)
        #expect(mails.count == 1, "\(smtp.commands())")
        let mail = try #require(mails.first)
        #expect(mail.tls, "delivered after STARTTLS")
        #expect(mail.authUser == "kiosk-gate", "\(String(describing: mail.authUser))")
        #expect(https.waitForRequests(count: 1, timeout: 5).count == 1)
        let rows = try Self.status(box)
        #expect(Self.row(rows, visit: code, channel: "email")?["state"] as? String == "sent", "\(rows)")
        #expect(Self.row(rows, visit: code, channel: "webhook")?["state"] as? String == "sent", "\(rows)")

        // Without the CA file the relay's self-signed certificate is not trusted: nothing is
        // sent, and the password never goes out (in clear or otherwise).
        let untrusted = try Self.box(notify: ["smtp": "smtp://127.0.0.1:\(smtp.port)", "from": Self.from, "login_file": login])
        #expect(try Self.importHosts(untrusted, ["Nguyễn Văn An,Kế toán,an@example.com,,\(https.url())"]).status == 0)
        let before = smtp.commands().filter { $0.uppercased().hasPrefix("AUTH") }.count
        let c2 = try untrusted.checkin("Lê Văn Cường", ["--host", "Nguyễn Văn An"])
        try Self.run(untrusted)
        let rows2 = try Self.status(untrusted)
        #expect(Self.row(rows2, visit: c2, channel: "email")?["state"] as? String != "sent", "\(rows2)")
        #expect(Self.row(rows2, visit: c2, channel: "webhook")?["state"] as? String != "sent", "\(rows2)")
        let certError = (Self.row(rows2, visit: c2, channel: "webhook")?["last_error"] as? String ?? "").lowercased()
        #expect(certError.contains("certificate"), "\(rows2)")
        #expect(smtp.commands().filter { $0.uppercased().hasPrefix("AUTH") }.count == before, "\(smtp.commands())")
        #expect(smtp.messages().count == 1 && https.requests().count == 1)

        // tls = require against a relay without STARTTLS: never in clear, and said why.
        let plain = try SMTPReceiver.start()
        defer { plain.shutdown() }
        let strict = try Self.box(notify: ["smtp": "smtp://127.0.0.1:\(plain.port)", "from": Self.from, "tls": "require"])
        #expect(try Self.importHosts(strict, ["Nguyễn Văn An,Kế toán,an@example.com,,"]).status == 0)
        let c3 = try strict.checkin("Lê Văn Cường", ["--host", "Nguyễn Văn An"])
        try Self.run(strict)
        let row3 = try #require(Self.row(try Self.status(strict), visit: c3, channel: "email"))
        // The kiosk's own configuration: failed at once (a retry cannot help), with the reason.
        #expect(row3["state"] as? String == "failed", "\(row3)")
        #expect((row3["last_error"] as? String)?.contains("STARTTLS") == true, "\(row3)")
        #expect(!plain.commands().contains { $0.uppercased().hasPrefix("MAIL") }, "\(plain.commands())")
        try Self.run(strict, now: Self.at("09:00:00"))
        #expect(plain.messages().isEmpty)

        // A login file others can read: not used, and the fix said.
        #expect(chmod(login, 0o644) == 0)
        let c4 = try box.checkin("Đinh Thị Hà", ["--host", "Nguyễn Văn An"])
        let r4 = try Self.run(box)
        let row4 = try #require(Self.row(try Self.status(box), visit: c4, channel: "email"))
        // Not sent, and never with this file (retried in case it is fixed today, or failed).
        #expect(["waiting", "failed"].contains(row4["state"] as? String ?? ""), "\(row4)")
        #expect((row4["last_error"] as? String)?.contains("chmod 600") == true, "\(row4)\n\(r4)")
        #expect(smtp.messages().count == 1, "nothing more sent with a world-readable password")
    }

    // MARK: 6. Approval through kiosk serve

    @Test("walk-ins wait for the host: approve, refuse, forged link, reused token, already decided, next day")
    func approvalThroughServe() throws {
        // Without public_url, walk-ins cannot be asked: start-up fails with the line.
        let noURL = try Self.box(notify: ["approval": "walk-ins"])
        let refused = try noURL.run(["checkin", "--name", "Trần Thị Bình"])
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("kiosk.conf:") && refused.stderr.contains(": approval:"), "\(refused)")

        let smtp = try SMTPReceiver.start()
        defer { smtp.shutdown() }
        let hook = try HTTPReceiver.start()
        defer { hook.shutdown() }
        let port = try freePort()
        let base = "http://127.0.0.1:\(port)"
        let box = try Self.box(
            notify: ["smtp": "smtp://127.0.0.1:\(smtp.port)", "from": Self.from, "approval": "walk-ins"],
            settings: ["checkin_web.public_url": base])
        #expect(try Self.importHosts(box, ["Nguyễn Văn An,Kế toán,an@example.com,,\(hook.url())"]).status == 0)

        let visitors = ["Trần Thị Bình", "Phan Văn Tú", "Lý Thị Cúc", "Đoàn Văn Hậu"]
        var codes: [String: String] = [:]
        for name in visitors {
            let r = try box.run(["checkin", "--name", name, "--host", "Nguyễn Văn An", "--id-number", Self.idNumber, "--phone", Self.phone])
            #expect(r.status == 0, "\(r)")
            #expect(r.stdout.contains("Waiting for \(Self.an) to approve (they are being told)."), "\(r)")
            let code = try #require(r.lines.first)
            codes[name] = code
            let v = try #require(try box.visit(codes[name]!, date: "2026-11-29"))
            #expect(v["status"] as? String == "pending" && v["decision"] as? String == "awaiting-host", "\(v)")
        }
        // A visitor without a known host does not wait.
        let free = try box.checkin("Vương Văn Khách")
        #expect(try box.visit(free, date: "2026-11-29")?["status"] as? String == "inside")

        let server = try startServe(box, port: port)
        defer { Self.stop(server) }
        // kiosk serve delivers too.
        let posts = hook.waitForRequests(count: visitors.count, timeout: 30)
        let mails = smtp.waitForMessages(count: visitors.count, timeout: 30)
        try #require(posts.count == visitors.count && mails.count == visitors.count, "\(server.summary)")
        for post in posts {
            #expect(post.json?["event"]?.string == "visitor.awaiting_approval", "\(post.body)")
            for secret in [Self.idNumber, Self.phone] { #expect(!post.body.contains(secret)) }
        }
        let mailA = try #require(mails.first { $0.decodedHeader("Subject")?.contains("Trần Thị Bình") == true })
        #expect(mailA.decodedHeader("Subject") == "Khách chờ anh/chị đồng ý: Trần Thị Bình / Your visitor is waiting for your approval")
        let statusRows = try Self.status(box)
        #expect(statusRows.allSatisfy { $0["kind"] as? String == "approval" }, "\(statusRows)")

        func link(_ name: String) throws -> String {
            let url = try #require(Self.approvalURL(posts, visitor: name), "no approval_url for \(name): \(posts.map(\.body))")
            #expect(url.hasPrefix("\(base)/c/demo-hq/host/\(codes[name]!)?k="), "\(url)")
            return url
        }
        func state(_ name: String) throws -> (String?, String?) {
            let v = try box.visit(codes[name]!, date: "2026-11-29")
            return (v?["status"] as? String, v?["decision"] as? String)
        }
        let linkA = try link("Trần Thị Bình")
        // The e-mail carries the same link.
        #expect(Self.parts(mailA).allSatisfy { $0.text.contains(linkA) || $0.text.contains(linkA.replacingOccurrences(of: "&", with: "&amp;")) }, "\(Self.parts(mailA))")

        // GET shows, and changes nothing (twice, as a mail scanner would follow it).
        let page = try Self.http(linkA)
        #expect(page.status == 200, "\(page)")
        #expect(page.body.contains("Trần Thị Bình"), "\(page.body)")
        #expect(page.body.contains("method=\"post\""), "\(page.body)")
        #expect(page.body.contains("name=\"answer\" value=\"approve\"") && page.body.contains("name=\"answer\" value=\"refuse\""), "\(page.body)")
        for secret in [Self.idNumber, Self.phone, "1234", "5678"] { #expect(!page.body.contains(secret), "\(secret) on the host's page") }
        #expect(try Self.http(linkA).status == 200)
        #expect(try state("Trần Thị Bình") == ("pending", "awaiting-host"))
        let tokenA = try #require(Self.csrf(page.body), "\(page.body)")

        // Forged links: another key, the key of another visit, no key, a code that is no visit.
        let key = String(linkA[linkA.range(of: "?k=")!.upperBound...])
        let forged = linkA.dropLast() + (key.last == "A" ? "B" : "A")
        #expect(try Self.http(String(forged)).status == 404)
        #expect(try Self.http(String(forged), post: ["csrf": tokenA, "answer": "approve"]).status == 404)
        let linkB = try link("Phan Văn Tú")
        let keyB = String(linkB[linkB.range(of: "?k=")!.upperBound...])
        let swapped = "\(base)/c/demo-hq/host/\(codes["Trần Thị Bình"]!)?k=\(keyB)"
        #expect(try Self.http(swapped).status == 404)
        #expect(try Self.http(swapped, post: ["csrf": tokenA, "answer": "approve"]).status == 404)
        #expect(try Self.http("\(base)/c/demo-hq/host/\(codes["Trần Thị Bình"]!)").status == 404)
        #expect(try Self.http("\(base)/c/other-venue/host/\(codes["Trần Thị Bình"]!)?k=\(key)").status == 404)
        // No token, or B's token on A's visit: refused, nothing decided.
        #expect(try Self.http(linkA, post: ["answer": "approve"]).status == 403)
        let pageB = try Self.http(linkB)
        let tokenB = try #require(Self.csrf(pageB.body))
        #expect(try Self.http(linkA, post: ["csrf": tokenB, "answer": "approve"]).status == 403)
        #expect(try state("Trần Thị Bình") == ("pending", "awaiting-host"))

        // Approve.
        let yes = try Self.http(linkA, post: ["csrf": tokenA, "answer": "approve"])
        #expect(yes.status == 200, "\(yes)")
        #expect(try state("Trần Thị Bình").0 == "inside")
        // The same token again (a double tap, a replay): refused; the answer stands.
        #expect(try Self.http(linkA, post: ["csrf": tokenA, "answer": "refuse"]).status == 403)
        #expect(try state("Trần Thị Bình").0 == "inside")
        let decided = try Self.http(linkA + "&lang=en")
        #expect(decided.status == 409, "\(decided)")
        #expect(decided.body.contains("has been decided"), "\(decided.body)")
        #expect(!decided.body.contains("name=\"csrf\""), "\(decided.body)")

        // Refuse.
        let no = try Self.http(linkB, post: ["csrf": tokenB, "answer": "refuse"])
        #expect(no.status == 200, "\(no)")
        #expect(try state("Phan Văn Tú") == ("denied", "refused-by-host"))
        let afterNo = try Self.http(linkB)
        #expect(afterNo.status == 409 && Self.csrf(afterNo.body) == nil, "a decided visit serves no form: \(afterNo)")

        // An answer that is neither: 400, nothing decided.
        let linkC = try link("Lý Thị Cúc")
        let pageC = try Self.http(linkC)
        let tokenC = try #require(Self.csrf(pageC.body))
        #expect(try Self.http(linkC, post: ["csrf": tokenC, "answer": "maybe"]).status == 400)
        #expect(try state("Lý Thị Cúc") == ("pending", "awaiting-host"))

        // The next day the link is gone.
        Self.stop(server)
        box.now = Self.at("09:00:00", day: "2026-11-30")
        let tomorrow = try startServe(box, port: port)
        defer { Self.stop(tomorrow) }
        let linkD = try link("Đoàn Văn Hậu")
        #expect(try Self.http(linkD).status == 410)
        let tokenC2 = try #require(Self.csrf(page.body))
        #expect([403, 410].contains(try Self.http(linkC, post: ["csrf": tokenC2, "answer": "approve"]).status))
        let v = try box.visit(codes["Lý Thị Cúc"]!, date: "2026-11-29")
        #expect(v?["status"] as? String != "inside", "\(String(describing: v))")

        let audit = try box.audit()
        #expect(audit.status == 0, "\(audit.result)")
    }

    // MARK: 7. Supervisor override

    @Test("the guard's KIN: scan does not go past a waiting host; a supervisor's override does, and is recorded")
    func supervisorOverride() throws {
        let port = try freePort()
        let box = try Self.box(notify: ["approval": "walk-ins"], settings: ["checkin_web.public_url": "http://127.0.0.1:\(port)"])
        #expect(try Self.importHosts(box, ["Nguyễn Văn An,Kế toán,,,http://127.0.0.1:\(try freePort())/hook"]).status == 0)
        let code = try box.checkin("Trần Thị Bình", ["--host", "Nguyễn Văn An"])
        #expect(try box.visit(code, date: "2026-11-29")?["decision"] as? String == "awaiting-host")

        let scan = try box.run(["scan", "KIN:\(code)"])
        #expect(scan.stdout.contains("Nguyễn Văn An") || scan.stdout.contains(Self.an), "says whom it waits for: \(scan)")
        #expect(try box.visit(code, date: "2026-11-29")?["status"] as? String == "pending", "\(scan)")
        let json = try box.run(["scan", "KIN:\(code)", "--json"])
        #expect(try box.visit(code, date: "2026-11-29")?["status"] as? String == "pending", "\(json)")

        let help = try box.run(["scan", "--help"])
        #expect(help.stdout.contains("--override-by") && help.stdout.contains("--reason"), "kiosk scan has no override options: \(help)")
        let noReason = try box.run(["scan", "KIN:\(code)", "--override-by", "Trưởng ca Hùng"])
        #expect(noReason.status != 0, "an override needs a reason: \(noReason)")
        #expect(try box.visit(code, date: "2026-11-29")?["status"] as? String == "pending")
        let over = try box.run(["scan", "KIN:\(code)", "--override-by", "Trưởng ca Hùng", "--reason", "Chủ nhà đang họp, đã gọi điện"])
        #expect(over.status == 0, "\(over)")
        let v = try #require(try box.visit(code, date: "2026-11-29"))
        #expect(v["status"] as? String == "inside", "\(v)\n\(over)")
        #expect(v["decision"] as? String == "overridden", "\(v)")
        #expect(v["override_by"] as? String == "Trưởng ca Hùng", "list --json names the supervisor: \(v)")
        #expect(v["override_reason"] as? String == "Chủ nhà đang họp, đã gọi điện", "\(v)")
        // Let in: the host now hears of the arrival.
        let rows = try Self.status(box).filter { $0["visit"] as? String == code }
        #expect(rows.contains { $0["kind"] as? String == "arrival" }, "\(rows)")

        // Every way in waits the same: a batch check-in too.
        let batch = box.dir + "/batch.jsonl"
        try "{\"name\": \"Phan Văn Tú\", \"host\": \"nguyen van an\"}\n".write(toFile: batch, atomically: true, encoding: .utf8)
        let b = try box.run(["checkin", "--batch", batch])
        #expect(b.status == 0, "\(b)")
        let batched = try #require(try box.list(date: "2026-11-29").first { $0["name"] as? String == "Phan Văn Tú" })
        #expect(batched["decision"] as? String == "awaiting-host" && batched["status"] as? String == "pending", "\(batched)")
        #expect(try box.audit().status == 0)
    }

    @Test("a phone's walk-in under guard-confirms waits for the guard, not the host; the host hears of it when the guard confirms")
    func phoneWalkInStillNeedsTheGuard() throws {
        let hook = try HTTPReceiver.start()
        defer { hook.shutdown() }
        let port = try freePort()
        let box = try Self.box(
            notify: ["approval": "walk-ins"],
            settings: ["checkin_web.public_url": "http://127.0.0.1:\(port)", "checkin_web.mode": "guard-confirms"])
        #expect(try Self.importHosts(box, ["Nguyễn Văn An,Kế toán,,,\(hook.url())"]).status == 0)
        let server = try startServe(box, port: port)
        defer { Self.stop(server) }

        // The visitor's own phone: the form, with the host from the directory.
        let base = "http://127.0.0.1:\(port)/c/demo-hq"
        let form = try Self.http(base + "?g=main")
        let token = try #require(Self.csrf(form.body), "\(form)")
        #expect(form.body.contains("<datalist id=\"hosts\">"), "the phone's form suggests hosts")
        let sent = try Self.http(base, post: [
            "csrf": token, "g": "main", "lang": "en", "name": "Trần Thị Bình", "phone": Self.phone,
            "host": Self.an, "answer_0": "no", "answer_1": "no", "consent": "yes",
        ])
        #expect(sent.status == 200, "\(sent)")
        let code = try #require(confirmationCode(sent.body), "\(sent.body)")
        // The guard's to decide (the host knows whom they expect, not who stands at the gate):
        // no approval link goes out, and the host's directory entry cannot let anyone in.
        #expect(try box.visit(code, date: "2026-11-29")?["decision"] as? String == "pending")
        Thread.sleep(forTimeInterval: 3)
        #expect(hook.requests().isEmpty, "\(hook.requests().map(\.body))")
        let scan = try box.run(["scan", "KIN:\(code)"])
        #expect(scan.status == 0, "\(scan)")
        #expect(try box.visit(code, date: "2026-11-29")?["status"] as? String == "inside", "\(scan)")
        // Let in by the guard: the host is told of the arrival, without the phone number.
        let posts = hook.waitForRequests(count: 1, timeout: 30)
        #expect(posts.first?.json?["event"]?.string == "visitor.arrived", "\(posts.map(\.body))")
        for secret in [Self.phone, "5678"] { #expect(!posts.contains { $0.body.contains(secret) }) }
    }

    // MARK: 8. The guard terminal

    @Test("the guard terminal: host suggestions, the waiting banner, green on the host's yes, red on a no")
    func guardTerminal() throws {
        let hook = try HTTPReceiver.start()
        defer { hook.shutdown() }
        let port = try freePort()
        let base = "http://127.0.0.1:\(port)"
        let s = try GuardSession(language: "en", settings: [
            "checkin_web.enabled": "true", "checkin_web.listen": "127.0.0.1:\(port)", "checkin_web.public_url": base,
        ])
        defer { s.close() }
        try Self.setNotify(s.box, ["approval": "walk-ins"])
        #expect(try Self.importHosts(s.box, [
            "Nguyễn Văn An,Kế toán,,,\(hook.url())",
            "Lê Thị Mai,Nhân sự,,,\(hook.url())",
        ]).status == 0)
        // On the sandbox's day, running: the approval link is for the visit's day.
        try s.start(columns: 140, rows: 32, env: ["KIOSK_NOW": s.box.now, "KIOSK_CLOCK_RATE": "1"])
        try s.waitFor(texts: ["F2Manual", "Scan or type"], timeout: 60)

        // The manual form: "nguyen" finds the host, → takes it.
        try s.key("F2")
        try s.waitFor(texts: ["Manual entry", "Name*"])
        try s.type("Đặng Thị Hồng")
        for _ in 0..<4 { try s.key("Tab") }
        try s.type("nguyen")
        try s.waitFor(texts: ["Directory (→ takes the first): \(Self.an)"])
        try s.key("Right")
        try s.waitFor("the host taken into the field") { $0.contains { $0.contains("Visiting") && $0.contains(Self.an) && !$0.contains("Directory") } }
        try s.key("Enter")
        try s.waitFor(texts: ["Waiting for \(Self.an) to approve"])
        try s.waitFor(texts: ["1 waiting for their host: Đặng Thị Hồng → Nguyễn Văn An"])

        // The terminal's worker delivers; the host approves on the page.
        let posts = hook.waitForRequests(count: 1, timeout: 30)
        let screenNow = (try? s.capture()) ?? []
        let link = try #require(Self.approvalURL(posts, visitor: "Đặng Thị Hồng"), "\(posts.map(\.body))\(s.describe(screenNow))")
        let page = try Self.http(link)
        #expect(page.status == 200, "\(page)")
        let token = try #require(Self.csrf(page.body))
        let yes = try Self.http(link, post: ["csrf": token, "answer": "approve"])
        #expect(yes.status == 200, "\(yes)")
        try s.waitFor(texts: ["\(Self.an) approved: Đặng Thị Hồng may enter"], timeout: 15)

        // A second visitor, refused.
        try s.key("F2")
        try s.waitFor(texts: ["Manual entry", "Name*"])
        try s.type("Vũ Văn Khánh")
        for _ in 0..<4 { try s.key("Tab") }
        try s.type("Lê Thị Mai")
        try s.key("Enter")
        try s.waitFor(texts: ["1 waiting for their host: Vũ Văn Khánh → Lê Thị Mai"])
        let posts2 = hook.waitForRequests(count: 2, timeout: 30)
        let link2 = try #require(Self.approvalURL(posts2, visitor: "Vũ Văn Khánh"), "\(posts2.map(\.body))")
        let page2 = try Self.http(link2)
        let token2 = try #require(Self.csrf(page2.body))
        let no = try Self.http(link2, post: ["csrf": token2, "answer": "refuse"])
        #expect(no.status == 200, "\(no)")
        let screen = try s.waitFor(texts: ["Lê Thị Mai (Nhân sự) refused: Vũ Văn Khánh"], timeout: 15)
        #expect(!onScreen(screen, "waiting for their host"), "the banner goes with the last one waiting\(s.describe(screen))")

        // An answer that comes while the guard is on another screen is kept, not lost: it
        // appears once the guard is back on the main screen (the review's shift lost them).
        try s.key("F2")
        try s.waitFor(texts: ["Manual entry", "Name*"])
        try s.type("Hoàng Văn Lâm")
        for _ in 0..<4 { try s.key("Tab") }
        try s.type("Lê Thị Mai")
        try s.key("Enter")
        try s.waitFor(texts: ["1 waiting for their host: Hoàng Văn Lâm → Lê Thị Mai"])
        let posts3 = hook.waitForRequests(count: 3, timeout: 30)
        let link3 = try #require(Self.approvalURL(posts3, visitor: "Hoàng Văn Lâm"), "\(posts3.map(\.body))")
        try s.key("F4")
        try s.waitFor("the visits screen") { $0.contains { $0.contains("Hoàng Văn Lâm") } }
        let token3 = try #require(Self.csrf(try Self.http(link3).body))
        #expect(try Self.http(link3, post: ["csrf": token3, "answer": "approve"]).status == 200)
        Thread.sleep(forTimeInterval: 4)
        #expect(!onScreen(try s.capture(), "approved: Hoàng Văn Lâm"), "a panel over the visits screen would hide what the guard was doing")
        try s.key("Escape")
        try s.waitFor(texts: ["Lê Thị Mai (Nhân sự) approved: Hoàng Văn Lâm may enter"], timeout: 15)

        // A walk-in who gives up: F4, the waiting visit, Del closes it and the banner goes.
        try s.key("F2")
        try s.waitFor(texts: ["Manual entry", "Name*"])
        try s.type("Trịnh Văn Bỏ")
        for _ in 0..<4 { try s.key("Tab") }
        try s.type("Lê Thị Mai")
        try s.key("Enter")
        try s.waitFor(texts: ["1 waiting for their host: Trịnh Văn Bỏ → Lê Thị Mai"])
        try s.key("F4")
        try s.waitFor("the visits screen") { $0.contains { $0.contains("Trịnh Văn Bỏ") } }
        try s.type("trinh")
        try s.waitFor("the search") { $0.contains { $0.contains("Trịnh Văn Bỏ") } }
        try s.key("Enter")
        try s.waitFor(texts: ["Del: the visitor left"])
        try s.key("DC")
        try s.key("Escape")
        try s.key("Escape")
        let home = try s.waitFor("the banner gone") { screen in !screen.contains { $0.contains("waiting for their host") } && screen.contains { $0.contains("F2") } }
        _ = home
        #expect(try s.box.visit(try #require(try s.box.list(date: "2026-11-29").first { $0["name"] as? String == "Trịnh Văn Bỏ" }?["code"] as? String), date: "2026-11-29")?["status"] as? String == "unconfirmed")

        let visits = try s.box.list(date: "2026-11-29")
        #expect(visits.first { $0["name"] as? String == "Đặng Thị Hồng" }?["status"] as? String == "inside", "\(visits)")
        #expect(visits.first { $0["name"] as? String == "Vũ Văn Khánh" }?["status"] as? String == "denied", "\(visits)")
        // The log keeps no names.
        let log = s.logLines().joined(separator: "\n")
        for name in ["Đặng", "Khánh", "Nguyễn"] { #expect(!log.contains(name), "\(name) in the terminal log:\n\(log)") }
    }

    // MARK: 9. Privacy

    @Test("the privacy report names who receives visitor data: the mail relay and the webhook hosts")
    func privacyReportNamesRecipients() throws {
        let smtp = try SMTPReceiver.start()
        defer { smtp.shutdown() }
        let hook = try HTTPReceiver.start()
        defer { hook.shutdown() }
        let box = try Self.box(notify: ["smtp": "smtp://127.0.0.1:\(smtp.port)", "from": Self.from])
        #expect(try Self.importHosts(box, ["Nguyễn Văn An,Kế toán,an@example.com,,\(hook.url(path: "/hook?secret=s3"))"]).status == 0)
        _ = try box.checkin("Trần Thị Bình", ["--host", "Nguyễn Văn An"])
        try Self.run(box)
        let r = try box.run(["privacy", "report", "--lang", "en"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("127.0.0.1:\(smtp.port)"), "the mail relay is a recipient:\n\(r.stdout)")
        #expect(r.stdout.contains("127.0.0.1:\(hook.port)"), "the webhook host is a recipient:\n\(r.stdout)")
        #expect(!r.stdout.contains("secret=s3"), "a webhook's secret path is no business of the report:\n\(r.stdout)")
        let vi = try box.run(["privacy", "report"])
        #expect(vi.stdout.contains("127.0.0.1:\(smtp.port)") && vi.stdout.contains("127.0.0.1:\(hook.port)"), "\(vi.stdout)")
    }
}
