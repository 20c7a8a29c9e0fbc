import Foundation
import Glibc

/// A scanner on a serial port (`[scanner] device`), read on its own thread. Each line it
/// sends is one scan, fed to the same path as the keyboard's. An unplugged scanner is
/// reopened every few seconds; the gate keeps working on the keyboard meanwhile.
public final class SerialScanner: @unchecked Sendable {
    public let path: String
    private let lock = NSLock()
    private var lines: [String] = []
    private var problems: [String] = []
    private var stopped = false
    private let wake: WakePipe
    static let maxLine = 8192

    public init(path: String, wake: WakePipe) {
        self.path = path
        self.wake = wake
        let thread = Thread { [self] in readLoop() }
        thread.name = "kiosk.scanner"
        thread.start()
    }

    /// Scans received since the last call, in order.
    public func take() -> (scans: [String], problems: [String]) {
        lock.lock()
        defer { lock.unlock() }
        let out = (lines, problems)
        lines.removeAll()
        problems.removeAll()
        return out
    }

    public func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func report(_ problem: String) {
        lock.lock()
        problems.append(problem)
        lock.unlock()
        wake.wake()
    }

    private func readLoop() {
        var lastProblem = ""
        while !isStopped {
            let fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC)
            guard fd >= 0 else {
                let p = "\(path): \(String(cString: strerror(errno)))"
                if p != lastProblem { report(p) }
                lastProblem = p
                Thread.sleep(forTimeInterval: 3)
                continue
            }
            lastProblem = ""
            makeRaw(fd)
            readLines(fd)
            close(fd)
        }
    }

    /// Raw mode: no echo, no line editing, no CR/LF translation; bytes as the scanner sends.
    private func makeRaw(_ fd: Int32) {
        var t = termios()
        guard tcgetattr(fd, &t) == 0 else { return }
        cfmakeraw(&t)
        _ = tcsetattr(fd, TCSANOW, &t)
    }

    private func readLines(_ fd: Int32) {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var skipping = false
        while !isStopped {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, 500)
            if ready == 0 { continue }
            let n = read(fd, &chunk, chunk.count)
            if n <= 0 {
                if n < 0, errno == EINTR || errno == EAGAIN { continue }
                return
            }
            for b in chunk[0..<n] {
                if b == 13 || b == 10 {
                    if !buffer.isEmpty, !skipping {
                        let text = String(decoding: buffer, as: UTF8.self)
                        lock.lock()
                        lines.append(text)
                        lock.unlock()
                        wake.wake()
                    }
                    buffer.removeAll(keepingCapacity: true)
                    skipping = false
                } else if skipping {
                    continue
                } else if buffer.count < Self.maxLine {
                    buffer.append(b)
                } else {
                    // Longer than any code: drop the whole line rather than half of it.
                    skipping = true
                    buffer.removeAll(keepingCapacity: true)
                    report("\(path): a scan over \(Self.maxLine) bytes was ignored")
                }
            }
        }
    }
}
