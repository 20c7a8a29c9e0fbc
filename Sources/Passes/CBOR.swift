import Glibc

/// A decoded CBOR (RFC 8949) data item. Maps keep their pairs in wire order; keys may be
/// any item, as COSE and CWT use both integer and text keys.
public indirect enum CBOR: Equatable, Sendable {
    case unsigned(UInt64)
    /// The value is -1 - n, as on the wire, so the full range survives.
    case negative(UInt64)
    case bytes([UInt8])
    case text(String)
    case array([CBOR])
    case map([(CBOR, CBOR)])
    case tagged(UInt64, CBOR)
    case bool(Bool)
    case null
    case undefined
    case simple(UInt8)
    case double(Double)

    public static func == (a: CBOR, b: CBOR) -> Bool {
        switch (a, b) {
        case (.unsigned(let x), .unsigned(let y)): return x == y
        case (.negative(let x), .negative(let y)): return x == y
        case (.bytes(let x), .bytes(let y)): return x == y
        case (.text(let x), .text(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.map(let x), .map(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.tagged(let t, let x), .tagged(let u, let y)): return t == u && x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null), (.undefined, .undefined): return true
        case (.simple(let x), .simple(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y || (x.isNaN && y.isNaN)
        default: return false
        }
    }

    /// The integer value of an unsigned or negative item that fits in Int64.
    public var int: Int64? {
        switch self {
        case .unsigned(let n): return n <= UInt64(Int64.max) ? Int64(n) : nil
        case .negative(let n): return n <= UInt64(Int64.max) ? -1 - Int64(n) : nil
        default: return nil
        }
    }

    /// A number as Double (CWT times may be integers or floats).
    public var number: Double? {
        if let i = int { return Double(i) }
        if case .double(let d) = self, d.isFinite { return d }
        return nil
    }

    public var string: String? {
        if case .text(let s) = self { return s }
        return nil
    }

    public var byteString: [UInt8]? {
        if case .bytes(let b) = self { return b }
        return nil
    }

    public var arrayValue: [CBOR]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var mapValue: [(CBOR, CBOR)]? {
        if case .map(let m) = self { return m }
        return nil
    }

    /// The value under an integer key of a map.
    public subscript(int key: Int64) -> CBOR? {
        mapValue?.first { $0.0.int == key }?.1
    }

    /// The value under a text key of a map.
    public subscript(text key: String) -> CBOR? {
        mapValue?.first { $0.0.string == key }?.1
    }
}

/// A strict CBOR reader for untrusted input: every length is checked against what is left,
/// nesting is limited, text must be UTF-8, and nothing may follow the item.
public struct CBORReader {
    public enum Failure: Error, Equatable, Sendable {
        case truncated
        case tooDeep(limit: Int)
        case reservedAdditionalInfo(offset: Int)
        case invalidIndefinite(offset: Int)
        case invalidUTF8(offset: Int)
        case trailingBytes(count: Int)
        case unexpectedBreak(offset: Int)
    }

    public static let defaultMaxDepth = 16

    let bytes: [UInt8]
    var offset = 0
    let maxDepth: Int

    /// Decodes exactly one item that spans all of `bytes`.
    public static func decode(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(Failure) -> CBOR {
        var reader = CBORReader(bytes: bytes, maxDepth: maxDepth)
        let item = try reader.item(depth: 0)
        guard reader.offset == bytes.count else { throw .trailingBytes(count: bytes.count - reader.offset) }
        return item
    }

    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    mutating func byte() throws(Failure) -> UInt8 {
        guard offset < bytes.count else { throw .truncated }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func take(_ n: UInt64) throws(Failure) -> ArraySlice<UInt8> {
        guard n <= UInt64(bytes.count - offset) else { throw .truncated }
        let end = offset + Int(n)
        defer { offset = end }
        return bytes[offset..<end]
    }

    /// The argument of a head; nil for the indefinite marker (31).
    mutating func argument(_ info: UInt8, at start: Int) throws(Failure) -> UInt64? {
        switch info {
        case 0..<24: return UInt64(info)
        case 24: return UInt64(try byte())
        case 25: return try take(2).reduce(0) { $0 << 8 | UInt64($1) }
        case 26: return try take(4).reduce(0) { $0 << 8 | UInt64($1) }
        case 27: return try take(8).reduce(0) { $0 << 8 | UInt64($1) }
        case 31: return nil
        default: throw .reservedAdditionalInfo(offset: start)
        }
    }

    mutating func item(depth: Int) throws(Failure) -> CBOR {
        guard depth <= maxDepth else { throw .tooDeep(limit: maxDepth) }
        let start = offset
        let head = try byte()
        let major = head >> 5
        let info = head & 0x1F
        switch major {
        case 0:
            guard let n = try argument(info, at: start) else { throw .invalidIndefinite(offset: start) }
            return .unsigned(n)
        case 1:
            guard let n = try argument(info, at: start) else { throw .invalidIndefinite(offset: start) }
            return .negative(n)
        case 2, 3:
            var data: [UInt8]
            if let n = try argument(info, at: start) {
                data = Array(try take(n))
            } else {
                // Indefinite: definite chunks of the same major type until a break.
                data = []
                while true {
                    guard offset < bytes.count else { throw .truncated }
                    if bytes[offset] == 0xFF {
                        offset += 1
                        break
                    }
                    let chunkStart = offset
                    let chunkHead = try byte()
                    guard chunkHead >> 5 == major, let n = try argument(chunkHead & 0x1F, at: chunkStart) else {
                        throw .invalidIndefinite(offset: chunkStart)
                    }
                    data += try take(n)
                }
            }
            if major == 2 { return .bytes(data) }
            // Decoding repairs bad UTF-8, so text that decodes to other bytes was not UTF-8.
            // (`String(validating:)` is generic and looked up its metadata on every string:
            // a tenth of an HC1 verification, issue 19.)
            var text = String(decoding: data, as: UTF8.self)
            let same = text.withUTF8 { decoded in
                decoded.count == data.count && data.withUnsafeBufferPointer { raw in
                    raw.count == 0 || memcmp(decoded.baseAddress!, raw.baseAddress!, raw.count) == 0
                }
            }
            guard same else { throw .invalidUTF8(offset: start) }
            return .text(text)
        case 4:
            var items: [CBOR] = []
            if let n = try argument(info, at: start) {
                // Each item takes at least one byte: a count beyond what is left is a lie.
                guard n <= UInt64(bytes.count - offset) else { throw .truncated }
                items.reserveCapacity(Int(n))
                for _ in 0..<n { items.append(try item(depth: depth + 1)) }
            } else {
                while try !atBreak() { items.append(try item(depth: depth + 1)) }
            }
            return .array(items)
        case 5:
            var pairs: [(CBOR, CBOR)] = []
            if let n = try argument(info, at: start) {
                guard n <= UInt64(bytes.count - offset) / 2 else { throw .truncated }
                pairs.reserveCapacity(Int(n))
                for _ in 0..<n {
                    let k = try item(depth: depth + 1)
                    pairs.append((k, try item(depth: depth + 1)))
                }
            } else {
                while try !atBreak() {
                    let k = try item(depth: depth + 1)
                    pairs.append((k, try item(depth: depth + 1)))
                }
            }
            return .map(pairs)
        case 6:
            guard let tag = try argument(info, at: start) else { throw .invalidIndefinite(offset: start) }
            return .tagged(tag, try item(depth: depth + 1))
        default:
            switch info {
            case 20: return .bool(false)
            case 21: return .bool(true)
            case 22: return .null
            case 23: return .undefined
            case 24:
                let v = try byte()
                return .simple(v)
            case 25:
                let bits = try take(2).reduce(0) { $0 << 8 | UInt16($1) }
                return .double(Double(Float16Bits.decode(bits)))
            case 26:
                let bits = try take(4).reduce(0) { $0 << 8 | UInt32($1) }
                return .double(Double(Float(bitPattern: bits)))
            case 27:
                let bits = try take(8).reduce(0) { $0 << 8 | UInt64($1) }
                return .double(Double(bitPattern: bits))
            case 31: throw .unexpectedBreak(offset: start)
            case 0..<20: return .simple(info)
            default: throw .reservedAdditionalInfo(offset: start)
            }
        }
    }

    /// Consumes a break byte if one is next.
    mutating func atBreak() throws(Failure) -> Bool {
        guard offset < bytes.count else { throw .truncated }
        if bytes[offset] == 0xFF {
            offset += 1
            return true
        }
        return false
    }
}

/// IEEE half precision without relying on the platform's Float16.
enum Float16Bits {
    static func decode(_ h: UInt16) -> Float {
        let sign: Float = (h & 0x8000) != 0 ? -1 : 1
        let exponent = Int((h >> 10) & 0x1F)
        let fraction = Float(h & 0x3FF)
        switch exponent {
        case 0: return sign * fraction * powf2(-24)
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * powf2(exponent - 15)
        }
    }

    static func powf2(_ e: Int) -> Float {
        var r: Float = 1
        if e >= 0 { for _ in 0..<e { r *= 2 } } else { for _ in 0..<(-e) { r /= 2 } }
        return r
    }
}

/// The few CBOR items the kiosk writes: the COSE Sig_structure, and invitations.
public enum CBORWriter {
    public static func encode(_ item: CBOR) -> [UInt8] {
        var out: [UInt8] = []
        write(item, into: &out)
        return out
    }

    static func head(_ major: UInt8, _ n: UInt64, into out: inout [UInt8]) {
        let m = major << 5
        switch n {
        case 0..<24: out.append(m | UInt8(n))
        case 24...0xFF: out += [m | 24, UInt8(n)]
        case 0x100...0xFFFF: out += [m | 25, UInt8(n >> 8), UInt8(n & 0xFF)]
        case 0x10000...0xFFFF_FFFF: out += [m | 26] + (0..<4).reversed().map { UInt8((n >> (8 * UInt64($0))) & 0xFF) }
        default: out += [m | 27] + (0..<8).reversed().map { UInt8((n >> (8 * UInt64($0))) & 0xFF) }
        }
    }

    static func write(_ item: CBOR, into out: inout [UInt8]) {
        switch item {
        case .unsigned(let n): head(0, n, into: &out)
        case .negative(let n): head(1, n, into: &out)
        case .bytes(let b):
            head(2, UInt64(b.count), into: &out)
            out += b
        case .text(let s):
            head(3, UInt64(s.utf8.count), into: &out)
            out += s.utf8
        case .array(let a):
            head(4, UInt64(a.count), into: &out)
            for x in a { write(x, into: &out) }
        case .map(let m):
            head(5, UInt64(m.count), into: &out)
            for (k, v) in m {
                write(k, into: &out)
                write(v, into: &out)
            }
        case .tagged(let t, let x):
            head(6, t, into: &out)
            write(x, into: &out)
        case .bool(let b): out.append(b ? 0xF5 : 0xF4)
        case .null: out.append(0xF6)
        case .undefined: out.append(0xF7)
        case .simple(let v):
            if v < 24 { out.append(0xE0 | v) } else { out += [0xF8, v] }
        case .double(let d):
            out.append(0xFB)
            let bits = d.bitPattern
            out += (0..<8).reversed().map { UInt8((bits >> (8 * UInt64($0))) & 0xFF) }
        }
    }

    /// A signed integer as its CBOR item.
    public static func int(_ v: Int64) -> CBOR { v >= 0 ? .unsigned(UInt64(v)) : .negative(UInt64(-1 - v)) }
}
