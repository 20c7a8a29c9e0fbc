import Foundation
import KioskCore

/// How to reach the building log: the address, the role's password and TLS, from
/// `[building]` (or an administrator's `--database`). Opening a connection is the only thing
/// it does; everything above asks it for one.
public struct BuildingLink: Sendable {
    public var address: BuildingAddress
    public var tls: KioskConfig.Building.TLS
    /// Read at each connection, not once: a password file fixed (its mode, a new password
    /// from `add-gate`) is used at the next pass, without restarting the terminal.
    var passwordFile: String?
    /// The deadline of every call (connect, statement). A server slower than this is offline.
    public var timeout: Duration
    var applicationName: String

    public init(address: BuildingAddress, tls: KioskConfig.Building.TLS, passwordFile: String?, timeout: Duration = .seconds(5), applicationName: String = "kiosk") {
        self.address = address
        self.tls = tls
        self.timeout = timeout
        self.applicationName = applicationName
        // Without one, libpq's own sources (PGPASSWORD, ~/.pgpass): an administrator's commands.
        self.passwordFile = passwordFile
    }

    /// The link `[building]` describes, or nil when this gate stands alone.
    public init?(config: KioskConfig, timeout: Duration = .seconds(5)) {
        guard let address = config.building.database else { return nil }
        self.init(
            address: address, tls: config.building.tls, passwordFile: config.building.passwordFile, timeout: timeout,
            applicationName: "kiosk gate \(config.venue.gate)")
    }

    func connect() throws(BuildingError) -> PGConnection {
        let password = try passwordFile.map { path throws(BuildingError) in try BuildingLink.readPassword(path) }
        return try PGConnection(.init(address: address, password: password, tls: tls, applicationName: applicationName, timeout: timeout))
    }

    /// The password file must be the owner's alone: it opens the gate's part of the
    /// building log. Trailing newlines (an editor's) are not part of the password.
    static func readPassword(_ path: String) throws(BuildingError) -> String {
        var st = stat()
        guard stat(path, &st) == 0 else { throw .passwordFile("\(path) cannot be read: check the path (kiosk building add-gate writes it)") }
        guard st.st_mode & S_IFMT == S_IFREG else { throw .passwordFile("\(path) is not a regular file") }
        guard st.st_mode & 0o077 == 0 else { throw .passwordFile("\(path) is readable by others: run chmod 600 \(path)") }
        guard st.st_size <= 4096, let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw .passwordFile("\(path) cannot be read as a short UTF-8 text")
        }
        let password = text.trimmingCharacters(in: .newlines)
        guard !password.isEmpty, !password.contains(where: \.isNewline) else { throw .passwordFile("\(path) must hold the password on one line") }
        return password
    }
}
