import Foundation
import GRDB

/// A small deterministic JSON writer: sorted keys, one spelling per value. The hash chain
/// hashes these bytes, so the same visit must always serialise the same way, which
/// JSONSerialization does not promise across platforms.
enum CanonicalJSON {
    enum Value {
        case null
        case int(Int64)
        case double(Double)
        case string(String)
        case bool(Bool)
        case strings([String])

        init(_ dbValue: DatabaseValue) {
            switch dbValue.storage {
            case .null: self = .null
            case .int64(let i): self = .int(i)
            case .double(let d): self = .double(d)
            case .string(let s): self = .string(s)
            case .blob(let b): self = .string(b.base64EncodedString())
            }
        }
    }

    static func object(_ pairs: [(String, Value)]) -> String {
        var out = "{"
        for (i, (k, v)) in pairs.sorted(by: { $0.0 < $1.0 }).enumerated() {
            if i > 0 { out += "," }
            appendString(k, to: &out)
            out += ":"
            append(v, to: &out)
        }
        return out + "}"
    }

    static func object(_ dict: [String: Value]) -> String {
        object(dict.map { ($0.key, $0.value) })
    }

    static func array(_ values: [Value]) -> String {
        var out = "["
        for (i, v) in values.enumerated() {
            if i > 0 { out += "," }
            append(v, to: &out)
        }
        return out + "]"
    }

    static func append(_ v: Value, to out: inout String) {
        switch v {
        case .null: out += "null"
        case .int(let i): out += String(i)
        case .double(let d): out += d.isFinite ? "\(d)" : "null"
        case .bool(let b): out += b ? "true" : "false"
        case .string(let s): appendString(s, to: &out)
        case .strings(let list): out += array(list.map { .string($0) })
        }
    }

    /// Escapes by UTF-8 bytes: every byte ≥ 0x80 is part of a multi-byte character and is
    /// copied as is; only ASCII needs escaping (U+2028/2029 are escaped for JavaScript).
    static func appendString(_ s: String, to out: inout String) {
        var bytes: [UInt8] = [0x22]
        bytes.reserveCapacity(s.utf8.count + 8)
        let utf8 = Array(s.utf8)
        var i = 0
        while i < utf8.count {
            let b = utf8[i]
            switch b {
            case 0x22: bytes += [0x5C, 0x22]
            case 0x5C: bytes += [0x5C, 0x5C]
            case 0x0A: bytes += [0x5C, 0x6E]
            case 0x0D: bytes += [0x5C, 0x72]
            case 0x09: bytes += [0x5C, 0x74]
            case 0..<0x20, 0x7F:
                bytes += Array(String(format: "\\u%04x", b).utf8)
            case 0xE2 where i + 2 < utf8.count && utf8[i + 1] == 0x80 && (utf8[i + 2] == 0xA8 || utf8[i + 2] == 0xA9):
                bytes += Array((utf8[i + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8)
                i += 2
            default: bytes.append(b)
            }
            i += 1
        }
        bytes.append(0x22)
        out += String(decoding: bytes, as: UTF8.self)
    }

    static func decode(_ text: String) -> Any? {
        guard let data = text.data(using: .utf8) else { return nil }
        return try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    }

    static func decodeStringMap(_ text: String) -> [String: String]? {
        decode(text) as? [String: String]
    }
}
