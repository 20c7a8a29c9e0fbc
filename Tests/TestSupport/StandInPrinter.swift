import Foundation
import Glibc
import Printing

/// A network receipt printer for the tests and the benchmark: a TCP listener on 127.0.0.1 that
/// reads ESC/POS as a printer does (command by command, answering `DLE EOT` status queries as
/// they arrive) and records every byte, or misbehaves on purpose the ways real printers do.
public final class StandInPrinter: @unchecked Sendable {
    public enum Behaviour: Sendable, Equatable {
        /// Reads everything, answers status: ready, paper fine.
        case normal
        /// Answers status: paper near its end (still prints).
        case paperLow
        /// Answers status: out of paper (prints nothing).
        case outOfPaper
        /// Answers status: cover open.
        case coverOpen
        /// Reads everything, never answers a status query (many USB-to-network boxes).
        case silent
        /// Accepts the connection and never reads a byte (a hung printer with a small buffer).
        case neverRead
        /// Reads this many bytes of each connection, then hangs up.
        case closeAfter(Int)
        /// Reads at a printer's pace (a small buffer drained as the paper moves).
        case slow(bytesPerSecond: Int)
    }

    public let port: Int
    public var url: String { "tcp://127.0.0.1:\(port)" }
    private let listener: Int32
    private let lock = NSCondition()
    private var behaviour: Behaviour
    private var bytes: [UInt8] = []
    private var accepted = 0
    private var stopped = false
    private var parseErrors: [String] = []
    private var openSockets: [Int32] = []
    /// Bytes read but not yet a whole command (the printer's interpreter state).
    private var pending: [UInt8] = []

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public init(_ behaviour: Behaviour = .normal) throws {
        self.behaviour = behaviour
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if behaviour == .neverRead || { if case .slow = behaviour { return true } else { return false } }() {
            // A printer's buffer is a few kilobytes, not the kernel's default window of 128 KB.
            var small: Int32 = 2048
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard ok, listen(fd, 16) == 0 else {
            close(fd)
            throw Failure(description: "bind/listen: \(String(cString: strerror(errno)))")
        }
        listener = fd
        port = Int(UInt16(bigEndian: addr.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "stand-in-printer"
        thread.start()
    }

    deinit { stop() }

    /// A port nothing listens on: connections to it are refused.
    public static func refusingPort() throws -> Int {
        let printer = try StandInPrinter()
        let port = printer.port
        printer.stop()
        return port
    }

    /// Every byte received so far, all connections in order of arrival.
    public var received: [UInt8] { lock.withLock { bytes } }
    public var connections: Int { lock.withLock { accepted } }
    /// Bytes a printer would not understand (the stream is parsed as it arrives).
    public var errors: [String] { lock.withLock { parseErrors } }

    public func setBehaviour(_ b: Behaviour) { lock.withLock { behaviour = b } }

    /// The slips received (one per cut), waiting up to `timeout` for at least `count`.
    public func slips(atLeast count: Int, timeout: TimeInterval) throws -> [MonoBitmap] {
        let until = Date().addingTimeInterval(timeout)
        while true {
            // Bytes still arriving end mid-command: decoded again once more are in.
            do {
                let decoded = try EscPosDecoder.decode(received)
                if decoded.slips.count >= count || Date() >= until { return decoded.slips }
            } catch {
                if Date() >= until { throw error }
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    public func stop() {
        // Once only: the accept loop closes the listener after a stop, and its number may
        // belong to another test's socket by the time a second stop (deinit) comes.
        // Under the lock: a connection's thread closes its socket only after leaving the list.
        // The listener too: the accept loop closes it only after seeing `stopped`, which it
        // reads under this lock, so its number cannot belong to another socket yet.
        lock.withLock {
            guard !stopped else { return }
            stopped = true
            for s in openSockets { shutdown(s, Int32(SHUT_RDWR)) }
            shutdown(listener, Int32(SHUT_RDWR))
        }
    }

    private func acceptLoop() {
        defer { close(listener) }
        while !lock.withLock({ stopped }) {
            var p = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 100) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            let mode: Behaviour = lock.withLock {
                accepted += 1
                openSockets.append(client)
                return behaviour
            }
            let thread = Thread { [self] in serve(client, mode) }
            thread.start()
        }
    }

    private func serve(_ fd: Int32, _ mode: Behaviour) {
        defer {
            lock.withLock { openSockets.removeAll { $0 == fd } }
            close(fd)
        }
        if mode == .neverRead {
            while !lock.withLock({ stopped }) { usleep(50_000) }
            return
        }
        var total = 0
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !lock.withLock({ stopped }) {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 100) > 0 else { continue }
            var want = chunk.count
            if case .closeAfter(let limit) = mode { want = min(want, limit - total) }
            if case .slow(let rate) = mode {
                want = min(want, 1024)
                usleep(UInt32(1_000_000 * want / max(1, rate)))
            }
            if want <= 0 { return }
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, want) }
            if n <= 0 { return }
            total += n
            // Command by command, as a printer's interpreter does: a status query is answered
            // when it is complete, never matched inside raster data. Like a printer's, the
            // interpreter outlives the connection: an image cut off by one job swallows the
            // start of the next unless something completes it.
            var answers: [UInt8] = []
            lock.withLock {
                bytes += chunk[..<n]
                pending += chunk[..<n]
                do {
                    while let (command, length) = try EscPosDecoder.command(at: pending[...]) {
                        pending.removeFirst(length)
                        if case .status(let q) = command, let a = answer(q, mode) { answers.append(a) }
                    }
                } catch {
                    parseErrors.append("\(error)")
                    pending.removeAll()
                }
            }
            for a in answers {
                var b = a
                _ = send(fd, &b, 1, Int32(MSG_NOSIGNAL))
            }
        }
    }

    private func answer(_ n: UInt8, _ mode: Behaviour) -> UInt8? {
        switch (mode, n) {
        case (.silent, _): nil
        case (.outOfPaper, 2): 0x12 | 0x20
        case (.outOfPaper, 4): 0x12 | 0x60
        case (.coverOpen, 2): 0x12 | 0x04
        case (.paperLow, 4): 0x12 | 0x0C
        default: 0x12
        }
    }
}
