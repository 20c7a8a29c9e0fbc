import Testing
@testable import KioskCore

/// `TextFolding.clean` returns text it judges clean without normalising it; these hold the
/// shortcut to the full path, so a wrong range in `isClean` shows up as a difference.
@Suite struct CleanShortcutTests {
    /// Swift's `==` on strings is canonical equivalence ("e\u{0302}" == "ê"): the stored
    /// bytes are what must match.
    func sameScalars(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

    /// Every scalar the shortcut accepts, alone and between letters, is already clean.
    @Test func everyAcceptedScalarIsCleanOnItsOwn() {
        var wrong: [String] = []
        for v in UInt32(0)...0x2FFFF {
            guard let scalar = Unicode.Scalar(v) else { continue }
            for text in [String(scalar), "a\(scalar)b", "\(scalar)\(scalar)"] where TextFolding.isClean(text) {
                if !sameScalars(TextFolding.cleanFully(text), text) { wrong.append(String(v, radix: 16)) }
            }
        }
        #expect(wrong.isEmpty, "accepted but changed by clean: U+\(wrong.prefix(10).joined(separator: ", U+"))")
    }

    /// The characters where a shortcut could go wrong, mixed at random with ordinary ones:
    /// spaces at the ends and doubled, a no-break space, combining marks after Vietnamese
    /// letters, controls, bidi overrides, a quote before a combining mark.
    @Test func randomMixesAgreeWithTheFullPath() {
        let alphabet: [String] = [
            "a", "Z", "7", " ", " ", "\u{A0}", "\t", "\n", "\u{1B}", "\u{202E}", "\u{2028}", "\u{FEFF}",
            "ễ", "Đ", "ư", "e\u{0302}", "\u{0303}", "\u{0301}", "\"", "'", "&", "<", "–", "…",
            "\u{2126}", "\u{1100}", "\u{1161}", "\u{2000}", "\u{3000}", "한", "·", "\u{AD}", "ʼ",
        ]
        var rng = SystemRandomNumberGenerator()
        var differences: [String] = []
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 0...8, using: &rng)).map { _ in alphabet.randomElement(using: &rng) ?? "" }.joined()
            if !sameScalars(TextFolding.clean(text), TextFolding.cleanFully(text)) { differences.append(text.debugDescription) }
        }
        #expect(differences.isEmpty, "clean differs from the full path for \(differences.prefix(5))")
    }

    @Test func shortcutTakesOrdinaryTextAndRefusesTheRest() {
        #expect(TextFolding.isClean("Nguyễn Văn An"))
        #expect(TextFolding.isClean("Công ty TNHH – Tầng 3, phòng 301"))
        #expect(TextFolding.isClean(""))
        #expect(!TextFolding.isClean(" An"))
        #expect(!TextFolding.isClean("An "))
        #expect(!TextFolding.isClean("Văn  An"))
        #expect(!TextFolding.isClean("Nguye\u{0302}\u{0303}n"))
        #expect(!TextFolding.isClean("An\u{A0}Bình"))
        #expect(sameScalars(TextFolding.clean("Nguye\u{0302}\u{0303}n  \u{A0}An "), "Nguy\u{1EC5}n An"))
    }
}
