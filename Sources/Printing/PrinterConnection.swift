import Foundation
import Glibc
import KioskCore

/// A point on the monotonic clock by which something must be done: a wall clock set back by
/// NTP can neither stretch nor cut a printer's time.
struct Deadline {
    let at: Double

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    init(seconds: Double) { at = Deadline.now() + seconds }

    /// Milliseconds left, at most `cap`, never negative (poll's timeout).
    func millis(cap: Int = .max) -> Int32 { Int32(max(0, min(Double(cap), (at - Deadline.now()) * 1000).rounded(.up))) }
    var passed: Bool { Deadline.now() >= at }
}

/// One open line to the printer for one job: a TCP socket to a network printer's raw port, or
/// a device file. Everything is non-blocking and bounded by a deadline, so a printer that is
/// off, hung or unplugged costs the worker a few seconds and never the guard.
final class PrinterConnection {
    private let fd: Int32
    let label: String
    private let isSocket: Bool
    /// Whether answers can be read back (a FIFO or a write-only device cannot).
    private let canRead: Bool

    private init(fd: Int32, label: String, isSocket: Bool, canRead: Bool) {
        self.fd = fd
        self.label = label
        self.isSocket = isSocket
        self.canRead = canRead
    }

    deinit { Glibc.close(fd) }

    static func open(_ device: PrinterSettings.Device, deadline: Deadline) throws(PrintingError) -> PrinterConnection {
        switch device {
        case .tcp(let host, let port): try connect(host: host, port: port, label: device.description, deadline: deadline)
        case .file(let path): try openFile(path)
        }
    }

    private static func connect(host: String, port: Int, label: String, deadline: Deadline) throws(PrintingError) -> PrinterConnection {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let list else {
            throw .unreachable(device: label, why: String(cString: gai_strerror(rc)))
        }
        defer { freeaddrinfo(list) }
        var lastError: PrintingError = .unreachable(device: label, why: "no address")
        var next: UnsafeMutablePointer<addrinfo>? = list
        while let ai = next {
            next = ai.pointee.ai_next
            let fd = socket(ai.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { continue }
            // A small send buffer: a printer that stops reading is noticed within the job's
            // deadline instead of the kernel swallowing the whole slip.
            var buffer: Int32 = 16 * 1024
            setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer, socklen_t(MemoryLayout<Int32>.size))
            if Glibc.connect(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0 {
                return PrinterConnection(fd: fd, label: label, isSocket: true, canRead: true)
            }
            guard errno == EINPROGRESS else {
                lastError = errno == ECONNREFUSED ? .refused(device: label) : .unreachable(device: label, why: String(cString: strerror(errno)))
                Glibc.close(fd)
                continue
            }
            var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&p, 1, deadline.millis())
            var soError: Int32 = 0
            var len = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &len)
            if ready > 0, soError == 0 {
                return PrinterConnection(fd: fd, label: label, isSocket: true, canRead: true)
            }
            Glibc.close(fd)
            if ready == 0 {
                lastError = .unreachable(device: label, why: "no answer within the deadline")
            } else {
                lastError = soError == ECONNREFUSED ? .refused(device: label) : .unreachable(device: label, why: String(cString: strerror(soError)))
            }
        }
        throw lastError
    }

    private static func openFile(_ path: String) throws(PrintingError) -> PrinterConnection {
        var st = stat()
        guard stat(path, &st) == 0 else { throw .missing(device: path, why: String(cString: strerror(errno))) }
        let type = st.st_mode & S_IFMT
        // A regular file or a folder here is a typo, and writing raster bytes into it would
        // damage whatever it is (the log, a key).
        guard type == S_IFCHR || type == S_IFIFO else { throw .notADevice(path) }
        // This process's own output (/dev/stdout, /proc/self/fd/1, the guard's /dev/tty):
        // raster bytes there would be written over the screen or into a pipe.
        for own in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] {
            var o = stat()
            if fstat(own, &o) == 0, o.st_dev == st.st_dev, o.st_ino == st.st_ino { throw .notADevice(path) }
        }
        if path == "/dev/tty" || path.hasPrefix("/proc/self/") || path.hasPrefix("/dev/fd/") { throw .notADevice(path) }
        if type == S_IFIFO {
            // Read-write on a FIFO would make the kiosk its own reader.
            let fd = Glibc.open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else {
                throw .missing(device: path, why: errno == ENXIO ? "nothing is reading it" : String(cString: strerror(errno)))
            }
            return PrinterConnection(fd: fd, label: path, isSocket: false, canRead: false)
        }
        var fd = Glibc.open(path, O_RDWR | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        var canRead = true
        if fd < 0 {
            fd = Glibc.open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
            canRead = false
        }
        guard fd >= 0 else { throw .missing(device: path, why: String(cString: strerror(errno))) }
        return PrinterConnection(fd: fd, label: path, isSocket: false, canRead: canRead)
    }

    enum Answer: Equatable {
        case byte(UInt8)
        /// Nothing within the time allowed (many printers never answer over a FIFO or USB).
        case silent
        /// The other end hung up.
        case closed
    }

    /// `DLE EOT n` and the printer's one-byte answer, waiting at most `millis`. Anything but
    /// status bytes (a web server's "HTTP/1.1 400", zeros from /dev/zero) is no receipt printer.
    func status(_ n: UInt8, millis: Int32) throws(PrintingError) -> Answer {
        try status(n, stall: Double(millis) / 1000, moving: false)
    }

    /// The same, after a job: the answer comes once the printer has read everything before
    /// it, so the wait goes on while bytes still leave our send queue (a slow printer).
    func status(_ n: UInt8, stall: Double, progress: () -> Void = {}) throws(PrintingError) -> Answer {
        try status(n, stall: stall, moving: true, progress: progress)
    }

    private func status(_ n: UInt8, stall: Double, moving: Bool, progress: () -> Void = {}) throws(PrintingError) -> Answer {
        let query = EscPos.statusQuery(n)
        var deadline = Deadline(seconds: stall)
        try send(query, stall: stall)
        guard canRead else { return .silent }
        var buffer = [UInt8](repeating: 0, count: 64)
        var queued = queuedBytes()
        while true {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, min(deadline.millis(), moving ? 200 : Int32.max))
            if ready == 0 {
                if moving, isSocket {
                    let now = queuedBytes()
                    if now < queued {
                        queued = now
                        deadline = Deadline(seconds: stall)
                        progress()
                    }
                }
                if deadline.passed { return .silent }
                continue
            }
            guard ready > 0 else { return .silent }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            // A device with no way back (a plain USB-serial cable, /dev/null) reads as the end.
            if n == 0 { return isSocket ? .closed : .silent }
            if n < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                return errno == ECONNRESET ? .closed : .silent
            }
            let got = buffer[..<n]
            guard got.allSatisfy(EscPos.Status.isStatusByte), let answer = got.last else {
                throw .failed(device: label, why: "it does not answer like an ESC/POS receipt printer; check the address and port")
            }
            return .byte(answer)
        }
    }

    /// Writes all of `bytes`, failing when the printer takes nothing for `stall` seconds: a
    /// long slip (or five copies) on a slow printer takes as long as it takes while it moves.
    /// `progress` is told after every write that got through.
    func send(_ bytes: [UInt8], stall: Double, progress: () -> Void = {}) throws(PrintingError) {
        var offset = 0
        var waitUntil = Deadline(seconds: stall)
        var lastChance = false
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                isSocket
                    ? Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                    : write(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if n > 0 {
                offset += n
                waitUntil = Deadline(seconds: stall)
                lastChance = false
                progress()
                continue
            }
            let e = errno
            if n < 0, e == EINTR { continue }
            if n < 0, e == EAGAIN {
                // Out of time only when the device still takes nothing: a write is tried once
                // more after the wait, so a slow line that moves a byte is not a dead one.
                if lastChance { throw isSocket ? .notReading(device: label) : .unreachable(device: label, why: "it takes no data") }
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                if poll(&p, 1, waitUntil.millis()) <= 0 || waitUntil.passed { lastChance = true }
                continue
            }
            if e == EPIPE || e == ECONNRESET { throw .closed(device: label) }
            throw .failed(device: label, why: String(cString: strerror(e)))
        }
    }

    /// Bytes still in our send queue (not yet acknowledged by the printer); 0 for a device.
    private func queuedBytes() -> Int32 {
        guard isSocket else { return 0 }
        var queued: Int32 = 0
        _ = ioctl(fd, UInt(TIOCOUTQ), &queued)
        return queued
    }

    /// For a printer that gives no status: waits until its TCP stack has acknowledged every
    /// byte (nothing left in our send queue) and checks it did not hang up meanwhile.
    func drained(stall: Double) throws(PrintingError) {
        guard isSocket else { return }
        let deadline = Deadline(seconds: stall)
        var lastQueued: Int32 = -1
        var moved = deadline
        while true {
            var p = pollfd(fd: fd, events: Int16(POLLIN) | pollReadHangUp, revents: 0)
            _ = poll(&p, 1, 0)
            var soError: Int32 = 0
            var len = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &len)
            if soError != 0 || p.revents & (Int16(POLLERR) | Int16(POLLHUP) | pollReadHangUp) != 0 { throw .closed(device: label) }
            var queued: Int32 = 0
            _ = ioctl(fd, UInt(TIOCOUTQ), &queued)
            if queued == 0 { return }
            if queued != lastQueued {
                lastQueued = queued
                moved = Deadline(seconds: stall)
            }
            if moved.passed { throw .notReading(device: label) }
            usleep(10_000)
        }
    }
}

/// `POLLRDHUP` (Linux): the peer hung up; Glibc's module map hides it behind _GNU_SOURCE.
private let pollReadHangUp: Int16 = 0x2000
