import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport

/// The local SMTP and webhook receivers themselves, spoken to over raw sockets (no client library
/// of the kiosk's involved): what they record, stop/restart on the same port, shutdown.
@Suite struct ReceiversSelfTests {
    @Test func smtpRecordsAMailAndComesBackOnTheSamePort() throws {
        let smtp = try SMTPReceiver.start()
        let folder = smtp.folder
        let subject = "=?UTF-8?B?QmVzdWNoIGbDvHIgRnJhdQ==?= =?UTF-8?Q?_M=C3=BCller_=E2=9C=93?="
        let reply = try WireSMTP.send(port: smtp.port, from: "kiosk@example.org",
                                      to: ["host@example.org", "desk@example.org"],
                                      message: "From: kiosk@example.org\r\nTo: host@example.org\r\n"
                                          + "Subject: \(subject)\r\nX-Folded: first\r\n second\r\n\r\n"
                                          + "Hello.\r\n.dot line\r\n")
        #expect(reply.hasPrefix("250"), "end of DATA: \(reply)")
        let mails = smtp.waitForMessages(count: 1, timeout: 5)
        try #require(mails.count == 1)
        let mail = mails[0]
        #expect(mail.mailFrom == "kiosk@example.org")
        #expect(mail.rcptTo == ["host@example.org", "desk@example.org"])
        #expect(mail.tls == false)
        #expect(mail.authUser == nil)
        #expect(mail.header("subject") == subject)
        #expect(mail.decodedHeader("Subject") == "Besuch für Frau Müller ✓")
        #expect(mail.header("X-Folded") == "first second")
        #expect(mail.body == "Hello.\r\n.dot line\r\n")  // dot-unstuffed, CRLF kept
        #expect(mail.raw.hasSuffix("\r\n\r\nHello.\r\n.dot line\r\n"))
        let verbs = smtp.commands().map { $0.split(separator: " ").first.map { $0.uppercased() } ?? "" }
        #expect(verbs == ["EHLO", "MAIL", "RCPT", "RCPT", "DATA", "QUIT"])

        let port = smtp.port
        smtp.stop()
        #expect(!smtp.isRunning)
        #expect(throws: (any Error).self) { try WireSMTP.connect(port: port) }  // relay down: refused
        try smtp.restart()
        #expect(smtp.port == port && smtp.isRunning)
        _ = try WireSMTP.send(port: port, from: "kiosk@example.org", to: ["host@example.org"],
                              message: "Subject: again\r\n\r\nx\r\n")
        let again = smtp.waitForMessages(count: 2, timeout: 5)
        #expect(again.map(\.number) == [1, 2])
        #expect(again.last?.header("Subject") == "again")
        smtp.shutdown()
        #expect(!FileManager.default.fileExists(atPath: folder))
    }

    @Test func smtpModesTLSAndAuth() throws {
        let refusing = try SMTPReceiver.start(mode: "refuse")
        var wire = try WireSMTP.connect(port: refusing.port)
        _ = try wire.command("EHLO test")
        _ = try wire.command("MAIL FROM:<a@example.org>")
        #expect(try wire.command("RCPT TO:<b@example.org>") == "554 5.7.1 relay refused for testing")
        wire.close()

        let tempfail = try SMTPReceiver.start(mode: "tempfail")
        wire = try WireSMTP.connect(port: tempfail.port)
        _ = try wire.command("EHLO test")
        _ = try wire.command("MAIL FROM:<a@example.org>")
        #expect(try wire.command("RCPT TO:<b@example.org>") == "451 4.3.0 try again later")
        wire.close()

        let later = try SMTPReceiver.start(mode: "refuse-then-accept:1")
        #expect(try WireSMTP.send(port: later.port, from: "a@b.c", to: ["d@e.f"], message: "Subject: x\r\n\r\n").hasPrefix("451"))
        #expect(try WireSMTP.send(port: later.port, from: "a@b.c", to: ["d@e.f"], message: "Subject: y\r\n\r\n").hasPrefix("250"))
        #expect(later.waitForMessages(count: 1, timeout: 5).map { $0.header("Subject") } == ["y"])

        let secure = try SMTPReceiver.start(tls: true, requireTLS: true, auth: (user: "kiosk", password: "pw"))
        let cert = try #require(secure.certificateFile)
        #expect(try String(contentsOfFile: cert, encoding: .utf8).hasPrefix("-----BEGIN CERTIFICATE-----"))
        wire = try WireSMTP.connect(port: secure.port)
        let ehlo = try wire.command("EHLO test")
        #expect(ehlo.contains("STARTTLS"))
        #expect(!ehlo.contains("AUTH"))  // not before TLS when TLS is required
        #expect(try wire.command("MAIL FROM:<a@example.org>") == "530 Must issue a STARTTLS command first")
        wire.close()

        let authed = try SMTPReceiver.start(auth: (user: "kiosk", password: "pw"))
        wire = try WireSMTP.connect(port: authed.port)
        #expect(try wire.command("EHLO test").contains("AUTH PLAIN LOGIN"))
        #expect(try wire.command("MAIL FROM:<a@example.org>") == "530 Authentication required")
        let bad = Data("\0kiosk\0nope".utf8).base64EncodedString()
        #expect(try wire.command("AUTH PLAIN \(bad)").hasPrefix("535"))
        let good = Data("\0kiosk\0pw".utf8).base64EncodedString()
        #expect(try wire.command("AUTH PLAIN \(good)").hasPrefix("235"))
        #expect(try wire.command("MAIL FROM:<a@example.org>").hasPrefix("250"))
        #expect(try wire.command("RCPT TO:<b@example.org>").hasPrefix("250"))
        #expect(try wire.command("DATA").hasPrefix("354"))
        #expect(try wire.command("Subject: hi\r\n\r\nbody\r\n.").hasPrefix("250"))
        _ = try wire.command("QUIT")
        wire.close()
        #expect(authed.waitForMessages(count: 1, timeout: 5).first?.authUser == "kiosk")
        #expect(authed.commands().contains("AUTH PLAIN ***"))
        #expect(!authed.commands().joined().contains(good))
    }

    @Test func smtpSuspendedReceiverHangsUntilResumed() throws {
        let smtp = try SMTPReceiver.start()
        smtp.suspend()
        let wire = try WireSMTP.connect(port: smtp.port, readGreeting: false)
        #expect(throws: (any Error).self) { try wire.readReply(timeout: 0.5) }
        smtp.resume()
        #expect(try wire.readReply(timeout: 5).hasPrefix("220"))
        wire.close()
    }

    @Test func decodesEncodedWords() {
        // adjacent words joined (the space between them dropped), one character split across two
        #expect(ReceivedMail.decodeEncodedWords("=?UTF-8?B?w7w=?= =?utf-8?b?w7w=?=") == "üü")
        #expect(ReceivedMail.decodeEncodedWords("=?UTF-8?Q?a=E2=9C?=\r\n =?UTF-8?Q?=93_b?=") == "a✓ b")
        #expect(ReceivedMail.decodeEncodedWords("Re: =?ISO-8859-1?Q?caf=E9?= ok") == "Re: café ok")
        #expect(ReceivedMail.decodeEncodedWords("plain =?bogus") == "plain =?bogus")
        #expect(ReceivedMail.decodeEncodedWords("=?UTF-8?B?SGk?=!") == "Hi!")
    }

    @Test func webhookRecordsPostsFailsFirstAndRestarts() throws {
        let hook = try HTTPReceiver.start(failFirst: 1)
        #expect(hook.url(path: "/visits") == "http://127.0.0.1:\(hook.port)/visits")
        let body = #"{"event":"checkin","visitor":"Zoë","count":2,"vip":true}"#
        #expect(try WireHTTP.post(port: hook.port, path: "/visits", json: body).status == 500)
        let second = try WireHTTP.post(port: hook.port, path: "/visits", json: body)
        #expect(second.status == 200)
        #expect(second.body.contains("\"ok\": true"))
        let requests = hook.waitForRequests(count: 2, timeout: 5)
        try #require(requests.count == 2)
        #expect(requests.map(\.status) == [500, 200])
        let request = requests[1]
        #expect(request.method == "POST" && request.path == "/visits")
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.header("X-Kiosk-Test") == "yes")
        #expect(request.body == body)
        #expect(request.json?["event"]?.string == "checkin")
        #expect(request.json?["visitor"]?.string == "Zoë")
        #expect(request.json?["count"]?.int == 2)
        #expect(request.json?["vip"]?.bool == true)
        #expect((request.jsonObject() as? [String: Any])?["event"] as? String == "checkin")
        #expect(try WireHTTP.get(port: hook.port, path: "/health").status == 200)

        let port = hook.port
        hook.stop()
        #expect(throws: (any Error).self) { try WireHTTP.post(port: port, path: "/visits", json: "{}") }
        try hook.restart()
        #expect(hook.port == port)
        #expect(try WireHTTP.post(port: port, path: "/again", json: "{}").status == 500)  // fails first again
        #expect(hook.waitForRequests(count: 3, timeout: 5).last?.path == "/again")
        let folder = hook.folder
        hook.shutdown()
        #expect(!FileManager.default.fileExists(atPath: folder))
    }

    @Test func webhookOverHTTPSWithItsCertificate() throws {
        let hook = try HTTPReceiver.start(status: 202, tls: true)
        let cert = try #require(hook.certificateFile)
        #expect(hook.url(path: "x").hasPrefix("https://127.0.0.1:"))
        // curl (OpenSSL) verifies the self-signed certificate by IP and by name.
        for host in ["127.0.0.1", "localhost"] {
            let output = try curl(["-sS", "--cacert", cert, "-H", "Content-Type: application/json",
                                   "--data", #"{"tls":true}"#, "-o", "/dev/null", "-w", "%{http_code}",
                                   hook.url(path: "/secure", host: host)])
            #expect(output == "202")
        }
        #expect(hook.waitForRequests(count: 2, timeout: 5).map { $0.json?["tls"]?.bool } == [true, true])
    }

    @Test func badOptionsFailWithTheScriptsStderr() {
        do {
            _ = try SMTPReceiver.start(mode: "nonsense")
            Issue.record("started with a nonsense mode")
        } catch {
            #expect("\(error)".contains("unknown --mode"))
        }
    }
}

// MARK: Raw-socket clients

private struct WireError: Error, CustomStringConvertible { let description: String }

private final class WireSocket {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw WireError(description: "socket: \(errno)") }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            let e = errno
            Glibc.close(fd)
            throw WireError(description: "connect 127.0.0.1:\(port): \(String(cString: strerror(e)))")
        }
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw WireError(description: "send: \(errno)") }
            sent += n
        }
    }

    /// One line without its CRLF; throws after `timeout` seconds or at EOF.
    func readLine(timeout: Double) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let nl = buffer.firstIndex(of: 0x0A) {
                var line = Array(buffer[..<nl])
                buffer.removeFirst(nl + 1)
                if line.last == 0x0D { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard try fill(deadline: deadline) else { throw WireError(description: "EOF before a full line") }
        }
    }

    /// Everything until the peer closes.
    func readAll(timeout: Double) throws -> [UInt8] {
        let deadline = Date().addingTimeInterval(timeout)
        while try fill(deadline: deadline) {}
        defer { buffer = [] }
        return buffer
    }

    private func fill(deadline: Date) throws -> Bool {
        let left = deadline.timeIntervalSinceNow
        guard left > 0 else { throw WireError(description: "timed out") }
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, Int32(left * 1000) + 1) == 1 else { throw WireError(description: "timed out") }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n >= 0 else { throw WireError(description: "recv: \(errno)") }
        buffer += chunk[..<n]
        return n > 0
    }

    func close() { Glibc.close(fd) }
}

private struct WireSMTP {
    let socket: WireSocket

    static func connect(port: Int, readGreeting: Bool = true) throws -> WireSMTP {
        let wire = WireSMTP(socket: try WireSocket(port: port))
        if readGreeting {
            let greeting = try wire.readReply(timeout: 5)
            guard greeting.hasPrefix("220") else { throw WireError(description: "greeting: \(greeting)") }
        }
        return wire
    }

    /// A whole (multi-line) reply, lines joined with "\n".
    func readReply(timeout: Double) throws -> String {
        var lines: [String] = []
        while true {
            let line = try socket.readLine(timeout: timeout)
            lines.append(line)
            if line.count < 4 || Array(line)[3] != "-" { return lines.joined(separator: "\n") }
        }
    }

    func command(_ line: String) throws -> String {
        try socket.send(line + "\r\n")
        return try readReply(timeout: 5)
    }

    func close() { socket.close() }

    /// A whole plain dialogue; returns the reply to the end of DATA. `message` lines end in CRLF.
    static func send(port: Int, from: String, to: [String], message: String) throws -> String {
        let wire = try connect(port: port)
        defer { wire.close() }
        func expect(_ line: String, _ code: String) throws {
            let reply = try wire.command(line)
            guard reply.hasPrefix(code) else { throw WireError(description: "\(line) -> \(reply)") }
        }
        try expect("EHLO wire.test", "250")
        try expect("MAIL FROM:<\(from)>", "250")
        for rcpt in to { try expect("RCPT TO:<\(rcpt)>", "250") }
        try expect("DATA", "354")
        let stuffed = message.split(separator: "\r\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n")
        try wire.socket.send(stuffed + ".\r\n")
        let reply = try wire.readReply(timeout: 5)
        _ = try? wire.command("QUIT")
        return reply
    }
}

private enum WireHTTP {
    struct Response { let status: Int; let body: String }

    static func post(port: Int, path: String, json: String) throws -> Response {
        try exchange(port: port, "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\n"
            + "X-Kiosk-Test: yes\r\nContent-Length: \(json.utf8.count)\r\nConnection: close\r\n\r\n\(json)")
    }

    static func get(port: Int, path: String) throws -> Response {
        try exchange(port: port, "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n")
    }

    private static func exchange(port: Int, _ request: String) throws -> Response {
        let s = try WireSocket(port: port)
        defer { s.close() }
        try s.send(request)
        let text = String(decoding: try s.readAll(timeout: 5), as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let statusLine = parts.first?.split(separator: "\r\n").first ?? ""
        let fields = statusLine.split(separator: " ")
        guard fields.count >= 2, let status = Int(fields[1]) else { throw WireError(description: "bad response: \(text)") }
        return Response(status: status, body: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }
}

private func curl(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["curl", "--max-time", "10"] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
