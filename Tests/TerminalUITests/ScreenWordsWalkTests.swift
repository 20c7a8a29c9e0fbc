import Foundation
import Gate
import KioskCore
import Testing
@testable import TerminalUI

/// Issue 22 #17: every screen, in both languages, with visits of every kind on record, is
/// read for words a guard should never see: message keys, `{0}` placeholders, and the log's
/// internal values (`personal-qr`, `self-service`, `admitted-alert`…) where a word is meant.
@Suite struct ScreenWordsWalkTests {
    /// Internal values that must be translated wherever they are shown.
    static let internalValues = [
        "personal-qr", "self-service", "admitted-alert", "auto-closed", "unconfirmed", "hc1", "validity:",
    ]

    static let englishInVietnamese = ["admitted", "denied", "pending", "verified", "invite", "manual", "visitor", "inside", "left", "guard", "expired"]

    /// What each screen shows after a day with one visit of each kind.
    func screens(_ language: Language) throws -> [(String, String)] {
        let s = try Screen(language: language)
        try s.gate.supervisorPin.set("2468")
        _ = try s.gate.addWatch(name: "Kẻ Xấu", idNumber: nil, phone: nil, action: .deny, note: nil)
        _ = try s.gate.addWatch(name: "Người Cần Để Ý", idNumber: nil, phone: nil, action: .alert, note: nil)
        s.key(.function(2)); s.type("Nguyễn Văn An"); s.key(.enter)
        s.key(.function(2)); s.type("Kẻ Xấu"); s.key(.enter)
        s.key(.function(2)); s.type("Người Cần Để Ý"); s.key(.enter)
        s.scan("001099012399||Quách Tĩnh|01011999|Nam|Hà Nội|01012021")
        s.key(.enter)
        s.scan("079203001234|NGUYEN VAN BINH|1990-02-01|1|QID123456|EXT")
        s.key(.enter)
        let form = SelfCheckInForm(name: "Phan Thị Hồng", phone: "0912000111", answers: s.gate.config.checkinWeb.questions.map { _ in false },
            consent: true, gate: s.gate.config.venue.gate)
        _ = try s.gate.selfCheckIn(form)
        s.scan("ZZZZNOTACODE99")
        var out: [(String, String)] = [("main", s.text)]
        for (name, keys) in [("help", [Key.function(1)]), ("manual", [.function(2)]), ("checkout", [.function(3)]),
                             ("visits", [.function(4)]), ("inside", [.function(7)]), ("quit", [.function(10)]), ("pin", [.function(9)])] {
            s.key(.escape); s.key(.escape)
            for k in keys { s.key(k) }
            out.append((name, s.text))
        }
        // Every visit's details.
        s.key(.escape); s.key(.escape)
        s.key(.function(4))
        let count = try s.gate.list(day: nil, insideOnly: false, search: nil).count
        for i in 0..<count {
            s.key(.enter)
            out.append(("detail \(i)", s.text))
            s.key(.escape)
            s.key(.down)
        }
        // The supervisor's menu and its audit.
        s.key(.escape)
        s.key(.function(9)); s.type("2468"); s.key(.enter)
        out.append(("supervisor", s.text))
        s.key(.character("7"))
        out.append(("audit", s.text))
        return out
    }

    @Test(arguments: Language.allCases)
    func noScreenShowsARawKeyOrAnInternalValue(_ language: Language) throws {
        // Keys spelt in camel case: a one-word key (`admitted`) is also the English word.
        let keys = Set(MessageKey.allCases.map(\.rawValue) + UIKey.allCases.map(\.rawValue)).filter { $0.contains(where: \.isUppercase) }
        for (name, text) in try screens(language) {
            for key in keys where text.contains(key) { Issue.record("\(language) \(name): raw key \(key)\n\(text)") }
            if text.contains("{0}") || text.contains("{1}") { Issue.record("\(language) \(name): an unfilled placeholder\n\(text)") }
            for value in Self.internalValues where text.lowercased().contains(value) {
                Issue.record("\(language) \(name): internal value \(value)\n\(text)")
            }
            // The log's English words on a Vietnamese screen.
            if language == .vi {
                let words = Set(text.lowercased().split { !$0.isLetter && $0 != "-" }.map(String.init))
                for word in Self.englishInVietnamese where words.contains(word) {
                    Issue.record("vi \(name): English word \(word)\n\(text)")
                }
            }
        }
    }
}
