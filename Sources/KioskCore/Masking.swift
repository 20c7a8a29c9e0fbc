/// Masking of identifiers on screens and in exports (Law 91/2025: show only what the purpose needs).
public enum Masking {
    /// Keeps the last four characters: `079203001234` → `********1234`.
    /// Short values are masked whole so that a four-digit value is never shown in full.
    public static func mask(_ value: String, keep: Int = 4) -> String {
        let chars = Array(value)
        guard !chars.isEmpty else { return "" }
        guard chars.count > keep + 2 else { return String(repeating: "*", count: chars.count) }
        return String(repeating: "*", count: chars.count - keep) + String(chars.suffix(keep))
    }

    /// The masked display of a possibly-absent value.
    public static func mask(_ value: String?) -> String? {
        value.map { mask($0) }
    }

    /// Whether a value already carries a mask (as PC-Covid QR codes and masked storage do).
    public static func isMasked(_ value: String) -> Bool {
        // A byte test first (`String.contains(String)` went through Foundation, issue 19's
        // profile); then by characters, so `*` with a combining mark is not a mask, as before.
        value.utf8.contains(UInt8(ascii: "*")) && value.contains(Character("*"))
    }
}
