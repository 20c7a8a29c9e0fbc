/// How many terminal columns a character takes. Vietnamese in NFC is one column per letter;
/// CJK and emoji take two; controls are never drawn (the caller cleans them first).
enum CharacterWidth {
    static func of(_ c: Character) -> Int {
        guard let scalar = c.unicodeScalars.first else { return 0 }
        let v = scalar.value
        if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
        if scalar.properties.generalCategory == .nonspacingMark { return 0 }
        if isWide(v) { return 2 }
        return 1
    }

    static func of(_ s: String) -> Int { s.reduce(0) { $0 + of($1) } }

    /// East Asian wide and fullwidth ranges, and emoji presentation.
    private static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
            0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// The longest prefix of `s` that fits in `columns`, with "…" when cut.
    static func fit(_ s: String, _ columns: Int) -> String {
        guard columns > 0 else { return "" }
        if of(s) <= columns { return s }
        var out = ""
        var used = 0
        for c in s {
            let w = of(c)
            if used + w > columns - 1 { break }
            out.append(c)
            used += w
        }
        return out + "…"
    }

    /// `s` cut or padded with spaces to exactly `columns`.
    static func pad(_ s: String, _ columns: Int) -> String {
        let f = fit(s, columns)
        return f + String(repeating: " ", count: max(0, columns - of(f)))
    }

    /// Breaks text into lines of at most `columns`, at spaces where possible.
    static func wrap(_ s: String, _ columns: Int) -> [String] {
        guard columns > 1 else { return [] }
        var lines: [String] = []
        var current = ""
        for word in s.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            let candidate = current.isEmpty ? word : current + " " + word
            if of(candidate) <= columns {
                current = candidate
                continue
            }
            if !current.isEmpty { lines.append(current) }
            current = word
            while of(current) > columns {
                var head = ""
                for c in current {
                    if of(head) + of(c) > columns { break }
                    head.append(c)
                }
                lines.append(head)
                current = String(current.dropFirst(head.count))
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
