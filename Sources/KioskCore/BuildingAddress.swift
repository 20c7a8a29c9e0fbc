import Foundation

/// Where the building log lives: `[building] database = postgresql://ROLE@HOST:PORT/DB`.
/// Parsed here, once, so a typo stops start-up with the file and line rather than showing up
/// later as "offline". The password never sits in the URL: it would end up in `ps`, shell
/// history and support e-mails; it comes from `password_file` (0600).
public struct BuildingAddress: Equatable, Sendable, CustomStringConvertible {
    public var role: String
    public var host: String
    public var port: Int
    public var database: String

    public init(role: String, host: String, port: Int, database: String) {
        self.role = role
        self.host = host
        self.port = port
        self.database = database
    }

    /// The URL without a password, as given.
    public var description: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "postgresql://\(role)@\(h):\(port)/\(database)"
    }

    /// nil with the reason when `text` is not a usable address.
    public static func parse(_ text: String) -> Result<BuildingAddress, BuildingAddressError> {
        let scheme = ["postgresql://", "postgres://"].first { text.lowercased().hasPrefix($0) }
        guard let scheme else { return .failure(.init("expected postgresql://ROLE@HOST:PORT/DATABASE")) }
        var rest = Substring(text.dropFirst(scheme.count))
        guard text.count <= 300, !rest.contains(where: { $0.isWhitespace || $0 == "?" || $0 == "#" }) else {
            return .failure(.init("expected postgresql://ROLE@HOST:PORT/DATABASE without spaces or ?options"))
        }
        guard let at = rest.lastIndex(of: "@") else {
            return .failure(.init("name the gate's role: postgresql://ROLE@HOST:PORT/DATABASE"))
        }
        let role = String(rest[..<at])
        if role.contains(":") {
            return .failure(.init("put the password in password_file, not in the URL"))
        }
        guard isName(role) else { return .failure(.init("role \"\(role)\": use 1–63 letters, digits, _ or -")) }
        rest = rest[rest.index(after: at)...]
        guard let slash = rest.firstIndex(of: "/") else {
            return .failure(.init("name the database after the port: postgresql://ROLE@HOST:PORT/DATABASE"))
        }
        let database = String(rest[rest.index(after: slash)...])
        guard isName(database) else { return .failure(.init("database \"\(database)\": use 1–63 letters, digits, _ or -")) }
        var hostPort = rest[..<slash]
        var host: String
        var port = 5432
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { return .failure(.init("unclosed [ in the IPv6 address")) }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            hostPort = hostPort[hostPort.index(after: close)...]
            if hostPort.hasPrefix(":") {
                guard let p = Int(hostPort.dropFirst()), (1...65535).contains(p) else { return .failure(.init("port must be 1–65535")) }
                port = p
            } else if !hostPort.isEmpty {
                return .failure(.init("expected :PORT after the IPv6 address"))
            }
        } else {
            let parts = hostPort.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { return .failure(.init("write an IPv6 address in brackets: [::1]")) }
            host = String(parts[0])
            if parts.count == 2 {
                guard let p = Int(parts[1]), (1...65535).contains(p) else { return .failure(.init("port must be 1–65535")) }
                port = p
            }
        }
        guard !host.isEmpty, host.count <= 253,
            host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":") })
        else { return .failure(.init("host \"\(host)\": expected a host name or an IP address")) }
        return .success(BuildingAddress(role: role, host: host, port: port, database: database))
    }

    static func isName(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 63 && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }
}

public struct BuildingAddressError: Error, Equatable, Sendable {
    public let problem: String
    init(_ problem: String) { self.problem = problem }
}
