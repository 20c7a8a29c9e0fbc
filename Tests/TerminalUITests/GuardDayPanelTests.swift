import Foundation
import Gate
import KioskCore
import Testing
@testable import TerminalUI

/// Issue 22 "A guard's day at the terminal" and issue 20's papercuts: the verdict panel,
/// refusals, overrides, exports and the words on every screen.
@Suite struct GuardDayPanelTests {
    func fillManual(_ s: Screen, name: String, badge: String? = nil, temperature: String? = nil) {
        s.key(.function(2))
        s.type(name)
        if let badge {
            while s.app.form?.focus != .badge { s.key(.tab) }
            s.type(badge)
        }
        if let temperature {
            while s.app.form?.focus != .temperature { s.key(.tab) }
            s.type(temperature)
        }
        s.key(.enter)
    }

    func unlock(_ s: Screen, _ key: Int = 9) throws {
        try s.gate.supervisorPin.set("2468")
        s.key(.function(key))
        s.type("2468")
        s.key(.enter)
    }

    let cccd = "079203001234|123456789|Nguyễn Văn An|01011990|Nam|1 Tràng Tiền|01012021"

    // MARK: 3. An unmasked export never replaces the masked file

    @Test func anUnmaskedExportAsksWhoTakesItAndKeepsTheMaskedFile() throws {
        let s = try Screen()
        _ = try s.gate.checkIn({
            var r = CheckInRequest(details: VisitorDetails(name: "Lê Văn Phúc", phone: "0912345678"), guardName: "g")
            r.badge = "3"
            return r
        }())
        try unlock(s)
        s.type("1")
        let masked = s.dir + "/exports/entries-demo-2026-11-29.csv"
        let before = try String(contentsOfFile: masked, encoding: .utf8)
        let sumBefore = try String(contentsOfFile: masked + ".sha256", encoding: .utf8)
        #expect(!before.contains("0912345678"))
        s.type("4")
        #expect(s.contains("Họ tên người nhận bản đầy đủ"))
        s.type("Chị Hoa")
        s.key(.enter)
        let full = s.dir + "/exports/entries-demo-unmasked-2026-11-29.csv"
        #expect(try String(contentsOfFile: full, encoding: .utf8).contains("0912345678"))
        #expect(try String(contentsOfFile: masked, encoding: .utf8) == before)
        #expect(try String(contentsOfFile: masked + ".sha256", encoding: .utf8) == sumBefore)
    }

    // MARK: 4. Refusals are counted and can be overridden

    @Test func aCapacityRefusalIsCountedAndOverriddenWithItsReason() throws {
        let s = try Screen { $0.venue.capacity = 1 }
        fillManual(s, name: "Người Một", badge: "1")
        fillManual(s, name: "Trương Văn Hùng", badge: "2")
        #expect(s.contains("KHÔNG ĐƯỢC VÀO"))
        #expect(s.contains("1 từ chối"))
        #expect(try s.gate.counts(day: s.gate.today()).denied == 1)
        #expect(try s.gate.stats(day: s.gate.today()).denied == 1)
        try unlock(s)
        s.type("6")
        // The prompt names who and why, never empty brackets.
        #expect(s.contains("Cho phép: Trương Văn Hùng (Đã đủ sức chứa"))
        #expect(!s.contains("()"))
        s.type("Chị Hoa")
        s.key(.enter)
        s.type("Họp khẩn")
        s.key(.enter)
        #expect(s.app.screen == .main)
        #expect(s.contains("ĐƯỢC VÀO"))
        #expect(s.contains("Giám sát viên Chị Hoa cho phép: Họp khẩn"))
        #expect(!s.contains("Không cho vào"))
        #expect(!s.contains("cần giám sát viên cho phép"))
    }

    @Test func anExpiredInvitationIsCountedAndCanBeOverridden() throws {
        let s = try Screen()
        let now = s.clock.now()
        let (code, _) = try s.gate.issueInvitation(
            name: "Phạm Thị Lan", host: "Phòng Kế toán", purpose: nil, from: now.addingTimeInterval(-7200), until: now.addingTimeInterval(-3600), uses: 1)
        s.scan(code)
        #expect(s.contains("KHÔNG ĐƯỢC VÀO"))
        #expect(s.contains("Thư mời đã hết hạn"))
        // Issue 22 #15: the refused holder's name is on the panel, as for any refusal.
        #expect(s.contains("Phạm Thị Lan"))
        #expect(!s.contains("validity"))
        #expect(s.contains("1 từ chối"))
        try unlock(s)
        s.type("6")
        #expect(!s.contains("Không có lượt bị từ chối"))
        s.type("Chị Hoa")
        s.key(.enter)
        s.type("Gia hạn qua điện thoại")
        s.key(.enter)
        #expect(s.contains("ĐƯỢC VÀO"))
        let v = try #require(try s.gate.list(day: nil, insideOnly: true, search: nil).first)
        #expect(v.method == .invite && v.overriddenBy == "Chị Hoa")
    }

    @Test func aUsedUpInvitationIsCountedAndCanBeOverridden() throws {
        let s = try Screen()
        let now = s.clock.now()
        let (code, _) = try s.gate.issueInvitation(
            name: "Phạm Thị Lan", host: "Phòng Kế toán", purpose: nil, from: now.addingTimeInterval(-60), until: now.addingTimeInterval(7200), uses: 1)
        s.scan(code)
        #expect(s.contains("ĐƯỢC VÀO"))
        let first = try #require(try s.gate.list(day: nil, insideOnly: true, search: nil).first)
        _ = try s.gate.checkOut(code: first.code)
        s.scan(code)
        #expect(s.contains("KHÔNG ĐƯỢC VÀO"))
        #expect(s.contains("1 lần"))
        #expect(try s.gate.counts(day: s.gate.today()).denied == 1)
        try unlock(s)
        s.type("6")
        s.type("Chị Hoa")
        s.key(.enter)
        s.type("Quên đồ")
        s.key(.enter)
        #expect(s.contains("ĐƯỢC VÀO"))
        #expect(try s.gate.list(day: nil, insideOnly: true, search: nil).count == 1)
    }

    // MARK: 9, 10. The same confirmed visit, the same colour and the same method

    @Test func aConfirmedIdCardFormIsGreenLikeATypedEntry() throws {
        let s = try Screen()
        s.scan(cccd)
        s.type("5")
        s.key(.enter)
        #expect(s.contains("ĐƯỢC VÀO"))
        #expect(!s.contains("KIỂM TRA"))
        #expect(!s.contains("cần bảo vệ xác nhận"))
    }

    @Test func anOverriddenIdCardVisitIsLabelledAsAnIdCard() throws {
        let s = try Screen()
        _ = try s.gate.addWatch(name: "Nguyễn Văn An", idNumber: nil, phone: nil, action: .deny, note: nil)
        s.scan(cccd)
        s.key(.enter)
        #expect(s.contains("KHÔNG ĐƯỢC VÀO"))
        try unlock(s)
        s.type("6")
        s.type("Chị Hoa")
        s.key(.enter)
        s.type("Đã xác minh")
        s.key(.enter)
        #expect(s.contains("ĐƯỢC VÀO"))
        // The panel's source line (below the band) names the ID card, as the export does.
        #expect(s.grid.line(5).contains("QR căn cước (CCCD)"))
        #expect(!s.grid.line(5).contains("Nhập tay"))
        #expect(!s.contains("Không cho vào"))
        // The corner tag is in the guard's words, not the stored `#1 deny`.
        #expect(s.contains("DS theo dõi #1 từ chối"))
    }

    // MARK: 12. F6 exports at once

    @Test func f6ExportsTodayMaskedRightAfterThePin() throws {
        let s = try Screen()
        fillManual(s, name: "Lê Văn Phúc")
        try unlock(s, 6)
        let path = s.dir + "/exports/entries-demo-2026-11-29.csv"
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(s.contains("Đã xuất 1 lượt vào"))
    }

    // MARK: 20-5. The fever policy

    @Test func aFeverUnderCheckNeedsTheGuardsSecondEnterAndIsRecorded() throws {
        let s = try Screen()
        fillManual(s, name: "Lê Văn Sốt", temperature: "38,1")
        #expect(s.app.screen == .manual)
        #expect(s.contains("38,1 °C từ 37,5 °C"))
        #expect(try s.gate.list(day: nil, insideOnly: false, search: nil).isEmpty)
        s.key(.enter)
        #expect(s.app.screen == .main)
        #expect(s.contains("KIỂM TRA"))
        #expect(!s.contains("ĐƯỢC VÀO"))
        let v = try #require(try s.gate.list(day: nil, insideOnly: true, search: nil).first)
        #expect(v.reasons.contains("temperatureOverLimit") && v.reasons.contains("feverConfirmed"))
        #expect(v.decision == "admitted-alert")
    }

    @Test func aFeverUnderDenyIsRefusedCountedAndOverridable() throws {
        let s = try Screen { $0.policy.fever = .deny }
        fillManual(s, name: "Lê Văn Sốt", temperature: "38.1")
        #expect(s.contains("KHÔNG ĐƯỢC VÀO"))
        #expect(s.contains("1 từ chối"))
        try unlock(s)
        s.type("6")
        s.type("Chị Hoa")
        s.key(.enter)
        s.type("Đo lại 37,2")
        s.key(.enter)
        #expect(s.contains("ĐƯỢC VÀO"))
    }

    @Test func aFeverUnderWarnStaysGreenWithAWarning() throws {
        let s = try Screen { $0.policy.fever = .warn }
        fillManual(s, name: "Lê Văn Sốt", temperature: "38.1")
        #expect(s.contains("ĐƯỢC VÀO"))
        #expect(s.contains("38,1 °C từ 37,5 °C"))
    }

    // MARK: 20-2. Categories by name

    @Test(arguments: [(Language.vi, "‹ Khách ›"), (.en, "‹ Visitor ›")])
    func categoriesAreShownByName(lang: Language, shown: String) throws {
        let s = try Screen(language: lang)
        s.key(.function(2))
        #expect(s.contains(shown))
        #expect(!s.contains("‹ visitor ›"))
    }

    // MARK: 7. The verdict says when, and fades

    @Test func theVerdictShowsItsTimeAndFadesAfterTheConfiguredDelay() throws {
        let s = try Screen { $0.ui.verdictSeconds = 60 }
        fillManual(s, name: "Trần Thị Bích", badge: "9")
        #expect(s.contains("ĐƯỢC VÀO"))
        #expect(s.contains("08:41"))
        s.clock.advance(59)
        s.app.tick()
        #expect(s.contains("ĐƯỢC VÀO"))
        s.clock.advance(2)
        s.app.tick()
        #expect(s.app.verdict?.faded == true)
        #expect(s.grid.line(3).contains("Sẵn sàng"))
        #expect(s.contains("Kết quả trước, lúc 08:41: ĐƯỢC VÀO"))
        #expect(!s.contains("Trần Thị Bích"))
    }

    @Test func theNextKeyFadesTheVerdict() throws {
        let s = try Screen { $0.ui.verdictSeconds = 0 }
        fillManual(s, name: "Trần Thị Bích")
        s.clock.advance(3600)
        s.app.tick()
        #expect(s.app.verdict?.faded == false)
        s.key(.character("a"))
        #expect(s.app.verdict?.faded == true)
    }

    // MARK: 8. A long name never pushes the code off the line

    @Test func aLongNameGivesWayToTheCodeAndBadge() throws {
        let s = try Screen()
        fillManual(s, name: "Công Tôn Nữ Hoàng Thị Phương Thảo Nguyên Hạnh Minh Châu Bảo Ngọc Thanh Tâm", badge: "123")
        let code = try #require(try s.gate.list(day: nil, insideOnly: true, search: nil).first?.code)
        let line = try #require((0..<s.rows).map { s.grid.line($0) }.first { $0.contains("Công Tôn") })
        #expect(line.contains("Mã lượt \(code)"))
        #expect(line.contains("Thẻ 123"))
    }
}
