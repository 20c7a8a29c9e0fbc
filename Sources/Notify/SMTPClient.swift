import Foundation
import KioskCore

/// One SMTP conversation per message (RFC 5321): EHLO, STARTTLS when offered or required
/// (RFC 3207), AUTH PLAIN or LOGIN when a login is configured, MAIL, RCPT, DATA, QUIT. A
/// building's relay sends a handful of messages an hour; a connection per message is simple
/// and never left half-open.
struct SMTPClient {
    var relay: NotifySettings.Relay
    var tls: NotifySettings.TLS
    var caFile: String?
    var login: (user: String, password: String)?
    /// The name given in EHLO.
    var heloName: String
    /// One conversation, start to end; each wait at most 15 s of it.
    var budget = Budget(total: 60, step: 15)
    var label: String { "mail relay \(relay)" }

    func send(_ message: MailMessage) throws(DeliveryError) {
        // The envelope is ASCII (RFC 5321 without SMTPUTF8): the directory refuses other
        // addresses, and a configured sender is checked here once more.
        guard message.from.allSatisfy(\.isASCII), message.to.allSatisfy(\.isASCII) else {
            throw DeliveryError("\(label): only ASCII e-mail addresses can be sent to (\(message.to))", refused: true)
        }
        let stream: NetStream
        do {
            stream = try NetStream.connect(host: relay.host, port: relay.port, timeout: try budget.next(label))
        } catch {
            throw DeliveryError("mail relay \(relay): \(error)", refused: false)
        }
        defer { stream.close() }
        do {
            try converse(stream, message)
        } catch let e as DeliveryError {
            throw e
        } catch {
            throw DeliveryError("mail relay \(relay): \(error)", refused: false)
        }
    }

    private func converse(_ s: NetStream, _ message: MailMessage) throws {
        try expect(s, 220, "greeting")
        var features = try ehlo(s)
        let offersTLS = features.contains { $0.uppercased() == "STARTTLS" }
        var secure = false
        if tls != .off, offersTLS {
            try command(s, "STARTTLS", 220, "STARTTLS")
            do {
                try s.startTLS(serverName: relay.host, caFile: caFile, timeout: try budget.next(label))
            } catch {
                // A certificate problem is the administrator's to fix: retrying the same
                // relay with the same certificate would only fail again.
                throw DeliveryError("mail relay \(relay): \(error)", refused: true)
            }
            secure = true
            features = try ehlo(s)
        } else if tls == .require {
            throw DeliveryError("mail relay \(relay) does not offer STARTTLS and [notify] tls = require: the message is not sent in clear", refused: true, configuration: true)
        }
        if let login {
            // A password never crosses the LAN in clear unless the administrator said tls = off.
            guard secure || tls == .off else {
                throw DeliveryError("mail relay \(relay) offers no STARTTLS; the login is not sent in clear (set tls = off to allow it)", refused: true, configuration: true)
            }
            let auth = features.first { $0.uppercased().hasPrefix("AUTH") }?.uppercased() ?? ""
            if auth.contains("PLAIN") || !auth.contains("LOGIN") {
                let token = Data(([0] + Array(login.user.utf8) + [0] + Array(login.password.utf8))).base64EncodedString()
                try command(s, "AUTH PLAIN " + token, 235, "AUTH", shown: "AUTH PLAIN")
            } else {
                try command(s, "AUTH LOGIN", 334, "AUTH")
                try command(s, Data(login.user.utf8).base64EncodedString(), 334, "AUTH", shown: "AUTH LOGIN user")
                try command(s, Data(login.password.utf8).base64EncodedString(), 235, "AUTH", shown: "AUTH LOGIN password")
            }
        }
        // The message is 7-bit (encoded words, base64 parts): no SMTPUTF8 or 8BITMIME needed.
        try command(s, "MAIL FROM:<\(message.from)>", 250, "MAIL FROM")
        let rcpt = try reply(s, after: "RCPT TO:<\(message.to)>")
        guard rcpt.code == 250 || rcpt.code == 251 else { throw failure("RCPT TO <\(message.to)>", rcpt) }
        try command(s, "DATA", 354, "DATA")
        // Dot-stuffing (RFC 5321 4.5.2): a line starting with "." gets a second one.
        var body = message.rendered.split(separator: "\r\n", omittingEmptySubsequences: false).map { $0.hasPrefix(".") ? "." + $0 : String($0) }
        if body.last == "" { body.removeLast() }
        try s.write(Array((body.joined(separator: "\r\n") + "\r\n.\r\n").utf8), timeout: try budget.next(label))
        let end = try read(s)
        guard end.code == 250 else { throw failure("the message", end) }
        // The message is accepted; a relay that then drops the line has still taken it.
        _ = try? command(s, "QUIT", 221, "QUIT")
    }

    private struct Reply {
        var code: Int
        var lines: [String]
        var text: String { lines.joined(separator: " / ") }
    }

    private func ehlo(_ s: NetStream) throws -> [String] {
        let r = try reply(s, after: "EHLO " + heloName)
        guard r.code == 250 else { throw failure("EHLO", r) }
        return Array(r.lines.dropFirst())
    }

    private func expect(_ s: NetStream, _ code: Int, _ what: String) throws {
        let r = try read(s)
        guard r.code == code else { throw failure(what, r) }
    }

    private func command(_ s: NetStream, _ line: String, _ code: Int, _ what: String, shown: String? = nil) throws {
        let r = try reply(s, after: line)
        guard r.code == code else { throw failure(shown ?? what, r) }
    }

    private func reply(_ s: NetStream, after line: String) throws -> Reply {
        try s.write(Array((line + "\r\n").utf8), timeout: try budget.next(label))
        return try read(s)
    }

    /// A reply, joining its continuation lines (`250-…` then `250 …`).
    private func read(_ s: NetStream) throws -> Reply {
        var lines: [String] = []
        for _ in 0..<100 {
            let line = try s.readLine(max: 2048, timeout: try budget.next(label))
            let bytes = Array(line.utf8)
            guard bytes.count >= 3, let code = Int(String(decoding: bytes[0..<3], as: UTF8.self)), (200...599).contains(code) else {
                throw DeliveryError("mail relay \(relay) answered something that is not SMTP: \"\(TextFolding.clean(String(line.prefix(60))))\"", refused: true)
            }
            lines.append(TextFolding.clean(String(decoding: bytes.dropFirst(4), as: UTF8.self)))
            if bytes.count == 3 || bytes[3] != UInt8(ascii: "-") { return Reply(code: code, lines: lines) }
        }
        throw DeliveryError("mail relay \(relay) sent a reply of over 100 lines", refused: true)
    }

    private func failure(_ what: String, _ r: Reply) -> DeliveryError {
        DeliveryError("mail relay \(relay) refused \(what): \(r.code) \(String(r.text.prefix(200)))", refused: r.code >= 500)
    }
}
