import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The physical limit of durable check-ins on this disk: one `write` of a record-sized block
/// and one `fsync` per record, appended to a file, with nothing else. No database can commit
/// one record at a time faster than this, so the Gate and sqlite3 figures are read against it.
enum FsyncProbe {
    /// Records per second over `count` appends of `recordSize` bytes to a new file at `path`.
    static func rate(count: Int, recordSize: Int, path: String) throws -> Double {
        let fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw BenchFailure("\(path): \(String(cString: strerror(errno)))") }
        defer {
            close(fd)
            unlink(path)
        }
        let record = [UInt8](repeating: UInt8(ascii: "x"), count: recordSize)
        var failure: String?
        let seconds = Stopwatch.seconds {
            for _ in 0..<count {
                let written = record.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if written != recordSize || fsync(fd) != 0 {
                    failure = String(cString: strerror(errno))
                    return
                }
            }
        }
        if let failure { throw BenchFailure("\(path): write+fsync failed: \(failure)") }
        return Double(count) / seconds
    }
}
