import Foundation
import Testing
@testable import Records

#if canImport(Glibc)
import Glibc
#endif

/// How `SecureFiles` writes each kind of destination (issue 21, item 13): only new paths and
/// regular files are replaced; devices and FIFOs are written into and stay what they are.
@Suite struct OutputDestinationUnitTests {
    func type(_ path: String) -> mode_t? {
        var st = stat()
        return lstat(path, &st) == 0 ? st.st_mode & S_IFMT : nil
    }

    @Test func kindsOfDestination() throws {
        let dir = TempDir()
        let file = dir.path + "/file", link = dir.path + "/link", fifo = dir.path + "/fifo"
        #expect(FileManager.default.createFile(atPath: file, contents: Data()))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: file)
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(try SecureFiles.destination(of: dir.path + "/new") == .replace(dir.path + "/new"))
        #expect(try SecureFiles.destination(of: file) == .replace(file))
        let real = try #require(realpath(file, nil))
        defer { free(real) }
        #expect(try SecureFiles.destination(of: link) == .replace(String(cString: real)))
        #expect(try SecureFiles.destination(of: fifo) == .stream)
        #expect(try SecureFiles.destination(of: "/dev/null") == .stream)
        #expect(try SecureFiles.destination(of: "/dev/stdout") == .stream)
        #expect(throws: SecureFiles.Failure.self) { try SecureFiles.destination(of: dir.path) }
        #expect(throws: SecureFiles.Failure.self) { try SecureFiles.destination(of: dir.path + "/new/") }
        #expect(throws: SecureFiles.Failure.self) { try SecureFiles.destination(of: "/dev/kiosk-no-such-device") }
    }

    /// A copy of /dev/null made with mknod (never the real one: a broken writer would
    /// replace it for the whole machine). Needs root, as CI runs the tests.
    @Test func writingToADeviceLeavesItADeviceWithItsMode() throws {
        try #require(geteuid() == 0, "mknod needs root; the FIFO test covers streaming otherwise")
        let dir = TempDir()
        let device = dir.path + "/null"
        #expect(mknod(device, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0)
        var st = stat()
        #expect(stat(device, &st) == 0)
        let before = st.st_mode & 0o777
        try SecureFiles.writeAtomically(Array("nothing personal".utf8), to: device, mode: 0o600)
        try SecureFiles.writeAtomically(Array("a poster".utf8), to: device, mode: 0o644)
        #expect(type(device) == S_IFCHR)
        #expect(stat(device, &st) == 0 && st.st_mode & 0o777 == before, "the device's mode was changed")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["null"], "no temporary file left")
    }

    @Test func writingToAFIFODeliversTheBytesAndKeepsTheFIFO() throws {
        let dir = TempDir()
        let fifo = dir.path + "/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let received = LockedBytes()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let fd = open(fifo, O_RDONLY)
            var buffer = [UInt8](repeating: 0, count: 4096)
            while fd >= 0 {
                let n = read(fd, &buffer, buffer.count)
                if n <= 0 { break }
                received.append(buffer[0..<n])
            }
            if fd >= 0 { close(fd) }
            done.signal()
        }
        let payload = Array((0..<200_000).map { UInt8(truncatingIfNeeded: $0) })
        try SecureFiles.writeAtomically(payload, to: fifo)
        if done.wait(timeout: .now() + 5) == .timedOut {
            // Nothing was written into the FIFO: free the reader if the FIFO is still there.
            let w = open(fifo, O_WRONLY | O_NONBLOCK)
            if w >= 0 { close(w) }
        }
        #expect(received.bytes == payload)
        #expect(type(fifo) == S_IFIFO)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["fifo"], "no temporary file left")
    }

    @Test func aLinkToAFileReplacesTheFileAndKeepsTheLink() throws {
        let dir = TempDir()
        let file = dir.path + "/file", link = dir.path + "/link"
        #expect(FileManager.default.createFile(atPath: file, contents: Data("old".utf8)))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "file")
        try SecureFiles.writeAtomically(Array("new".utf8), to: link)
        #expect(type(link) == S_IFLNK)
        #expect(FileManager.default.contents(atPath: file) == Data("new".utf8))
        #expect(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int == 0o600)
    }

    @Test func refusalsSayWhatIsWrong() throws {
        let dir = TempDir()
        let dangling = dir.path + "/dangling"
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: dir.path + "/missing/x")
        for (path, words) in [
            (dir.path, "is a folder"), (dangling, "symbolic link to a file that does not exist"),
            (dir.path + "/missing/x", "the folder does not exist"), ("/etc/hostname/x", "not a folder"),
        ] {
            do {
                try SecureFiles.writeAtomically([1], to: path)
                Issue.record("\(path) was written")
            } catch let f as SecureFiles.Failure {
                #expect(f.reason.contains(words), "\(path): \(f.reason)")
            }
        }
        #expect(type(dangling) == S_IFLNK)
    }

    /// Review of issue 21: `/dev/..` in a path skipped the type checks (a disk device was
    /// opened), and a file reached through `/proc/self/cwd` was streamed into, keeping its
    /// 0644 mode with personal data inside.
    @Test func aPathIsJudgedByWhatItNamesNotHowItIsSpelt() throws {
        try #require(geteuid() == 0, "mknod of a block device needs root, as CI has")
        let dir = TempDir()
        let blk = dir.path + "/blk"
        #expect(mknod(blk, S_IFBLK | 0o600, dev_t((250 << 8) | 250)) == 0)
        for path in [blk, "/dev/.." + blk] {
            do {
                try SecureFiles.writeAtomically([1], to: path)
                Issue.record("\(path) was written")
            } catch let f as SecureFiles.Failure {
                #expect(f.reason.contains("disk device"), "\(path): \(f.reason)")
            }
        }
        let file = dir.path + "/public.csv"
        FileManager.default.createFile(atPath: file, contents: Data("old".utf8), attributes: [.posixPermissions: 0o644])
        // Through a /proc magic link to the same file (the review used /proc/self/cwd; the
        // root link needs no change of the process's folder, which other tests share).
        try SecureFiles.writeAtomically(Array("new".utf8), to: "/proc/self/root" + file)
        let attrs = try FileManager.default.attributesOfItem(atPath: file)
        #expect((attrs[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(FileManager.default.contents(atPath: file) == Data("new".utf8))
        #expect(throws: SecureFiles.Failure.self) { try SecureFiles.writeAtomically([1], to: "/dev/kiosk-test-should-not-exist") }
        #expect(!FileManager.default.fileExists(atPath: "/dev/kiosk-test-should-not-exist"))
    }

    @Test func publicModeOnlyWhenAsked() throws {
        let dir = TempDir()
        try SecureFiles.writeAtomically([1], to: dir.path + "/private")
        try SecureFiles.writeAtomically([1], to: dir.path + "/public", mode: 0o644)
        #expect(try FileManager.default.attributesOfItem(atPath: dir.path + "/private")[.posixPermissions] as? Int == 0o600)
        #expect(try FileManager.default.attributesOfItem(atPath: dir.path + "/public")[.posixPermissions] as? Int == 0o644)
    }
}

final class LockedBytes: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [UInt8] = []
    func append(_ more: ArraySlice<UInt8>) {
        lock.lock()
        stored.append(contentsOf: more)
        lock.unlock()
    }
    var bytes: [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
