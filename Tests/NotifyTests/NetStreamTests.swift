import Foundation
import Glibc
@testable import Notify
import Testing

/// NetStream against real servers on 127.0.0.1: a Python echo server (plain with STARTTLS, or
/// TLS from the first byte) with a self-signed certificate made for the test, and bare sockets
/// for the servers that refuse or never answer. Every port is picked by the kernel.
@Suite struct NetStreamTests {
    @Test func plainLinesEchoOverAHostName() throws {
        let server = try EchoServer(mode: .plain)
        defer { server.stop() }
        // By name: the lookup runs on its own thread (where "localhost" is also ::1, on which
        // nothing listens, the next address is tried).
        let stream = try NetStream.connect(host: "localhost", port: server.port, timeout: 5)
        defer { stream.close() }
        try stream.write(Array("hello\r\n".utf8), timeout: 5)
        #expect(try stream.readLine(max: 100, timeout: 5) == "hello")
        try stream.write(Array("bare LF\n".utf8), timeout: 5)
        #expect(try stream.readLine(max: 100, timeout: 5) == "bare LF")
    }

    @Test func startTLSWithTheCAFileVerifiesAndRoundTrips() throws {
        let server = try EchoServer(mode: .plain)
        defer { server.stop() }
        let stream = try NetStream.connect(host: "127.0.0.1", port: server.port, timeout: 5)
        defer { stream.close() }
        try stream.write(Array("STARTTLS\r\n".utf8), timeout: 5)
        #expect(try stream.readLine(max: 100, timeout: 5) == "220 ready to start TLS")
        try stream.startTLS(serverName: "localhost", caFile: server.certificate, timeout: 5)
        try stream.write(Array("secret\r\n".utf8), timeout: 5)
        #expect(try stream.readLine(max: 100, timeout: 5) == "secret")
        // More than one TLS record each way.
        let long = String(repeating: "0123456789", count: 10_000)
        try stream.write(Array("\(long)\r\n".utf8), timeout: 5)
        #expect(try stream.readLine(max: 200_000, timeout: 5) == long)
        // close_notify from the server: a clean end of the stream.
        try stream.write(Array("BYE\r\n".utf8), timeout: 5)
        #expect(try stream.read(max: 100, timeout: 5) == [])
    }

    @Test func tlsFromTheStartChecksAnIPAddressAgainstTheCertificate() throws {
        let server = try EchoServer(mode: .tls)
        defer { server.stop() }
        let stream = try NetStream.connect(host: "127.0.0.1", port: server.port, timeout: 5)
        defer { stream.close() }
        try stream.startTLS(serverName: "127.0.0.1", caFile: server.certificate, timeout: 5)
        try stream.write(Array("over https\r\n".utf8), timeout: 5)
        var got: [UInt8] = []
        while !got.contains(UInt8(ascii: "\n")) {
            let chunk = try stream.read(max: 4, timeout: 5)
            try #require(!chunk.isEmpty && chunk.count <= 4)
            got += chunk
        }
        #expect(String(decoding: got, as: UTF8.self) == "over https\r\n")
    }

    @Test func theSystemStoreDoesNotTrustASelfSignedCertificate() throws {
        let server = try EchoServer(mode: .tls)
        defer { server.stop() }
        let stream = try NetStream.connect(host: "127.0.0.1", port: server.port, timeout: 5)
        defer { stream.close() }
        let error = #expect(throws: NetError.self) {
            try stream.startTLS(serverName: "localhost", caFile: nil, timeout: 5)
        }
        guard case .tls(let why) = error else {
            Issue.record("expected a TLS error, got \(String(describing: error))")
            return
        }
        #expect(why.contains("certificate verify failed: self-signed certificate"), "\(why)")
        #expect(why.contains("localhost") && why.contains("ca_file"), "\(why)")
        // Neither plain text nor a second handshake can follow a failed one.
        #expect(throws: NetError.closed) { try stream.write(Array("x\r\n".utf8), timeout: 1) }
    }

    @Test func aCertificateForAnotherNameIsRefused() throws {
        let server = try EchoServer(mode: .tls)
        defer { server.stop() }
        let stream = try NetStream.connect(host: "127.0.0.1", port: server.port, timeout: 5)
        defer { stream.close() }
        let error = #expect(throws: NetError.self) {
            try stream.startTLS(serverName: "mail.example.com", caFile: server.certificate, timeout: 5)
        }
        guard case .tls(let why) = error else {
            Issue.record("expected a TLS error, got \(String(describing: error))")
            return
        }
        #expect(why.contains("not for mail.example.com") && why.contains("certificate verify failed"), "\(why)")
    }

    @Test func aCAFileThatCannotBeReadIsNamed() throws {
        let server = try EchoServer(mode: .tls)
        defer { server.stop() }
        let stream = try NetStream.connect(host: "127.0.0.1", port: server.port, timeout: 5)
        defer { stream.close() }
        let error = #expect(throws: NetError.self) {
            try stream.startTLS(serverName: "localhost", caFile: "/nonexistent/ca.pem", timeout: 5)
        }
        #expect(error?.description.contains("/nonexistent/ca.pem") == true, "\(String(describing: error))")
    }

    /// Bytes after the STARTTLS reply and before the handshake were not asked for (the
    /// command-injection attacks on STARTTLS); they must not be read as if they were encrypted.
    @Test func dataBeforeTheHandshakeIsRefused() throws {
        let server = try EchoServer(mode: .plain)
        defer { server.stop() }
        let stream = try NetStream.connect(host: "127.0.0.1", port: server.port, timeout: 5)
        defer { stream.close() }
        try stream.write(Array("INJECT\r\n".utf8), timeout: 5)
        #expect(try stream.readLine(max: 100, timeout: 5) == "220 ready to start TLS")
        // Both lines arrive in one segment; wait until the second is surely buffered.
        let error = #expect(throws: NetError.self) {
            try stream.startTLS(serverName: "localhost", caFile: server.certificate, timeout: 5)
        }
        guard case .tls(let why) = error else {
            Issue.record("expected a TLS error, got \(String(describing: error))")
            return
        }
        #expect(why.contains("before the TLS handshake"), "\(why)")
    }

    @Test func aServerThatDoesNotSpeakTLSIsNamedAsSuch() throws {
        let server = try EchoServer(mode: .greeting)
        defer { server.stop() }
        let stream = try NetStream.connect(host: "127.0.0.1", port: server.port, timeout: 5)
        defer { stream.close() }
        let error = #expect(throws: NetError.self) {
            try stream.startTLS(serverName: "localhost", caFile: server.certificate, timeout: 5)
        }
        guard case .tls(let why) = error else {
            Issue.record("expected a TLS error, got \(String(describing: error))")
            return
        }
        #expect(why.contains("did not answer in TLS"), "\(why)")
    }

    @Test func aClosedPortFailsFast() throws {
        let port = try freePort()
        let started = ContinuousClock.now
        let error = #expect(throws: NetError.self) { try NetStream.connect(host: "127.0.0.1", port: port, timeout: 5) }
        #expect(ContinuousClock.now - started < .seconds(1))
        guard case .connect(let host, let gotPort, let why) = error else {
            Issue.record("expected a connect error, got \(String(describing: error))")
            return
        }
        #expect(host == "127.0.0.1" && gotPort == port && why.contains("refused"))
    }

    @Test func badHostsAndPortsAreRefusedBeforeConnecting() {
        #expect(throws: NetError.self) { try NetStream.connect(host: "127.0.0.1", port: 0, timeout: 1) }
        #expect(throws: NetError.self) { try NetStream.connect(host: "127.0.0.1", port: 70_000, timeout: 1) }
        let error = #expect(throws: NetError.self) { try NetStream.connect(host: "", port: 25, timeout: 1) }
        guard case .resolve = error else {
            Issue.record("expected a resolve error, got \(String(describing: error))")
            return
        }
    }

    /// The kernel completes the TCP handshake for a listener that never accepts, so these
    /// waits are for a server that took the connection and then says nothing.
    @Test func aServerThatNeverAnswersTimesOutOnTime() throws {
        let listener = try SilentListener()
        defer { listener.close() }
        let stream = try NetStream.connect(host: "127.0.0.1", port: listener.port, timeout: 5)
        defer { stream.close() }
        var started = ContinuousClock.now
        let error = #expect(throws: NetError.self) { try stream.readLine(max: 100, timeout: 0.5) }
        var took = ContinuousClock.now - started
        #expect(took >= .milliseconds(450) && took < .seconds(3), "\(took)")
        guard case .timedOut(let what) = error else {
            Issue.record("expected a timeout, got \(String(describing: error))")
            return
        }
        #expect(what.contains("127.0.0.1:\(listener.port)"))

        started = ContinuousClock.now
        let handshake = #expect(throws: NetError.self) {
            try stream.startTLS(serverName: "localhost", caFile: nil, timeout: 0.5)
        }
        took = ContinuousClock.now - started
        #expect(took >= .milliseconds(450) && took < .seconds(3), "\(took)")
        guard case .timedOut(let waitingFor) = handshake else {
            Issue.record("expected a timeout, got \(String(describing: handshake))")
            return
        }
        #expect(waitingFor.contains("TLS handshake"))
    }

    @Test func aLineOverTheLimitIsRefused() throws {
        let server = try EchoServer(mode: .plain)
        defer { server.stop() }
        let stream = try NetStream.connect(host: "127.0.0.1", port: server.port, timeout: 5)
        defer { stream.close() }
        try stream.write(Array("LONG 512\r\n".utf8), timeout: 5)
        #expect(try stream.readLine(max: 512, timeout: 5).count == 512)
        try stream.write(Array("LONG 513\r\n".utf8), timeout: 5)
        #expect(throws: NetError.lineTooLong) { try stream.readLine(max: 512, timeout: 5) }

        // A line with no end at all is refused as soon as it is too long, not at the deadline.
        let other = try NetStream.connect(host: "127.0.0.1", port: server.port, timeout: 5)
        defer { other.close() }
        try other.write(Array("ENDLESS\r\n".utf8), timeout: 5)
        let started = ContinuousClock.now
        #expect(throws: NetError.lineTooLong) { try other.readLine(max: 1000, timeout: 10) }
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    /// Synchronous on purpose: SIGPIPE is blocked on this thread only, so a SIGPIPE the stream
    /// raised shows as pending here (Linux keeps blocked signals even when they are ignored)
    /// instead of killing the test runner; whatever the process's disposition, it is checked.
    @Test(arguments: [EchoServer.Mode.plain, .tls])
    func aPeerHangingUpMidWriteIsAnErrorNotASignal(mode: EchoServer.Mode) throws {
        let server = try EchoServer(mode: mode)
        defer { server.stop() }
        let stream = try NetStream.connect(host: "127.0.0.1", port: server.port, timeout: 5)
        defer { stream.close() }
        if mode == .tls { try stream.startTLS(serverName: "localhost", caFile: server.certificate, timeout: 5) }

        var block = sigset_t()
        var previous = sigset_t()
        sigemptyset(&block)
        sigaddset(&block, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &block, &previous)
        defer {
            var zero = timespec()
            while sigtimedwait(&block, nil, &zero) == SIGPIPE {}
            pthread_sigmask(SIG_SETMASK, &previous, nil)
        }

        try stream.write(Array("CLOSE\r\n".utf8), timeout: 5)
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 64 * 1024)
        var failure: NetError?
        for _ in 0..<1000 {
            do throws(NetError) {
                try stream.write(chunk, timeout: 5)
            } catch {
                failure = error
                break
            }
        }
        #expect(failure == .closed)
        // The first write after a reset reports the reset (ECONNRESET); the next ones find the
        // connection gone (EPIPE), which is the one that raises SIGPIPE.
        #expect(throws: NetError.closed) { try stream.write(chunk, timeout: 5) }
        var pending = sigset_t()
        sigpending(&pending)
        #expect(sigismember(&pending, SIGPIPE) == 0, "the write raised SIGPIPE")
    }
}

// MARK: Servers

/// The Python echo server in a process of its own, with a fresh self-signed certificate for
/// localhost and 127.0.0.1. It exits when its stdin closes, so a test runner that dies leaves
/// nothing behind.
final class EchoServer {
    enum Mode: String, Sendable, CustomStringConvertible {
        /// Plain text until STARTTLS (SMTP's way).
        case plain
        /// TLS from the first byte (https's way).
        case tls
        /// Plain text that starts with a greeting, as an SMTP relay does.
        case greeting
        var description: String { rawValue }
    }

    private(set) var port = 0
    let certificate: String
    private let directory: URL
    private let process = Process()
    private let input = Pipe()

    init(mode: Mode) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("netstream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        do {
            try run("openssl", [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", certificate,
            ])
            let script = directory.appendingPathComponent("echo_server.py")
            try EchoServer.script.write(to: script, atomically: true, encoding: .utf8)
            let errors = directory.appendingPathComponent("stderr.txt")
            _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", script.path, mode.rawValue, certificate, key]
            process.standardInput = input
            let output = Pipe()
            process.standardOutput = output
            process.standardError = try FileHandle(forWritingTo: errors)
            try process.run()
            // The first line is the port the kernel gave it; EOF before it means it failed.
            var line = Data()
            while !line.contains(UInt8(ascii: "\n")) {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                line.append(chunk)
            }
            guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
                process.waitUntilExit()
                let why = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
                throw TestFailure("the echo server did not start: \(why)")
            }
            self.port = port
        } catch {
            stop()
            throw error
        }
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    private func run(_ tool: String, _ arguments: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [tool] + arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw TestFailure("\(tool) failed (\(p.terminationStatus))") }
    }

    /// Line commands: STARTTLS (reply, then handshake), INJECT (a STARTTLS reply with a line
    /// too many), LONG n (a line of n bytes), ENDLESS (bytes with no line end, forever),
    /// CLOSE (hang up at once, with a reset), BYE (close_notify over TLS, then hang up);
    /// anything else is echoed.
    static let script = #"""
    import os, socket, ssl, struct, sys, threading

    mode, cert, key = sys.argv[1], sys.argv[2], sys.argv[3]
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)

    def serve(conn):
        try:
            if mode == "tls":
                conn = context.wrap_socket(conn, server_side=True)
            elif mode == "greeting":
                conn.sendall(b"220 relay.example ESMTP ready\r\n")
            pending = b""
            while True:
                while b"\n" not in pending:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    pending += chunk
                line, pending = pending.split(b"\n", 1)
                line = line.rstrip(b"\r")
                if line == b"STARTTLS":
                    conn.sendall(b"220 ready to start TLS\r\n")
                    conn = context.wrap_socket(conn, server_side=True)
                elif line == b"INJECT":
                    conn.sendall(b"220 ready to start TLS\r\n250 injected\r\n")
                elif line.startswith(b"LONG "):
                    conn.sendall(b"x" * int(line[5:]) + b"\r\n")
                elif line == b"ENDLESS":
                    while True:
                        conn.sendall(b"y" * 4096)
                elif line == b"CLOSE":
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return
                elif line == b"BYE":
                    if isinstance(conn, ssl.SSLSocket):
                        conn = conn.unwrap()
                    return
                else:
                    conn.sendall(line + b"\r\n")
        except (OSError, ValueError):
            pass
        finally:
            conn.close()

    def accept():
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    print(listener.getsockname()[1], flush=True)
    sys.stdin.read()
    os._exit(0)
    """#
}

/// A listening socket that never accepts: connections complete (the kernel's backlog) and
/// then hear nothing.
final class SilentListener {
    private var fd: Int32
    let port: Int

    init() throws {
        (fd, port) = try listeningSocket()
    }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }
}

/// A port nothing listens on: the kernel picks it, and it is closed again at once.
func freePort() throws -> Int {
    let (fd, port) = try listeningSocket()
    Glibc.close(fd)
    return port
}

private func listeningSocket() throws -> (Int32, Int) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { throw TestFailure("socket: \(String(cString: strerror(errno)))") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
            bind(fd, sa, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, sa, &length) == 0
        }
    }
    guard ok else {
        Glibc.close(fd)
        throw TestFailure("cannot listen on 127.0.0.1: \(String(cString: strerror(errno)))")
    }
    return (fd, Int(UInt16(bigEndian: address.sin_port)))
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
