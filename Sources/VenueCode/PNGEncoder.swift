import CZlib

/// A minimal PNG writer for greyscale images (1- or 8-bit): IHDR, one zlib IDAT, IEND.
/// Everything the kiosk draws is black on white, so greyscale loses nothing and is much
/// smaller and faster to write than cairo's 32-bit RGB PNG.
public enum PNGEncoder {
    /// `scanlines` holds each row's packed bytes without the filter byte.
    public static func greyscale(width: Int, height: Int, bitDepth: UInt8, rowBytes: Int, level: Int32 = 6,
        fill: (_ row: Int, _ line: UnsafeMutableBufferPointer<UInt8>) -> Void) throws(VenueCodeError) -> [UInt8] {
        var raw = [UInt8](repeating: 0, count: (rowBytes + 1) * height)
        raw.withUnsafeMutableBufferPointer { buffer in
            for y in 0..<height {
                let start = y * (rowBytes + 1)
                buffer[start] = 0  // filter: none
                fill(y, UnsafeMutableBufferPointer(rebasing: buffer[(start + 1)..<(start + 1 + rowBytes)]))
            }
        }
        var compressedSize = compressBound(uLong(raw.count))
        var compressed = [UInt8](repeating: 0, count: Int(compressedSize))
        let status = compressed.withUnsafeMutableBufferPointer { out in
            raw.withUnsafeBufferPointer { input in
                compress2(out.baseAddress, &compressedSize, input.baseAddress, uLong(input.count), level)
            }
        }
        guard status == Z_OK else { throw .renderFailed(what: "PNG", status: "zlib error \(status)") }
        compressed.removeLast(compressed.count - Int(compressedSize))

        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        func chunk(_ type: String, _ data: [UInt8]) {
            png += bigEndian(UInt32(data.count))
            let body = Array(type.utf8) + data
            png += body
            let crc = body.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
            png += bigEndian(UInt32(crc))
        }
        // Bit depth, colour type 0 (greyscale), deflate, adaptive filtering, no interlace.
        chunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [bitDepth, 0, 0, 0, 0])
        chunk("IDAT", compressed)
        chunk("IEND", [])
        return png
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }
}
