import Testing
@testable import TerminalUI

@Suite struct TextFieldTests {
    @Test func vietnameseIsEditedByCharacterNotByte() {
        var f = TextField()
        for c in "Nguyễn Văn Anh" { f.edit(.character(c)) }
        f.edit(.backspace)
        #expect(f.text == "Nguyễn Văn An")
        f.edit(.home)
        for _ in 0..<5 { f.edit(.right) }
        #expect(f.cursor == 5)
        f.edit(.delete)
        #expect(f.text == "Nguyễ Văn An")
        f.edit(.character("n"))
        #expect(f.text == "Nguyễn Văn An")
        #expect(f.view(width: 40).cursorColumn == 6)
    }

    @Test func controlCharactersNeverEnterAField() {
        var f = TextField()
        for c in "a\u{1B}[31mb\u{7}" { f.edit(.character(c)) }
        #expect(f.text == "a[31mb")
    }

    @Test func aLongFieldScrollsToKeepTheCursorVisible() {
        var f = TextField(String(repeating: "ắ", count: 100))
        let v = f.view(width: 20)
        #expect(v.cursorColumn == 19)
        f.edit(.home)
        #expect(f.view(width: 20).cursorColumn == 0)
        #expect(f.view(width: 20).text.count == 20)
    }

    @Test func theLimitHolds() {
        var f = TextField("", limit: 5)
        for c in "1234567" { f.edit(.character(c)) }
        #expect(f.text == "12345")
    }

    @Test func wideCharactersTakeTwoCellsAndControlsNone() {
        var g = CellGrid(columns: 10, rows: 1)
        let end = g.put(0, 0, "漢a\u{1B}b")
        #expect(end == 4)
        #expect(g.line(0).hasPrefix("漢ab"))
        #expect(g[0, 1].continuation)
    }
}
