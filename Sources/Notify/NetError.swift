/// Why a conversation with a mail relay or webhook server failed, worded for the administrator
/// who reads it in the log: what went wrong and, where there is one, what to change.
enum NetError: Error, Equatable, CustomStringConvertible {
    /// The name did not turn into an address (typo, no DNS).
    case resolve(host: String, why: String)
    /// No address of the host took the connection.
    case connect(host: String, port: Int, why: String)
    /// The deadline passed; the text says what was being waited for.
    case timedOut(String)
    /// The other end hung up (or the stream was closed here).
    case closed
    /// The TLS handshake or the encrypted stream failed; the text is the readable reason.
    case tls(String)
    /// The server sent a line longer than the caller allows (not a server we understand).
    case lineTooLong

    var description: String {
        switch self {
        case .resolve(let host, let why):
            "cannot find the address of \(host) (\(why)); check the host name and the DNS settings"
        case .connect(let host, let port, let why):
            "cannot connect to \(NetError.hostPort(host, port)): \(why)"
        case .timedOut(let what):
            "timed out waiting for \(what)"
        case .closed:
            "the server closed the connection"
        case .tls(let why):
            "TLS: \(why)"
        case .lineTooLong:
            "the server sent a line longer than allowed; is this the right host and port?"
        }
    }

    /// `host:port`, with an IPv6 address in brackets so the port stays readable.
    static func hostPort(_ host: String, _ port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
