/// Sets keys of a kiosk.conf by section: a key such as `database` or `enabled` appears in
/// several sections (`[records]` and `[building]`), and a bench that rewrote every
/// `database =` line gave the building log a file path and could not start `kiosk serve`.
enum ConfigEdit {
    /// `text` with `key = value` in `[section]`: the existing line replaced, or a line added
    /// at the end of the section when the key is not there.
    static func set(_ text: String, section: String, key: String, value: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var current = ""
        var lastLineOfSection: Int?
        for (i, line) in lines.enumerated() {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("[") && t.hasSuffix("]") {
                current = String(t.dropFirst().dropLast())
                continue
            }
            guard current == section else { continue }
            lastLineOfSection = i
            let parts = t.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == key, !t.hasPrefix("#") {
                lines[i] = "\(key) = \(value)"
                return lines.joined(separator: "\n")
            }
        }
        if let last = lastLineOfSection {
            lines.insert("\(key) = \(value)", at: last + 1)
        } else {
            lines += ["[\(section)]", "\(key) = \(value)"]
        }
        return lines.joined(separator: "\n")
    }
}
