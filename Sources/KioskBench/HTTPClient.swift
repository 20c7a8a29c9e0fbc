import Foundation
import Glibc

/// A minimal HTTP/1.1 keep-alive client over a POSIX socket: enough to drive the self
/// check-in server from several threads without a client library's own overhead.
final class HTTPConnection {
    private let fd: Int32
    private var buffer: [UInt8] = []

    /// `source`: the loopback address to connect from (127.0.0.2, …), so that each client is
    /// its own phone to the server's per-address rate limit, as real phones are.
    init(port: Int, source: String? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchFailure("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else {
                close(fd)
                throw BenchFailure("bind \(source): \(String(cString: strerror(errno)))")
            }
        }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard r == 0 else {
            close(fd)
            throw BenchFailure("connect 127.0.0.1:\(port): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(fd) }

    /// One request and its whole response, parsed on bytes: the clients share the machine
    /// with the server, and String parsing of every page was CPU taken from the server.
    func send(_ method: String, _ path: String, body: String? = nil) throws -> (status: Int, body: [UInt8]) {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: kiosk-bench\r\n"
        let bytes = Array((body ?? "").utf8)
        if body != nil { head += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(bytes.count)\r\n" }
        let out = Array((head + "\r\n").utf8) + bytes
        var sent = 0
        while sent < out.count {
            let n = out[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw BenchFailure("write: \(String(cString: strerror(errno)))") }
            sent += n
        }
        // Headers, then Content-Length bytes of body.
        var found = Bytes.find([13, 10, 13, 10], in: buffer)
        while found == nil {
            try fill()
            found = Bytes.find([13, 10, 13, 10], in: buffer)
        }
        guard let headerEnd = found else { throw BenchFailure("no response headers") }
        let headers = Array(buffer[0..<headerEnd])
        var length = 0
        if let at = Bytes.find(Array("\r\ncontent-length:".utf8), in: headers, ignoringCase: true) {
            var i = at + 17
            while i < headers.count, headers[i] == 0x20 { i += 1 }
            while i < headers.count, (0x30...0x39).contains(headers[i]) {
                length = length * 10 + Int(headers[i] - 0x30)
                i += 1
            }
        }
        let start = headerEnd + 4
        while buffer.count < start + length { try fill() }
        // `HTTP/1.1 200 OK`: the three digits after the first space.
        var status = 0
        if let space = headers.firstIndex(of: 0x20), space + 3 < headers.count {
            for b in headers[(space + 1)...(space + 3)] where (0x30...0x39).contains(b) { status = status * 10 + Int(b - 0x30) }
        }
        let responseBody = Array(buffer[start..<(start + length)])
        buffer.removeFirst(start + length)
        return (status, responseBody)
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 16384)
        let n = read(fd, &chunk, chunk.count)
        guard n > 0 else { throw BenchFailure("the server closed the connection") }
        buffer += chunk[0..<n]
    }
}

/// Byte searches for the bench's HTTP client.
enum Bytes {
    /// The first position of `needle` in `haystack` (ASCII case folded when asked).
    static func find(_ needle: [UInt8], in haystack: [UInt8], ignoringCase: Bool = false) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        func lower(_ b: UInt8) -> UInt8 { ignoringCase && (0x41...0x5A).contains(b) ? b + 0x20 : b }
        return haystack.withUnsafeBufferPointer { h in
            outer: for i in 0...(h.count - needle.count) {
                for j in 0..<needle.count where lower(h[i + j]) != needle[j] { continue outer }
                return i
            }
            return nil
        }
    }

    /// The text between `prefix` and the next `end` byte, if `prefix` is there.
    static func value(after prefix: String, until end: UInt8, in haystack: [UInt8]) -> String? {
        let p = Array(prefix.utf8)
        guard let at = find(p, in: haystack) else { return nil }
        let start = at + p.count
        guard let stop = haystack[start...].firstIndex(of: end) else { return nil }
        return String(decoding: haystack[start..<stop], as: UTF8.self)
    }
}
