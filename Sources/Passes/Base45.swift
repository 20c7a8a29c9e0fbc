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

    /// Decodes group by group without allocating: an array per group (and the table looked up
    /// through its lazy global each time) made this two fifths of an HC1 verification
    /// (issue 19's profile).
    public static func decode(_ text: Substring.UTF8View) throws(Failure) -> [UInt8] {
        // A native string's bytes are read in place; copying them one by one into an array
        // was a third of the decoding.
        let result = text.withContiguousStorageIfAvailable { bytes -> Result<[UInt8], Failure> in
            do throws(Failure) { return .success(try decode(bytes)) } catch { return .failure(error) }
        } ?? Array(text).withUnsafeBufferPointer { bytes -> Result<[UInt8], Failure> in
            do throws(Failure) { return .success(try decode(bytes)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) -> [UInt8] {
        let input = bytes
        guard input.count % 3 != 1 else { throw .invalidLength }
        let table = values
        var failure: Failure?
        // Written in place into an array of the exact decoded size.
        let size = input.count / 3 * 2 + (input.count % 3 == 2 ? 1 : 0)
        let out = [UInt8](unsafeUninitializedCapacity: size) { buffer, written in
            table.withUnsafeBufferPointer { values in
                var i = 0
                while i < input.count {
                    let remaining = min(3, input.count - i)
                    var n = 0
                    var weight = 1
                    for k in 0..<remaining {
                        let v = values[Int(input[i + k])]
                        guard v >= 0 else {
                            failure = .invalidCharacter(offset: i + k)
                            return
                        }
                        n += Int(v) * weight
                        weight *= 45
                    }
                    if remaining == 3 {
                        guard n <= 0xFFFF else {
                            failure = .overflow(offset: i)
                            return
                        }
                        buffer[written] = UInt8(n >> 8)
                        buffer[written + 1] = UInt8(n & 0xFF)
                        written += 2
                    } else {
                        guard n <= 0xFF else {
                            failure = .overflow(offset: i)
                            return
                        }
                        buffer[written] = UInt8(n)
                        written += 1
                    }
                    i += remaining
                }
            }
        }
        if let failure { throw failure }
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
