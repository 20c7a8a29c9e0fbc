import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure of the test harness itself (binary or tool missing, a helper command failing),
/// reported with what to do, so a broken setup fails loudly instead of skipping.
struct E2EError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// What a finished process left behind.
struct RunResult: CustomStringConvertible {
    var status: Int32
    var stdoutData: Data
    var stderrData: Data
    var timedOut = false
    var seconds: Double = 0

    var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
    var stderr: String { String(decoding: stderrData, as: UTF8.self) }

    /// Non-empty lines of standard output.
    var lines: [String] { stdout.split(separator: "\n").map { String($0).trimmingCharacters(in: ["\r"]) } }
    /// Non-empty lines of standard error.
    var errorLines: [String] { stderr.split(separator: "\n").map(String.init) }

    /// For `#expect(..., "\(result)")`: everything needed to see why an expectation failed.
    var description: String {
        "exit \(status)\(timedOut ? " (TIMED OUT)" : "") after \(String(format: "%.2f", seconds)) s\n--- stdout:\n\(stdout.prefix(4000))\n--- stderr:\n\(stderr.prefix(4000))"
    }
}

/// Finds the `kiosk` executable the tests drive: `$KIOSK_BIN`, else `.build/debug/kiosk`
/// under the package root (which `swift test` builds before running tests).
enum KioskBinary {
    static func packageRoot(file: String = #filePath) -> String? {
        var url = URL(fileURLWithPath: file).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url.path
            }
            url = url.deletingLastPathComponent()
        }
        return nil
    }

    static func path() throws -> String {
        if let bin = ProcessInfo.processInfo.environment["KIOSK_BIN"], !bin.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: bin) else {
                throw E2EError("KIOSK_BIN=\(bin) is not an executable file")
            }
            return bin
        }
        guard let root = packageRoot() else {
            throw E2EError("cannot find Package.swift above \(#filePath); set KIOSK_BIN to the kiosk executable")
        }
        let bin = root + "/.build/debug/kiosk"
        guard FileManager.default.isExecutableFile(atPath: bin) else {
            throw E2EError("\(bin) is missing: run `swift build` first (or set KIOSK_BIN to the kiosk executable)")
        }
        return bin
    }

    /// The sample configuration at the repository root, which the tests start from.
    static func sampleConfigText() throws -> String {
        guard let root = packageRoot() else { throw E2EError("cannot find the package root") }
        let path = root + "/kiosk.conf"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw E2EError("cannot read the sample config \(path)")
        }
        return text
    }
}

/// Runs a program to completion with a timeout. Output goes to files, not pipes, so a chatty
/// process can never block on a full pipe while the test waits for it.
enum ProcessRunner {
    /// The environment every child gets: the test's own, minus any KIOSK_* setting that
    /// would leak the developer's configuration into a test, plus `extra`.
    static func environment(_ extra: [String: String]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("KIOSK_") }
        env["KIOSK_GUARD"] = "e2e-guard"
        for (k, v) in extra { env[k] = v }
        return env
    }

    static func run(
        _ executable: String, _ arguments: [String], environment extra: [String: String] = [:],
        stdin: Data? = nil, stdinFile: String? = nil, cwd: String? = nil, timeout: TimeInterval = 60
    ) throws -> RunResult {
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("kiosk-e2e-io-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let outPath = scratch + "/stdout"
        let errPath = scratch + "/stderr"
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        guard let out = FileHandle(forWritingAtPath: outPath), let err = FileHandle(forWritingAtPath: errPath) else {
            throw E2EError("cannot create output files in \(scratch)")
        }
        defer {
            try? out.close()
            try? err.close()
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment(extra)
        if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        process.standardOutput = out
        process.standardError = err
        var input: FileHandle?
        if let stdinFile {
            guard let h = FileHandle(forReadingAtPath: stdinFile) else { throw E2EError("cannot read \(stdinFile)") }
            input = h
        } else if let stdin {
            let inPath = scratch + "/stdin"
            FileManager.default.createFile(atPath: inPath, contents: stdin)
            input = FileHandle(forReadingAtPath: inPath)
        }
        process.standardInput = input ?? FileHandle.nullDevice
        defer { try? input?.close() }

        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        let started = Date()
        do {
            try process.run()
        } catch {
            throw E2EError("cannot start \(executable): \(error)")
        }
        var timedOut = false
        if done.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            done.wait()
        }
        let seconds = Date().timeIntervalSince(started)
        let stdoutData = (try? Data(contentsOf: URL(fileURLWithPath: outPath))) ?? Data()
        let stderrData = (try? Data(contentsOf: URL(fileURLWithPath: errPath))) ?? Data()
        return RunResult(
            status: process.terminationStatus, stdoutData: stdoutData, stderrData: stderrData,
            timedOut: timedOut, seconds: seconds)
    }
}

/// External programs the tests use to look at the log from outside (as an auditor or an
/// attacker would). Missing tools fail the test with what to install; nothing is skipped.
enum Tool {
    static func path(_ name: String) throws -> String {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            + ["/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin"]
        for dir in dirs where !dir.isEmpty {
            let candidate = dir + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw E2EError("`\(name)` is not installed; the end-to-end tests need it (run `make setup`, which installs sqlite3, python3 and tmux)")
    }

    /// Runs a tool and insists that it succeeds.
    @discardableResult
    static func run(_ name: String, _ args: [String], stdin: Data? = nil, timeout: TimeInterval = 60) throws -> String {
        let result = try ProcessRunner.run(try path(name), args, stdin: stdin, timeout: timeout)
        guard result.status == 0, !result.timedOut else {
            throw E2EError("`\(name) \(args.joined(separator: " "))` failed: \(result)")
        }
        return result.stdout
    }

    /// One query through the sqlite3 shell; rows separated by newlines, columns by `|`.
    static func sqlite(_ db: String, _ sql: String) throws -> String {
        try run("sqlite3", ["-batch", "-bail", db, sql]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// SHA-256 of a file, from coreutils' sha256sum (independent of the code under test).
    static func sha256(file: String) throws -> String {
        let out = try run("sha256sum", ["-b", file])
        guard let digest = out.split(separator: " ").first, digest.count == 64 else {
            throw E2EError("unexpected sha256sum output: \(out)")
        }
        return String(digest)
    }
}

/// JSON from a command's output.
enum JSON {
    static func object(_ text: String) throws -> [String: Any] {
        guard let obj = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw E2EError("expected a JSON object, got: \(text.prefix(500))")
        }
        return obj
    }

    static func array(_ text: String) throws -> [[String: Any]] {
        guard let arr = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else {
            throw E2EError("expected a JSON array of objects, got: \(text.prefix(500))")
        }
        return arr
    }
}

/// True when a JSON member is absent or null.
func isNull(_ value: Any?) -> Bool {
    value == nil || value is NSNull
}
