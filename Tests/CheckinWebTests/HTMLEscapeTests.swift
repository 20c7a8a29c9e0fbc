import Testing
@testable import CheckinWeb

@Suite struct HTMLEscapeTests {
    @Test func markupCharactersAreEscaped() {
        #expect(HTML.escape(#"<b a="x" b='y'>&"#) == "&lt;b a=&quot;x&quot; b=&#39;y&#39;&gt;&amp;")
        #expect(HTML.escape("Nguyễn Văn An") == "Nguyễn Văn An")
    }

    /// A quote followed by a combining mark is one character to Swift but a quote to the
    /// browser: walking characters let it out unescaped, ending the attribute it was in.
    @Test func quoteBeforeACombiningMarkIsStillEscaped() {
        let escaped = HTML.escape("x\"\u{0301} onmouseover=alert(1) '\u{0300}")
        #expect(!escaped.unicodeScalars.contains("\""))
        #expect(!escaped.unicodeScalars.contains("'"))
        #expect(escaped.unicodeScalars.starts(with: "x&quot;".unicodeScalars))
    }

    @Test func controlsAndSpacesAreCleanedFirst() {
        #expect(HTML.escape("  An\u{1B}[31m\n Bình ") == "An [31m Bình")
    }
}
