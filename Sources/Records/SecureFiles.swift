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

    /// How a destination is written: replaced whole through a temporary file (a new path or
    /// a regular file), or streamed into in place (a character device such as `/dev/null`, a
    /// FIFO, a terminal, `/dev/stdout`), which must never be replaced by a file.
    enum Destination: Equatable {
        /// Rename a finished temporary file over this path (a symlink's target, resolved).
        case replace(String)
        /// Open without creating and write in place.
        case stream
    }

    /// Decides how `path` is written, or says why it cannot be.
    ///
    /// Symbolic links are followed: a link to a regular file has that file replaced (the
    /// link stays a link), a link to a device or FIFO is streamed into, a link to nothing is
    /// refused rather than replaced by a file. The process's own streams (`/dev/stdout`,
    /// `/dev/fd/N`, `/proc/self/fd/N`) are streamed into, whatever they are. Everything else
    /// is judged by what it is, not by how its path is spelt: a disk device is refused under
    /// any name (`/dev/../tmp/blk`), and a regular file reached through `/proc/self/cwd` is
    /// replaced whole with mode 0600 like any other (the review of issue 21 found both).
    /// The folder a path names a file in ("." for a bare name). Split by hand: Foundation's
    /// `deletingLastPathComponent` trapped on a one-letter name (`--output x`).
    public static func parentFolder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func destination(of path: String) throws -> Destination {
        if path.hasSuffix("/") { throw Failure(path: path, reason: "names a folder; give a file name") }
        if standardStream(path) != nil { return .stream }
        guard let own = try kind(stat: path, follow: false) else {
            // A new file, but never one made under /dev or /proc.
            let parent = parentFolder(of: path)
            if let real = realpath(parent, nil) {
                let dir = String(cString: real)
                free(real)
                if ["/dev", "/proc"].contains(where: { dir == $0 || dir.hasPrefix($0 + "/") }) {
                    throw Failure(path: path, reason: "does not exist; files are not created under /dev or /proc")
                }
            }
            return .replace(path)
        }
        var type = own
        var target = path
        if own == S_IFLNK {
            guard let followed = try kind(stat: path, follow: true) else {
                throw Failure(path: path, reason: "is a symbolic link to a file that does not exist; remove the link or give another name")
            }
            type = followed
            if type == S_IFREG {
                guard let real = realpath(path, nil) else {
                    throw Failure(path: path, reason: describe(errno: errno, fallback: "cannot follow the link"))
                }
                target = String(cString: real)
                free(real)
            }
        }
        switch type {
        case S_IFREG: return .replace(target)
        case S_IFDIR: throw Failure(path: path, reason: "is a folder; give a file name inside it")
        case S_IFCHR, S_IFIFO: return .stream
        case S_IFBLK: throw Failure(path: path, reason: "is a disk device; refusing to write over it")
        default: throw Failure(path: path, reason: "is a socket or another special file; give a file name")
        }
    }

    /// The descriptor a path names in this process: `/dev/stdout`, `/dev/stderr`,
    /// `/dev/fd/N`, `/proc/self/fd/N`.
    static func standardStream(_ path: String) -> Int32? {
        switch path {
        case "/dev/stdout": return 1
        case "/dev/stderr": return 2
        default:
            for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
                return Int32(path.dropFirst(prefix.count))
            }
            return nil
        }
    }

    /// The file type bits of `path` (`S_IFREG`, …), nil when nothing is there.
    private static func kind(stat path: String, follow: Bool) throws -> mode_t? {
        var st = stat()
        let rc = follow ? stat(path, &st) : lstat(path, &st)
        if rc == 0 { return st.st_mode & S_IFMT }
        if errno == ENOENT { return nil }
        throw Failure(path: path, reason: describe(errno: errno, fallback: "cannot look at the path"))
    }

    /// Writes bytes to `path`, the one way every file the kiosk writes is written.
    ///
    /// A new path or a regular file is written through a temporary file in the same folder,
    /// fsynced and renamed into place: the file appears under its name only once it is
    /// complete and on disk, with `mode` (0600 unless the content is public). A device, FIFO or
    /// terminal is opened as it is and streamed into, never replaced: `--output /dev/null`
    /// run as root must not turn /dev/null into a regular file.
    public final class AtomicWriter {
        public let path: String
        /// The temporary file, nil when streaming.
        let tempPath: String?
        /// Where the temporary file is renamed to (a followed symlink's target).
        let target: String
        var fd: Int32
        var buffer: [UInt8] = []
        var failed: Failure?
        public private(set) var bytesWritten = 0

        public init(path: String, mode: mode_t = 0o600) throws {
            self.path = path
            switch try SecureFiles.destination(of: path) {
            case .stream:
                tempPath = nil
                target = path
                if let inherited = SecureFiles.standardStream(path) {
                    // The process's own descriptor, shared rather than reopened: reopening a
                    // redirected stdout would start at offset 0 (over what is printed after)
                    // and ignore the shell's `>>`.
                    fd = fcntl(inherited, F_DUPFD_CLOEXEC, 0)
                } else {
                    // No O_CREAT: what is written into must already be there, as it was.
                    fd = open(path, O_WRONLY | O_TRUNC | O_NOCTTY | O_CLOEXEC)
                }
            case .replace(let resolved):
                target = resolved
                let dir = parentFolder(of: resolved)
                let base = (resolved as NSString).lastPathComponent
                let temp = (dir.isEmpty ? "." : dir) + "/." + base + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
                tempPath = temp
                fd = open(temp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, mode)
                // The umask may have taken bits away; public files must really be public.
                if fd >= 0 { fchmod(fd, mode) }
            }
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

        /// Flushes, and either fsyncs and renames into place, or (streaming) closes.
        public func commit() throws {
            try flush()
            guard let tempPath else {
                // A regular file reached through /dev/stdout is worth an fsync; a pipe or a
                // device cannot take one.
                var st = stat()
                if fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG, fsync(fd) != 0 {
                    let f = Failure(path: path, reason: describe(errno: errno, fallback: "fsync failed"))
                    abandon()
                    throw f
                }
                close(fd)
                fd = -1
                return
            }
            if fsync(fd) != 0 {
                let f = Failure(path: path, reason: describe(errno: errno, fallback: "fsync failed"))
                abandon()
                throw f
            }
            close(fd)
            fd = -1
            // Checked again just before the rename: something other than a regular file may
            // have appeared under the name meanwhile, and it must not be replaced either.
            var st = stat()
            if lstat(target, &st) == 0, st.st_mode & S_IFMT != S_IFREG {
                unlink(tempPath)
                throw Failure(path: path, reason: "is no longer a regular file; nothing was written")
            }
            if rename(tempPath, target) != 0 {
                let f = Failure(path: path, reason: describe(errno: errno, fallback: "rename failed"))
                unlink(tempPath)
                throw f
            }
            let dir = parentFolder(of: target)
            let dfd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if dfd >= 0 {
                fsync(dfd)
                close(dfd)
            }
        }

        /// Removes the temporary file; the target is left as it was. (When streaming, what was
        /// already written into the device or FIFO stays there.)
        public func abandon() {
            if fd >= 0 {
                close(fd)
                fd = -1
            }
            if let tempPath { unlink(tempPath) }
        }

        deinit {
            if fd >= 0 { abandon() }
        }
    }

    /// Writes a small file whole (keys, checksums, images). Private (0600) unless a `mode`
    /// says otherwise, as for posters, which carry nothing personal.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600) throws {
        let w = try AtomicWriter(path: path, mode: mode)
        do {
            try w.write(bytes)
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
