import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `--output` onto something that is not a regular file (issue 21, item 13): a device, a
/// FIFO or `/dev/stdout` is written into and stays what it was; a link, a folder or a link to
/// nothing gets a deliberate answer. Files are the built binary's, looked at with stat.
@Suite("output destinations")
struct OutputDestinationTests {
    func type(_ path: String) -> mode_t? {
        var st = stat()
        return lstat(path, &st) == 0 ? st.st_mode & S_IFMT : nil
    }

    func mode(_ path: String) throws -> Int? {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    }

    /// Reads a FIFO to its end on another thread while `body` writes into it. If the writer
    /// never opens it, the test opens it itself afterwards, so the reader always finishes.
    func readFIFO(_ path: String, while body: () throws -> RunResult) throws -> (RunResult, Data) {
        let box = LockedData()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let fd = open(path, O_RDONLY)
            var buffer = [UInt8](repeating: 0, count: 65536)
            while fd >= 0 {
                let n = read(fd, &buffer, buffer.count)
                if n <= 0 { break }
                box.append(buffer[0..<n])
            }
            if fd >= 0 { close(fd) }
            done.signal()
        }
        let result = try body()
        if done.wait(timeout: .now() + 2) == .timedOut {
            let w = open(path, O_WRONLY | O_NONBLOCK)
            if w >= 0 { close(w) }
            // A FIFO replaced by a file leaves the reader waiting on the old node for ever;
            // the test goes on (and fails on the node's type) rather than hanging.
            if done.wait(timeout: .now() + 5) == .timedOut { Issue.record("nothing was written into the FIFO \(path)") }
        }
        return (result, box.data)
    }

    @Test("export and venue-qr into a FIFO: the bytes arrive and the FIFO stays a FIFO")
    func fifo() throws {
        let box = try Sandbox(language: "en")
        try box.checkin("Nguyễn Văn An")
        let reference = box.dir + "/reference.csv"
        #expect(try box.run(["export", "--output", reference]).status == 0)
        let fifo = box.dir + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)

        let (export, bytes) = try readFIFO(fifo) { try box.run(["export", "--output", fifo], timeout: 30) }
        #expect(export.status == 0, "\(export)")
        #expect(type(fifo) == S_IFIFO, "the FIFO was replaced")
        #expect(bytes == (try contents(reference)))

        let svgFile = box.dir + "/reference.svg"
        #expect(try box.run(["venue-qr", "--format", "svg", "--output", svgFile]).status == 0)
        let (qr, svg) = try readFIFO(fifo) { try box.run(["venue-qr", "--format", "svg", "--output", fifo], timeout: 30) }
        #expect(qr.status == 0, "\(qr)")
        #expect(type(fifo) == S_IFIFO)
        #expect(svg == (try contents(svgFile)))
    }

    /// As root (CI), a real character device made with mknod: /dev/null's numbers. Not as
    /// root, the test cannot make one, and says so instead of passing quietly.
    @Test("export, venue-qr and invite --png onto a character device leave it a device")
    func characterDevice() throws {
        try #require(geteuid() == 0, "mknod needs root; the FIFO test covers streaming otherwise")
        let box = try Sandbox(language: "en")
        try box.checkin("Trần Thị Bình")
        let device = box.dir + "/mynull"
        try Tool.run("mknod", [device, "c", "1", "3"])
        #expect(type(device) == S_IFCHR)
        let export = try box.run(["export", "--output", device])
        #expect(export.status == 0, "\(export)")
        #expect(type(device) == S_IFCHR, "export replaced the device with a file")
        // The chain records what was streamed: the rows and the checksum of the bytes.
        let recorded = try box.sql("SELECT payload FROM event WHERE kind = 'export'")
        #expect(recorded.contains("\"rows\":1") && recorded.contains(device), "\(recorded)")
        for args in [["venue-qr", "--format", "png", "--output", device], ["venue-qr", "--poster", "--output", device]] {
            let r = try box.run(args)
            #expect(r.status == 0, "\(r)")
            #expect(type(device) == S_IFCHR, "\(args) replaced the device with a file")
        }
        let invite = try box.run(["invite", "--name", "Lê Văn Cường", "--host", "IT", "--until", "2026-11-30", "--png", device])
        #expect(invite.status == 0, "\(invite)")
        #expect(type(device) == S_IFCHR)
    }

    @Test("--output /dev/stdout streams to standard output")
    func devStdout() throws {
        let box = try Sandbox(language: "en")
        try box.checkin("Lê Văn Cường")
        let r = try box.run(["export", "--output", "/dev/stdout"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("Lê Văn Cường"), "\(r)")
        #expect(r.stdout.hasPrefix("\u{FEFF}code,venue"), "\(r)")
    }

    @Test("a link to a file has its target replaced; a folder or a link to nothing is refused clearly")
    func linksAndFolders() throws {
        let box = try Sandbox(language: "en")
        try box.checkin("Phạm Thị Dung")
        let target = box.dir + "/real.csv", link = box.dir + "/link.csv"
        #expect(FileManager.default.createFile(atPath: target, contents: Data("old".utf8)))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let r = try box.run(["export", "--output", link])
        #expect(r.status == 0, "\(r)")
        #expect(type(link) == S_IFLNK, "the link itself was replaced")
        #expect(String(decoding: try contents(target), as: UTF8.self).contains("Phạm Thị Dung"))
        #expect(try mode(target) == 0o600)

        let dangling = box.dir + "/dangling.csv"
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: box.dir + "/nowhere/x.csv")
        let d = try box.run(["export", "--output", dangling])
        #expect(d.status == 1, "\(d)")
        #expect(d.stderr.contains("symbolic link to a file that does not exist"), "\(d)")
        #expect(type(dangling) == S_IFLNK)

        let folder = box.dir + "/folder"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for args in [["export", "--output", folder], ["venue-qr", "--format", "png", "--output", folder]] {
            let f = try box.run(args)
            #expect(f.status == 1, "\(f)")
            #expect(f.stderr.contains("is a folder"), "\(f)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        }
        let through = try box.run(["export", "--output", target + "/x.csv"])
        #expect(through.status == 1, "\(through)")
        #expect(through.stderr.contains("not a folder"), "\(through)")
    }

    @Test("posters are public, anything personal is private")
    func modes() throws {
        let box = try Sandbox(language: "en")
        let poster = box.dir + "/poster.pdf", qr = box.dir + "/qr.png", custom = box.dir + "/custom.png"
        #expect(try box.run(["venue-qr", "--poster", "--output", poster]).status == 0)
        #expect(try box.run(["venue-qr", "--format", "png", "--output", qr]).status == 0)
        #expect(try box.run(["venue-qr", "--format", "png", "--payload", "Nguyễn Văn An 0912345678", "--output", custom]).status == 0)
        #expect(try mode(poster) == 0o644)
        #expect(try mode(qr) == 0o644)
        #expect(try mode(custom) == 0o600)
        let export = box.dir + "/e.csv"
        #expect(try box.run(["export", "--output", export]).status == 0)
        #expect(try mode(export) == 0o600)
    }
}

/// Bytes gathered by a reader thread.
final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes = Data()
    func append(_ more: ArraySlice<UInt8>) {
        lock.lock()
        bytes.append(contentsOf: more)
        lock.unlock()
    }
    var data: Data {
        lock.lock()
        defer { lock.unlock() }
        return bytes
    }
}
