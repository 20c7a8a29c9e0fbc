import VenueCode

/// A black-and-white picture packed 8 dots to a byte, leftmost dot in the high bit, 1 = black:
/// exactly the layout of ESC/POS raster data (`GS v 0`), so a slip goes to the printer without
/// another copy and comes back from recorded printer bytes unchanged.
public struct MonoBitmap: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public var rowBytes: Int { (width + 7) / 8 }
    public private(set) var bits: [UInt8]

    public init(width: Int, height: Int, bits: [UInt8]? = nil) {
        self.width = max(0, width)
        self.height = max(0, height)
        let count = ((self.width + 7) / 8) * self.height
        if let bits, bits.count == count {
            self.bits = bits
        } else {
            self.bits = [UInt8](repeating: 0, count: count)
        }
    }

    public subscript(x: Int, y: Int) -> Bool {
        get {
            guard x >= 0, y >= 0, x < width, y < height else { return false }
            return bits[y * rowBytes + x / 8] & (0x80 >> UInt8(x % 8)) != 0
        }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            let mask = UInt8(0x80) >> UInt8(x % 8)
            if newValue { bits[y * rowBytes + x / 8] |= mask } else { bits[y * rowBytes + x / 8] &= ~mask }
        }
    }

    /// Rows `from..<to` as raster bytes.
    func rows(_ from: Int, _ to: Int) -> ArraySlice<UInt8> { bits[(from * rowBytes)..<(to * rowBytes)] }

    /// Appends rows of another bitmap of the same width (bands of a raster image).
    mutating func append(rows data: ArraySlice<UInt8>) { bits += data }

    /// Stacks pictures of one width (the bands of one slip).
    init(width: Int, rows: [UInt8]) {
        self.width = width
        let rb = (width + 7) / 8
        height = rb == 0 ? 0 : rows.count / rb
        bits = Array(rows.prefix(rb * height))
    }

    /// The columns holding ink, leftmost and rightmost; nil for a blank picture.
    public var inkColumns: ClosedRange<Int>? {
        var lo = Int.max, hi = -1
        for y in 0..<height {
            for x in 0..<width where self[x, y] {
                lo = min(lo, x)
                hi = max(hi, x)
            }
        }
        return hi < 0 ? nil : lo...hi
    }

    /// A 1-bit greyscale PNG (white background): what a label printer driven through CUPS
    /// or a phone shows, dot for dot what the receipt printer gets.
    public func png() throws(VenueCodeError) -> [UInt8] {
        let rb = rowBytes, width = width, source = bits
        return try PNGEncoder.greyscale(width: width, height: height, bitDepth: 1, rowBytes: rb, level: 6) { y, line in
            // PNG greyscale: 1 is white.
            for i in 0..<rb { line[i] = ~source[y * rb + i] }
            // Padding bits past the width stay white.
            if width % 8 != 0 { line[rb - 1] |= UInt8(0xFF) >> UInt8(width % 8) }
        }
    }
}
