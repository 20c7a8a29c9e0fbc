import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How hard the fault-injection tests push: `KIOSK_FAULT_ROUNDS` rounds of each kill test
/// (default 5, so `make test` stays quick; `make faults` runs 100). `KIOSK_FAULT_SEED` replays
/// the random delays of a failed run (the seed is in every failure message).
enum FaultRounds {
    static var count: Int {
        guard let text = ProcessInfo.processInfo.environment["KIOSK_FAULT_ROUNDS"], !text.isEmpty else { return 5 }
        guard let n = Int(text), n >= 1 else {
            // A typo must not quietly run the default.
            fatalError("KIOSK_FAULT_ROUNDS=\(text): expected a whole number of rounds, 1 or more")
        }
        return n
    }

    /// A fraction of the rounds, at least one (for the slower tests).
    static func scaled(_ divisor: Int) -> Int { max(1, count / divisor) }

    static var seed: UInt64 {
        if let text = ProcessInfo.processInfo.environment["KIOSK_FAULT_SEED"], let s = UInt64(text) { return s }
        return UInt64.random(in: 1...UInt64.max)
    }
}

/// SplitMix64: random delays that a seed reproduces.
struct FaultRandom: RandomNumberGenerator {
    let seed: UInt64
    private var state: UInt64

    init(seed: UInt64 = FaultRounds.seed) {
        self.seed = seed
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A delay in seconds, uniform in the range.
    mutating func delay(_ range: ClosedRange<Double>) -> Double { Double.random(in: range, using: &self) }
}

/// A value shared between the test and its helper threads (`Locked` that also returns).
final class Shared<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T { lock.withLock { stored } }
    @discardableResult
    func update<R>(_ change: (inout T) -> R) -> R { lock.withLock { change(&stored) } }
}

/// A small tmpfs mounted over a folder (the sandbox's data folder), so a test can fill the
/// disk or make it read-only. Needs root, as CI has; when mounting is refused the test fails
/// saying so, it is never skipped.
final class TmpfsMount {
    let path: String
    private var mounted = false

    init(at path: String, size: String) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let r = try ProcessRunner.run(try Tool.path("mount"), ["-t", "tmpfs", "-o", "size=\(size),mode=0700", "tmpfs", path])
        guard r.status == 0 else {
            throw E2EError("""
                cannot mount a \(size) tmpfs at \(path): the fault-injection tests need root (CAP_SYS_ADMIN), \
                as CI runs them; run them as root or in a privileged container. \(r)
                """)
        }
        mounted = true
    }

    deinit { unmount() }

    func remount(readOnly: Bool) throws {
        try Tool.run("mount", ["-o", readOnly ? "remount,ro" : "remount,rw", path])
    }

    /// Bytes free, as `df` would say.
    func available() throws -> UInt64 {
        var s = statvfs()
        guard statvfs(path, &s) == 0 else { throw E2EError("statvfs \(path): errno \(errno)") }
        return UInt64(s.f_bavail) * UInt64(s.f_frsize)
    }

    func unmount() {
        guard mounted else { return }
        mounted = false
        if (try? Tool.run("umount", [path])) == nil { _ = try? Tool.run("umount", ["-l", path]) }
    }
}

/// Another program holding the database's write lock: python3's sqlite3 in `BEGIN IMMEDIATE`
/// with a row written and never committed, for `seconds`, then rolled back.
final class LockHolder {
    static let script = """
        import sqlite3, sys, time
        c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
        c.execute('BEGIN IMMEDIATE')
        c.execute("INSERT INTO meta (key, value) VALUES ('e2e-half-written', 'x')")
        print('locked', flush=True)
        time.sleep(float(sys.argv[2]))
        c.execute('ROLLBACK')
        c.close()
        print('released', flush=True)
        """
    let process: BackgroundProcess
    private(set) var lockedAt = Date.distantPast

    init(db: String, seconds: Double) throws {
        process = try BackgroundProcess(try Tool.path("python3"), ["-c", Self.script, db, String(seconds)])
        guard process.waitForLines(timeout: 20, { $0.contains("locked") }) else {
            throw E2EError("python3 did not take the lock: \(process.summary)")
        }
        lockedAt = Date()
    }

    deinit {
        process.send(signal: SIGKILL)
        process.wait(timeout: 10)
    }

    /// Waits for the rollback; returns when it was seen.
    func waitReleased(timeout: TimeInterval = 30) throws -> Date {
        guard process.waitForLines(timeout: timeout, { $0.contains("released") }) else {
            throw E2EError("python3 did not release the lock: \(process.summary)")
        }
        return Date()
    }
}

/// A TCP port nobody listens on now (the kernel's choice), for a `kiosk serve` of one test.
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw E2EError("socket: errno \(errno)") }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
    }
    guard bound else { throw E2EError("bind 127.0.0.1:0: errno \(errno)") }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// `kiosk serve` of a sandbox on 127.0.0.1:`port`, started and answering /healthz.
func startServe(_ box: Sandbox, port: Int, sourceLocation: SourceLocation = #_sourceLocation) throws -> BackgroundProcess {
    let p = try BackgroundProcess(
        box.binary, ["serve", "--config", box.configPath, "--listen", "127.0.0.1:\(port)"], environment: ["KIOSK_NOW": box.now])
    guard p.waitForLines(timeout: 30, { $0.contains { $0.hasPrefix("kiosk serve:") } }) else {
        throw E2EError("kiosk serve did not start on \(port): \(p.summary)")
    }
    for _ in 0..<150 {
        if (try? TwoGatesWebTests.http(URLRequest(url: URL(string: "http://127.0.0.1:\(port)/healthz")!)))?.0 == 200 { return p }
        usleep(100_000)
    }
    throw E2EError("kiosk serve on \(port) does not answer /healthz: \(p.summary)")
}

/// The entry code on a self check-in confirmation page, if it is one.
func confirmationCode(_ page: String) -> String? {
    guard let r = page.range(of: "id=\"code\">") else { return nil }
    let code = String(page[r.upperBound...].prefix(6))
    return looksLikeCode(code) ? code : nil
}

extension GuardSession {
    /// Starts the kiosk again after it ended or was killed: a fresh tmux server and pane (the
    /// old pane's tty may be left raw by a kill -9), the same sandbox and log.
    func restart(env: [String: String] = [:]) throws {
        close()
        try? FileManager.default.removeItem(atPath: statusPath)
        try start(env: env)
    }

    /// Whether the kiosk of this start has exited (the pane's script wrote its status).
    var exited: Bool { FileManager.default.fileExists(atPath: statusPath) }

    /// The pid of the newest start (the log keeps every start's line).
    func newestKioskPID(after previous: pid_t? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> pid_t {
        func newest(_ lines: [String]) -> pid_t? {
            guard let line = lines.last(where: { $0.contains(" start ") }),
                let field = line.split(separator: " ").first(where: { $0.hasPrefix("pid=") })
            else { return nil }
            return pid_t(field.dropFirst(4))
        }
        let lines = try waitForLog("a start line", sourceLocation: sourceLocation) { lines in
            guard let pid = newest(lines) else { return false }
            return pid != previous
        }
        return try #require(newest(lines), sourceLocation: sourceLocation)
    }

    /// Entry codes drawn on the screen ("Mã lượt X" / "Entry code X").
    static func codesShown(_ screen: [String]) -> Set<String> {
        var codes: Set<String> = []
        for line in screen {
            for label in ["Mã lượt ", "Entry code "] {
                var rest = Substring(line)
                while let r = rest.range(of: label) {
                    let code = String(rest[r.upperBound...].prefix(6))
                    if looksLikeCode(code) { codes.insert(code) }
                    rest = rest[r.upperBound...]
                }
            }
        }
        return codes
    }
}
