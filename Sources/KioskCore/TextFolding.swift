import Foundation

/// Text helpers shared by search, storage and every output.
///
/// Guards search for Vietnamese names typed without diacritics, so everything searchable is
/// stored twice: as the visitor wrote it (NFC) and folded (no marks, lower case, `đ` → `d`).
public enum TextFolding {
    /// Folds diacritics and case so that `nguyen van an` matches `Nguyễn Văn An`.
    /// Decomposes (NFD) and drops the combining marks; `đ`/`Đ` are letters of their own, not
    /// a `d` with a mark, so they are mapped by hand. Runs on every check-in and search, so
    /// it walks scalars instead of using Foundation's much slower `folding(options:)`.
    public static func fold(_ text: String) -> String {
        foldQuickly(text) ?? foldFully(text)
    }

    /// `fold` for text made only of ASCII and the precomposed Latin letters (Vietnamese
    /// names, addresses), by a table of what `foldFully` makes of each such letter: no
    /// Foundation NFD and no grapheme walk, which were a tenth of a check-in's CPU (issue
    /// 19). Nil for anything else (a combining mark, another script, a Unicode space), which
    /// takes the full path. The tests hold the two equal.
    static func foldQuickly(_ text: String) -> String? {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x80 {
                switch v {
                case 0x09...0x0D, 0x20:
                    pendingSpace = !out.isEmpty
                    continue
                case 0x41...0x5A:
                    if pendingSpace { out.append(0x20) }
                    out.append(UInt8(v + 0x20))
                default:
                    if pendingSpace { out.append(0x20) }
                    out.append(UInt8(v))
                }
                pendingSpace = false
                continue
            }
            guard let folded = LatinFoldTable.shared.folded(v) else { return nil }
            if pendingSpace { out.append(0x20) }
            pendingSpace = false
            out += folded
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The full fold: Foundation's NFD, marks dropped, lower case, spaces collapsed.
    static func foldFully(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars {
            let v = scalar.value
            switch v {
            case 0x300...0x36F, 0x1AB0...0x1AFF, 0x1DC0...0x1DFF, 0x20D0...0x20FF:
                continue
            case 0x41...0x5A:
                out.append(Unicode.Scalar(v + 0x20)!)
            case 0x110, 0x111:
                out.append("d")
            case 0xFF01...0xFF5E:
                // Full-width ASCII, as some phone keyboards type it.
                out.unicodeScalars(lowercasing: Unicode.Scalar(v - 0xFEE0)!)
            default:
                if v < 0x80 {
                    out.append(scalar)
                } else {
                    out.unicodeScalars(lowercasing: scalar)
                }
            }
        }
        return collapseSpaces(String(out))
    }

    /// NFC, control characters removed, runs of white space made one space, trimmed.
    /// This is how every free-text field is stored: escape sequences, tabs and newlines
    /// from a scan or a form can then never reach a terminal or a CSV cell.
    public static func clean(_ text: String) -> String {
        // Most text is clean already (labels, config values, names typed on a phone); the
        // Foundation NFC round trip and the grapheme walk below were a fifth of the web
        // server's time, so clean text is returned as it is.
        isClean(text) ? text : cleanFully(text)
    }

    /// `clean` without the shortcut (kept apart so the tests can hold the two together).
    static func cleanFully(_ text: String) -> String {
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

    /// True when `clean` would return `text` unchanged, decided without Foundation: single
    /// spaces between words only, and every scalar from blocks where each character is NFC
    /// on its own and combines with no neighbour (ASCII, Latin-1 to the spacing modifiers,
    /// Vietnamese precomposed letters, general punctuation from U+2010). Anything else, such
    /// as a combining mark or a no-break space, takes the full path.
    static func isClean(_ text: String) -> Bool {
        var previousWasSpace = true
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v == 0x20 {
                if previousWasSpace { return false }
                previousWasSpace = true
                continue
            }
            previousWasSpace = false
            switch v {
            case 0x21...0x7E, 0xA1...0x2FF, 0x1E00...0x1EFF, 0x2010...0x2027, 0x2030...0x205E:
                continue
            default:
                return false
            }
        }
        return !previousWasSpace || text.isEmpty
    }

    /// True for C0/C1 controls, DEL, and the bidirectional overrides that can make a
    /// name display as something else.
    /// Text for a terminal or a log line that keeps its layout: line feeds, tabs and a CR
    /// before LF stay; every other control (ESC and so every escape sequence, C1, DEL, the
    /// bidirectional overrides) becomes U+FFFD, visibly. The command line writes everything
    /// through this, so a name, a certificate's country or a file name read from anywhere can
    /// never move the cursor or clear the screen.
    public static func terminalSafe(_ text: String) -> String {
        var clean = true
        var previous: Unicode.Scalar = " "
        for scalar in text.unicodeScalars {
            if drivesTerminal(scalar), scalar != "\n", scalar != "\t", scalar != "\r" { clean = false; break }
            if previous == "\r", scalar != "\n" { clean = false; break }
            previous = scalar
        }
        if clean, previous != "\r" { return text }
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        for (i, scalar) in scalars.enumerated() {
            let keep = scalar == "\n" || scalar == "\t" || (scalar == "\r" && i + 1 < scalars.count && scalars[i + 1] == "\n")
            out.append(keep || !drivesTerminal(scalar) ? scalar : "\u{FFFD}")
        }
        return String(out)
    }

    /// What a terminal acts on or reorders: C0, DEL, C1 and the bidirectional overrides. A
    /// byte-order mark (an export's first character) is left alone.
    static func drivesTerminal(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || (v >= 0x7F && v < 0xA0) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

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

extension String.UnicodeScalarView {
    mutating func unicodeScalars(lowercasing scalar: Unicode.Scalar) {
        append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
    }
}

/// What `TextFolding.foldFully` makes of each precomposed Latin letter (U+00C0–U+024F,
/// U+1E00–U+1EFF) that folds to plain ASCII letters, and of the general punctuation that
/// folds to itself, made once from `foldFully` itself so the two can never disagree. Anything
/// else is left out (nil: the full path).
struct LatinFoldTable: Sendable {
    static let shared = LatinFoldTable()

    private let latin: [[UInt8]?]
    private let extended: [[UInt8]?]
    private let punctuation: [[UInt8]?]

    private init() {
        /// Letters that fold to ASCII letters; punctuation (dashes in `Name – Department`,
        /// quotes) that folds to itself and is not a space.
        func build(_ range: ClosedRange<UInt32>, keepsItself: Bool) -> [[UInt8]?] {
            range.map { v -> [UInt8]? in
                guard let scalar = Unicode.Scalar(v), !scalar.properties.isWhitespace else { return nil }
                let original = String(Character(scalar))
                let folded = TextFolding.foldFully(original)
                let bytes = Array(folded.utf8)
                if keepsItself { return folded == original && !scalar.properties.isAlphabetic ? bytes : nil }
                guard !bytes.isEmpty, bytes.allSatisfy({ (0x61...0x7A).contains($0) }) else { return nil }
                return bytes
            }
        }
        latin = build(0xC0...0x24F, keepsItself: false)
        extended = build(0x1E00...0x1EFF, keepsItself: false)
        punctuation = build(0x2010...0x205E, keepsItself: true)
    }

    func folded(_ v: UInt32) -> [UInt8]? {
        switch v {
        case 0xC0...0x24F: latin[Int(v - 0xC0)]
        case 0x1E00...0x1EFF: extended[Int(v - 0x1E00)]
        case 0x2010...0x205E: punctuation[Int(v - 0x2010)]
        default: nil
        }
    }
}
