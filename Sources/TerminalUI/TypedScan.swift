import Gate
import KioskCore

/// A code that arrived as typing. Timing alone cannot tell every scanner from a person: one a
/// little slower than `max_key_gap_ms`, or a burst split by one slow key, "types" its code into
/// whatever field has the focus. The shape of the text is the second test, applied on Enter on
/// every screen, so a CCCD's id number, birth date and address never end up saved as a name.
enum TypedScan {
    /// Whether `text` as a whole is one of the scan formats (or an HC1 from a scanner on the
    /// wrong keyboard layout, or a health-insurance card QR).
    static func isScan(_ text: String) -> Bool {
        ScanKind.classify(text) != .unknown || ScanKind.looksLikeWrongKeyboardLayout(text) || looksLikeInsuranceCard(text)
    }

    /// The scan at the end of `text` and what was typed before it; nil when there is none.
    /// The scanner's Enter ends the field, so the code is a suffix: where it starts is tried at
    /// each place a format can begin (a prefix such as `HC1:`, or the number before the first `|`).
    static func find(in text: String) -> (before: String, scan: String)? {
        let chars = Array(text)
        var starts: [Int] = [0]
        let upper = Array(text.uppercased())
        if upper.count == chars.count {
            for marker in ["HC1", "KIV1:", "KOUT:", "KIN:"] {
                let m = Array(marker)
                guard m.count <= upper.count else { continue }
                for i in 0...(upper.count - m.count) where Array(upper[i..<(i + m.count)]) == m { starts.append(i) }
            }
        }
        if let bar = chars.firstIndex(of: "|") {
            // The identity formats begin with a number (12 or 9 digits, or a masked one).
            var i = bar
            while i > 0, chars[i - 1].isASCII, chars[i - 1].isLetter || chars[i - 1].isNumber || chars[i - 1] == "*" { i -= 1 }
            starts += [i, bar - 12, bar - 9].filter { $0 >= 0 }
        }
        for start in Set(starts).sorted() {
            let scan = String(chars[start...]).trimmingCharacters(in: .whitespaces)
            guard !scan.isEmpty, isScan(scan) else { continue }
            return (String(chars[..<start]), scan)
        }
        return nil
    }

    /// The health-insurance (BHYT) card QR: `card|name as hex|dd/mm/yyyy|sex|address hex|…`.
    /// The Passes module does not read it yet; recognising its shape keeps it out of a name.
    static func looksLikeInsuranceCard(_ text: String) -> Bool {
        let f = text.split(separator: "|", omittingEmptySubsequences: false)
        guard f.count >= 6, (10...15).contains(f[0].count), f[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return false }
        let name = f[1]
        return name.count >= 4 && name.count % 2 == 0 && name.allSatisfy(\.isHexDigit) && f[2].contains("/")
    }

    /// A name nobody has: a `|`, or a run of six or more digits (an id number, a birth date).
    /// Saving it needs the guard's second Enter.
    static func nameLooksLikeCode(_ name: String) -> Bool {
        if name.contains("|") { return true }
        var run = 0
        for c in name {
            run = c.isASCII && c.isNumber ? run + 1 : 0
            if run >= 6 { return true }
        }
        return false
    }

    /// A fast burst that reads as words (a pasted name, say): at least two words of letters
    /// and the punctuation of names. It is typing, not a code to verify.
    static func looksLikeWords(_ text: String) -> Bool {
        let t = text.trimmingCharacters(in: .whitespaces)
        return t.contains(" ") && t.contains(where: \.isLetter) && t.allSatisfy { $0.isLetter || $0 == " " || $0 == "." || $0 == "-" || $0 == "'" }
    }
}
