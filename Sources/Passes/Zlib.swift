import CZlib

/// zlib compression for the codes the kiosk issues (invitations).
public enum Deflate {
    public static func zlib(_ input: [UInt8]) -> [UInt8] {
        var size = compressBound(uLong(input.count))
        var out = [UInt8](repeating: 0, count: Int(size))
        let status = out.withUnsafeMutableBufferPointer { o in
            input.withUnsafeBufferPointer { i in compress2(o.baseAddress, &size, i.baseAddress, uLong(i.count), Z_BEST_COMPRESSION) }
        }
        // compress2 fails only for lack of memory or a too-small buffer, neither possible here.
        precondition(status == Z_OK, "compress2 failed with \(status)")
        return Array(out.prefix(Int(size)))
    }
}
