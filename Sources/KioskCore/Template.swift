/// Fills `{0}`, `{1}`, … in a message in one pass.
///
/// One pass also means an argument is never filled in again: a visitor who types `{1}` in
/// a name sees `{1}`, not the next argument (one `replacingOccurrences` per argument did
/// that, and bridged through NSString on every page of the web form).
public enum Template {
    public static func fill(_ template: String, _ args: [String]) -> String {
        guard !args.isEmpty, template.utf8.contains(UInt8(ascii: "{")) else { return template }
        var out = ""
        out.reserveCapacity(template.utf8.count + args.reduce(0) { $0 + $1.utf8.count })
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let afterOpen = rest.index(after: open)
            if let close = rest[afterOpen...].firstIndex(of: "}"), let n = placeNumber(rest[afterOpen..<close]), args.indices.contains(n) {
                out += args[n]
                rest = rest[rest.index(after: close)...]
            } else if let close = rest[afterOpen...].firstIndex(of: "}"), let word = plural(rest[afterOpen..<close], args) {
                out += word
                rest = rest[rest.index(after: close)...]
            } else {
                out += "{"
                rest = rest[afterOpen...]
            }
        }
        out += rest
        return out
    }

    /// `{0|time|times}`: the first word when argument 0 is "1", else the second, so English
    /// says "1 time" and "2 times" (Vietnamese nouns do not change: it writes the word once).
    static func plural(_ text: Substring, _ args: [String]) -> String? {
        let parts = text.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 3, let n = placeNumber(parts[0]), args.indices.contains(n) else { return nil }
        return String(args[n] == "1" ? parts[1] : parts[2])
    }

    /// Digits only: `Int` would also read `{+1}` and `{-0}` as places.
    static func placeNumber(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 3, text.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
        return Int(text)
    }
}
