/// Reads ESC/POS bytes back into the pictures a printer would print: one per cut. The tests'
/// stand-in printer and the benchmark use it to check what the kiosk sent dot for dot (and
/// zbarimg reads the check-out QR from the result). Strict on purpose: a byte the kiosk never
/// sends is an error, not something to skip.
public enum EscPosDecoder {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var offset: Int
        public var problem: String
        public var description: String { "byte \(offset): \(problem)" }
    }

    public struct Result: Equatable {
        /// One bitmap per cut, in order.
        public var slips: [MonoBitmap] = []
        /// Status queries seen (`DLE EOT n`), in order.
        public var statusQueries: [UInt8] = []
        /// Raster rows after the last cut (a job cut short).
        public var uncutRows = 0
    }

    /// One command the kiosk sends.
    public enum Command: Equatable {
        case initialise, feed, cut, padding
        case status(UInt8)
        /// `GS v 0`: bytes per row, rows; the data follows the 8-byte header.
        case raster(rowBytes: Int, rows: Int)
    }

    /// The command at the start of `bytes` and its whole length; nil when more bytes are
    /// needed to tell (a printer reading a stream answers status queries as they complete).
    public static func command(at bytes: ArraySlice<UInt8>) throws(Failure) -> (Command, length: Int)? {
        let i = bytes.startIndex
        func have(_ n: Int) -> Bool { bytes.count >= n }
        guard have(1) else { return nil }
        switch bytes[i] {
        case 0x00:
            // Between commands a printer ignores NUL (the blank rows that finish an image a
            // cut-off job left open).
            var n = 0
            while i + n < bytes.endIndex, bytes[i + n] == 0 { n += 1 }
            return (.padding, n)
        case 0x1B:
            guard have(2) else { return nil }
            switch bytes[i + 1] {
            case 0x40: return (.initialise, 2)
            case 0x64: return have(3) ? (.feed, 3) : nil
            default: throw Failure(offset: i, problem: "unexpected ESC \(hex(bytes[i + 1]))")
            }
        case 0x10:
            guard have(3) else { return nil }
            guard bytes[i + 1] == 0x04, (1...4).contains(bytes[i + 2]) else {
                throw Failure(offset: i, problem: "unexpected DLE \(hex(bytes[i + 1]))")
            }
            return (.status(bytes[i + 2]), 3)
        case 0x1D:
            guard have(3) else { return nil }
            switch bytes[i + 1] {
            case 0x76:
                guard bytes[i + 2] == 0x30 else { throw Failure(offset: i, problem: "GS v \(hex(bytes[i + 2])) is not GS v 0") }
                guard have(8) else { return nil }
                // Mode 0 only: double width or height (1–3) would print the slip distorted.
                guard bytes[i + 3] == 0 || bytes[i + 3] == 48 else { throw Failure(offset: i, problem: "raster mode \(bytes[i + 3]) is not normal size") }
                let rb = Int(bytes[i + 4]) | Int(bytes[i + 5]) << 8
                let rows = Int(bytes[i + 6]) | Int(bytes[i + 7]) << 8
                guard rb > 0, rows > 0 else { throw Failure(offset: i, problem: "empty raster image") }
                return have(8 + rb * rows) ? (.raster(rowBytes: rb, rows: rows), 8 + rb * rows) : nil
            case 0x56:
                switch bytes[i + 2] {
                case 0, 1, 48, 49: return (.cut, 3)
                case 65, 66: return have(4) ? (.cut, 4) : nil
                default: throw Failure(offset: i, problem: "unknown cut \(hex(bytes[i + 2]))")
                }
            default: throw Failure(offset: i, problem: "unexpected GS \(hex(bytes[i + 1]))")
            }
        default:
            throw Failure(offset: i, problem: "unexpected byte \(hex(bytes[i]))")
        }
    }

    public static func decode(_ bytes: [UInt8]) throws(Failure) -> Result {
        var result = Result()
        var i = 0
        var width: Int?
        var rows: [UInt8] = []
        while i < bytes.count {
            guard let (command, length) = try command(at: bytes[i...]) else {
                throw Failure(offset: i, problem: "command cut short")
            }
            switch command {
            case .initialise, .feed, .padding: break
            case .status(let n): result.statusQueries.append(n)
            case .raster(let rb, _):
                if let width, width != rb * 8 { throw Failure(offset: i, problem: "raster width changed within one slip") }
                width = rb * 8
                rows += bytes[(i + 8)..<(i + length)]
            case .cut:
                if let w = width { result.slips.append(MonoBitmap(width: w, rows: rows)) }
                width = nil
                rows = []
            }
            i += length
        }
        if let w = width { result.uncutRows = MonoBitmap(width: w, rows: rows).height }
        return result
    }

    static func hex(_ b: UInt8) -> String { "0x" + String(b, radix: 16, uppercase: true) }
}
