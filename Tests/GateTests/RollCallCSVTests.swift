import Testing
import Gate

/// The roll call and contact-trace CSV cells, read the way a spreadsheet reads them: by
/// scalar, not by Swift Character.
@Suite struct RollCallCSVTests {
    @Test func ordinaryCellsStayBare() {
        #expect(RollCall.csvCell("Nguyễn Văn An") == "Nguyễn Văn An")
        #expect(RollCall.csvCell("A, B") == "\"A, B\"")
        #expect(RollCall.csvCell("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(RollCall.csvCell("=1+1") == "\"'=1+1\"")
    }

    /// A comma or quote carrying a combining mark is one Character but still a comma or a
    /// quote in the file: the cell must be quoted (and the quote doubled), or the visitor's
    /// name splits into two columns.
    @Test func commaOrQuoteBeforeACombiningMarkIsQuoted() {
        let comma = RollCall.csvCell("An,\u{0301}=2+3")
        #expect(comma.unicodeScalars.first == "\"")
        #expect(comma.unicodeScalars.last == "\"")
        let quote = RollCall.csvCell("An\"\u{0301}x")
        #expect(quote.unicodeScalars.elementsEqual("\"An\"\"\u{0301}x\"".unicodeScalars))
        let formula = RollCall.csvCell("=\u{0301}HYPERLINK(1)")
        #expect(formula.unicodeScalars.starts(with: "\"'=".unicodeScalars))
    }
}
