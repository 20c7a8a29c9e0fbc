import Foundation
import TestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Two kiosks at two gates of one building, on one machine, sharing one database file: each
/// serves its own self check-in form, and every submission to either lands in the one log.
@Suite(.serialized) struct TwoGatesWebTests {
    /// GET the form, POST it back; returns the status and page.
    static func submit(port: Int, gate: String, name: String, phone: String) throws -> (Int, String) {
        let base = "http://127.0.0.1:\(port)/c/demo-hq"
        let (status, form) = try http(URLRequest(url: URL(string: base + "?g=" + gate)!))
        guard status == 200, let r = form.range(of: "name=\"csrf\" value=\"") else { throw E2EError("form: HTTP \(status)") }
        let csrf = String(form[r.upperBound...].prefix { $0 != "\"" })
        var post = URLRequest(url: URL(string: base)!)
        post.httpMethod = "POST"
        post.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        var c = URLComponents()
        c.queryItems = [
            .init(name: "csrf", value: csrf), .init(name: "g", value: gate), .init(name: "lang", value: "vi"),
            .init(name: "name", value: name), .init(name: "phone", value: phone),
            .init(name: "answer_0", value: "no"), .init(name: "answer_1", value: "no"), .init(name: "consent", value: "yes"),
        ]
        post.httpBody = Data((c.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B").utf8)
        return try http(post)
    }

    static func http(_ request: URLRequest) throws -> (Int, String) {
        let done = DispatchSemaphore(value: 0)
        final class Box: @unchecked Sendable { var status = 0; var body = ""; var error: (any Error)? }
        let box = Box()
        URLSession.shared.dataTask(with: request) { data, response, error in
            box.status = (response as? HTTPURLResponse)?.statusCode ?? 0
            box.body = data.map { String(decoding: $0, as: UTF8.self) } ?? ""
            box.error = error
            done.signal()
        }.resume()
        guard done.wait(timeout: .now() + 30) == .success else { throw E2EError("no answer from \(request.url?.absoluteString ?? "")") }
        if let e = box.error { throw e }
        return (box.status, box.body)
    }

    func serve(_ sandbox: Sandbox, port: Int) throws -> BackgroundProcess {
        // On the sandbox's pinned clock, like `list`: on the real one the visits land on
        // another day whenever the machine's date is not the pinned one.
        let p = try BackgroundProcess(
            sandbox.binary, ["serve", "--config", sandbox.configPath, "--listen", "127.0.0.1:\(port)"], environment: ["KIOSK_NOW": sandbox.now])
        guard p.waitForLines(timeout: 30, { $0.contains { $0.hasPrefix("kiosk serve:") } }) else {
            throw E2EError("kiosk serve did not start: \(p.stderr)")
        }
        for _ in 0..<100 {
            if (try? Self.http(URLRequest(url: URL(string: "http://127.0.0.1:\(port)/healthz")!)))?.0 == 200 { return p }
            usleep(100_000)
        }
        throw E2EError("kiosk serve on \(port) does not answer: \(p.stderr)")
    }

    @Test func twoGatesShareOneLog() throws {
        // Every request comes from 127.0.0.1: the per-address limit is raised for the test.
        let main = try Sandbox(language: "vi", settings: ["checkin_web.mode": "auto-admit", "checkin_web.rate_limit": "1000"])
        let north = try Sandbox(language: "vi", settings: [
            "venue.gate": "north", "checkin_web.mode": "auto-admit", "checkin_web.rate_limit": "1000",
            "records.database": main.dbPath, "records.key_file": main.keyPath,
        ])
        let base = 21000 + Int(getpid() % 2000) * 2
        let a = try serve(main, port: base)
        let b = try serve(north, port: base + 1)
        defer {
            a.send(signal: SIGTERM)
            b.send(signal: SIGTERM)
            _ = a.wait(timeout: 10)
            _ = b.wait(timeout: 10)
        }
        final class Failures: @unchecked Sendable { let lock = NSLock(); var list: [String] = [] }
        let failures = Failures()
        let together = Together.run(40) { i in
            let (port, gate) = i % 2 == 0 ? (base, "main") : (base + 1, "north")
            do {
                let (status, page) = try Self.submit(port: port, gate: gate, name: "Khách Cổng \(gate) \(i)", phone: String(format: "09123%05d", i))
                if status != 200 || !page.contains("id=\"code\"") { failures.lock.withLock { failures.list.append("\(i): HTTP \(status)") } }
            } catch {
                failures.lock.withLock { failures.list.append("\(i): \(error)") }
            }
        }
        #expect(together, "the 40 phones must really submit at the same time")
        #expect(failures.list.isEmpty, "\(failures.list)")
        let visits = try main.list()
        #expect(visits.count == 40)
        #expect(visits.filter { $0["gate"] as? String == "main" }.count == 20)
        #expect(visits.filter { $0["gate"] as? String == "north" }.count == 20)
        #expect(Set(visits.compactMap { $0["code"] as? String }).count == 40)
        #expect(visits.allSatisfy { $0["status"] as? String == "inside" && $0["method"] as? String == "self-service" })
        #expect(try main.audit().status == 0)
    }
}

/// The guard terminal serving the form in-process: a phone's check-in appears on the guard's
/// screen, and scanning the phone's confirmation lets the visitor in.
@Suite(.serialized) struct GuardTerminalWebTests {
    @Test func aPhoneCheckInShowsOnTheTerminalAndTheGuardsScanConfirmsIt() throws {
        let port = 23000 + Int(getpid() % 2000)
        let s = try GuardSession(settings: ["checkin_web.enabled": "true", "checkin_web.listen": "127.0.0.1:\(port)"])
        defer { s.close() }
        try s.start()
        _ = try s.waitFor("the main screen", timeout: 60) { GuardTerminalTests.isMain($0) }
        var page = ""
        for attempt in 0..<50 {
            if let r = try? TwoGatesWebTests.submit(port: port, gate: "main", name: "Phan Thị Hồng Nhung", phone: "0912000111"), r.0 == 200 {
                page = r.1
                break
            }
            _ = attempt
            Thread.sleep(forTimeInterval: 0.2)
        }
        let code = try #require(page.range(of: "id=\"code\">").map { String(page[$0.upperBound...].prefix(6)) }, "no confirmation: \(page.prefix(300))")
        try s.waitFor(texts: ["1 tự khai báo chờ"], timeout: 10)
        // The pane's kiosk runs on the real clock: GuardSession.list asks about the real today.
        #expect(try s.list().first?["status"] as? String == "pending")
        try s.scan("KIN:" + code)
        try s.waitFor(texts: ["ĐƯỢC VÀO", "Phan Thị Hồng Nhung"], timeout: 10)
        let visit = try #require(try s.list().first)
        #expect(visit["status"] as? String == "inside")
        #expect(visit["method"] as? String == "self-service")
        #expect(try s.box.audit().status == 0)
    }
}
