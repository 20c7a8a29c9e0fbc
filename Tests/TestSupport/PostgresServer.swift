import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real, throwaway PostgreSQL server for end-to-end tests: its own folder under /tmp, its own
/// port, password logins only, gone again after `shutdown()` (also run by `deinit`, so a failing
/// test still stops its server).
///
/// Why a real server: the kiosk gates log in with passwords (scram-sha-256), and the fault tests
/// need a server that can really crash, hang and come back on the same port.
/// Why `@unchecked Sendable`: the mutable state (`suspended`, `isShutDown`; `port` only before
/// the server is handed out) is touched under `lock`; `psql` reads constants only.
public final class PostgresServer: @unchecked Sendable {
    /// What went wrong, with the tail of the server log: the folder is deleted on shutdown, so the
    /// message is all a CI run keeps.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    public let host = "127.0.0.1"
    public let adminUser = "kiosk_admin"
    public let database = "postgres"
    public private(set) var port: Int
    public let adminPassword: String
    /// Holds just the password (no newline), mode 0600.
    public let adminPasswordFile: String
    public let dataDirectory: String
    public let logFile: String
    public var adminURL: String { url(user: adminUser) }

    private let folder: String
    private let bindir: String
    private let lock = NSRecursiveLock()
    private var suspended = false
    private var isShutDown = false

    private init(folder: String, bindir: String, port: Int, password: String) {
        (self.folder, self.bindir, self.port, adminPassword) = (folder, bindir, port, password)
        adminPasswordFile = folder + "/admin-password"
        dataDirectory = folder + "/data"
        logFile = folder + "/server.log"
    }

    deinit { shutdown() }

    /// Creates a fresh cluster (`initdb`) and starts it on a free port.
    public static func start(name: String = "pg") throws -> PostgresServer {
        let bindir = try findBindir()
        let tag = String(name.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.prefix(16))
        // /tmp, not NSTemporaryDirectory: the postgres user must traverse every parent, and the
        // Unix socket path inside must stay under the kernel's 107-byte limit.
        let folder = "/tmp/kioskpg-\(tag.isEmpty ? "pg" : tag)-\(randomHex(6))"
        let password = randomHex(16)
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        // From here on `deinit` removes the folder if a later step throws.
        let server = PostgresServer(folder: folder, bindir: bindir, port: try freePort(), password: password)
        guard FileManager.default.createFile(atPath: server.adminPasswordFile, contents: Data(password.utf8),
                                             attributes: [.posixPermissions: 0o600])
        else { throw Failure("could not write \(server.adminPasswordFile)") }
        if geteuid() == 0 {
            // PostgreSQL refuses to run as root; its folder must belong to the user it runs as.
            guard let pw = getpwnam("postgres") else { throw Failure("running as root but there is no `postgres` user") }
            for path in [folder, server.adminPasswordFile] where chown(path, pw.pointee.pw_uid, pw.pointee.pw_gid) != 0 {
                throw Failure("chown postgres \(path): \(String(cString: strerror(errno)))")
            }
        }
        // -N (no fsync) is fine: the cluster never outlives the test.
        let initdb = try server.run("initdb", [
            "-D", server.dataDirectory, "-U", server.adminUser, "--pwfile=" + server.adminPasswordFile,
            "-A", "scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "-N", "--no-instructions",
        ], timeout: 120)
        guard initdb.status == 0 else { throw server.failure("initdb failed", initdb) }
        // Someone (a parallel test process) may take the free port before the postmaster binds
        // it; pick another rather than fail the test.
        var attempt = 1
        while true {
            do { try server.start(); return server } catch {
                let log = (try? String(contentsOfFile: server.logFile, encoding: .utf8)) ?? ""
                guard attempt < 3, log.contains("Address already in use") else { throw error }
                (attempt, server.port) = (attempt + 1, try freePort())
            }
        }
    }

    /// Starts a server, runs `body`, and always shuts the server down, whatever `body` does.
    public static func with<T>(name: String = "pg", _ body: (PostgresServer) throws -> T) throws -> T {
        let server = try start(name: name)
        defer { server.shutdown() }
        return try body(server)
    }

    // MARK: Clients

    /// `postgresql://USER@127.0.0.1:PORT/DB`, without password: tests pass it separately.
    public func url(user: String, database: String? = nil) -> String {
        let user = user.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed) ?? user
        let db = database ?? self.database
        let dbAllowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))
        return "postgresql://\(user)@\(host):\(port)/\(db.addingPercentEncoding(withAllowedCharacters: dbAllowed) ?? db)"
    }

    /// Runs `sql` with psql and returns its trimmed output (unaligned, tuples only). Without a
    /// `user` it logs in as the admin with the admin password; throws with stderr on failure.
    @discardableResult
    public func psql(_ sql: String, user: String? = nil, password: String? = nil, database: String? = nil,
                     timeout: TimeInterval = 60) throws -> String {
        let r = psqlResult(sql, user: user, password: password, database: database, timeout: timeout)
        guard r.status == 0 else { throw Failure("psql as \(user ?? adminUser) failed (exit \(r.status)): \(r.stderr)\nSQL: \(sql)") }
        return r.stdout
    }

    /// Like `psql` but never throws, for tests that expect a refusal (permission denied, wrong
    /// password, hung server). `timeout` bounds connecting (PGCONNECT_TIMEOUT, at least 2 s) and,
    /// plus 5 s, the whole run; a run killed for taking too long reports 124, like timeout(1).
    public func psqlResult(_ sql: String, user: String? = nil, password: String? = nil, database: String? = nil,
                           timeout: TimeInterval = 60) -> (status: Int32, stdout: String, stderr: String) {
        let user = user ?? adminUser
        var env = ["PGCONNECT_TIMEOUT": String(max(2, Int(timeout.rounded(.up)))),
                   "PGPASSFILE": folder + "/no-such-pgpass"]  // never a stray ~/.pgpass
        if let password = password ?? (user == adminUser ? adminPassword : nil) { env["PGPASSWORD"] = password }
        do {
            // -w: never prompt; without a password psql fails at once instead of reading stdin.
            let r = try run("psql", ["-X", "-q", "-A", "-t", "-w", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", String(port),
                                     "-U", user, "-d", database ?? self.database, "-c", sql],
                            environment: env, timeout: timeout + 5)
            let trim = { (s: String) in s.trimmingCharacters(in: .whitespacesAndNewlines) }
            return (r.status, trim(r.stdout), trim(r.stderr))
        } catch {
            return (-1, "", "\(error)")
        }
    }

    public func createDatabase(_ name: String) throws {
        try psql("CREATE DATABASE \"\(name.replacingOccurrences(of: "\"", with: "\"\""))\"")
    }

    /// Whether a TCP connect to the port succeeds within 200 ms. A suspended server still says
    /// yes: the kernel completes the handshake into the listen backlog without the postmaster.
    public func isAccepting() -> Bool {
        let fd = socket(AF_INET, Self.streamSocket, 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var addr = Self.loopback(port: port)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if rc == 0 { return true }
        var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        guard errno == EINPROGRESS, poll(&pfd, 1, 200) == 1 else { return false }
        var soError: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &length) == 0 && soError == 0
    }

    // MARK: Lifecycle for fault tests

    /// Starts the existing cluster again: same data directory, same port.
    public func start() throws {
        lock.lock(); defer { lock.unlock() }
        guard !isShutDown else { throw Failure("start(): the server in \(folder) was shut down") }
        // A postmaster killed by kill9() lingers as a zombie until init reaps it (lazily here,
        // never where the test runner is PID 1); PostgreSQL would take it for a live server and
        // honour both its lock files, so drop them once nothing lives behind them.
        if let old = postmasterPID(), !Self.isAlive(old) {
            unlink(dataDirectory + "/postmaster.pid")
            unlink("\(folder)/.s.PGSQL.\(port).lock")
        }
        let options = "-F -p \(port) -c listen_addresses=\(host) -c unix_socket_directories=\(folder)"
        let r = try run("pg_ctl", ["-D", dataDirectory, "-l", logFile, "-o", options, "-w", "-t", "60", "start"], timeout: 75)
        guard r.status == 0 else { throw failure("pg_ctl start on port \(port) failed", r) }
    }

    /// `pg_ctl stop -m mode` ("smart", "fast" or "immediate"). Resumes a suspended server first:
    /// a stopped postmaster cannot hear the request.
    public func stop(mode: String = "fast") throws {
        lock.lock(); defer { lock.unlock() }
        resume()
        guard let pid = postmasterPID(), Self.isAlive(pid) else { throw Failure("stop(): no server running in \(dataDirectory)") }
        let r = try run("pg_ctl", ["-D", dataDirectory, "-m", mode, "-w", "-t", "60", "stop"], timeout: 75)
        guard r.status == 0 else { throw failure("pg_ctl stop -m \(mode) failed", r) }
    }

    /// A crash: SIGKILL to the postmaster, then waits until the port refuses and its children
    /// (which exit when they notice) are gone, so `start()` finds no old shared memory in use.
    public func kill9() throws {
        lock.lock(); defer { lock.unlock() }
        guard let pid = postmasterPID() else { throw Failure("kill9(): no \(dataDirectory)/postmaster.pid") }
        let family = serverProcesses(postmaster: pid)
        kill(pid, SIGKILL)
        for child in family where child != pid { kill(child, SIGCONT) }  // stopped ones cannot notice
        suspended = false
        guard Self.waitUntil(10, { !self.isAccepting() }) else {
            throw Failure("kill9(): port \(port) still accepts 10 s after SIGKILL to \(pid)\n\(logTail())")
        }
        if !Self.waitUntil(10, { family.allSatisfy { !Self.isAlive($0) } }) { family.forEach { kill($0, SIGKILL) } }
    }

    /// A hung server: SIGSTOP to the postmaster and all its processes, so connections neither
    /// succeed nor fail until `resume()` or a client timeout.
    public func suspend() throws {
        lock.lock(); defer { lock.unlock() }
        guard let pid = postmasterPID() else { throw Failure("suspend(): no \(dataDirectory)/postmaster.pid") }
        kill(pid, SIGSTOP)  // first, so it forks no new backend while the others are stopped
        for child in serverProcesses(postmaster: pid) { kill(child, SIGSTOP) }
        suspended = true
    }

    public func resume() {
        lock.lock(); defer { lock.unlock() }
        guard suspended else { return }
        let pid = postmasterPID()
        for process in serverProcesses(postmaster: pid ?? -1) where process != pid { kill(process, SIGCONT) }
        if let pid { kill(pid, SIGCONT) }
        suspended = false
    }

    /// Stops the server whatever its state (suspended, crashed, running), kills what is left and
    /// removes the folder. Idempotent.
    public func shutdown() {
        lock.lock(); defer { lock.unlock() }
        guard !isShutDown else { return }
        resume()
        isShutDown = true
        if let pid = postmasterPID(), Self.isAlive(pid) {
            _ = try? run("pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "-t", "30", "stop"], timeout: 40)
        }
        let leftovers = serverProcesses(postmaster: postmasterPID() ?? -1)
        leftovers.forEach { kill($0, SIGKILL) }
        _ = Self.waitUntil(5) { leftovers.allSatisfy { !Self.isAlive($0) } }
        try? FileManager.default.removeItem(atPath: folder)
    }

    // MARK: Processes

    private func postmasterPID() -> pid_t? {
        guard let text = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8),
              let first = text.split(separator: "\n").first else { return nil }
        return pid_t(first.trimmingCharacters(in: .whitespaces))
    }

    /// The postmaster, its children (by ppid) and anything whose command line names our data
    /// directory; zombies are left out, as they hold nothing and no signal moves them.
    private func serverProcesses(postmaster: pid_t) -> [pid_t] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry in
            guard let pid = pid_t(entry), pid != getpid(), let (state, ppid) = Self.stat(pid), state != "Z" else { return nil }
            if pid == postmaster || ppid == postmaster { return pid }
            let cmdline = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
            return String(decoding: cmdline.map { $0 == 0 ? 32 : $0 }, as: UTF8.self).contains(dataDirectory) ? pid : nil
        }
    }

    /// State letter and parent pid from /proc/PID/stat, parsed after the last ')' because the
    /// command name may hold spaces and parentheses.
    private static func stat(_ pid: pid_t) -> (Character, pid_t)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 1, let state = fields[0].first, let ppid = pid_t(fields[1]) else { return nil }
        return (state, ppid)
    }

    private static func isAlive(_ pid: pid_t) -> Bool { kill(pid, 0) == 0 && stat(pid).map { $0.0 != "Z" } ?? true }

    private static func waitUntil(_ seconds: TimeInterval, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    private func logTail(lines: Int = 30) -> String {
        let text = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "(no log)"
        return "--- last lines of \(logFile) ---\n" + text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    private func failure(_ what: String, _ r: Output) -> Failure {
        Failure("\(what) (exit \(r.status)): \((r.stderr + r.stdout).trimmingCharacters(in: .whitespacesAndNewlines))\n\(logTail())")
    }

    private struct Output { var status: Int32; var stdout: String; var stderr: String }

    /// Runs a tool from `bindir`: as the postgres user when we are root (the server refuses to
    /// run as root), in our folder (the postgres user may not enter the caller's directory).
    private func run(_ tool: String, _ arguments: [String], environment: [String: String] = [:],
                     timeout: TimeInterval) throws -> Output {
        let path = bindir + "/" + tool
        let argv = geteuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", path] + arguments : [path] + arguments
        return try Self.run(argv, in: folder, environment, timeout)
    }

    /// posix_spawn, not Foundation `Process`: `pg_ctl start` leaves a postmaster behind that
    /// inherits every open descriptor, and `Process` learns of its child's exit through a socket
    /// the child inherits, so it would wait as long as the postmaster lives (as would a pipe).
    /// Here the child gets /dev/null, two capture files and nothing else. Inherited PG* variables
    /// are dropped so a CI's PGHOST/PGOPTIONS cannot redirect a test.
    private static func run(_ argv: [String], in directory: String, _ environment: [String: String],
                            _ timeout: TimeInterval) throws -> Output {
        let capture = (NSTemporaryDirectory() as NSString).appendingPathComponent("pgserver-\(UUID().uuidString)")
        let outFD = open(capture + ".out", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        let errFD = open(capture + ".err", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        defer { close(outFD); close(errFD); unlink(capture + ".out"); unlink(capture + ".err") }
        guard outFD >= 0, errFD >= 0 else { throw Failure("could not create \(capture).out/.err") }
        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t? = nil
        var attributes: posix_spawnattr_t? = nil
        posix_spawnattr_init(&attributes)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_CLOEXEC_DEFAULT))
        #else
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions); posix_spawnattr_destroy(&attributes) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outFD, 1)
        posix_spawn_file_actions_adddup2(&actions, errFD, 2)
        #if os(Linux)
        // glibc has both (2.34+, 2.29+), but Swift's Glibc module does not import them.
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
        typealias ChangeDir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32
        if let f = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") { _ = unsafeBitCast(f, to: CloseFrom.self)(&actions, 3) }
        if let f = dlsym(nil, "posix_spawn_file_actions_addchdir_np") { _ = unsafeBitCast(f, to: ChangeDir.self)(&actions, directory) }
        #endif
        let env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }.merging(environment) { $1 }
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (cArgs + cEnv).forEach { free($0) } }
        var pid = pid_t()
        let rc = posix_spawn(&pid, argv[0], &actions, &attributes, cArgs, cEnv)
        guard rc == 0 else { throw Failure("could not run \(argv[0]): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        let reaped = { (seconds: TimeInterval) in
            waitUntil(seconds) {
                let r = waitpid(pid, &status, WNOHANG)
                if r < 0 && errno == ECHILD { status = 255 << 8 }  // reaped elsewhere: never report success
                return r == pid || (r < 0 && errno != EINTR)
            }
        }
        let timedOut = !reaped(timeout)
        if timedOut {
            kill(pid, SIGTERM)
            if !reaped(3) { kill(pid, SIGKILL); _ = reaped(10) }
        }
        let read = { (end: String) in String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: capture + end))) ?? Data(), as: UTF8.self) }
        let tool = argv.first { $0.hasPrefix("/") && !$0.hasSuffix("runuser") } ?? argv[0]
        return timedOut
            ? Output(status: 124, stdout: read(".out"), stderr: read(".err") + "\n\(tool) killed after \(Int(timeout)) s")
            : Output(status: status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + status & 0x7f, stdout: read(".out"), stderr: read(".err"))
    }

    /// pg_config's bindir if it holds initdb, else the newest /usr/lib/postgresql/N/bin that does;
    /// never PATH, whose /usr/local/bin wrappers need not match the installed server.
    private static func findBindir() throws -> String {
        let fm = FileManager.default
        if let r = try? run(["/usr/bin/pg_config", "--bindir"], in: "/", [:], 10), r.status == 0 {
            let dir = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            if fm.isExecutableFile(atPath: dir + "/initdb") { return dir }
        }
        let newest = ((try? fm.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .filter { fm.isExecutableFile(atPath: "/usr/lib/postgresql/\($0)/bin/initdb") }
            .max { (Double($0) ?? 0) < (Double($1) ?? 0) }
        guard let newest else { throw Failure("no PostgreSQL: neither pg_config --bindir nor /usr/lib/postgresql/*/bin has initdb") }
        return "/usr/lib/postgresql/\(newest)/bin"
    }

    // MARK: Sockets and names

    /// Binds 127.0.0.1:0 and reads back the port the kernel chose.
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, streamSocket, 0)
        guard fd >= 0 else { throw Failure("socket(): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var addr = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { throw Failure("could not bind 127.0.0.1:0: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return addr
    }

    #if os(Linux)
    private static let streamSocket = Int32(SOCK_STREAM.rawValue)
    #else
    private static let streamSocket = SOCK_STREAM
    #endif

    private static func randomHex(_ bytes: Int) -> String {
        (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max)) }.joined()
    }
}
