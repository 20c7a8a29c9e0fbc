import Foundation
import Gate
import KioskCore
import Testing
@testable import TerminalUI

/// Issue 22, "a guard's day at the terminal": codes typed into fields, two visitors mixed,
/// work lost, and the smaller papercuts of a day at the gate.
@Suite struct GuardDayTests {
    static let quach = "001099012399||Quách Tĩnh|01011999|Nam|Hà Nội|01012021"
    static let an = "079203001234|123456789|Nguyễn Văn An|01011990|Nam|1 Tràng Tiền|01012021"

    func visits(_ s: Screen) throws -> [Entry] { try s.gate.list(day: nil, insideOnly: false, search: nil) }

    // MARK: 1. A slow scanner types a code into a field

    @Test func aCCCDTypedIntoTheNameFieldIsTakenAsTheScan() throws {
        let s = try Screen()
        s.key(.function(2))
        // Key by key: what a scanner slower than max_key_gap_ms delivers.
        s.type(Self.quach)
        s.key(.enter)
        #expect(s.app.screen == .manual)
        #expect(s.app.form?.text(.name) == "Quách Tĩnh")
        #expect(s.app.form?.text(.idNumber) == "001099012399")
        #expect(s.app.form?.scannedKind == .cccd)
        #expect(try visits(s).isEmpty)
        s.key(.enter)
        let v = try #require(try visits(s).first)
        #expect(v.details.name == "Quách Tĩnh")
        #expect(v.method == .cccd)
        #expect(v.details.address == nil)
    }

    @Test func aScanSplitByOneSlowKeyIsJoinedWithItsStart() throws {
        let s = try Screen()
        s.key(.function(2))
        // The first keys came slowly (typed into the field), the rest as a burst.
        s.type(String(Self.quach.prefix(20)))
        s.scan(String(Self.quach.dropFirst(20)))
        #expect(s.app.form?.text(.name) == "Quách Tĩnh")
        #expect(s.app.form?.text(.idNumber) == "001099012399")
    }

    @Test func codesTypedIntoAnyFieldAreScans() throws {
        let s = try Screen()
        try s.gate.supervisorPin.set("2468")
        // The main line.
        s.enter(Self.an)
        #expect(s.app.form?.text(.name) == "Nguyễn Văn An")
        s.key(.enter)
        let code = try #require(try visits(s).first?.code)
        // F4's search: a check-out code is a check-out, not a search.
        s.key(.function(4))
        s.type("KOUT:" + code)
        s.key(.enter)
        #expect(try s.gate.list(day: nil, insideOnly: true, search: nil).isEmpty)
        #expect(s.app.screen == .main)
        // A supervisor's answer: the code opens the form and the menu locks.
        s.key(.function(9))
        s.type("2468")
        s.key(.enter)
        s.key(.character("2"))
        s.type(Self.quach)
        s.key(.enter)
        #expect(s.app.screen == .manual)
        #expect(s.app.form?.text(.name) == "Quách Tĩnh")
        // The PIN prompt: not a wrong PIN.
        s.key(.escape)
        s.key(.escape)
        s.key(.function(9))
        s.type(Self.an)
        s.key(.enter)
        #expect(s.app.screen == .manual)
        #expect(s.app.form?.text(.name) == "Nguyễn Văn An")
    }

    @Test func aNameWithABarOrALongNumberNeedsASecondEnter() throws {
        let s = try Screen()
        s.key(.function(2))
        s.type("Lê Văn 0123456789")
        s.key(.enter)
        #expect(s.app.screen == .manual)
        #expect(s.contains("giống một mã quét"))
        #expect(try visits(s).isEmpty)
        s.key(.enter)
        #expect(try visits(s).count == 1)
    }

    @Test func typedScanShapes() {
        #expect(TypedScan.find(in: "abc " + Self.quach)?.before == "abc ")
        #expect(TypedScan.find(in: "xyz" + "KOUT:D2RRKM")?.scan == "KOUT:D2RRKM")
        #expect(TypedScan.find(in: "Nguyễn Văn An") == nil)
        #expect(TypedScan.find(in: "0912345678") == nil)
        // A health-insurance card: `card|name as hex|dd/mm/yyyy|sex|address hex|…`.
        #expect(TypedScan.isScan("HS4010123456789|4e677579e1bb856e|01/01/1990|1|48c3a0204ee1bb9969|79001|01/01/2024|31/12/2024|$"))
        #expect(TypedScan.nameLooksLikeCode("An|B") && TypedScan.nameLooksLikeCode("An 01011999"))
        #expect(!TypedScan.nameLooksLikeCode("Nguyễn Văn An 2"))
    }

    // MARK: 2. Two visitors' data mixed

    func typeSomeone(_ s: Screen) {
        s.key(.function(2))
        s.type("Trần Thị Bích")
        while s.app.form?.focus != .phone { s.key(.tab) }
        s.type("0912345678")
        s.key(.tab)
        s.type("Công ty ABC")
        s.key(.tab)
        s.type("Phòng IT")
    }

    @Test func anotherPersonsCardIntoAFilledFormAsksAndNeverMerges() throws {
        let s = try Screen()
        typeSomeone(s)
        s.scan(Self.an)
        // Nothing changed yet: the guard is asked.
        #expect(s.app.form?.text(.name) == "Trần Thị Bích")
        #expect(s.contains("Enter: thay cả phiếu"))
        s.key(.escape)
        #expect(s.app.form?.text(.name) == "Trần Thị Bích")
        #expect(s.app.form?.text(.host) == "Phòng IT")
        #expect(s.app.form?.scanned == nil)
        s.scan(Self.an)
        s.key(.enter)
        #expect(s.app.form?.text(.name) == "Nguyễn Văn An")
        #expect(s.app.form?.text(.phone) == "")
        #expect(s.app.form?.text(.organisation) == "")
        #expect(s.app.form?.text(.host) == "")
        #expect(try visits(s).isEmpty)
    }

    @Test func theSamePersonsCardFillsTheFormKeepingWhatWasTyped() throws {
        let s = try Screen()
        s.key(.function(2))
        s.type("nguyen van an")
        s.key(.tab)
        s.key(.tab)
        s.key(.tab)
        s.key(.tab)
        s.type("Phòng IT")
        s.scan(Self.an)
        #expect(s.app.form?.pendingScan == nil)
        #expect(s.app.form?.text(.name) == "Nguyễn Văn An")
        #expect(s.app.form?.text(.host) == "Phòng IT")
    }

    // MARK: 6. Losing work

    @Test func scansOfOtherKindsKeepAHalfFilledForm() throws {
        let s = try Screen()
        typeSomeone(s)
        // An unreadable code: the form stays on screen.
        s.scan("NOT-A-PASS-123")
        #expect(s.app.screen == .manual)
        #expect(s.contains("Mã không đọc được"))
        // A check-out code: its verdict on the main screen, then F2 brings the form back.
        s.scan("KOUT:D2RRKM")
        #expect(s.app.screen == .main)
        #expect(s.contains("F2 để nhập tiếp"))
        s.key(.function(2))
        #expect(s.app.form?.text(.name) == "Trần Thị Bích")
        #expect(s.app.form?.text(.host) == "Phòng IT")
    }

    @Test func escOnAFilledFormAsksFirst() throws {
        let s = try Screen()
        typeSomeone(s)
        s.key(.escape)
        #expect(s.app.screen == .manual)
        #expect(s.contains("Bỏ phiếu đang nhập?"))
        // Any other key keeps typing.
        s.type("!")
        #expect(s.app.form?.text(.host) == "Phòng IT!")
        s.key(.escape)
        s.key(.escape)
        #expect(s.app.screen == .main)
        s.key(.function(2))
        #expect(s.app.form?.text(.name) == "")
        // An empty form closes at once.
        s.key(.escape)
        #expect(s.app.screen == .main)
    }

    @Test func aPastedNameWithEnterIsTypingNotAScan() throws {
        let s = try Screen()
        s.key(.function(2))
        s.scan("Trần Thị Bích")
        #expect(s.app.screen == .manual)
        #expect(s.app.form?.text(.name) == "Trần Thị Bích")
        #expect(try visits(s).isEmpty)
        #expect(s.app.alertsPending == 0)
    }

    // MARK: 11, 13, 14

    @Test func aLowercaseEntryCodeOnTheMainLineChecksOut() throws {
        let s = try Screen()
        s.key(.function(2))
        s.type("Phan Văn Đức")
        s.key(.enter)
        let code = try #require(try visits(s).first?.code)
        s.enter(code.lowercased())
        #expect(s.app.screen == .checkOut)
        #expect(s.contains("Cho Phan Văn Đức"))
        s.key(.enter)
        #expect(try s.gate.list(day: nil, insideOnly: true, search: nil).isEmpty)
        // Words with spaces stay a search.
        s.enter("phan van")
        #expect(s.app.screen == .visits)
    }

    @Test func f8FillsTheNameWithItsDiacriticsAndTheCategory() throws {
        let s = try Screen()
        s.key(.function(2))
        s.type("Nguyễn Văn An")
        s.key(.tab)
        s.type("001099012345")
        while s.app.form?.focus != .category { s.key(.tab) }
        s.key(.right)
        s.key(.enter)
        let v = try #require(try visits(s).first)
        _ = try s.gate.checkOut(code: v.code)
        s.clock.advance(86400)
        // By id number on the main line: the form knows the visitor but not the name.
        s.enter("001099012345")
        #expect(s.contains("Khách quen: Nguyễn Văn An"))
        s.key(.function(8))
        #expect(s.app.form?.text(.name) == "Nguyễn Văn An")
        #expect(s.app.form?.categoryIndex == 1)
        // A PC-Covid QR gives the name in capitals without diacritics: F8 restores them.
        s.key(.escape)
        s.key(.escape)
        s.scan("001099012345|NGUYEN VAN AN|1990-01-01|1|Q1|E")
        #expect(s.app.form?.text(.name) == "NGUYEN VAN AN")
        s.key(.function(8))
        #expect(s.app.form?.text(.name) == "Nguyễn Văn An")
    }

    @Test func thePinShowsADotPerDigitAndTheLockSaysThree() throws {
        let s = try Screen()
        try s.gate.supervisorPin.set("2468")
        s.key(.function(9))
        s.type("135")
        #expect(s.contains("•••"))
        #expect(!s.contains("••••"))
        #expect(!s.contains("135"))
        s.key(.enter)
        for _ in 0..<2 {
            s.type("1111")
            s.key(.enter)
        }
        #expect(s.contains("Sai PIN 3 lần"))
        #expect(!s.contains("quá 3"))
    }

    // MARK: Issue 20 item 4: an unreadable code is not a refusal

    @Test(arguments: [Language.vi, .en])
    func anUnreadableCodeIsNeutralWithoutABeep(lang: Language) throws {
        let s = try Screen(language: lang)
        s.scan("NOT-A-PASS-42")
        #expect(s.contains(UIText.text(.unreadableHeadline, lang)))
        #expect(s.contains(UIText.text(.unreadable, lang)))
        #expect(!s.contains(UIText.text(.deny, lang)))
        #expect(s.app.verdict?.tone == .neutral)
        #expect(s.app.alertsPending == 0)
        #expect(try visits(s).isEmpty)
    }
}

@Suite struct StatusLineTests {
    @Test func aLongMessageKeepsItsStartAt80Columns() throws {
        let s = try Screen()
        let long = "Đầu thông báo: " + String(repeating: "một đoạn rất dài ", count: 12) + "/var/lib/kiosk/exports/2026-11-29.csv"
        s.app.say(long)
        let g = s.grid
        let rows = (0..<g.rows).map { g.line($0) }
        #expect(rows.contains { $0.contains("Đầu thông báo:") }, "\(g.text)")
        #expect(rows.contains { $0.contains("…") }, "\(g.text)")
    }
}

@Suite struct GuardDaySmallFixesTests {
    @Test func keysTypedWhileTheWindowIsTooSmallAreDropped() throws {
        let s = try Screen()
        s.key(.function(2))
        s.columns = 60
        _ = s.grid
        s.type("abc")
        s.key(.enter)
        s.columns = 80
        _ = s.grid
        #expect(s.app.screen == .manual)
        #expect(s.app.form?.text(.name) == "")
    }

    @Test func aCCCDFillingTheFormAtFullCapacityWarnsAtOnce() throws {
        let s = try Screen { $0.venue.capacity = 1 }
        s.key(.function(2))
        s.type("Người Một")
        s.key(.enter)
        s.scan(GuardDayTests.an)
        #expect(s.app.screen == .manual)
        #expect(s.contains("Đã đủ sức chứa"))
    }
}
