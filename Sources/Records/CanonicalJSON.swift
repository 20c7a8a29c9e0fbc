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

    static func appendString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    static func decode(_ text: String) -> Any? {
        guard let data = text.data(using: .utf8) else { return nil }
        return try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    }

    static func decodeStringMap(_ text: String) -> [String: String]? {
        decode(text) as? [String: String]
    }
}
