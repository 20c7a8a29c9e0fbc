import Foundation
import Glibc

/// The guard terminal's log file (`[ui] log_file`), 0600: start, stop, scans by kind and
/// outcome, errors. Never names, id numbers or phones; never the screen.
public final class TerminalLog: @unchecked Sendable {
    private let fd: Int32
    private let lock = NSLock()
    private let formatter: ISO8601DateFormatter

    public init?(path: String) {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]) }
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    }

    deinit { close(fd) }

    public var fileDescriptor: Int32 { fd }

    public func write(_ line: String) {
        let text = formatter.string(from: Date()) + " " + line.filter { !$0.isNewline } + "\n"
        lock.lock()
        defer { lock.unlock() }
        _ = text.withCString { Glibc.write(fd, $0, strlen($0)) }
    }
}
