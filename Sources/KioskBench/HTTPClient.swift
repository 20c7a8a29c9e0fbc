import Foundation
import Glibc

/// A minimal HTTP/1.1 keep-alive client over a POSIX socket: enough to drive the self
/// check-in server from several threads without a client library's own overhead.
final class HTTPConnection {
    private let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchFailure("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
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

    /// One request and its whole response.
    func send(_ method: String, _ path: String, body: String? = nil) throws -> (status: Int, body: String) {
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
        var found = find([13, 10, 13, 10])
        while found == nil {
            try fill()
            found = find([13, 10, 13, 10])
        }
        guard let headerEnd = found else { throw BenchFailure("no response headers") }
        let headerText = String(decoding: buffer[0..<headerEnd], as: UTF8.self)
        var length = 0
        for line in headerText.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
            length = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
        }
        let start = headerEnd + 4
        while buffer.count < start + length { try fill() }
        let status = Int(headerText.split(separator: " ").dropFirst().first ?? "") ?? 0
        let text = String(decoding: buffer[start..<(start + length)], as: UTF8.self)
        buffer.removeFirst(start + length)
        return (status, text)
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 16384)
        let n = read(fd, &chunk, chunk.count)
        guard n > 0 else { throw BenchFailure("the server closed the connection") }
        buffer += chunk[0..<n]
    }

    private func find(_ needle: [UInt8]) -> Int? {
        guard buffer.count >= needle.count else { return nil }
        for i in 0...(buffer.count - needle.count) where buffer[i] == needle[0] && Array(buffer[i..<(i + needle.count)]) == needle {
            return i
        }
        return nil
    }
}
