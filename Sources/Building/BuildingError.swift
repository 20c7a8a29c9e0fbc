import Foundation

/// What can go wrong talking to the building log, in words a guard's status line and an
/// admin's terminal can both use. `offline` is the ordinary case (the gate goes on alone);
/// the others need a person.
public enum BuildingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The server could not be reached, did not answer in time, or dropped the connection.
    case offline(String)
    /// The server refused the login (wrong password, unknown role, TLS required).
    case login(String)
    /// A statement failed: SQLSTATE and the server's message.
    case server(sqlstate: String, message: String)
    /// Another box's log holds this gate's name: the server keeps the first and refuses ours.
    case fork(gate: String, detail: String)
    /// This gate's key_file is not the building's: ids and chain links would not match.
    case keyDiffers(gate: String)
    /// The building schema is missing or older than this kiosk: run `kiosk building init`.
    case schema(String)
    /// The password file cannot be read or is readable by others.
    case passwordFile(String)

    public var description: String {
        switch self {
        case .offline(let why): return "building log unreachable: \(why)"
        case .login(let why): return "building log refused the login: \(why)"
        case .server(let state, let message): return "building log error \(state): \(message)"
        case .fork(let gate, let detail):
            return "another box holds gate \(gate) in the building log (\(detail)); this box's events are refused and kept here. If this box replaces that one, the administrator runs `kiosk building add-gate \(gate)` again and gives this box the new password; a second box needs its own gate name and a new, empty log (never a copy of another gate's)"
        case .keyDiffers(let gate):
            return "gate \(gate) uses a different key_file than the building's other gates; copy the building's key file to this box (never through the database) and restart"
        case .schema(let why): return "building log schema: \(why); run `kiosk building init`"
        case .passwordFile(let why): return "password_file: \(why)"
        }
    }

    /// True when waiting and retrying may fix it (the network, the server restarting).
    public var isTransient: Bool {
        if case .offline = self { return true }
        return false
    }
}
