import Foundation
import Gate
import KioskCore
import Testing
@testable import TerminalUI

@Suite struct ScreenLayoutTests {
    static let sizes = [(80, 24), (132, 43)]

    @Test(arguments: [Language.vi, .en], [0, 1])
    func mainScreenHasEverythingAtBothSizes(lang: Language, sizeIndex: Int) throws {
        let (w, h) = Self.sizes[sizeIndex]
        let s = try Screen(columns: w, rows: h, language: lang)
        let g = s.grid
        #expect(g.line(0).contains("Tòa nhà Thử"))
        #expect(g.line(0).contains("2026-11-29 08:41"))
        #expect(g.line(1).contains(lang == .vi ? "Trong nhà 0/" : "Inside 0/"))
        #expect(g.line(h - 2).contains(UIText.text(.scanOrType, lang)))
        // Every function key is on the bar, whole, within the width.
        let bar = g.line(h - 1)
        for a in GlobalAction.allCases {
            #expect(bar.contains("\(a.functionKey)"), "key \(a.functionKey) missing in \(bar)")
        }
        #expect(bar.contains(UIText.text(.keyQuit, lang)))
        #expect(g.cursor?.row == h - 2)
    }

    @Test(arguments: [Language.vi, .en])
    func everyScreenDrawsAt80x24WithoutLosingTheKeyBar(lang: Language) throws {
        let s = try Screen(language: lang)
        for action in GlobalAction.allCases {
            s.app.goHome()
            s.app.perform(action)
            let g = s.grid
            if action != .venueQR {
                #expect(g.line(23).contains(UIText.text(.keyHelp, lang)), "\(action): \(g.text)")
            }
            #expect(!g.text.contains("{0}"), "unfilled placeholder on \(action)")
        }
    }

    @Test func aLongStatusMessageKeepsItsStartAndEndsInAnEllipsis() throws {
        let s = try Screen()
        let path = "/var/lib/kiosk/" + String(repeating: "exports/", count: 30) + "entries-demo-hq-2026-11-29.csv"
        s.app.say("Không ghi được tệp xuất: ổ đĩa đầy. Giải phóng chỗ rồi thử lại: " + path, .error)
        let rows = s.app.render(columns: 80, rows: 24).text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let first = try #require(rows.firstIndex { $0.contains("Không ghi được tệp xuất") }, "the start of the message is not on screen")
        #expect(rows[first].contains("ổ đĩa đầy"))
        #expect(rows[first + 1].trimmingCharacters(in: .whitespaces).hasSuffix("…"), "\(rows[first + 1])")
    }

    @Test func belowEightyByTwentyFourSaysTheWindowIsTooSmall() throws {
        let s = try Screen(columns: 79, rows: 24)
        #expect(s.contains("quá nhỏ"))
        #expect(!s.contains("F10"))
        s.columns = 80
        #expect(s.contains("F10"))
        s.rows = 10
        #expect(s.contains("quá nhỏ"))
    }

    @Test func monochromeTerminalsGetTheSameText() throws {
        let colour = try Screen(colour: true)
        let mono = try Screen(colour: false)
        #expect(colour.text == mono.text)
    }

    @Test func helpListsEveryBindingOfTheKeyTable() throws {
        let s = try Screen(language: .en)
        s.key(.function(1))
        for (_, action) in KeyTable.bindings {
            #expect(s.contains("F\(action.functionKey) / Alt+\(action.altDigit)"))
        }
    }

    @Test func placeholdersAreFilledInEveryString() {
        for key in UIKey.allCases {
            for lang in Language.allCases {
                let text = UIText.text(key, lang, (0..<6).map { "x\($0)" })
                #expect(!text.contains("{"), "\(key) \(lang)")
                #expect(!text.isEmpty)
            }
        }
    }
}

@Suite struct KeyTableTests {
    @Test(arguments: GlobalAction.allCases)
    func functionKeyAndAltDigitDoTheSame(action: GlobalAction) throws {
        #expect(KeyTable.action(for: .function(action.functionKey)) == action)
        #expect(KeyTable.action(for: .alt(action.altDigit)) == action)
        let viaF = try Screen()
        viaF.key(.function(action.functionKey))
        let viaAlt = try Screen()
        viaAlt.key(.alt(action.altDigit))
        #expect(viaF.app.screen == viaAlt.app.screen)
        #expect(viaF.app.screen != .main)
    }

    @Test func eachKeyOpensItsScreen() throws {
        let expected: [GlobalAction: ScreenID] = [
            .help: .help, .manualEntry: .manual, .checkOut: .checkOut, .visits: .visits, .venueQR: .venueQR,
            .export: .pin(next: .export), .insideNow: .inside, .supervisor: .pin(next: .supervisor), .quit: .quit,
        ]
        for (action, screen) in expected {
            let s = try Screen()
            s.key(.function(action.functionKey))
            #expect(s.app.screen == screen, "\(action)")
            if case .pin = screen {
                // Typing the PIN: function keys do not leave the prompt by accident.
                s.key(.function(2))
                #expect(s.app.screen == screen)
            }
            s.key(.escape)
            if action == .quit { #expect(s.app.screen == .main) }
        }
    }

    @Test func otherKeysAreNotActions() {
        #expect(KeyTable.action(for: .function(8)) == nil)
        #expect(KeyTable.action(for: .function(11)) == nil)
        #expect(KeyTable.action(for: .alt("x")) == nil)
        #expect(KeyTable.action(for: .character("1")) == nil)
    }

    @Test func quitNeedsConfirmation() throws {
        let s = try Screen()
        s.key(.function(10))
        #expect(s.contains("Thoát kiosk?"))
        #expect(!s.app.quitRequested)
        s.key(.enter)
        #expect(s.app.quitRequested)
    }
}
