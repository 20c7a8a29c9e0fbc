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
        var out: [UInt8] = []
        out.reserveCapacity(256)
        appendObject(pairs.sorted(by: { $0.0 < $1.0 }), to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes `{...}` with the pairs in the order given: the caller has sorted them (a
    /// visit's fixed columns are sorted once, not on every check-in).
    static func appendObject(_ sortedPairs: [(String, Value)], to out: inout [UInt8]) {
        out.append(0x7B)
        for (i, (k, v)) in sortedPairs.enumerated() {
            if i > 0 { out.append(0x2C) }
            appendString(k, to: &out)
            out.append(0x3A)
            append(v, to: &out)
        }
        out.append(0x7D)
    }

    static func object(_ dict: [String: Value]) -> String {
        object(dict.map { ($0.key, $0.value) })
    }

    static func array(_ values: [Value]) -> String {
        var out: [UInt8] = []
        appendArray(values, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func appendArray(_ values: [Value], to out: inout [UInt8]) {
        out.append(0x5B)
        for (i, v) in values.enumerated() {
            if i > 0 { out.append(0x2C) }
            append(v, to: &out)
        }
        out.append(0x5D)
    }

    static func append(_ v: Value, to out: inout [UInt8]) {
        switch v {
        case .null: out += "null".utf8
        case .int(let i): out += String(i).utf8
        case .double(let d): out += (d.isFinite ? "\(d)" : "null").utf8
        case .bool(let b): out += (b ? "true" : "false").utf8
        case .string(let s): appendString(s, to: &out)
        case .strings(let list): appendArray(list.map { .string($0) }, to: &out)
        }
    }

    /// Escapes by UTF-8 bytes: every byte ≥ 0x80 is part of a multi-byte character and is
    /// copied as is; only ASCII needs escaping (U+2028/2029 are escaped for JavaScript).
    static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        var s = s
        s.withUTF8 { utf8 in
            var i = 0
            while i < utf8.count {
                let b = utf8[i]
                switch b {
                case 0x22: out += [0x5C, 0x22]
                case 0x5C: out += [0x5C, 0x5C]
                case 0x0A: out += [0x5C, 0x6E]
                case 0x0D: out += [0x5C, 0x72]
                case 0x09: out += [0x5C, 0x74]
                case 0..<0x20, 0x7F:
                    out += String(format: "\\u%04x", b).utf8
                case 0xE2 where i + 2 < utf8.count && utf8[i + 1] == 0x80 && (utf8[i + 2] == 0xA8 || utf8[i + 2] == 0xA9):
                    out += (utf8[i + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8
                    i += 2
                default: out.append(b)
                }
                i += 1
            }
        }
        out.append(0x22)
    }

    static func decode(_ text: String) -> Any? {
        guard let data = text.data(using: .utf8) else { return nil }
        return try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    }

    static func decodeStringMap(_ text: String) -> [String: String]? {
        decode(text) as? [String: String]
    }
}
