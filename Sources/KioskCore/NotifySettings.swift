/// `[notify]`: telling hosts their visitor has arrived (issue 17). Parsed once here, so a
/// typo in the relay stops start-up with the file and line instead of showing up hours later
/// as "not delivered".
public struct NotifySettings: Equatable, Sendable {
    /// The building's mail relay (`smtp://HOST:PORT`).
    public struct Relay: Equatable, Sendable, CustomStringConvertible {
        public var host: String
        public var port: Int
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        public var description: String { "smtp://\(host.contains(":") ? "[\(host)]" : host):\(port)" }

        public static func parse(_ text: String) -> Result<Relay, ConfigProblem> {
            let usage = "expected smtp://HOST:PORT, the building's mail relay (port 25 or 587)"
            guard text.count <= 200, text.lowercased().hasPrefix("smtp://"),
                !text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F })
            else { return .failure(.init(usage)) }
            var rest = Substring(text.dropFirst(7))
            if rest.hasSuffix("/") { rest = rest.dropLast() }
            let host: Substring, portText: Substring
            if rest.hasPrefix("[") {
                guard let close = rest.firstIndex(of: "]"), rest[rest.index(after: close)...].hasPrefix(":") else {
                    return .failure(.init("expected smtp://[IPv6]:PORT"))
                }
                host = rest[rest.index(after: rest.startIndex)..<close]
                portText = rest[rest.index(close, offsetBy: 2)...]
            } else {
                guard let colon = rest.lastIndex(of: ":") else {
                    return .failure(.init("give the port: smtp://HOST:PORT (25 for a relay, 587 for submission)"))
                }
                host = rest[..<colon]
                portText = rest[rest.index(after: colon)...]
            }
            guard !host.isEmpty, host.count <= 253, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-:_".contains($0)) })
            else { return .failure(.init("mail relay host \"\(host)\": use a host name or an IP address")) }
            guard let port = Int(portText), (1...65535).contains(port) else {
                return .failure(.init("mail relay port must be 1–65535 (25 for a relay, 587 for submission)"))
            }
            return .success(Relay(host: String(host), port: port))
        }
    }

    /// How the relay's connection is protected.
    public enum TLS: String, Equatable, Sendable, CaseIterable {
        /// Plain SMTP (a relay on the building's LAN that offers nothing else).
        case off
        /// STARTTLS when the relay offers it, plain otherwise.
        case opportunistic
        /// STARTTLS or no delivery: the message never goes out in clear.
        case require
    }

    /// Whether a walk-in waits for the host's yes.
    public enum Approval: String, Equatable, Sendable, CaseIterable {
        /// Hosts are told; nobody waits.
        case off
        /// A visitor without an invitation, whose host is in the directory, waits as pending
        /// until the host approves from the link in the message (or a supervisor overrides).
        case walkIns = "walk-ins"
    }

    /// nil: no e-mail (webhooks still go out).
    public var smtp: Relay?
    public var tls = TLS.opportunistic
    /// `user:password` (or the user on the first line and the password on the second), 0600.
    public var loginFile: String?
    /// PEM certificates trusted for the relay and webhooks instead of the system's (a LAN CA).
    public var caFile: String?
    /// The sender address of the e-mails.
    public var from = ""
    public var approval = Approval.off
    /// The first retry's delay; each later one doubles it, up to 30 minutes.
    public var retrySeconds = 30
    /// Failed attempts after which a message the relay or webhook refuses outright (5xx, 4xx
    /// HTTP) is shown as failed. Temporary trouble (down, 4xx SMTP) is retried until the
    /// visit's day ends: news of an arrival is worthless the next morning.
    public var maxRefusals = 3

    public init() {}

    /// Whether this kiosk notifies anyone at all: e-mail needs a relay and a sender; webhooks
    /// need nothing but the host's address.
    public var emailEnabled: Bool { smtp != nil && !from.isEmpty }

    /// A plausible e-mail address: one @, no spaces or controls, a dot in the domain. Not a
    /// full RFC 5322 parser: what matters is that nothing injected reaches an SMTP command.
    public static func isPlausibleAddress(_ text: String) -> Bool {
        guard text.count <= 254, !text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || "<>,;\"\\()[]".unicodeScalars.contains($0) })
        else { return false }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return false }
        let domain = parts[1]
        return domain.contains(".") && !domain.hasPrefix(".") && !domain.hasSuffix(".") && !domain.contains("..")
    }

    /// A webhook address: http(s), a host, no spaces or controls.
    public static func isPlausibleWebhook(_ text: String) -> Bool {
        let lower = text.lowercased()
        guard text.count <= 500, lower.hasPrefix("https://") || lower.hasPrefix("http://"),
            !text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F })
        else { return false }
        let rest = text.drop(while: { $0 != "/" }).dropFirst(2)
        return !(rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }).isEmpty
    }
}
