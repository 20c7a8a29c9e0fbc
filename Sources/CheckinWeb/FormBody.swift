import Foundation

/// `application/x-www-form-urlencoded`, parsed by hand so that every way it can be wrong
/// (bad percent escapes, invalid UTF-8, a field given twice) is an answer, not a crash.
struct FormBody: Sendable {
    let fields: [String: String]

    enum Problem: Error { case malformed }

    init(_ bytes: [UInt8]) throws {
        var out: [String: String] = [:]
        for pair in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let key = try Self.decode(parts[0])
            let value = parts.count > 1 ? try Self.decode(parts[1]) : ""
            guard out[key] == nil else { throw Problem.malformed }
            out[key] = value
        }
        fields = out
    }

    subscript(_ key: String) -> String? { fields[key] }

    static func decode(_ raw: ArraySlice<UInt8>) throws -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.count)
        var i = raw.startIndex
        while i < raw.endIndex {
            let b = raw[i]
            if b == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if b == UInt8(ascii: "%") {
                guard i + 2 < raw.endIndex, let h = hex(raw[i + 1]), let l = hex(raw[i + 2]) else {
                    throw Problem.malformed
                }
                bytes.append(h << 4 | l)
                i += 2
            } else {
                bytes.append(b)
            }
            i += 1
        }
        guard let s = String(validating: bytes, as: UTF8.self) else { throw Problem.malformed }
        return s
    }

    static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
