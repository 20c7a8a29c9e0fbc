import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The visitor's self check-in in a real browser: `kiosk serve` on a sandbox copy of the
/// sample kiosk.conf (`poster_token = none`, so the venue URL needs no token), a phone played
/// by headless Chromium through Tests/Browser/checkin_form.py (Debian `chromium` and
/// `chromium-driver`, PyPI `selenium`; `make test` installs them when missing; a missing one
/// fails this test, it is never skipped), then the guard's side from the command line:
/// `kiosk list --json`, `kiosk scan KIN:<code>`, `kiosk audit`.
///
/// Test artifacts (kept after the run, overwritten by the next one), in `.build/test-artifacts/`:
/// - `self-checkin.png`: the confirmation as the phone showed it (code, `KIN:` QR, short name);
/// - `self-checkin-form.png`: the end of the filled-in form, just before submitting.
@Suite(.serialized) struct BrowserCheckinTests {
    static let name = "Nguyễn Thị Ánh Tuyết"
    static let organisation = "Công ty Cổ phần Đồng Xuân"
    static let host = "Phòng Kế toán"
    static let purpose = "Họp quyết toán quý"
    static let phone = "0912 345 678"

    @Test("A phone fills in the form in Vietnamese in Chromium; the visit waits, the guard scans its KIN: code")
    func selfCheckInInChromium() throws {
        let script = try Self.packageFile("Tests/Browser/checkin_form.py")
        let artifacts = try Self.artifactsDir()
        let screenshot = artifacts + "/self-checkin.png"
        let formShot = artifacts + "/self-checkin-form.png"
        for stale in [screenshot, formShot, artifacts + "/self-checkin-failure.png"] {
            try? FileManager.default.removeItem(atPath: stale)
        }
        for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver"] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw E2EError("\(tool) is missing: run `make setup` (apt packages chromium chromium-driver)")
        }

        let box = try Sandbox(language: "vi")
        let server = try ServedKiosk(box)
        defer { server.kill() }

        // The phone, at the URL the venue QR carries (with 127.0.0.1 for kiosk.local:8080).
        let url = "http://127.0.0.1:\(server.port)/c/demo-hq?g=main"
        let python = try Tool.path("python3")
        let browser = try ProcessRunner.run(
            python,
            [
                script, "--url", url, "--screenshot", screenshot, "--form-screenshot", formShot,
                "--name", Self.name, "--phone", Self.phone, "--organisation", Self.organisation,
                "--host", Self.host, "--purpose", Self.purpose, "--answer", "Không",
                "--width", "390", "--height", "844", "--pixel-ratio", "3",
            ],
            timeout: 180)
        guard browser.status == 0, !browser.timedOut, let last = browser.lines.last else {
            throw E2EError("the browser run failed (see \(artifacts)/self-checkin-failure.png): \(browser)\n--- server:\n\(server.process.summary)")
        }
        let report = try JSON.object(last)
        guard let code = report["code"] as? String, looksLikeCode(code) else {
            throw E2EError("the browser printed no entry code: \(browser)")
        }
        #expect(report["short_name"] as? String == "Nguyễn T. Á. T.", "\(report)")
        #expect((report["csp_violations"] as? [Any])?.isEmpty == true, "\(report)")
        // The console holds nothing but the favicon every browser asks for (the server has none).
        let errors = (report["console_errors"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
        #expect(errors.allSatisfy { $0.contains("/favicon.ico") }, "console errors: \(errors)")

        // The screenshot: a PNG of the phone's screen (390×844 at 3×), its QR readable.
        let png = try contents(screenshot)
        let size = try Self.pngSize(png)
        #expect(size.width == 1170 && size.height == 2532, "screenshot is \(size.width)×\(size.height)")
        #expect(try Self.zbar(screenshot) == "KIN:\(code)")
        #expect(try Self.pngSize(try contents(formShot)).width == 1170)

        // Recorded, pending until the guard confirms.
        let pending = try box.list().filter { ($0["name"] as? String)?.precomposedStringWithCanonicalMapping == Self.name }
        #expect(pending.count == 1, "\(pending)")
        let visit = try #require(pending.first)
        #expect(visit["code"] as? String == code)
        #expect(visit["status"] as? String == "pending", "\(visit)")
        #expect(visit["method"] as? String == "self-service", "\(visit)")
        #expect(visit["gate"] as? String == "main", "\(visit)")
        #expect((visit["organisation"] as? String)?.precomposedStringWithCanonicalMapping == Self.organisation, "\(visit)")
        #expect((visit["host"] as? String)?.precomposedStringWithCanonicalMapping == Self.host, "\(visit)")
        #expect(try box.list(inside: true).isEmpty, "a pending visit is not inside yet")

        // The guard scans the QR on the phone.
        let scan = try box.run(["scan", "KIN:\(code)"], now: "2026-11-29T08:02:00+07:00")
        #expect(scan.status == 0, "\(scan)")
        let after = try box.list(now: "2026-11-29T08:02:00+07:00").first { $0["code"] as? String == code }
        #expect(after?["status"] as? String == "inside", "\(String(describing: after))")
        #expect(try box.list(inside: true, now: "2026-11-29T08:02:00+07:00").map { $0["code"] as? String } == [code])

        let audit = try box.audit()
        #expect(audit.status == 0, "\(audit.result)")

        // SIGTERM: the server stops cleanly.
        let stopped = server.stop()
        #expect(stopped, "kiosk serve should exit 0 on SIGTERM: \(server.process.summary)")
    }

    // MARK: Helpers

    static func packageFile(_ relative: String) throws -> String {
        guard let root = KioskBinary.packageRoot() else { throw E2EError("cannot find the package root") }
        let path = root + "/" + relative
        guard FileManager.default.fileExists(atPath: path) else { throw E2EError("\(path) is missing") }
        return path
    }

    /// `.build/test-artifacts` under the package root, created when missing.
    static func artifactsDir() throws -> String {
        guard let root = KioskBinary.packageRoot() else { throw E2EError("cannot find the package root") }
        let dir = root + "/.build/test-artifacts"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Width and height from a PNG's IHDR; fails unless the bytes are a PNG.
    static func pngSize(_ data: Data) throws -> (width: Int, height: Int) {
        let bytes = [UInt8](data.prefix(24))
        guard bytes.count == 24, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
            bytes[12..<16] == [0x49, 0x48, 0x44, 0x52]
        else { throw E2EError("not a PNG (\(data.count) bytes)") }
        func be32(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (be32(16), be32(20))
    }

    static func zbar(_ file: String) throws -> String {
        let r = try ProcessRunner.run(
            try Tool.path("zbarimg"), ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", file], timeout: 60)
        guard r.status == 0 else { throw E2EError("zbarimg could not read \(file) (install zbar-tools with make test): \(r)") }
        return r.stdout.trimmingCharacters(in: .newlines)
    }
}

/// `kiosk serve --listen 127.0.0.1:<free port>` on a sandbox, with the sandbox's pinned
/// clock, up once GET /healthz answers.
final class ServedKiosk {
    let process: BackgroundProcess
    let port: Int

    init(_ box: Sandbox, attempts: Int = 3) throws {
        var lastFailure = ""
        for _ in 0..<attempts {
            let port = try Self.freePort()
            let p = try BackgroundProcess(
                box.binary, ["serve", "--listen", "127.0.0.1:\(port)", "--config", box.configPath],
                environment: ["KIOSK_NOW": box.now])
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline, p.process.isRunning {
                if let reply = Self.get(port: port, path: "/healthz"), reply.status == 200, reply.body == "ok" {
                    self.process = p
                    self.port = port
                    return
                }
                usleep(50_000)
            }
            // Gone (the port was taken between the probe and the bind) or never answering.
            lastFailure = p.summary
            p.send(signal: SIGKILL)
            p.wait(timeout: 10)
        }
        throw E2EError("kiosk serve did not answer GET /healthz:\n\(lastFailure)")
    }

    /// SIGTERM, then true if it exited with status 0 within 15 s.
    func stop() -> Bool {
        process.send(signal: SIGTERM)
        guard process.wait(timeout: 15) else { return false }
        return process.terminationReason == .exit && process.terminationStatus == 0
    }

    func kill() {
        if process.process.isRunning {
            process.send(signal: SIGKILL)
            process.wait(timeout: 10)
        }
    }

    /// A port nobody listens on now: bind port 0 on the loopback and read back what it got.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw E2EError("socket: errno \(errno)") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) }
        }
        guard bound == 0 else { throw E2EError("bind: errno \(errno)") }
        let named = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        guard named == 0 else { throw E2EError("getsockname: errno \(errno)") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// A plain HTTP/1.0 GET on the loopback; nil when nothing answers.
    static func get(port: Int, path: String) -> (status: Int, body: String)? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        let request = Array("GET \(path) HTTP/1.0\r\nHost: 127.0.0.1:\(port)\r\n\r\n".utf8)
        guard send(fd, request, request.count, 0) == request.count else { return nil }
        var reply = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { break }
            reply += chunk[0..<n]
        }
        let text = String(decoding: reply, as: UTF8.self)
        guard text.hasPrefix("HTTP/1."), let headEnd = text.range(of: "\r\n\r\n") else { return nil }
        let statusLine = text[..<(text.firstIndex(of: "\r") ?? text.endIndex)].split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        return (status, String(text[headEnd.upperBound...]))
    }
}
