import Testing
@testable import KioskCore

@Suite struct TextFoldingTests {
    @Test func foldsVietnameseDiacriticsAndCase() {
        #expect(TextFolding.fold("Nguyễn Văn An") == "nguyen van an")
        #expect(TextFolding.fold("ĐẶNG THỊ HỒNG") == "dang thi hong")
        #expect(TextFolding.fold("  Trần   Đức  ") == "tran duc")
    }

    @Test func decomposedAndComposedFoldTheSame() {
        let decomposed = "Nguye\u{0302}\u{0303}n"
        #expect(TextFolding.fold(decomposed) == TextFolding.fold("Nguyễn"))
        #expect(TextFolding.clean(decomposed) == "Nguyễn")
    }

    @Test func cleanRemovesControlsAndEscapes() {
        let hostile = "Evil\u{1B}[31m\tName\nNext\r\u{7}\u{202E}x"
        let clean = TextFolding.clean(hostile)
        #expect(!clean.unicodeScalars.contains { TextFolding.isControl($0) })
        #expect(clean == "Evil [31m Name Next x")
    }

    @Test func maskingKeepsLastFour() {
        #expect(Masking.mask("079203001234") == "********1234")
        #expect(Masking.mask("0912345678") == "******5678")
        #expect(Masking.mask("12345") == "*****")
        #expect(Masking.mask("") == "")
        #expect(Masking.isMasked("******1234"))
    }
}

/// `fold`'s table path (issue 19) must say exactly what the full Foundation path says.
@Suite struct FoldQuicklyTests {
    @Test func agreesWithTheFullPathOnEveryLatinLetter() {
        for v in Array(0x00...0x7F) + Array(0xC0...0x24F) + Array(0x1E00...0x1EFF) + Array(0x2000...0x206F) {
            guard let scalar = Unicode.Scalar(UInt32(v)) else { continue }
            let text = "A" + String(Character(scalar)) + "b"
            if let quick = TextFolding.foldQuickly(text) {
                #expect(quick == TextFolding.foldFully(text), "U+\(String(v, radix: 16))")
            }
        }
    }

    @Test func agreesWithTheFullPathOnRandomMixes() {
        let pieces: [String] = [
            "Nguyễn", "Văn", "ĐẶNG", "thị", "Hồng", " ", "  ", "\t", "\n", "\r\n", "A", "z", "1", "-", "'", "\"",
            "Ǆ", "ǅ", "ß", "Æ", "æ", "Ø", "İ", "ı", "ẞ", "Ŀ", "ŉ", "Ĳ", "ǰ", "ᾈ", "ﬁ", "e\u{301}", "\u{301}",
            "\u{A0}", "Ａ", "中", "😀", "Ơ", "ư", "Ữ", "ỹ", "Ỹ", "ş", "ǖ", " – ", "—", "‘", "’", "…", "\u{2028}", "\u{202F}", "\u{205F}", "⁸", "‰",
        ]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let text = (0..<Int.random(in: 0...8, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            #expect(TextFolding.fold(text) == TextFolding.foldFully(text), "\(Array(text.unicodeScalars))")
        }
    }

    @Test func takesTheTableForVietnameseNames() {
        #expect(TextFolding.foldQuickly("  Nguyễn   Thị Ánh  Tuyết ") == "nguyen thi anh tuyet")
        #expect(TextFolding.foldQuickly("ĐỖ ĐỨC") == "do duc")
        #expect(TextFolding.foldQuickly("Lê Văn Hải – Kế toán") == "le van hai – ke toan")
        #expect(TextFolding.foldQuickly("e\u{301}") == nil)
        #expect(TextFolding.foldQuickly("中") == nil)
    }
}

/// The byte shortcuts of issue 19 keep the old character semantics (the review's findings).
@Suite struct CharacterSemanticsTests {
    @Test func aStarWithACombiningMarkIsNoMask() {
        #expect(!Masking.isMasked("079203001234*\u{301}"))
        #expect(Masking.isMasked("0792****1234"))
        #expect(!Masking.isMasked("079203001234"))
    }

    @Test func spacesLeaveAnIdNumber() {
        #expect(VisitorDetails(name: "An", idNumber: "079 203 001 234").cleaned().idNumber == "079203001234")
    }
}
