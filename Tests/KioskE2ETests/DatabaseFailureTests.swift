import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A database that is read-only, locked by another process, or corrupt: a clear one-line
/// message, exit 1, and nothing half-written or overwritten.
@Suite("database failures", .serialized)
struct DatabaseFailureTests {
    static let nobody: UInt32 = 65534

    /// The kiosk must fail with exactly one line on stderr that contains `says`.
    private func expectOneLineFailure(_ r: RunResult, says: String, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == 1, "\(context): \(r)", sourceLocation: sourceLocation)
        #expect(!r.timedOut, "\(context): \(r)", sourceLocation: sourceLocation)
        #expect(r.errorLines.count == 1, "\(context): one line expected: \(r)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(says), "\(context): expected \"\(says)\": \(r)", sourceLocation: sourceLocation)
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("GRDB"), "\(context): no crash or library jargon: \(r)", sourceLocation: sourceLocation)
    }

    /// Runs the kiosk as an unprivileged user: as root, file modes do not stop writes.
    private func runUnprivileged(_ box: Sandbox, _ args: [String]) throws -> RunResult {
        guard getuid() == 0 else { return try box.run(args) }
        return try ProcessRunner.run(
            try Tool.path("setpriv"),
            ["--reuid=\(Self.nobody)", "--regid=\(Self.nobody)", "--clear-groups", box.binary] + args + ["--config", box.configPath],
            environment: ["KIOSK_NOW": box.now])
    }

    @Test("read-only database file (0400) in a read-only (0500) or writable (0700) folder", arguments: [0o500, 0o700])
    func readOnlyFile(folderMode: Int) throws {
        let box = try Sandbox(language: "en")
        let first = try box.checkin("Before")
        if getuid() == 0 { try box.chownAll(uid: Self.nobody, gid: Self.nobody) }
        let before = try Tool.sha256(file: box.dbPath)
        #expect(chmod(box.dbPath, 0o400) == 0)
        #expect(chmod(box.dataDir, mode_t(folderMode)) == 0)

        let r = try runUnprivileged(box, ["checkin", "--name", "Refused"])
        expectOneLineFailure(r, says: "Cannot write the database \(box.dbPath) (read-only)", "checkin")
        #expect(r.stdout.isEmpty, "no code printed for a visit that is not on disk: \(r)")
        let out = try runUnprivileged(box, ["checkout", first])
        expectOneLineFailure(out, says: "read-only", "checkout")

        #expect(chmod(box.dataDir, 0o700) == 0)
        #expect(chmod(box.dbPath, 0o600) == 0)
        #expect(try Tool.sha256(file: box.dbPath) == before, "the database file is untouched")
        let visits = try box.list(date: "2026-11-29")
        #expect(visits.map { $0["name"] as? String } == ["Before"], "nothing half-written")
        #expect(visits.first?["status"] as? String == "inside", "the failed checkout changed nothing")
        #expect(try box.audit().status == 0)
        #expect(try box.run(["checkin", "--name", "After"]).status == 0, "works again once writable")
    }

    @Test("database on a read-only file system", .enabled(if: getuid() == 0, "mounting a read-only tmpfs needs root; readOnlyFile covers other users"))
    func readOnlyFileSystem() throws {
        let box = try Sandbox(language: "en")
        try box.checkin("Before")
        let saved = box.dir + "/saved"
        try FileManager.default.copyItem(atPath: box.dataDir, toPath: saved)
        try Tool.run("mount", ["-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", box.dataDir])
        defer {
            if (try? Tool.run("umount", [box.dataDir])) == nil { _ = try? Tool.run("umount", ["-l", box.dataDir]) }
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: saved) {
            try FileManager.default.copyItem(atPath: saved + "/" + name, toPath: box.dataDir + "/" + name)
        }
        try Tool.run("mount", ["-o", "remount,ro", box.dataDir])
        let files = try FileManager.default.contentsOfDirectory(atPath: box.dataDir).sorted()
        let before = try Tool.sha256(file: box.dbPath)

        let r = try box.run(["checkin", "--name", "Refused"])
        #expect(r.stdout.isEmpty, "\(r)")
        expectOneLineFailure(r, says: box.dbPath, "checkin on a read-only file system")
        expectOneLineFailure(r, says: "read-only", "checkin on a read-only file system")
        let export = try box.run(["export"])
        #expect(export.status == 1, "\(export)")
        #expect(export.errorLines.count == 1, "\(export)")

        #expect(try Tool.sha256(file: box.dbPath) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: box.dataDir).sorted() == files)
    }

    @Test("database locked by another process: waits the busy timeout, says locked, exit 1")
    func locked() throws {
        let box = try Sandbox(language: "en")
        try box.checkin("Before")
        let holder = try BackgroundProcess(try Tool.path("python3"), ["-c", Self.lockScript, box.dbPath, "30"])
        defer {
            holder.send(signal: SIGKILL)
            holder.wait(timeout: 10)
        }
        try #require(holder.waitForLines(timeout: 20) { $0.contains("locked") }, "python3 did not take the lock: \(holder.summary)")

        let r = try box.run(["checkin", "--name", "Blocked"], timeout: 30)
        expectOneLineFailure(r, says: "The database \(box.dbPath) is locked by another program: try again in a few minutes.", "checkin while locked")
        #expect(r.seconds >= 4.5, "the kiosk waits its 5 s busy timeout before giving up: \(r)")
        #expect(r.seconds < 20, "\(r)")
        #expect(r.stdout.isEmpty, "\(r)")

        holder.send(signal: SIGKILL)
        #expect(holder.wait(timeout: 10))
        #expect(try box.list(date: "2026-11-29").map { $0["name"] as? String } == ["Before"])
        #expect(try box.sql("SELECT COUNT(*) FROM meta WHERE key = 'e2e-half-written'") == "0")
        #expect(try box.audit().status == 0)
        #expect(try box.run(["checkin", "--name", "After"]).status == 0, "works again once the lock is gone")
    }

    /// Store.migrateIfNeeded promises that `kiosk list` never waits for a busy writer (WAL
    /// readers do not need the write lock); the roll call must work while another gate writes.
    @Test("reading commands are not blocked by another process holding the write lock")
    func readersNotBlockedByWriter() throws {
        let box = try Sandbox(language: "en")
        let code = try box.checkin("Inside")
        let holder = try BackgroundProcess(try Tool.path("python3"), ["-c", Self.lockScript, box.dbPath, "30"])
        defer {
            holder.send(signal: SIGKILL)
            holder.wait(timeout: 10)
        }
        try #require(holder.waitForLines(timeout: 20) { $0.contains("locked") }, "python3 did not take the lock: \(holder.summary)")
        for args in [["list", "--inside", "--format", "csv"], ["trace", code]] {
            let r = try box.run(args, timeout: 20)
            #expect(r.status == 0 && r.seconds < 4, "\(args) must not wait for the writer: \(r)")
        }
    }

    static let lockScript = """
        import sqlite3, sys, time
        c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
        c.execute('BEGIN EXCLUSIVE')
        c.execute("INSERT INTO meta (key, value) VALUES ('e2e-half-written', 'x')")
        print('locked', flush=True)
        time.sleep(float(sys.argv[2]))
        """

    enum Damage: String, CaseIterable, Sendable {
        case garbage, truncated
    }

    @Test("corrupt database: message, exit 1, and the file is not overwritten", arguments: Damage.allCases)
    func corrupt(_ damage: Damage) throws {
        let box = try Sandbox(language: "vi", settings: ["venue.capacity": "0"])
        let lines = (0..<150).map { "{\"name\": \"Khách số \($0) \(String(repeating: "ư", count: 60))\"}\n" }.joined()
        let seeded = try box.run(["checkin", "--batch", "-"], stdin: Data(lines.utf8))
        #expect(seeded.status == 0, "\(seeded)")
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: box.dbPath + suffix) }
        switch damage {
        case .garbage:
            var bytes = Data("this is not a database, just a file that took its place\n".utf8)
            var x: UInt32 = 2_463_534_242
            while bytes.count < 65536 {
                x ^= x << 13; x ^= x >> 17; x ^= x << 5
                bytes.append(UInt8(truncatingIfNeeded: x))
            }
            try bytes.write(to: URL(fileURLWithPath: box.dbPath))
        case .truncated:
            let whole = try contents(box.dbPath)
            #expect(whole.count > 32768, "seed too small to truncate")
            try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: box.dbPath))
        }
        let before = try Tool.sha256(file: box.dbPath)
        let keyBefore = try contents(box.keyPath)
        let files = try FileManager.default.contentsOfDirectory(atPath: box.dataDir).sorted()

        let says = "Cơ sở dữ liệu \(box.dbPath) bị hỏng hoặc không phải SQLite: khôi phục từ bản sao lưu, không ghi đè."
        let r = try box.run(["checkin", "--name", "Sau Sự Cố"])
        expectOneLineFailure(r, says: says, "checkin on a \(damage) database")
        #expect(r.stdout.isEmpty, "\(r)")
        for args in [["list"], ["audit"], ["export"], ["stats"]] {
            let other = try box.run(args)
            #expect(other.status == 1, "\(args) on a \(damage) database: \(other)")
            #expect(other.stderr.contains("bị hỏng"), "\(args): \(other)")
        }
        #expect(try Tool.sha256(file: box.dbPath) == before, "the damaged file is kept as it was, for recovery")
        #expect(try contents(box.keyPath) == keyBefore)
        #expect(try FileManager.default.contentsOfDirectory(atPath: box.dataDir).sorted() == files, "nothing created beside it")
    }
}
