import Testing
@testable import KioskCore

@Suite struct L10nTests {
    @Test(arguments: MessageKey.allCases)
    func everyMessageExistsInBothLanguages(key: MessageKey) {
        let vi = L10n.text(key, .vi)
        let en = L10n.text(key, .en)
        #expect(!vi.isEmpty && !en.isEmpty)
        #expect(vi != en || key == .admitted)
        // Same placeholders in both languages, so arguments land in both.
        for i in 0..<4 {
            #expect(vi.contains("{\(i)}") == en.contains("{\(i)}"), "placeholder {\(i)} of \(key)")
        }
        #expect(!vi.contains("\n") && !en.contains("\n"), "messages are one line")
    }

    @Test func argumentsAreFilledIn() {
        #expect(L10n.text(.alreadyInside, .en, ["08:41", "K7QX4M"]) == "Already inside since 08:41 (code K7QX4M): no second visit opened.")
        #expect(L10n.text(.alreadyInside, .vi, ["08:41", "K7QX4M"]).contains("08:41"))
    }
}
