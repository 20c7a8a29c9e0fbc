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
