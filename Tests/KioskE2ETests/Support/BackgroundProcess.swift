import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A process the test talks to while it runs: lines fed to its stdin, its stdout read as it
/// arrives (on a thread of its own, so neither side can block the other), killed at will.
final class BackgroundProcess: @unchecked Sendable {
    let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let errorPath: String
    private let lock = NSLock()
    private var buffer = Data()
    private var eof = false
    private let reader = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        // Writing to the stdin of a process that was just killed must give EPIPE, not kill
        // the test runner with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        errorPath = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-e2e-bg-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessRunner.environment(environment)
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: errorPath)
        process.terminationHandler = { [exited] _ in exited.signal() }
        do {
            try process.run()
        } catch {
            throw E2EError("cannot start \(executable): \(error)")
        }
        let handle = output.fileHandleForReading
        let thread = Thread { [self] in
            while true {
                let chunk = handle.availableData
                lock.lock()
                if chunk.isEmpty {
                    eof = true
                    lock.unlock()
                    break
                }
                buffer.append(chunk)
                lock.unlock()
            }
            reader.signal()
        }
        thread.start()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(atPath: errorPath)
    }

    var pid: pid_t { process.processIdentifier }

    /// Everything read from stdout so far.
    var stdout: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Complete lines (ended by a newline) read so far.
    var completeLines: [String] {
        let text = stdout
        guard let lastNewline = text.lastIndex(of: "\n") else { return [] }
        return text[..<lastNewline].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    var stderr: String {
        String(decoding: FileManager.default.contents(atPath: errorPath) ?? Data(), as: UTF8.self)
    }

    /// Waits until `condition` holds for the complete lines read so far, or the timeout.
    @discardableResult
    func waitForLines(timeout: TimeInterval, _ condition: ([String]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(completeLines) { return true }
            lock.lock()
            let ended = eof
            lock.unlock()
            if ended { return condition(completeLines) }
            usleep(2_000)
        }
        return condition(completeLines)
    }

    /// Writes to stdin; false once the process is gone.
    @discardableResult
    func write(_ text: String) -> Bool {
        do {
            try input.fileHandleForWriting.write(contentsOf: Data(text.utf8))
            return true
        } catch {
            return false
        }
    }

    func closeInput() {
        try? input.fileHandleForWriting.close()
    }

    func send(signal sig: Int32) {
        kill(process.processIdentifier, sig)
    }

    /// Waits for the process to end and for its stdout to be drained; false on timeout.
    @discardableResult
    func wait(timeout: TimeInterval) -> Bool {
        guard exited.wait(timeout: .now() + timeout) == .success else { return false }
        exited.signal()
        guard reader.wait(timeout: .now() + timeout) == .success else { return false }
        reader.signal()
        return true
    }

    var terminationStatus: Int32 { process.terminationStatus }
    var terminationReason: Process.TerminationReason { process.terminationReason }

    var summary: String {
        "pid \(pid)\n--- stdout (\(stdout.count) chars):\n\(stdout.suffix(2000))\n--- stderr:\n\(stderr.suffix(2000))"
    }
}
