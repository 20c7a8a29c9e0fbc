import Foundation

/// Text helpers shared by search, storage and every output.
///
/// Guards search for Vietnamese names typed without diacritics, so everything searchable is
/// stored twice: as the visitor wrote it (NFC) and folded (no marks, lower case, `đ` → `d`).
public enum TextFolding {
    /// Folds diacritics and case so that `nguyen van an` matches `Nguyễn Văn An`.
    public static func fold(_ text: String) -> String {
        // `đ`/`Đ` are letters of their own, not a `d` with a combining mark, so folding
        // with diacriticInsensitive alone would leave them; map them first.
        let replaced = text.replacingOccurrences(of: "đ", with: "d")
            .replacingOccurrences(of: "Đ", with: "D")
        let folded = replaced.folding(
            options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive],
            locale: Locale(identifier: "en_US_POSIX")
        )
        return collapseSpaces(folded.lowercased())
    }

    /// NFC, control characters removed, runs of white space made one space, trimmed.
    /// This is how every free-text field is stored: escape sequences, tabs and newlines
    /// from a scan or a form can then never reach a terminal or a CSV cell.
    public static func clean(_ text: String) -> String {
        let nfc = text.precomposedStringWithCanonicalMapping
        var scalars = String.UnicodeScalarView()
        for scalar in nfc.unicodeScalars {
            if isControl(scalar) {
                scalars.append(" ")
            } else {
                scalars.append(scalar)
            }
        }
        return collapseSpaces(String(scalars))
    }

    /// True for C0/C1 controls, DEL, and the bidirectional overrides that can make a
    /// name display as something else.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return true }
        if (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) { return true }
        if v == 0x2028 || v == 0x2029 || v == 0xFEFF { return true }
        return false
    }

    static func collapseSpaces(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for ch in text {
            if ch.isWhitespace {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(ch)
            }
        }
        return out
    }
}
