/// Base45 (RFC 9285), the alphabet QR alphanumeric mode encodes efficiently.
public enum Base45 {
    public enum Failure: Error, Equatable, Sendable {
        /// A character outside the 45-character alphabet, at this offset.
        case invalidCharacter(offset: Int)
        /// A length of 3n+1 cannot be Base45.
        case invalidLength
        /// A group decodes to more than fits in its bytes.
        case overflow(offset: Int)
    }

    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)
    static let values: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }()

    public static func decode(_ text: Substring.UTF8View) throws(Failure) -> [UInt8] {
        let input = Array(text)
        guard input.count % 3 != 1 else { throw .invalidLength }
        var out = [UInt8]()
        out.reserveCapacity(input.count * 2 / 3)
        var i = 0
        while i < input.count {
            let remaining = min(3, input.count - i)
            var digits = [Int](repeating: 0, count: remaining)
            for k in 0..<remaining {
                let v = values[Int(input[i + k])]
                guard v >= 0 else { throw .invalidCharacter(offset: i + k) }
                digits[k] = Int(v)
            }
            if remaining == 3 {
                let n = digits[0] + digits[1] * 45 + digits[2] * 45 * 45
                guard n <= 0xFFFF else { throw .overflow(offset: i) }
                out.append(UInt8(n >> 8))
                out.append(UInt8(n & 0xFF))
            } else {
                let n = digits[0] + digits[1] * 45
                guard n <= 0xFF else { throw .overflow(offset: i) }
                out.append(UInt8(n))
            }
            i += remaining
        }
        return out
    }

    public static func decode(_ text: String) throws(Failure) -> [UInt8] {
        try decode(Substring(text).utf8)
    }

    public static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 3 / 2 + 2)
        var i = 0
        while i + 1 < bytes.count {
            var n = Int(bytes[i]) << 8 | Int(bytes[i + 1])
            for _ in 0..<3 {
                out.append(alphabet[n % 45])
                n /= 45
            }
            i += 2
        }
        if i < bytes.count {
            let n = Int(bytes[i])
            out.append(alphabet[n % 45])
            out.append(alphabet[n / 45])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
