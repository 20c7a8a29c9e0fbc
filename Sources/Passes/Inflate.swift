import CZlib

/// zlib decompression with a ceiling: a scanned code is at most 8 KiB, so more than
/// 64 KiB out means a zlib bomb, refused before the memory is spent.
public enum Inflate {
    public static let maxOutput = 64 * 1024

    public enum Failure: Error, Equatable, Sendable {
        case invalidData(String)
        case tooLarge(limit: Int)
        case truncated
    }

    public static func zlib(_ input: [UInt8], limit: Int = maxOutput) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        guard kiosk_inflate_init(&stream) == Z_OK else { throw .invalidData("inflateInit failed") }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: min(limit, max(1024, input.count * 4)))
        var produced = 0
        var status: Int32 = Z_OK
        var source = input
        let result: Failure? = source.withUnsafeMutableBufferPointer { inBuf -> Failure? in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = uInt(inBuf.count)
            while true {
                if produced == output.count {
                    guard output.count < limit else { return .tooLarge(limit: limit) }
                    output += [UInt8](repeating: 0, count: min(limit - output.count, output.count))
                }
                status = output.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress! + produced
                    stream.avail_out = uInt(outBuf.count - produced)
                    let r = inflate(&stream, Z_NO_FLUSH)
                    produced = outBuf.count - Int(stream.avail_out)
                    return r
                }
                switch status {
                case Z_STREAM_END: return nil
                case Z_OK: continue
                case Z_BUF_ERROR:
                    if stream.avail_in == 0 { return .truncated }
                    continue
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    return .invalidData(message)
                }
            }
        }
        if let result { throw result }
        return Array(output[0..<produced])
    }
}
