import CSSL
import Foundation
import Glibc

/// A point on the monotonic clock by which something must be done: a wall clock set back by
/// NTP can neither stretch nor cut a relay's time. (Printing's `Deadline`, which is internal there.)
struct NetDeadline {
    let at: Double

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// A negative or NaN timeout means "no time at all" rather than a trap or a wait forever.
    init(seconds: Double) { at = NetDeadline.now() + (seconds > 0 ? seconds : 0) }
    init(at: Double) { self.at = at }

    var remaining: Double { max(0, at - NetDeadline.now()) }
    /// poll's timeout: never negative (which would mean forever), never past Int32.
    var millis: Int32 { Int32(min(Double(Int32.max), (remaining * 1000).rounded(.up))) }
    var passed: Bool { NetDeadline.now() >= at }
}

/// A client connection with every operation bounded by a deadline (monotonic clock).
///
/// The socket is non-blocking and every wait is a poll() bounded by the caller's deadline, so a
/// relay or webhook server that hangs costs the notification worker its timeout and never more.
/// TLS runs over memory BIOs: OpenSSL never touches the socket, every byte goes through this
/// class's own send (MSG_NOSIGNAL, so a peer hanging up is an error, never a SIGPIPE) and recv
/// (the same deadline-bounded polls as plain text).
///
/// Not thread-safe: one stream belongs to one worker thread at a time.
final class NetStream {
    let host: String
    let port: Int
    private var fd: Int32
    private var ctx: OpaquePointer?
    private var ssl: OpaquePointer?
    /// Owned by `ssl` (SSL_set_bio), kept here only to move bytes in and out.
    private var networkIn: OpaquePointer?
    private var networkOut: OpaquePointer?
    /// Received bytes not yet handed out (plain text, or decrypted), from `head` on.
    private var buffer: [UInt8] = []
    private var head = 0
    private var scratch = [UInt8](repeating: 0, count: 16 * 1024)

    private init(fd: Int32, host: String, port: Int) {
        self.fd = fd
        self.host = host
        self.port = port
    }

    deinit { close() }

    private var label: String { NetError.hostPort(host, port) }

    // MARK: Connecting

    /// Connects by host name or numeric address (getaddrinfo, every address tried, non-blocking connect + poll).
    static func connect(host: String, port: Int, timeout: Double) throws(NetError) -> NetStream {
        let deadline = NetDeadline(seconds: timeout)
        guard (1...65535).contains(port) else {
            throw .connect(host: host, port: port, why: "the port must be between 1 and 65535")
        }
        let addresses = try resolve(host: host, port: port, deadline: deadline)
        var refused = false
        var timedOut = false
        var lastWhy = "no usable address"
        for (index, address) in addresses.enumerated() {
            // Each address gets its share of what is left (the last one all of it), so a dead
            // IPv6 route listed first cannot use up the whole time before IPv4 is tried.
            let share = deadline.remaining / Double(addresses.count - index)
            let attemptDeadline = NetDeadline(at: min(deadline.at, NetDeadline.now() + share))
            switch attempt(address, deadline: attemptDeadline) {
            case .connected(let fd):
                return NetStream(fd: fd, host: host, port: port)
            case .refused:
                refused = true
            case .timedOut:
                timedOut = true
            case .failed(let why):
                lastWhy = why
            }
        }
        if refused {
            throw .connect(host: host, port: port, why: "connection refused; check the port and that the server is running")
        }
        if timedOut { throw .timedOut("a connection to \(NetError.hostPort(host, port))") }
        throw .connect(host: host, port: port, why: lastWhy)
    }

    /// One resolved address, copied out of getaddrinfo's list so that list can be freed on the
    /// thread that made it.
    private struct Address: Sendable {
        let family: Int32
        let bytes: [UInt8]
    }

    private enum Attempt {
        case connected(Int32), refused, timedOut, failed(String)
    }

    private static func attempt(_ address: Address, deadline: NetDeadline) -> Attempt {
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failed(String(cString: strerror(errno))) }
        // SMTP and HTTP alternate small writes and waits for a reply; Nagle's algorithm would
        // hold a command back for the delayed ACK of the previous one.
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let rc = address.bytes.withUnsafeBytes { raw -> Int32 in
            guard let base = raw.baseAddress else { return -1 }
            return Glibc.connect(fd, base.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
        }
        if rc == 0 { return .connected(fd) }
        let startErrno = errno
        guard startErrno == EINPROGRESS else {
            Glibc.close(fd)
            return startErrno == ECONNREFUSED ? .refused : .failed(String(cString: strerror(startErrno)))
        }
        var ready: Int32
        repeat {
            var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            ready = poll(&p, 1, deadline.millis)
        } while ready < 0 && errno == EINTR
        guard ready > 0 else {
            Glibc.close(fd)
            return .timedOut
        }
        var soError: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &length)
        if soError == 0 { return .connected(fd) }
        Glibc.close(fd)
        return soError == ECONNREFUSED ? .refused : .failed(String(cString: strerror(soError)))
    }

    /// The answer of a lookup running on its own thread, which may outlive the wait for it.
    private final class Lookup: @unchecked Sendable {
        private let lock = NSLock()
        private var result: Result<[Address], NetError>?
        let done = DispatchSemaphore(value: 0)

        func finish(_ value: Result<[Address], NetError>) {
            lock.withLock { result = value }
            done.signal()
        }

        var value: Result<[Address], NetError>? { lock.withLock { result } }
    }

    /// getaddrinfo has no timeout of its own (it waits as long as resolv.conf says, per name
    /// server), so a name is looked up on a thread of its own and waited for until the
    /// deadline; a lookup that answers too late is dropped. Numeric addresses need no thread.
    private static func resolve(host: String, port: Int, deadline: NetDeadline) throws(NetError) -> [Address] {
        guard !host.isEmpty, !host.utf8.contains(0) else { throw .resolve(host: host, why: "no host name given") }
        if case .success(let numeric) = lookUp(host: host, port: port, numericOnly: true) { return numeric }
        let lookup = Lookup()
        let thread = Thread { lookup.finish(lookUp(host: host, port: port, numericOnly: false)) }
        thread.start()
        let waited = lookup.done.wait(timeout: .now() + .milliseconds(Int(deadline.millis)))
        guard waited == .success, let value = lookup.value else {
            throw .timedOut("the name server to find the address of \(host)")
        }
        return try value.get()
    }

    private static func lookUp(host: String, port: Int, numericOnly: Bool) -> Result<[Address], NetError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV | (numericOnly ? AI_NUMERICHOST : AI_ADDRCONFIG)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        let systemErrno = errno
        guard rc == 0, let list else {
            let why = rc == EAI_SYSTEM ? String(cString: strerror(systemErrno)) : String(cString: gai_strerror(rc))
            return .failure(.resolve(host: host, why: why))
        }
        defer { freeaddrinfo(list) }
        var addresses: [Address] = []
        var next: UnsafeMutablePointer<addrinfo>? = list
        while let info = next {
            next = info.pointee.ai_next
            guard let address = info.pointee.ai_addr, info.pointee.ai_addrlen > 0 else { continue }
            let bytes = [UInt8](UnsafeRawBufferPointer(start: address, count: Int(info.pointee.ai_addrlen)))
            addresses.append(Address(family: info.pointee.ai_family, bytes: bytes))
        }
        guard !addresses.isEmpty else { return .failure(.resolve(host: host, why: "no address")) }
        return .success(addresses)
    }

    // MARK: TLS

    /// Upgrades to TLS (after SMTP STARTTLS, or right after connect for https): SNI = serverName, certificate
    /// verified against the system CA store (SSL_CTX_set_default_verify_paths) or, when caFile is given, against
    /// that PEM file only; host name verified (SSL_set1_host / X509_VERIFY_PARAM); TLS 1.2 minimum.
    ///
    /// A failed handshake closes the stream: it can neither go on in plain text nor be retried.
    func startTLS(serverName: String, caFile: String?, timeout: Double) throws(NetError) {
        let deadline = NetDeadline(seconds: timeout)
        guard fd >= 0 else { throw .closed }
        guard ssl == nil else { throw .tls("the connection to \(label) is already encrypted") }
        do {
            try beginTLS(serverName: serverName, caFile: caFile, deadline: deadline)
        } catch {
            close()
            throw error
        }
    }

    private func beginTLS(serverName rawName: String, caFile: String?, deadline: NetDeadline) throws(NetError) {
        // Bytes that came before the handshake but after the server's last reply were not
        // asked for: something on the path may be injecting commands to be read as if they
        // had come encrypted (the STARTTLS injection attacks), so they are not read at all.
        guard head == buffer.count else {
            throw .tls("\(label) sent unexpected data before the TLS handshake (something on the network may be tampering with the connection); not continuing")
        }
        let serverName = rawName.hasSuffix(".") ? String(rawName.dropLast()) : rawName
        guard !serverName.isEmpty, !serverName.utf8.contains(0) else {
            throw .tls("no server name to check the certificate of \(label) against")
        }
        ERR_clear_error()
        guard let ctx = SSL_CTX_new(TLS_client_method()) else { throw .tls("cannot set up TLS: \(NetStream.openSSLError())") }
        self.ctx = ctx
        guard kiosk_ssl_ctx_require_tls12(ctx) == 1 else { throw .tls("cannot require TLS 1.2: \(NetStream.openSSLError())") }
        if let caFile {
            guard access(caFile, R_OK) == 0 else {
                throw .tls("cannot read ca_file \(caFile): \(String(cString: strerror(errno)))")
            }
            guard SSL_CTX_load_verify_locations(ctx, caFile, nil) == 1 else {
                throw .tls("ca_file \(caFile) holds no usable PEM certificate (\(NetStream.openSSLError()))")
            }
        } else if SSL_CTX_set_default_verify_paths(ctx) != 1 {
            throw .tls("cannot load the system's trusted certificates (\(NetStream.openSSLError())); set ca_file")
        }
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)

        guard let ssl = SSL_new(ctx) else { throw .tls("cannot set up TLS: \(NetStream.openSSLError())") }
        self.ssl = ssl
        guard let networkIn = BIO_new(BIO_s_mem()) else { throw .tls("cannot set up TLS: out of memory") }
        guard let networkOut = BIO_new(BIO_s_mem()) else {
            BIO_free(networkIn)
            throw .tls("cannot set up TLS: out of memory")
        }
        // An empty input BIO means "wait for the network", not the end of the stream.
        kiosk_bio_set_mem_eof_return(networkIn, -1)
        SSL_set_bio(ssl, networkIn, networkOut)
        self.networkIn = networkIn
        self.networkOut = networkOut
        kiosk_ssl_allow_moving_write_buffer(ssl)

        if NetStream.isIPAddress(serverName) {
            // An address is checked against the certificate's IP entries, and SNI carries
            // host names only (RFC 6066).
            guard X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), serverName) == 1 else {
                throw .tls("cannot check the certificate against \(serverName): \(NetStream.openSSLError())")
            }
        } else {
            SSL_set_hostflags(ssl, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
            guard SSL_set1_host(ssl, serverName) == 1, kiosk_ssl_set_sni(ssl, serverName) == 1 else {
                throw .tls("cannot use \(serverName) as the server's name: \(NetStream.openSSLError())")
            }
        }
        SSL_set_connect_state(ssl)

        let hungUp = NetError.tls("\(label) closed the connection during the TLS handshake; check the port and whether it wants STARTTLS or TLS from the start")
        let outcome: Outcome
        do throws(NetError) {
            outcome = try drive(deadline: deadline, what: "the TLS handshake with \(label)", failure: { code, reason in
                self.handshakeFailure(ssl: ssl, code: code, reason: reason, serverName: serverName, caFile: caFile)
            }) { SSL_connect(ssl) }
        } catch .closed {
            throw hungUp
        }
        guard case .done = outcome else { throw hungUp }
    }

    private func handshakeFailure(ssl: OpaquePointer, code: Int32, reason: String?, serverName: String, caFile: String?) -> NetError {
        let verify = SSL_get_verify_result(ssl)
        if verify != X509_V_OK {
            let why = String(cString: X509_verify_cert_error_string(verify))
            if verify == X509_V_ERR_HOSTNAME_MISMATCH || verify == X509_V_ERR_IP_ADDRESS_MISMATCH {
                return .tls("the certificate of \(label) is not for \(serverName) (certificate verify failed: \(why)); use the name the certificate was issued for, or fix the server's certificate")
            }
            let fix = caFile.map { "check that ca_file \($0) holds the server's certificate or the CA that issued it" }
                ?? "set ca_file or fix the server's certificate"
            return .tls("certificate for \(serverName) not trusted (certificate verify failed: \(why)); \(fix)")
        }
        let detail = reason ?? "error \(code)"
        var hint = ""
        if detail.contains("wrong version number") || detail.contains("packet length too long") {
            hint = "; the server did not answer in TLS: check the port and whether it wants STARTTLS or TLS from the start"
        } else if detail.contains("unsupported protocol") || detail.contains("no protocols available") {
            hint = "; the server offers only TLS older than 1.2"
        }
        return .tls("handshake with \(label) failed: \(detail)\(hint)")
    }

    private static func isIPAddress(_ name: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, name, &v4) == 1 || inet_pton(AF_INET6, name, &v6) == 1
    }

    /// The first error on this thread's OpenSSL queue (the queue is emptied).
    private static func openSSLError() -> String { takeOpenSSLError() ?? "unknown error" }

    private static func takeOpenSSLError() -> String? {
        var text = [CChar](repeating: 0, count: 256)
        guard kiosk_ssl_take_error(&text, text.count) == 1 else { return nil }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private enum Outcome {
        /// The call succeeded (with its return value) or the peer sent close_notify (0).
        case done(Int32)
        /// The TCP connection ended without close_notify.
        case endOfStream
    }

    /// Runs one OpenSSL call until it completes: whatever it wrote is sent, and when it wants
    /// more, bytes are received into its input BIO, each wait bounded by `deadline`.
    private func drive(
        deadline: NetDeadline, what: @autoclosure () -> String,
        failure: (Int32, String?) -> NetError = { code, reason in .tls(reason ?? "error \(code)") },
        _ call: () -> Int32
    ) throws(NetError) -> Outcome {
        guard let ssl else { throw .closed }
        while true {
            ERR_clear_error()
            let result = call()
            let code = SSL_get_error(ssl, result)
            switch code {
            case SSL_ERROR_NONE:
                try flush(deadline: deadline, what: what())
                return .done(result)
            case SSL_ERROR_ZERO_RETURN:
                return .done(0)
            case SSL_ERROR_WANT_WRITE:
                try flush(deadline: deadline, what: what())
            case SSL_ERROR_WANT_READ:
                try flush(deadline: deadline, what: what())
                guard try receiveIntoTLS(deadline: deadline, what: what()) else { return .endOfStream }
            default:
                let reason = NetStream.takeOpenSSLError()
                // The alert OpenSSL queued tells the server why; no waiting for it.
                flushWithoutWaiting()
                throw failure(code, reason)
            }
        }
    }

    /// Sends everything OpenSSL has written to its output BIO.
    private func flush(deadline: NetDeadline, what: @autoclosure () -> String) throws(NetError) {
        guard let networkOut else { return }
        while kiosk_bio_pending(networkOut) > 0 {
            let count = scratch.withUnsafeMutableBytes { BIO_read(networkOut, $0.baseAddress, Int32($0.count)) }
            guard count > 0 else { return }
            try sendAll(Array(scratch[..<Int(count)]), deadline: deadline, what: what())
        }
    }

    private func flushWithoutWaiting() {
        guard let networkOut, fd >= 0 else { return }
        while kiosk_bio_pending(networkOut) > 0 {
            let count = scratch.withUnsafeMutableBytes { BIO_read(networkOut, $0.baseAddress, Int32($0.count)) }
            guard count > 0 else { return }
            let sent = scratch.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, Int(count), Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            guard sent == Int(count) else { return }
        }
    }

    /// Moves what the network has into OpenSSL's input; false at the end of the TCP stream.
    private func receiveIntoTLS(deadline: NetDeadline, what: @autoclosure () -> String) throws(NetError) -> Bool {
        guard let networkIn else { throw .closed }
        let count = try receive(deadline: deadline, what: what())
        guard count > 0 else { return false }
        let taken = scratch.withUnsafeBytes { BIO_write(networkIn, $0.baseAddress, Int32(count)) }
        guard taken == Int32(count) else { throw .tls("out of memory for data from \(label)") }
        return true
    }

    // MARK: Plain socket

    /// Waits until the socket is ready for `events` (or has an error or hang-up for the next
    /// call to report).
    private func wait(_ events: Int32, deadline: NetDeadline, what: @autoclosure () -> String) throws(NetError) {
        while true {
            var p = pollfd(fd: fd, events: Int16(events), revents: 0)
            let ready = poll(&p, 1, deadline.millis)
            if ready > 0 { return }
            if ready == 0 { throw .timedOut(what()) }
            if errno != EINTR { throw .closed }
        }
    }

    /// One recv into `scratch`: the byte count, 0 at the end of the stream.
    private func receive(deadline: NetDeadline, what: @autoclosure () -> String) throws(NetError) -> Int {
        guard fd >= 0 else { throw .closed }
        while true {
            let count = scratch.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
            if count >= 0 { return count }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: try wait(POLLIN, deadline: deadline, what: what())
            default: throw .closed
            }
        }
    }

    private func sendAll(_ bytes: [UInt8], deadline: NetDeadline, what: @autoclosure () -> String) throws(NetError) {
        guard fd >= 0 else { throw .closed }
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return Glibc.send(fd, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent > 0 {
                offset += sent
                continue
            }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: try wait(POLLOUT, deadline: deadline, what: what())
            default: throw .closed
            }
        }
    }

    // MARK: Reading and writing

    func write(_ bytes: [UInt8], timeout: Double) throws(NetError) {
        let deadline = NetDeadline(seconds: timeout)
        guard fd >= 0 else { throw .closed }
        let what = "\(label) to take the data"
        guard let ssl else { return try sendAll(bytes, deadline: deadline, what: what) }
        var offset = 0
        while offset < bytes.count {
            let chunk = Int32(min(bytes.count - offset, 1 << 30))
            let start = offset
            let outcome = try drive(deadline: deadline, what: what) {
                bytes.withUnsafeBytes { raw in
                    guard let base = raw.baseAddress else { return 0 }
                    return SSL_write(ssl, base + start, chunk)
                }
            }
            // A close_notify or the end of the stream while writing: nobody is reading.
            guard case .done(let written) = outcome, written > 0 else { throw .closed }
            offset += Int(written)
        }
    }

    /// One line ending in CRLF (or LF), without the line end; refuses lines over `max` bytes. Buffered.
    func readLine(max: Int, timeout: Double) throws(NetError) -> String {
        let deadline = NetDeadline(seconds: timeout)
        let limit = Swift.max(0, max)
        var searchFrom = head
        while true {
            if let newline = buffer[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = newline
                if end > head, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                guard end - head <= limit else { throw .lineTooLong }
                let line = String(decoding: buffer[head..<end], as: UTF8.self)
                consume(upTo: newline + 1)
                return line
            }
            // `limit` bytes and a CR may still be followed by the LF; anything longer is not.
            guard buffer.count - head <= limit + 1 else { throw .lineTooLong }
            searchFrom = buffer.count
            guard try fill(deadline: deadline, what: "a reply from \(label)") else { throw .closed }
        }
    }

    /// Up to `max` bytes (at least 1), or [] at a clean end of stream.
    ///
    /// Over TLS, a server that ends the TCP connection without close_notify also ends the
    /// stream here (many web servers do); SMTP and HTTP frame their own messages, so a cut-off
    /// reply still shows as an incomplete one.
    func read(max: Int, timeout: Double) throws(NetError) -> [UInt8] {
        let deadline = NetDeadline(seconds: timeout)
        if head == buffer.count {
            guard try fill(deadline: deadline, what: "data from \(label)") else { return [] }
        }
        let end = head + Swift.min(Swift.max(1, max), buffer.count - head)
        let bytes = Array(buffer[head..<end])
        consume(upTo: end)
        return bytes
    }

    /// Appends what arrives next to `buffer`; false at the end of the stream.
    private func fill(deadline: NetDeadline, what: @autoclosure () -> String) throws(NetError) -> Bool {
        guard fd >= 0 else { throw .closed }
        guard let ssl else {
            let count = try receive(deadline: deadline, what: what())
            buffer.append(contentsOf: scratch[..<count])
            return count > 0
        }
        var plain = [UInt8](repeating: 0, count: 16 * 1024)
        let outcome = try drive(deadline: deadline, what: what()) {
            plain.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
        }
        guard case .done(let count) = outcome, count > 0 else { return false }
        buffer.append(contentsOf: plain[..<Int(count)])
        return true
    }

    private func consume(upTo index: Int) {
        head = index
        if head == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 64 * 1024 {
            buffer.removeFirst(head)
            head = 0
        }
    }

    /// Says goodbye to a TLS peer without waiting for it, then frees everything; the stream
    /// answers `.closed` from then on. Safe to call more than once.
    func close() {
        if let ssl {
            if SSL_is_init_finished(ssl) == 1 {
                ERR_clear_error()
                _ = SSL_shutdown(ssl)
                flushWithoutWaiting()
            }
            SSL_free(ssl)  // and the two BIOs with it
            ERR_clear_error()
        }
        ssl = nil
        networkIn = nil
        networkOut = nil
        if let ctx { SSL_CTX_free(ctx) }
        ctx = nil
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
        buffer = []
        head = 0
    }
}
