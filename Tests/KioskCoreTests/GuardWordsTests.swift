import Foundation
import Testing
@testable import KioskCore

/// Issue 20 (#2, #3, #5) and 22 (#7, #17): new keys, category names, one decimal separator
/// per language, English plurals.
@Suite struct GuardWordsTests {
    func parse(_ text: String) throws(ConfigError) -> KioskConfig {
        try KioskConfig.parse(text: text, path: "/etc/kiosk/kiosk.conf", baseDirectory: "/srv/kiosk")
    }

    @Test func categoriesTakeNamesInBothLanguagesAndAPlainListStillWorks() throws {
        let named = try parse("[records]\ncategories = visitor: Khách / Visitor, contractor: Nhà thầu / Contractor, exam\n")
        #expect(named.records.categories == ["visitor", "contractor", "exam"])
        #expect(named.records.categoryName("contractor", .vi) == "Nhà thầu")
        #expect(named.records.categoryName("contractor", .en) == "Contractor")
        #expect(named.records.categoryName("exam", .vi) == "exam")
        let plain = try parse("[records]\ncategories = visitor, delivery\n")
        #expect(plain.records.categories == ["visitor", "delivery"])
        #expect(plain.records.categoryName("delivery", .vi) == "Giao hàng")
        #expect(throws: ConfigError.self) { try parse("[records]\ncategories = visitor: \n") }
    }

    @Test func feverPolicyAndVerdictSecondsAreKeys() throws {
        #expect(KioskConfig().policy.fever == .check)
        #expect(try parse("[policy]\nfever = deny\n").policy.fever == .deny)
        #expect(try parse("[ui]\nverdict_seconds = 0\n").ui.verdictSeconds == 0)
        #expect(throws: ConfigError.self) { try parse("[policy]\nfever = maybe\n") }
        #expect(throws: ConfigError.self) { try parse("[ui]\nverdict_seconds = -1\n") }
    }

    @Test func temperaturesUseTheLanguagesDecimalSeparatorEverywhere() {
        let warn = Validation.warnings(VisitorDetails(name: "A"), temperature: 38.1, feverLimit: 37.5)
        #expect(warn.map { $0.text(.vi) } == ["Nhiệt độ 38,1 °C từ 37,5 °C trở lên: kiểm tra sức khỏe khách."])
        #expect(warn.map { $0.text(.en) } == ["Temperature 38.1 °C is 37.5 °C or more: check the visitor's health."])
        #expect(L10n.text(.temperatureOverLimit, .vi, ["38.1", "37.5"]).contains("38,1 °C vượt ngưỡng 37,5 °C"))
        // The limit is the configured one, not a fixed 37.5.
        let strict = Validation.warnings(VisitorDetails(name: "A"), temperature: 37.3, feverLimit: 37.2)
        #expect(strict.first?.text(.vi).contains("từ 37,2 °C") == true)
    }

    @Test func englishCountsAgreeWithTheirNouns() {
        #expect(L10n.text(.inviteUsedUp, .en, ["1", "08:00"]).contains("(1 time)"))
        #expect(L10n.text(.inviteUsedUp, .en, ["2", "08:00"]).contains("(2 times)"))
        #expect(L10n.text(.exportWritten, .en, ["1", "f.csv"]) == "Exported 1 visit to f.csv.")
        #expect(L10n.text(.inviteUsedUp, .vi, ["1", "08:00"]).contains("(1 lần)"))
    }

    @Test func internalWordsHaveNamesForTheGuard() {
        #expect(L10n.text(.kindNeedsGuard, .vi, ["cccd"]) == "Loại mã QR căn cước (CCCD) cần bảo vệ xác nhận.")
        #expect(L10n.method("personal-qr", .vi) == "QR cá nhân PC-Covid")
        #expect(L10n.decision("admitted", .vi) == "cho vào")
        #expect(L10n.watchMatch("#1 deny", .vi) == "#1 từ chối")
        #expect(L10n.passSummary("invitation 1a2b3c4d verified", .vi) == "Thư mời 1a2b3c4d: hợp lệ")
        #expect(L10n.duration(minutes: 3, .vi) == "3 phút")
        #expect(L10n.duration(minutes: 65, .vi) == "1 giờ 05")
    }
}
