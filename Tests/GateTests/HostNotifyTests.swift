import Foundation
import KioskCore
import Notify
import Records
import Testing
import TestSupport
@testable import Gate

/// Telling hosts (issue 17) through the Gate and the outbox's worker, against real local SMTP
/// and HTTP receivers.
@Suite(.serialized) struct HostNotifyGateTests {
    static let csv = """
        name,department,email,phone,webhook
        Nguyễn Văn An,Kế toán,an@toanha.vn,0901234567,
        "Trần Thị Bình","Nhân sự, Hành chính",binh@toanha.vn,,WEBHOOK
        Lê Văn Cường,Kỹ thuật,cuong@toanha.vn,,
        Lê Văn Cường,Bảo trì,cuong2@toanha.vn,,
        """

    /// A gate with the directory loaded, e-mail through `smtp` and Bình's webhook at `hook`.
    static func harness(smtp: SMTPReceiver?, hook: HTTPReceiver? = nil, _ adjust: (inout KioskConfig) -> Void = { _ in }) throws -> Harness {
        let h = try Harness { c in
            c.venue.name = "Tòa nhà Ánh Dương"
            if let smtp { c.notify.smtp = NotifySettings.Relay(host: "127.0.0.1", port: smtp.port) }
            c.notify.from = "kiosk@toanha.vn"
            c.notify.retrySeconds = 30
            c.checkinWeb.publicURL = "http://127.0.0.1:8080"
            adjust(&c)
        }
        let csv = csv.replacingOccurrences(of: "WEBHOOK", with: hook?.url(path: "/hooks/abc") ?? "")
        _ = try h.gate.importHosts(csv: Data(csv.utf8))
        return h
    }

    static func worker(_ h: Harness) -> Notifier { h.gate.makeNotifier() }

    @Test("the CSV: quoting, updates by folded name and department, one bad line imports nothing")
    func directoryImport() throws {
        let h = try Self.harness(smtp: nil)
        let hosts = try h.gate.hostDirectory()
        #expect(hosts.count == 4)
        #expect(hosts.contains { $0.department == "Nhân sự, Hành chính" && $0.email == "binh@toanha.vn" })
        // Again, with a new address for An typed without diacritics: an update, not a second An.
        let again = "name,department,email,phone,webhook\nnguyen van an,ke toan,an.nguyen@toanha.vn,,\n"
        let (r, total) = try h.gate.importHosts(csv: Data(again.utf8))
        #expect(r.updated == 1 && r.added == 0 && total == 4)
        #expect(try h.gate.hostDirectory().first { $0.email == "an.nguyen@toanha.vn" } != nil)
        let bad = "name,department,email,phone,webhook\nPhạm Thu,IT,thu@toanha.vn,,\nVõ Tâm,IT,not-an-address,,\n"
        #expect(throws: HostFileRefused.self) { try h.gate.importHosts(csv: Data(bad.utf8)) }
        do {
            _ = try h.gate.importHosts(csv: Data(bad.utf8))
        } catch let e as HostFileRefused {
            #expect(e.problem.contains("line 3"), "\(e.problem)")
        }
        #expect(try h.gate.hostDirectory().count == 4, "nothing of the bad file was imported")
        for broken in ["name,email\nA,a@b.vn\n", "", "name,department,email,phone,webhook\n\"open,x,,,\n",
                       "name,department,email,phone,webhook\nA,B,a@b.vn,,ftp://x\n", "name,department,email,phone,webhook\nA,B,,12,\n"] {
            #expect(throws: HostFileRefused.self) { try h.gate.importHosts(csv: Data(broken.utf8)) }
        }
        #expect(throws: HostFileRefused.self) { try h.gate.importHosts(csv: Data([0xFF, 0xFE, 0x41])) }
    }

    @Test("a check-in with a known host queues its messages in the visit's transaction; unknown or ambiguous hosts tell nobody")
    func queuedWithTheVisit() throws {
        let hook = try HTTPReceiver.start()
        defer { hook.shutdown() }
        let smtp = try SMTPReceiver.start()
        defer { smtp.shutdown() }
        let h = try Self.harness(smtp: smtp, hook: hook)
        let r = try h.checkIn("Trần Văn Khách") { $0.details.host = "tran thi binh" }
        let code = try #require(r.recorded?.code)
        #expect(r.notifiedHost == "Trần Thị Bình (Nhân sự, Hành chính)")
        #expect(r.recorded?.details.host == "Trần Thị Bình (Nhân sự, Hành chính)", "recorded as the directory names the host")
        let queued = try h.gate.store.outbox(visitCode: code)
        #expect(Set(queued.map(\.channel)) == [.email, .webhook])
        #expect(queued.allSatisfy { $0.state == .waiting && $0.kind == .arrival })
        // Two Lê Văn Cường: a bare name tells nobody; with the department it is one person.
        let ambiguous = try h.checkIn("Khách Một") { $0.details.host = "Lê Văn Cường" }
        #expect(ambiguous.notifiedHost == nil)
        #expect(try h.gate.store.outbox(visitCode: #require(ambiguous.recorded?.code)).isEmpty)
        let precise = try h.checkIn("Khách Hai") { $0.details.host = "le van cuong (bao tri)" }
        #expect(precise.notifiedHost == "Lê Văn Cường (Bảo trì)")
        let free = try h.checkIn("Khách Ba") { $0.details.host = "Phòng họp tầng 3" }
        #expect(free.notifiedHost == nil && free.recorded?.details.host == "Phòng họp tầng 3")
        // Nothing went out: check-ins never talk to the network.
        #expect(smtp.messages().isEmpty && hook.requests().isEmpty)
    }

    @Test("delivery: one e-mail with its diacritics and one webhook, keyed; never the id number or phone")
    func deliveredOnce() throws {
        let hook = try HTTPReceiver.start()
        defer { hook.shutdown() }
        let smtp = try SMTPReceiver.start()
        defer { smtp.shutdown() }
        let h = try Self.harness(smtp: smtp, hook: hook)
        let r = try h.checkIn("Phạm Thị Ánh Nguyệt", id: "079090001234", phone: "0912345678") {
            $0.details.host = "Trần Thị Bình (Nhân sự, Hành chính)"
            $0.details.organisation = "Công ty Đông Á"
            $0.details.purpose = "Phỏng vấn"
        }
        let code = try #require(r.recorded?.code)
        let pass = try Self.worker(h).runOnce()
        #expect(pass.sent == 2, "\(pass)")
        let mails = smtp.waitForMessages(count: 1, timeout: 5)
        let requests = hook.waitForRequests(count: 1, timeout: 5)
        #expect(mails.count == 1 && requests.count == 1)
        let mail = try #require(mails.first)
        #expect(mail.decodedHeader("Subject") == "Khách của anh/chị đã đến: Phạm Thị Ánh Nguyệt / Your visitor has arrived")
        #expect(mail.decodedHeader("From")?.contains("Tòa nhà Ánh Dương") == true)
        #expect(mail.decodedHeader("To")?.contains("Trần Thị Bình") == true)
        #expect(mail.rcptTo == ["binh@toanha.vn"] && mail.mailFrom == "kiosk@toanha.vn")
        let items = try h.gate.store.outbox(visitCode: code)
        let emailKey = try #require(items.first { $0.channel == .email }?.key)
        let hookKey = try #require(items.first { $0.channel == .webhook }?.key)
        #expect(mail.header("Message-ID") == "<\(emailKey)@toanha.vn>")
        let req = try #require(requests.first)
        #expect(req.path == "/hooks/abc")
        #expect(req.header("idempotency-key") == hookKey)
        #expect(req.json?["idempotency_key"]?.string == hookKey)
        #expect(req.json?["visitor"]?["name"]?.string == "Phạm Thị Ánh Nguyệt")
        #expect(req.json?["visitor"]?["organisation"]?.string == "Công ty Đông Á")
        #expect(req.json?["event"]?.string == "visitor.arrived")
        // The decoded text parts hold the facts and nothing personal beyond them.
        let decoded = Self.decodedParts(mail.raw)
        #expect(decoded.contains("Phỏng vấn") && decoded.contains("Công ty Đông Á"))
        for secret in ["079090001234", "1234", "0912345678", "345678", "2345"] {
            #expect(!mail.raw.contains(secret) && !decoded.contains(secret) && !req.body.contains(secret), "\(secret) left the kiosk")
        }
        #expect(items.allSatisfy { $0.state == .sent })
        // A second pass sends nothing more.
        #expect(try Self.worker(h).runOnce().sent == 0)
        #expect(smtp.messages().count == 1 && hook.requests().count == 1)
    }

    /// The base64 parts of a message, decoded.
    static func decodedParts(_ raw: String) -> String {
        var out = "", inBody = false, chunk = ""
        for line in raw.components(separatedBy: "\r\n") {
            if line.hasPrefix("--") {
                if let d = Data(base64Encoded: chunk), let s = String(data: d, encoding: .utf8) { out += s }
                chunk = ""
                inBody = false
            } else if line.isEmpty {
                inBody = true
            } else if inBody {
                chunk += line
            }
        }
        return out
    }

    @Test("relay down at check-in: the visit is on disk at once; the message goes when the relay is back, once")
    func relayDownThenBack() throws {
        let smtp = try SMTPReceiver.start()
        defer { smtp.shutdown() }
        let h = try Self.harness(smtp: smtp)
        smtp.stop()
        let r = try h.checkIn("Đỗ Minh Tuấn") { $0.details.host = "Nguyễn Văn An" }
        let code = try #require(r.recorded?.code)
        #expect(r.recorded?.status == .inside)
        let first = try Self.worker(h).runOnce()
        #expect(first.retrying == 1 && first.sent == 0)
        var item = try #require(try h.gate.store.outbox(visitCode: code).first)
        #expect(item.state == .waiting && item.attempts == 1)
        #expect(item.lastError?.contains("127.0.0.1") == true, "\(item.lastError ?? "")")
        try smtp.restart()
        // Not due yet: nothing goes before the retry time.
        #expect(try Self.worker(h).runOnce().sent == 0)
        #expect(smtp.messages().isEmpty)
        h.clock.set("2026-11-29T08:00:31+07:00")
        #expect(try Self.worker(h).runOnce().sent == 1)
        #expect(try Self.worker(h).runOnce().sent == 0)
        #expect(smtp.waitForMessages(count: 1, timeout: 5).count == 1)
        item = try #require(try h.gate.store.outbox(visitCode: code).first)
        #expect(item.state == .sent && item.attempts == 2)
    }

    @Test("a relay refusing (5xx) is retried, then the message is failed with the refusal; 4xx waits until the day ends")
    func refusalsAndTemporaryTrouble() throws {
        let refusing = try SMTPReceiver.start(mode: "refuse")
        defer { refusing.shutdown() }
        let h = try Self.harness(smtp: refusing) { $0.notify.maxRefusals = 3 }
        let code = try #require(try h.checkIn("Bùi Văn Long") { $0.details.host = "Nguyễn Văn An" }.recorded?.code)
        for (i, t) in ["08:00:00", "08:00:31", "08:01:32", "08:03:33"].enumerated() {
            h.clock.set("2026-11-29T\(t)+07:00")
            _ = try Self.worker(h).runOnce()
            let item = try #require(try h.gate.store.outbox(visitCode: code).first)
            #expect(item.attempts == min(i + 1, 3))
            #expect(item.state == (i + 1 >= 3 ? .failed : .waiting), "attempt \(i + 1): \(item.state)")
        }
        let failed = try #require(try h.gate.outboxStatus().first { $0.visitCode == code })
        #expect(failed.state == .failed)
        #expect(failed.lastError?.contains("554") == true, "\(failed.lastError ?? "")")
        #expect(refusing.messages().isEmpty)

        let busy = try SMTPReceiver.start(mode: "tempfail")
        defer { busy.shutdown() }
        let h2 = try Self.harness(smtp: busy) { $0.notify.maxRefusals = 1 }
        let code2 = try #require(try h2.checkIn("Cao Thị Mai") { $0.details.host = "Nguyễn Văn An" }.recorded?.code)
        for t in ["08:00:00", "09:00:00", "12:00:00", "18:00:00"] {
            h2.clock.set("2026-11-29T\(t)+07:00")
            _ = try Self.worker(h2).runOnce()
        }
        var item = try #require(try h2.gate.store.outbox(visitCode: code2).first)
        #expect(item.state == .waiting && item.attempts == 4, "4xx is temporary: \(item)")
        #expect(item.lastError?.contains("451") == true)
        h2.clock.set("2026-11-30T00:00:01+07:00")
        _ = try Self.worker(h2).runOnce()
        item = try #require(try h2.gate.store.outbox(visitCode: code2).first)
        #expect(item.state == .failed && item.lastError?.contains("day ended") == true, "\(item)")
    }

    @Test("webhooks: 4xx is a refusal, 5xx is retried, https with the building's CA")
    func webhookAnswers() throws {
        let refusing = try HTTPReceiver.start(status: 404)
        defer { refusing.shutdown() }
        let h = try Self.harness(smtp: nil, hook: refusing) { $0.notify.maxRefusals = 1 }
        let code = try #require(try h.checkIn("Hà Văn Sơn") { $0.details.host = "Trần Thị Bình" }.recorded?.code)
        _ = try Self.worker(h).runOnce()
        let item = try #require(try h.gate.store.outbox(visitCode: code).first)
        #expect(item.channel == .webhook && item.state == .failed && item.lastError?.contains("404") == true, "\(item)")

        let flaky = try HTTPReceiver.start(failFirst: 1, tls: true)
        defer { flaky.shutdown() }
        let h2 = try Self.harness(smtp: nil, hook: flaky) { $0.notify.caFile = flaky.certificateFile }
        let code2 = try #require(try h2.checkIn("Lý Thị Hạnh") { $0.details.host = "Trần Thị Bình" }.recorded?.code)
        #expect(try Self.worker(h2).runOnce().retrying == 1)
        h2.clock.set("2026-11-29T08:01:00+07:00")
        #expect(try Self.worker(h2).runOnce().sent == 1)
        #expect(flaky.requests().filter { $0.status == 200 }.count == 1)
        #expect(try h2.gate.store.outbox(visitCode: code2).first?.state == .sent)

        // The same https receiver without the CA: a certificate problem is a refusal, said.
        let h3 = try Self.harness(smtp: nil, hook: flaky) { $0.notify.maxRefusals = 1 }
        let code3 = try #require(try h3.checkIn("Tô Văn Hùng") { $0.details.host = "Trần Thị Bình" }.recorded?.code)
        _ = try Self.worker(h3).runOnce()
        let bad = try #require(try h3.gate.store.outbox(visitCode: code3).first)
        #expect(bad.state == .failed && bad.lastError?.contains("certificate") == true, "\(bad)")
    }

    @Test("STARTTLS and a login from a 0600 file; tls = require never sends in clear; a readable login file is refused")
    func tlsAndLogin() throws {
        let secure = try SMTPReceiver.start(tls: true, requireTLS: true, auth: (user: "kiosk", password: "mật-khẩu 1"))
        defer { secure.shutdown() }
        let login = NSTemporaryDirectory() + "kiosk-login-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: login, contents: Data("kiosk:mật-khẩu 1\n".utf8), attributes: [.posixPermissions: 0o600])
        defer { try? FileManager.default.removeItem(atPath: login) }
        let h = try Self.harness(smtp: secure) {
            $0.notify.caFile = secure.certificateFile
            $0.notify.loginFile = login
        }
        _ = try h.checkIn("Mai Văn Tiến") { $0.details.host = "Nguyễn Văn An" }
        #expect(try Self.worker(h).runOnce().sent == 1)
        let mail = try #require(secure.waitForMessages(count: 1, timeout: 5).first)
        #expect(mail.tls && mail.authUser == "kiosk")
        #expect(!secure.commands().joined(separator: "\n").contains("mật"))

        chmod(login, 0o644)
        let code2 = try #require(try h.checkIn("Mai Văn Tài") { $0.details.host = "Nguyễn Văn An" }.recorded?.code)
        _ = try Self.worker(h).runOnce()
        let unsafe = try #require(try h.gate.store.outbox(visitCode: code2).first)
        #expect(unsafe.lastError?.contains("chmod 600") == true)
        // The kiosk's own configuration: retrying cannot help, so it is failed at once.
        #expect(unsafe.state == .failed && unsafe.attempts == 1, "\(unsafe)")

        let plain = try SMTPReceiver.start()
        defer { plain.shutdown() }
        let h2 = try Self.harness(smtp: plain) { $0.notify.tls = .require; $0.notify.maxRefusals = 1 }
        let code3 = try #require(try h2.checkIn("Lưu Văn Bảo") { $0.details.host = "Nguyễn Văn An" }.recorded?.code)
        _ = try Self.worker(h2).runOnce()
        let item = try #require(try h2.gate.store.outbox(visitCode: code3).first)
        #expect(item.state == .failed && item.lastError?.contains("STARTTLS") == true, "\(item)")
        #expect(plain.messages().isEmpty)
        #expect(!plain.commands().contains { $0.hasPrefix("MAIL") })
    }

    @Test("two workers on one outbox deliver each message once")
    func twoWorkersOnce() throws {
        let smtp = try SMTPReceiver.start()
        defer { smtp.shutdown() }
        let h = try Self.harness(smtp: smtp)
        for i in 0..<6 { _ = try h.checkIn("Khách số \(i)") { $0.details.host = "Nguyễn Văn An" } }
        let a = Self.worker(h), b = Self.worker(h)
        final class Sent: @unchecked Sendable {
            let lock = NSLock()
            var counts: [Int] = []
            func add(_ n: Int) { lock.withLock { counts.append(n) } }
        }
        let sent = Sent()
        Together.run(2) { i in sent.add((try? (i == 0 ? a : b).runOnce().sent) ?? -100) }
        #expect(sent.counts.reduce(0, +) == 6, "\(sent.counts)")
        #expect(smtp.waitForMessages(count: 6, timeout: 10).count == 6)
        Thread.sleep(forTimeInterval: 0.3)
        #expect(smtp.messages().count == 6)
    }
}

@Suite(.serialized) struct HostApprovalGateTests {
    /// Walk-ins wait; without a receiver the relay is a closed port (nothing is delivered in
    /// these tests, but a host is only asked when the kiosk can reach them).
    static func walkIns(_ smtp: SMTPReceiver? = nil, capacity: Int = 0) throws -> Harness {
        try HostNotifyGateTests.harness(smtp: smtp) { c in
            c.notify.approval = .walkIns
            c.venue.capacity = capacity
            if smtp == nil { c.notify.smtp = NotifySettings.Relay(host: "127.0.0.1", port: 9) }
        }
    }

    static func token(_ h: Harness, _ code: String) -> String { h.gate.approvalLink.token(code: code) }

    @Test("a walk-in waits for the host; the link approves once, a forged one nothing")
    func approveOnce() throws {
        let smtp = try SMTPReceiver.start()
        defer { smtp.shutdown() }
        let h = try Self.walkIns(smtp)
        let r = try h.checkIn("Vũ Thị Lan") { $0.details.host = "Nguyễn Văn An" }
        let visit = try #require(r.recorded)
        #expect(visit.status == .pending && visit.decision == "awaiting-host")
        #expect(r.decision.verdict == .check && r.decision.reasons.first?.key == .awaitingHost)
        #expect(try h.gate.store.outbox(visitCode: visit.code).map(\.kind) == [.approval])
        // Not inside: no place taken, no slip.
        #expect(try h.gate.counts(day: h.gate.today()).insideNow == 0)
        _ = try HostNotifyGateTests.worker(h).runOnce()
        let mail = try #require(smtp.waitForMessages(count: 1, timeout: 5).first)
        let link = try #require(h.gate.approvalLink.url(code: visit.code))
        #expect(HostNotifyGateTests.decodedParts(mail.raw).contains(link))
        #expect(link.hasPrefix("http://127.0.0.1:8080/c/\(h.gate.config.venue.id)/host/\(visit.code)?k="))

        #expect(try h.gate.answerHost(code: visit.code, token: "forged", approve: true) == nil)
        #expect(try h.gate.answerHost(code: visit.code, token: nil, approve: true) == nil)
        #expect(try h.gate.hostApprovalView(code: visit.code, token: String(Self.token(h, visit.code).dropLast()) + "A") == nil)
        let view = try #require(try h.gate.hostApprovalView(code: visit.code, token: Self.token(h, visit.code)))
        #expect(view.waiting && view.hostLabel == "Nguyễn Văn An (Kế toán)")
        guard case .approved(let inside)? = try h.gate.answerHost(code: visit.code, token: Self.token(h, visit.code), approve: true) else {
            Issue.record("not approved")
            return
        }
        #expect(inside.status == .inside && inside.confirmedBy == "host: Nguyễn Văn An (Kế toán)")
        guard case .alreadyDecided? = try h.gate.answerHost(code: visit.code, token: Self.token(h, visit.code), approve: false) else {
            Issue.record("a used link answered twice")
            return
        }
        #expect(try h.gate.visit(code: visit.code)?.status == .inside)
        #expect(try h.gate.audit().ok)
    }

    @Test("refused by the host, expired the next day, and held by the rules when the building is full")
    func refusedExpiredHeld() throws {
        let h = try Self.walkIns()
        let a = try #require(try h.checkIn("Khách A") { $0.details.host = "Nguyễn Văn An" }.recorded)
        guard case .refused(let e)? = try h.gate.answerHost(code: a.code, token: Self.token(h, a.code), approve: false) else {
            Issue.record("not refused")
            return
        }
        #expect(e.status == .denied && e.finalDecision == "refused-by-host")

        let b = try #require(try h.checkIn("Khách B") { $0.details.host = "Nguyễn Văn An" }.recorded)
        h.clock.set("2026-11-30T08:00:00+07:00")
        guard case .expired? = try h.gate.answerHost(code: b.code, token: Self.token(h, b.code), approve: true) else {
            Issue.record("yesterday's walk-in was answered")
            return
        }
        #expect(try h.gate.visit(code: b.code)?.status == .pending)

        let full = try Self.walkIns(capacity: 1)
        let c = try #require(try full.checkIn("Khách C") { $0.details.host = "Nguyễn Văn An" }.recorded)
        _ = try full.checkIn("Khách D không hẹn")
        guard case .approvedButHeld(_, let why)? = try full.gate.answerHost(code: c.code, token: Self.token(full, c.code), approve: true) else {
            Issue.record("admitted past a full building")
            return
        }
        #expect(why.reasons.first?.key == .capacityFull)
        #expect(try full.gate.visit(code: c.code)?.status == .pending)
    }

    @Test("the guard cannot go past the host without a supervisor; the override is recorded; invitations and overrides never wait")
    func supervisorOverride() throws {
        let h = try Self.walkIns()
        let v = try #require(try h.checkIn("Khách E") { $0.details.host = "Nguyễn Văn An" }.recorded)
        let plain = try h.gate.confirmSelfCheckIn(code: v.code, guardName: "Bảo vệ An")
        #expect(plain.recorded == nil && plain.decision.reasons.first?.key == .hostAwaitingOverride)
        #expect(try h.gate.visit(code: v.code)?.status == .pending)
        let over = try h.gate.confirmSelfCheckIn(code: v.code, guardName: "Bảo vệ An", override: .init(by: "Chị Lan", reason: "khách VIP"))
        #expect(over.recorded?.status == .inside && over.recorded?.finalDecision == "overridden")
        #expect(over.decision.overriddenBy == "Chị Lan")
        #expect(try h.gate.audit().ok)
        // The host's link no longer decides anything.
        guard case .alreadyDecided? = try h.gate.answerHost(code: v.code, token: Self.token(h, v.code), approve: false) else {
            Issue.record("the host overturned the supervisor")
            return
        }
        // A supervisor's override at check-in is the decision: no wait.
        let direct = try h.checkIn("Khách F") {
            $0.details.host = "Nguyễn Văn An"
            $0.override = .init(by: "Chị Lan", reason: "giao hàng gấp")
        }
        #expect(direct.recorded?.status == .inside)
        #expect(try h.gate.store.outbox(visitCode: #require(direct.recorded?.code)).map(\.kind) == [.arrival])
    }

    @Test("a host's yes keeps the check-in's alert; a phone waiting for the guard stays the guard's")
    func alertsAndTheGuardsOwn() throws {
        let h = try Self.walkIns()
        let fever = try #require(try h.checkIn("Khách Sốt") {
            $0.details.host = "Nguyễn Văn An"
            $0.temperature = 38.6
        }.recorded)
        #expect(fever.decision == "awaiting-host")
        guard case .approved(let e)? = try h.gate.answerHost(code: fever.code, token: Self.token(h, fever.code), approve: true) else {
            Issue.record("not approved")
            return
        }
        #expect(e.finalDecision == "admitted-alert", "the fever is still on record: \(e.finalDecision)")

        var form = SelfCheckInForm(name: "Khách Điện Thoại", phone: "0912345678", host: "Nguyễn Văn An", answers: [false, false], consent: true, gate: "main")
        form.language = .vi
        let guardConfirms = try HostNotifyGateTests.harness(smtp: nil) { c in
            c.notify.approval = .walkIns
            c.notify.smtp = NotifySettings.Relay(host: "127.0.0.1", port: 9)
            c.checkinWeb.mode = .guardConfirms
        }
        guard case .recorded(let pending) = try guardConfirms.gate.selfCheckIn(form) else {
            Issue.record("not recorded")
            return
        }
        #expect(pending.decision == "pending", "waits for the guard, not the host")
        #expect(try guardConfirms.gate.store.outbox(visitCode: pending.code).isEmpty)
        #expect(try guardConfirms.gate.answerHost(code: pending.code, token: Self.token(guardConfirms, pending.code), approve: true) == nil)
        let confirmed = try guardConfirms.gate.confirmSelfCheckIn(code: pending.code, guardName: "Bảo vệ An")
        #expect(confirmed.recorded?.status == .inside && confirmed.notifiedHost != nil)
        #expect(try guardConfirms.gate.store.outbox(visitCode: pending.code).map(\.kind) == [.arrival])
    }

    @Test("erasing a waiting visitor removes their messages; the purge removes old ones")
    func erasedWithTheVisit() throws {
        let h = try Self.walkIns()
        let v = try #require(try h.checkIn("Ngô Thị Xóa", phone: "0987654321") { $0.details.host = "Nguyễn Văn An" }.recorded)
        #expect(try h.gate.store.outbox(visitCode: v.code).count == 1)
        _ = try h.gate.store.erasePerson(codes: [v.code], request: PrivacyRequestInput(kind: .erasure, subject: "098****321", receivedDay: "2026-11-29", by: "DPO", reason: "yêu cầu"), at: h.clock.now())
        #expect(try h.gate.store.outbox(visitCode: v.code).isEmpty)
        #expect(try h.gate.hostApprovalView(code: v.code, token: Self.token(h, v.code)) == nil, "an erased visitor's page shows nobody")
    }
}
