import Foundation
import KioskCore

/// A JSON POST over HTTP/1.1 (TLS for https), one connection per message. The chat systems'
/// incoming webhooks (Mattermost, Rocket.Chat, Slack, Teams) answer 200 and nothing more.
struct WebhookClient {
    var caFile: String?
    /// One request, start to end; each wait at most 15 s of it.
    var budget = Budget(total: 60, step: 15)

    struct Address: Equatable {
        var secure: Bool
        var host: String
        var port: Int
        var target: String
        /// `host:port` as the Host header wants it.
        var authority: String

        /// nil with the reason for anything but http(s)://host[:port][/path][?query].
        static func parse(_ text: String) -> Result<Address, DeliveryError> {
            let bad = DeliveryError("webhook \(WebhookAddress.redacted(text)) is not an http(s)://HOST[:PORT]/PATH address (ASCII host, port 1–65535, no user:password@)", refused: true)
            let lower = text.lowercased()
            let secure: Bool
            if lower.hasPrefix("https://") { secure = true } else if lower.hasPrefix("http://") { secure = false } else { return .failure(bad) }
            let rest = text.dropFirst(secure ? 8 : 7)
            let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            var target = String(rest[authorityEnd...])
            if let hash = target.firstIndex(of: "#") { target = String(target[..<hash]) }
            if target.isEmpty || target.hasPrefix("?") { target = "/" + target }
            // user:password@ in the address: refused (the directory refuses it too); a webhook's
            // secret is its path.
            if authority.contains("@") { return .failure(bad) }
            var host = Substring(""), port = secure ? 443 : 80
            if authority.hasPrefix("[") {
                guard let close = authority.firstIndex(of: "]") else { return .failure(bad) }
                host = authority[authority.index(after: authority.startIndex)..<close]
                let after = authority[authority.index(after: close)...]
                if after.hasPrefix(":") { guard let p = Int(after.dropFirst()), (1...65535).contains(p) else { return .failure(bad) }; port = p }
            } else if let colon = authority.lastIndex(of: ":") {
                host = authority[..<colon]
                guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else { return .failure(bad) }
                port = p
            } else {
                host = authority
            }
            guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-:_".contains($0)) }),
                target.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
            else { return .failure(bad) }
            return .success(Address(secure: secure, host: String(host), port: port, target: target, authority: String(authority)))
        }
    }

    func post(_ body: Data, to url: String, idempotencyKey: String) throws(DeliveryError) {
        let address: Address
        switch Address.parse(url) {
        case .success(let a): address = a
        case .failure(let e): throw e
        }
        let label = "webhook \(address.secure ? "https" : "http")://\(address.authority)"
        let stream: NetStream
        do {
            stream = try NetStream.connect(host: address.host, port: address.port, timeout: try budget.next(label))
        } catch {
            throw DeliveryError("\(label): \(error)", refused: false)
        }
        defer { stream.close() }
        if address.secure {
            do {
                try stream.startTLS(serverName: address.host, caFile: caFile, timeout: try budget.next(label))
            } catch {
                throw DeliveryError("\(label): \(error)", refused: true)
            }
        }
        let head = [
            "POST \(address.target) HTTP/1.1",
            "Host: \(address.authority)",
            "User-Agent: kiosk",
            "Content-Type: application/json; charset=utf-8",
            "Content-Length: \(body.count)",
            "Idempotency-Key: \(idempotencyKey)",
            "Connection: close",
            "", "",
        ].joined(separator: "\r\n")
        let status: Int, statusLine: String
        do {
            try stream.write(Array(head.utf8) + Array(body), timeout: try budget.next(label))
            statusLine = try stream.readLine(max: 1024, timeout: try budget.next(label))
        } catch {
            throw DeliveryError("\(label): \(error)", refused: false)
        }
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let code = Int(parts[1]), (100...599).contains(code) else {
            throw DeliveryError("\(label) answered something that is not HTTP: \"\(TextFolding.clean(String(statusLine.prefix(60))))\"", refused: true)
        }
        status = code
        switch status {
        case 200..<300: return
        // Busy or broken for now: worth trying again.
        case 408, 425, 429, 500...599:
            throw DeliveryError("\(label) answered \(TextFolding.clean(String(statusLine.prefix(80))))", refused: false)
        default:
            // 3xx included: a webhook that moved needs its new address in the directory.
            throw DeliveryError("\(label) refused: \(TextFolding.clean(String(statusLine.prefix(80))))", refused: true)
        }
    }
}

/// How a webhook address is shown anywhere but the wire: its scheme and host only. Whoever
/// has the whole address can post to the channel, and a `user:password@` is a password.
public enum WebhookAddress {
    public static func redacted(_ url: String) -> String {
        let lower = url.lowercased()
        let scheme = lower.hasPrefix("https://") ? "https://" : lower.hasPrefix("http://") ? "http://" : ""
        guard !scheme.isEmpty else { return "(not an http address)" }
        var authority = url.dropFirst(scheme.count).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        return scheme + TextFolding.clean(String(authority.prefix(80))) + "/…"
    }

    /// Whether the kiosk can post to this address (what the directory accepts).
    public static func isUsable(_ url: String) -> Bool {
        if case .success = WebhookClient.Address.parse(url) { return true }
        return false
    }
}
