import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Files that hold personal data or keys: folders 0700, files 0600, written whole or not at
/// all (temporary file, fsync, rename), so a crash or a full disk never leaves half a file.
public enum SecureFiles {
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// Creates the folder and any missing parents; new folders are 0700.
    public static func makeDirectory(_ path: String) throws {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            if isDir.boolValue { return }
            throw Failure(path: path, reason: "exists and is not a folder")
        }
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw Failure(path: path, reason: describe(errno: errno, fallback: "cannot create the folder"))
        }
    }

    /// Makes sure a file exists with mode 0600 before a library opens it.
    public static func touchPrivate(_ path: String) throws {
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        if fd < 0 {
            // A read-only file or folder is reported by whoever tries to write it.
            if errno == EACCES || errno == EROFS { return }
            throw Failure(path: path, reason: describe(errno: errno, fallback: "cannot create the file"))
        }
        close(fd)
    }

    /// Streams bytes to `path` through a temporary file in the same folder; the file appears
    /// under its name only once it is complete and on disk.
    public final class AtomicWriter {
        public let path: String
        let tempPath: String
        var fd: Int32
        var buffer: [UInt8] = []
        var failed: Failure?
        public private(set) var bytesWritten = 0

        public init(path: String) throws {
            self.path = path
            let dir = (path as NSString).deletingLastPathComponent
            let base = (path as NSString).lastPathComponent
            tempPath = (dir.isEmpty ? "." : dir) + "/." + base + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            fd = open(tempPath, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
            if fd < 0 {
                throw Failure(path: path, reason: describe(errno: errno, fallback: "cannot write here"))
            }
            buffer.reserveCapacity(1 << 16)
        }

        public func write(_ bytes: [UInt8]) throws {
            buffer.append(contentsOf: bytes)
            if buffer.count >= 1 << 16 { try flush() }
        }

        public func write(_ text: String) throws {
            buffer.append(contentsOf: text.utf8)
            if buffer.count >= 1 << 16 { try flush() }
        }

        func flush() throws {
            if let failed { throw failed }
            var offset = 0
            while offset < buffer.count {
                let n = buffer.withUnsafeBytes { raw in
                    Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                }
                if n < 0 {
                    if errno == EINTR { continue }
                    let f = Failure(path: path, reason: describe(errno: errno, fallback: "write failed"))
                    failed = f
                    throw f
                }
                offset += n
            }
            bytesWritten += buffer.count
            buffer.removeAll(keepingCapacity: true)
        }

        /// Flushes, fsyncs and renames into place; mode 0600.
        public func commit() throws {
            try flush()
            if fsync(fd) != 0 {
                let f = Failure(path: path, reason: describe(errno: errno, fallback: "fsync failed"))
                abandon()
                throw f
            }
            close(fd)
            fd = -1
            if rename(tempPath, path) != 0 {
                let f = Failure(path: path, reason: describe(errno: errno, fallback: "rename failed"))
                unlink(tempPath)
                throw f
            }
            let dir = (path as NSString).deletingLastPathComponent
            let dfd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if dfd >= 0 {
                fsync(dfd)
                close(dfd)
            }
        }

        /// Removes the temporary file; the target is left as it was.
        public func abandon() {
            if fd >= 0 {
                close(fd)
                fd = -1
            }
            unlink(tempPath)
        }

        deinit {
            if fd >= 0 { abandon() }
        }
    }

    /// Writes a small file whole (keys, checksums). Private (0600) unless a `mode` says
    /// otherwise, as for posters, which carry nothing personal.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600) throws {
        let w = try AtomicWriter(path: path)
        do {
            try w.write(bytes)
            if mode != 0o600 { fchmod(w.fd, mode) }
            try w.commit()
        } catch {
            w.abandon()
            throw error
        }
    }

    static func describe(errno code: Int32, fallback: String) -> String {
        switch code {
        case ENOSPC: return "the disk is full; free some space and try again"
        case EACCES, EPERM: return "permission denied; check the folder's permissions"
        case EROFS: return "the file system is read-only"
        case ENOENT: return "the folder does not exist"
        case ENOTDIR: return "a part of the path is not a folder"
        default:
            if let s = strerror(code) { return "\(fallback) (\(String(cString: s)))" }
            return fallback
        }
    }
}
