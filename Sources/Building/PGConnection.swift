import CLibPQ
import Foundation
import KioskCore

/// One libpq connection whose every step has a deadline: connecting, sending, waiting for the
/// answer. A server that hangs (SIGSTOP, a dead link without a RST) is reported as offline
/// when the deadline passes instead of holding the sync thread for the kernel's TCP timeout.
///
/// libpq rather than postgres-nio: see docs/DECISIONS.md ("The building log on PostgreSQL").
/// Used from one thread at a time (the sync worker or a CLI command); not Sendable.
final class PGConnection {
    private var conn: OpaquePointer?
    /// How long each call may take before the connection is declared dead.
    let timeout: Duration

    struct Settings: Sendable {
        var address: BuildingAddress
        var password: String?
        var tls: KioskConfig.Building.TLS
        var applicationName = "kiosk"
        var timeout: Duration = .seconds(5)
    }

    init(_ s: Settings) throws(BuildingError) {
        timeout = s.timeout
        let seconds = max(1, Int(s.timeout.components.seconds))
        var params: [(String, String)] = [
            ("host", s.address.host), ("port", String(s.address.port)), ("dbname", s.address.database),
            ("user", s.address.role), ("sslmode", s.tls.rawValue), ("connect_timeout", String(seconds)),
            ("application_name", String(s.applicationName.prefix(63))), ("client_encoding", "UTF8"),
            // The server ends a statement the client has given up on, and a connection left
            // idle in a transaction by a killed gate, instead of holding its locks.
            ("options", "-c statement_timeout=\(seconds * 2000) -c idle_in_transaction_session_timeout=\(seconds * 4000)"),
            ("keepalives", "1"), ("keepalives_idle", "5"), ("keepalives_interval", "2"), ("keepalives_count", "2"),
        ]
        if let p = s.password { params.append(("password", p)) }
        let deadline = ContinuousClock.now + s.timeout
        let c = PGConnection.withCStrings(params.map(\.0)) { keys in
            PGConnection.withCStrings(params.map(\.1)) { values in PQconnectStartParams(keys, values, 0) }
        }
        guard let c else { throw .offline("out of memory starting a connection") }
        conn = c
        if PQstatus(c) == CONNECTION_BAD { throw failure(connecting: true) }
        var poll = PGRES_POLLING_WRITING
        while true {
            switch poll {
            case PGRES_POLLING_OK:
                _ = PQsetnonblocking(c, 1)
                // The server's NOTICEs ("schema already exists, skipping") are not the
                // guard's or the administrator's business; errors still come back as results.
                PQsetNoticeProcessor(c, { _, _ in }, nil)
                return
            case PGRES_POLLING_FAILED:
                throw failure(connecting: true)
            case PGRES_POLLING_READING:
                try wait(write: false, until: deadline, what: "connecting")
            default:
                try wait(write: true, until: deadline, what: "connecting")
            }
            poll = PQconnectPoll(c)
        }
    }

    deinit { close() }

    func close() {
        if let c = conn { PQfinish(c) }
        conn = nil
    }

    var isOpen: Bool { conn.map { PQstatus($0) == CONNECTION_OK } ?? false }

    /// Rows of a query's answer, text format; NULL is nil.
    struct Rows {
        var columns: [String] = []
        var values: [[String?]] = []
        var affected = 0

        func column(_ name: String) -> Int? { columns.firstIndex(of: name) }
    }

    /// Runs one statement with text parameters ($1, $2 …) and waits for its answer, at most
    /// `timeout`. A statement the server refuses throws `.server` with its SQLSTATE.
    @discardableResult
    func query(_ sql: String, _ params: [String?] = []) throws(BuildingError) -> Rows {
        guard let c = conn else { throw .offline("not connected") }
        let deadline = ContinuousClock.now + timeout
        // Without parameters the simple protocol, which also runs a script of several
        // statements (the schema's migrations); with them the extended one, never interpolated.
        let sent: Int32 = params.isEmpty
            ? PQsendQuery(c, sql)
            : PGConnection.withOptionalCStrings(params) { values in
                PQsendQueryParams(c, sql, Int32(params.count), nil, values, nil, nil, 0)
            }
        guard sent == 1 else { throw failure(connecting: false) }
        // A large batch may not fit the socket at once: flush as the server reads.
        while true {
            let f = PQflush(c)
            if f == 0 { break }
            if f < 0 { throw failure(connecting: false) }
            try wait(write: true, until: deadline, what: "sending")
        }
        var out = Rows()
        var error: BuildingError?
        while true {
            while PQisBusy(c) == 1 {
                try wait(write: false, until: deadline, what: "waiting for the answer")
                guard PQconsumeInput(c) == 1 else { throw failure(connecting: false) }
            }
            guard let res = PQgetResult(c) else { break }
            defer { PQclear(res) }
            switch PQresultStatus(res) {
            case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
                let rows = Int(PQntuples(res))
                let cols = Int(PQnfields(res))
                out.columns = (0..<cols).map { String(cString: PQfname(res, Int32($0))) }
                out.values.reserveCapacity(rows)
                for r in 0..<rows {
                    out.values.append((0..<cols).map { col in
                        PQgetisnull(res, Int32(r), Int32(col)) == 1 ? nil : String(cString: PQgetvalue(res, Int32(r), Int32(col)))
                    })
                }
                out.affected = Int(String(cString: PQcmdTuples(res))) ?? rows
            default:
                let state = String(cString: kiosk_pq_sqlstate(res))
                let message = String(cString: kiosk_pq_primary(res))
                if state.isEmpty {
                    error = .offline(PGConnection.oneLine(String(cString: PQerrorMessage(c))))
                } else {
                    error = .server(sqlstate: state, message: message)
                }
            }
        }
        if let error { throw error }
        if PQstatus(c) != CONNECTION_OK { throw failure(connecting: false) }
        return out
    }

    /// Payloads of the notifications (LISTEN) that have arrived, without waiting: reads what
    /// the socket holds and returns at once.
    func notifications() -> [String] {
        guard let c = conn, PQconsumeInput(c) == 1 else { return [] }
        var out: [String] = []
        while let n = PQnotifies(c) {
            out.append(n.pointee.extra.map { String(cString: $0) } ?? "")
            PQfreemem(n)
        }
        return out
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ body: () throws(BuildingError) -> T) throws(BuildingError) -> T {
        try query("BEGIN")
        do {
            let value = try body()
            try query("COMMIT")
            return value
        } catch {
            if isOpen { _ = try? query("ROLLBACK") }
            throw error
        }
    }

    private func wait(write: Bool, until deadline: ContinuousClock.Instant, what: String) throws(BuildingError) {
        guard let c = conn else { throw .offline("not connected") }
        let fd = PQsocket(c)
        guard fd >= 0 else { throw failure(connecting: false) }
        while true {
            let left = deadline - ContinuousClock.now
            if left <= .zero {
                // The server may be hung mid-answer: this connection is unusable now.
                close()
                throw .offline("no answer within \(PGConnection.seconds(timeout)) s while \(what)")
            }
            let ms = Int32(min(Double(Int32.max), (Double(left.components.seconds) * 1000 + Double(left.components.attoseconds) / 1e15).rounded(.up)))
            let r = kiosk_pq_wait(fd, write ? 1 : 0, max(1, ms))
            if r > 0 { return }
            if r < 0 && errno != EINTR { throw .offline("poll failed (errno \(errno))") }
        }
    }

    private func failure(connecting: Bool) -> BuildingError {
        let text = conn.map { PGConnection.oneLine(String(cString: PQerrorMessage($0))) } ?? "no connection"
        close()
        if connecting, text.contains("password authentication failed") || text.contains("no password supplied")
            || text.contains("does not exist") || text.contains("pg_hba.conf") || text.contains("SSL")
        {
            return .login(text)
        }
        return .offline(text.isEmpty ? "connection lost" : text)
    }

    static func oneLine(_ s: String) -> String {
        let lines = s.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return TextFolding.terminalSafe(lines.first { !$0.hasPrefix("DETAIL") && !$0.hasPrefix("HINT") } ?? "")
    }

    static func seconds(_ d: Duration) -> String {
        let s = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        return s == s.rounded() ? String(Int(s)) : String(format: "%.1f", s)
    }

    /// NULL-terminated C string arrays that live for the call.
    static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        let dup = strings.map { strdup($0) }
        defer { dup.forEach { free($0) } }
        let ptrs: [UnsafePointer<CChar>?] = dup.map { $0.map { UnsafePointer($0) } } + [nil]
        return ptrs.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    static func withOptionalCStrings<R>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
        let dup = strings.map { $0.flatMap { strdup($0) } }
        defer { dup.forEach { free($0) } }
        let ptrs: [UnsafePointer<CChar>?] = dup.map { $0.map { UnsafePointer($0) } } + [nil]
        return ptrs.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
