import Foundation
import Gate
import KioskCore
import Testing
@testable import TerminalUI

@Suite struct GateFlowTests {
    func fillManual(_ s: Screen, name: String, id: String? = nil, badge: String? = nil) {
        s.key(.function(2))
        s.type(name)
        if let id {
            s.key(.tab)
            s.type(id)
        }
        if let badge {
            while s.app.form?.focus != .badge { s.key(.tab) }
            s.type(badge)
        }
        s.key(.enter)
    }

    @Test func manualEntryWithAVietnameseNameIsRecordedAndShown() throws {
        let s = try Screen()
        fillManual(s, name: "Nguyễn Văn An", badge: "12")
        #expect(s.app.screen == .main)
        #expect(s.contains("ĐƯỢC VÀO"))
        #expect(s.contains("Nguyễn Văn An"))
        let visits = try s.gate.list(day: nil, insideOnly: true, search: "nguyen van an")
        #expect(visits.count == 1)
        #expect(visits.first?.badge == "12")
        #expect(s.contains("Trong nhà 1/"))
        // The recent list near the desk shows a shortened name.
        #expect(s.contains("Nguyễn V. A."))
    }

    @Test func theFormWarnsInlineAndRefusesAnEmptyName() throws {
        let s = try Screen()
        s.key(.function(2))
        s.key(.tab)
        s.type("12345")
        s.key(.tab)
        s.type("12")
        while s.app.form?.focus != .temperature { s.key(.tab) }
        s.type("38,2")
        #expect(s.contains("CCCD (12 số)"))
        #expect(s.contains("0xxxxxxxxx"))
        // Vietnamese writes the decimal comma in the warning, the limit included.
        #expect(s.contains("38,2 °C từ 37,5 °C"))
        s.key(.enter)
        #expect(s.app.screen == .manual)
        #expect(s.contains("Thiếu họ tên"))
        #expect(try s.gate.list(day: nil, insideOnly: false, search: nil).isEmpty)
    }

    @Test func choiceFieldsCycleAndAreSaved() throws {
        let s = try Screen()
        s.key(.function(2))
        s.type("Lê Thị Hoa")
        while s.app.form?.focus != .symptoms { s.key(.tab) }
        s.key(.character("k"))
        s.key(.tab)
        s.key(.right)
        s.key(.right)
        s.key(.tab)
        s.key(.right)
        s.key(.enter)
        let v = try #require(try s.gate.list(day: nil, insideOnly: true, search: nil).first)
        #expect(v.symptoms == false)
        #expect(v.app == .notInstalled)
        #expect(v.category == "contractor")
    }

    @Test func aCCCDScanFillsTheFormAndASecondScanSaysAlreadyInside() throws {
        let s = try Screen()
        let cccd = "079203001234|123456789|Nguyễn Văn An|01011990|Nam|1 Tràng Tiền|01012021"
        s.scan(cccd)
        #expect(s.app.screen == .manual)
        #expect(s.app.form?.text(.name) == "Nguyễn Văn An")
        #expect(s.app.form?.text(.idNumber) == "079203001234")
        #expect(s.app.form?.focus == .badge)
        s.type("5")
        s.key(.enter)
        let v = try #require(try s.gate.list(day: nil, insideOnly: true, search: nil).first)
        #expect(v.method == .cccd && v.badge == "5")
        s.clock.advance(600)
        s.scan(cccd)
        #expect(s.app.screen == .main)
        #expect(s.contains("KIỂM TRA"))
        #expect(s.contains("Khách đã ở trong từ 08:41"))
        #expect(try s.gate.list(day: nil, insideOnly: false, search: nil).count == 1)
    }

    @Test func aScanWhileTheFormIsOpenFillsItKeepingWhatWasTyped() throws {
        let s = try Screen()
        s.key(.function(2))
        while s.app.form?.focus != .host { s.key(.tab) }
        s.type("Phòng Kế toán")
        s.scan("001099012345|NGUYEN VAN BINH|1999-01-02|1|Q1|E")
        #expect(s.app.screen == .manual)
        #expect(s.app.form?.text(.name) == "NGUYEN VAN BINH")
        #expect(s.app.form?.text(.host) == "Phòng Kế toán")
    }

    @Test func aDamagedHealthCertificateIsDeniedWithABeepAndNothingRecorded() throws {
        let s = try Screen()
        s.key(.function(4))
        s.scan("HC1:NCFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N IOP-IA%NFQGRJPC%OQHIZC4.OI1RM8ZA.A5:S9MKN4NN3F85QNCY0O%0VZ001HOC9JU0D0HT0HB2PL/IB*09B9LW4T*8+DCMH0LDK2%K:XFE70*LP$V25$0Q:J:4MO1P0%0L0HD+9E/HY+4J6TH48S%4K.GJ2PT3QY:GQ3TE2I+-CPHN6D7LLK*2HG%89UV-0LZ 2ZJJ524-LH/CJTK96L6SR9MU9DHGZ%P WUQRENS431T1XCNCF+47AY0-IFO0500TGPN8F5G.41Q2E4T8ALW.INSV$ 07UV5SR+BNQHNML7 /KD3TU 4V*CAT3ZGLQMI/XI%ZJNSBBXK2:UG%UJMI:TU+MMPZ5$/PMX19UE:-PSR3/$NU44CBE6DQ3D7B0FBOFX0DV2DGMB$YPF62I$60/F$Z2I6IFX21XNI-LM%3/DF/U6Z9FEOJVRLVW6K$UG+BKK57:1+D10%4K83F+1VWD1NE")
        #expect(s.app.screen == .main)
        #expect(s.contains("KHÔNG ĐƯỢC VÀO"))
        #expect(s.app.alertsPending == 1)
        #expect(try s.gate.list(day: nil, insideOnly: false, search: nil).isEmpty)
        #expect(s.log.last?.contains("scan kind=hc1") == true)
        #expect(s.log.last?.contains("recorded=no") == true)
    }

    @Test func aRealCertificateFromTheFixturesDecodesAndNamesItsHolder() throws {
        let s = try Screen()
        let code = try fixtureHC1("AT/1.json")
        try #require(code.hasPrefix("HC1:"))
        s.scan(code)
        #expect(s.log.last?.contains("decoded=yes") == true, "\(s.log)")
        #expect(s.contains("Chứng nhận y tế (HC1)"))
    }

    @Test func aScannerOnTheWrongKeyboardLayoutIsNamed() throws {
        let s = try Screen()
        // A German layout: Shift+8 gives "(" where US gives "*", Shift+. gives ":" as "Ö".
        let code = try fixtureHC1("AT/1.json")
        let body = code.dropFirst(4).replacingOccurrences(of: "*", with: "(").replacingOccurrences(of: ":", with: "Ö")
        try #require(body != String(code.dropFirst(4)))
        s.scan("HC1:" + body)
        #expect(s.contains("bố cục US"), "\(s.text)\n\(s.log)")
    }

    @Test func unreadableTextIsNeverEchoedRaw() throws {
        let s = try Screen()
        s.scan("\u{1B}]0;pwned\u{7}\u{1B}[2J garbage")
        #expect(s.contains("không đọc được"))
        #expect(!s.text.contains("\u{1B}"))
    }

    @Test func checkOutByBadgeFromTheMainLine() throws {
        let s = try Screen()
        fillManual(s, name: "Trần Thị Bích", badge: "7")
        s.enter("7")
        #expect(s.app.screen == .checkOut)
        #expect(s.contains("Cho Trần Thị Bích (#7"))
        s.key(.enter)
        #expect(s.app.screen == .main)
        #expect(try s.gate.list(day: nil, insideOnly: true, search: nil).isEmpty)
        #expect(s.contains("RA VỀ"))
    }

    @Test func checkOutByNameOffersAChoice() throws {
        let s = try Screen()
        fillManual(s, name: "Phạm Văn Cường", badge: "1")
        fillManual(s, name: "Phạm Thị Dung", badge: "2")
        s.key(.function(3))
        s.type("pham")
        s.key(.enter)
        #expect(s.contains("Chọn người ra về"))
        s.key(.down)
        s.key(.enter)
        #expect(s.contains("ra về? Enter"))
        s.key(.enter)
        #expect(try s.gate.list(day: nil, insideOnly: true, search: nil).count == 1)
    }

    @Test func visitsSearchFoldsDiacriticsAndChecksOutFromDetails() throws {
        let s = try Screen()
        fillManual(s, name: "Nguyễn Văn An", id: "079203001234")
        fillManual(s, name: "Lê Văn Bảo")
        s.key(.function(4))
        #expect(s.contains("(2)"))
        s.type("nguyen van an")
        #expect(s.contains("(1)"))
        #expect(s.contains("Nguyễn Văn An"))
        s.key(.enter)
        #expect(s.app.screen == .visitDetail)
        #expect(s.contains("********1234"))
        #expect(!s.contains("079203001234"))
        s.key(.enter)
        #expect(s.contains("Nhấn Enter lần nữa"))
        s.key(.enter)
        #expect(try s.gate.list(day: nil, insideOnly: true, search: nil).count == 1)
        s.key(.escape)
        s.key(.escape)
        #expect(s.app.screen == .visits)
        s.key(.tab)
        #expect(s.contains("[chỉ người còn trong nhà]"))
        #expect(s.contains("(1)"))
    }

    @Test func wordsOnTheMainLineSearchVisits() throws {
        let s = try Screen()
        fillManual(s, name: "Đặng Thu Thảo")
        s.enter("dang thu")
        #expect(s.app.screen == .visits)
        #expect(s.contains("Đặng Thu Thảo"))
    }

    @Test func insideNowListsLongestFirstAndSavesTheRollCall() throws {
        let s = try Screen()
        fillManual(s, name: "Người Đầu Tiên", badge: "1")
        s.clock.advance(3600)
        fillManual(s, name: "Người Thứ Hai", badge: "2")
        s.key(.function(7))
        let text = s.text
        let first = try #require(text.range(of: "Người Đầu Tiên"))
        let second = try #require(text.range(of: "Người Thứ Hai"))
        #expect(first.lowerBound < second.lowerBound)
        #expect(s.contains("1 giờ 00"))
        s.key(.enter)
        let saved = try #require(s.app.status?.text)
        let path = String(saved.split(separator: ": ", maxSplits: 1).last ?? "")
        let csv = try String(contentsOfFile: path, encoding: .utf8)
        #expect(csv.contains("Người Đầu Tiên") && csv.contains("Người Thứ Hai"))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func aWatchListMatchIsDiscreet() throws {
        let s = try Screen()
        _ = try s.gate.addWatch(name: "Hoàng Văn Em", idNumber: nil, phone: nil, action: .alert, note: "nợ tiền")
        fillManual(s, name: "Hoàng Văn Em")
        #expect(s.contains("KIỂM TRA"))
        // The visit is recorded as inside: the panel says so, and to tell the supervisor.
        #expect(s.contains("Đã ghi nhận cho vào"))
        #expect(s.contains("báo ngay cho giám sát viên"))
        // Nothing on screen says "watch list" in words a visitor could read across the desk.
        #expect(!s.contains("danh sách theo dõi"))
        #expect(!s.contains("nợ tiền"))
    }

    @Test func aReturningVisitorIsOfferedTheirLastDetails() throws {
        let s = try Screen()
        s.key(.function(2))
        s.type("Vũ Thị Giang")
        s.key(.tab)
        s.type("079203009999")
        while s.app.form?.focus != .organisation { s.key(.tab) }
        s.type("Công ty ABC")
        s.key(.tab)
        s.type("Phòng IT")
        s.key(.enter)
        // Check out, then come back another day.
        let v = try #require(try s.gate.list(day: nil, insideOnly: true, search: nil).first)
        _ = try s.gate.checkOut(code: v.code)
        s.clock.advance(86400)
        s.enter("079203009999")
        #expect(s.app.screen == .manual)
        #expect(s.contains("Khách quen"))
        s.key(.function(8))
        #expect(s.app.form?.text(.organisation) == "Công ty ABC")
        #expect(s.app.form?.text(.host) == "Phòng IT")
    }

    @Test func theVenueQRIsDrawnWholeWithTheVenueName() throws {
        let s = try Screen()
        s.key(.function(5))
        let g = s.grid
        #expect(g.text.contains("Tòa nhà Thử"))
        let qrRows = (0..<g.rows).filter { g.line($0).contains("█") }
        #expect(qrRows.count >= 15)
        #expect(s.contains("Mã đổi sau"))
        s.columns = 40
        #expect(s.contains("quá nhỏ"))
    }

    @Test func theVenueQRFollowsTheTokenSlot() throws {
        let s = try Screen()
        s.key(.function(5))
        let before = s.text
        s.clock.advance(Double(s.gate.config.venue.tokenMinutes * 60))
        #expect(s.text != before)
    }

    @Test func theSupervisorNeedsThePinAndLocksAfterThreeWrongOnes() throws {
        let s = try Screen()
        s.key(.function(9))
        s.type("1234")
        s.key(.enter)
        #expect(s.contains("Chưa đặt PIN"))
        try s.gate.supervisorPin.set("2468")
        for _ in 0..<3 {
            s.type("1111")
            s.key(.enter)
        }
        #expect(s.contains("khóa đến"))
        s.type("2468")
        s.key(.enter)
        #expect(s.app.screen == .pin(next: .supervisor))
        s.clock.advance(61)
        s.type("2468")
        s.key(.enter)
        #expect(s.app.screen == .supervisor)
        #expect(s.contains("Kiểm tra tính toàn vẹn"))
        s.key(.character("7"))
        #expect(s.contains("Nhật ký toàn vẹn"))
        s.key(.escape)
        #expect(s.app.screen == .main)
        // Locked again once left.
        s.key(.function(9))
        #expect(s.app.screen == .pin(next: .supervisor))
    }

    @Test func theSupervisorOverridesADenialWithWhoAndWhy() throws {
        let s = try Screen { $0.venue.capacity = 1 }
        try s.gate.supervisorPin.set("2468")
        fillManual(s, name: "Người Một")
        fillManual(s, name: "Người Hai")
        #expect(s.contains("KHÔNG ĐƯỢC VÀO"))
        s.key(.function(9))
        s.type("2468")
        s.key(.enter)
        s.key(.character("6"))
        s.type("Trưởng ca Hùng")
        s.key(.enter)
        s.type("Khách VIP đã hẹn")
        s.key(.enter)
        #expect(s.app.screen == .main)
        #expect(s.contains("ĐƯỢC VÀO"))
        let v = try #require(try s.gate.list(day: nil, insideOnly: true, search: "nguoi hai").first)
        #expect(v.overriddenBy == "Trưởng ca Hùng")
        #expect(v.overrideReason == "Khách VIP đã hẹn")
    }

    @Test func exportAndPurgeFromTheSupervisorScreen() throws {
        let s = try Screen()
        try s.gate.supervisorPin.set("2468")
        fillManual(s, name: "Ngô Văn Khải")
        s.key(.function(6))
        s.type("2468")
        s.key(.enter)
        s.key(.character("1"))
        #expect(s.contains("Đã xuất 1 lượt"))
        s.key(.character("2"))
        s.type("2026-13-01")
        s.key(.enter)
        #expect(s.contains("Ngày không hợp lệ"))
        s.key(.character("5"))
        s.key(.enter)
        #expect(s.contains("Đã xóa 0 lượt"))
        #expect(try s.gate.audit().ok)
    }

    @Test func aLockedDatabaseShowsTheWaitNotAFreeze() throws {
        let s = try Screen()
        let slow = SlowRunner()
        slow.gateForRelease = s.gate
        let app = TerminalApp(
            gate: s.gate, runner: slow, guardName: "B", capabilities: .init(colour: true, unicode: true), uptime: { [clock = s.clock] in clock.uptime() })
        app.handle(.scan("079203001234|123456789|Nguyễn Văn An|01011990|Nam|1 Tràng Tiền|01012021"))
        #expect(app.isBusy)
        s.clock.advance(3)
        let text = app.render(columns: 80, rows: 24).text
        #expect(text.contains("đang bận"))
        while !slow.jobs.isEmpty {
            slow.release()
            app.collect()
        }
        #expect(!app.isBusy)
        #expect(app.screen == .manual)
    }

    func selfCheckIn(_ s: Screen, _ name: String, phone: String) throws -> Entry {
        let outcome = try s.gate.selfCheckIn(SelfCheckInForm(
            name: name, phone: phone, answers: s.gate.config.checkinWeb.questions.map { _ in false }, consent: true, gate: "main"))
        guard case .recorded(let e) = outcome else {
            Issue.record("not recorded: \(outcome)")
            throw CancellationError()
        }
        return e
    }

    @Test func aSelfCheckInShowsWithinARefreshAndIsConfirmedFromTheVisitsScreen() throws {
        let s = try Screen()
        let e = try selfCheckIn(s, "Đỗ Minh Quân", phone: "0912345678")
        #expect(e.status == .pending)
        #expect(!s.contains("tự khai báo chờ"))
        s.clock.advance(2)
        s.app.tick()
        #expect(s.contains("1 tự khai báo chờ"))
        #expect(s.app.alertsPending == 1)
        #expect(s.contains("Trong nhà 0/"))
        s.key(.function(4))
        s.key(.tab)
        s.key(.tab)
        #expect(s.contains("[chờ xác nhận]"))
        #expect(s.contains("Đỗ Minh Quân"))
        s.key(.enter)
        #expect(s.contains("chờ xác nhận"))
        s.key(.enter)
        #expect(try s.gate.list(day: nil, insideOnly: true, search: nil).map(\.code) == [e.code])
        s.app.goHome()
        #expect(s.contains("Trong nhà 1/"))
    }

    @Test func theProcessMemoryIsLoggedEvery250ScansAndEntries() throws {
        let s = try Screen()
        for i in 0..<(ProcessMemory.every - 1) { s.app.handle(.scan("NOT-A-PASS-\(i)")) }
        #expect(!s.log.contains { $0.hasPrefix("memory ") })
        s.app.handle(.scan("NOT-A-PASS-LAST"))
        let lines = s.log.filter { $0.hasPrefix("memory ") }
        try #require(lines.count == 1, "\(s.log.suffix(3))")
        var fields: [String: Int] = [:]
        for part in lines[0].split(separator: " ").dropFirst() {
            let kv = part.split(separator: "=")
            if kv.count == 2 { fields[String(kv[0])] = Int(kv[1]) }
        }
        let rss = try #require(fields["rss_kib"]), own = try #require(fields["own_kib"])
        let heap = try #require(fields["heap_kib"]), sqlite = try #require(fields["sqlite_kib"])
        #expect(rss >= own && own > 0, "\(lines[0])")
        // The test's store is open, so SQLite holds at least its schema and a page or two,
        // inside the heap malloc counts.
        #expect(sqlite > 0 && sqlite < heap, "\(lines[0])")
    }

    @Test func theWallClockSetBackAnHourDoesNotFreezeTheCounts() throws {
        let s = try Screen()
        s.clock.setWall(by: -3600)
        _ = try selfCheckIn(s, "Ngô Thị Lan", phone: "0912345679")
        #expect(!s.contains("tự khai báo chờ"))
        // Two seconds later on the monotonic clock; the wall clock is still an hour behind
        // the last refresh.
        s.clock.advance(2)
        s.app.tick()
        #expect(s.contains("1 tự khai báo chờ"))
    }

    @Test func scanningTheVisitorsConfirmationLetsThemIn() throws {
        let s = try Screen()
        let e = try selfCheckIn(s, "Bùi Thị Lan", phone: "0987654321")
        s.scan("KIN:" + e.code)
        #expect(s.contains("ĐƯỢC VÀO"))
        #expect(s.contains("Bùi Thị Lan"))
        #expect(try s.gate.list(day: nil, insideOnly: true, search: nil).count == 1)
        // A second scan of the same confirmation changes nothing.
        s.scan("KIN:" + e.code)
        #expect(try s.gate.list(day: nil, insideOnly: false, search: nil).count == 1)
        #expect(try s.gate.audit().ok)
    }

    @Test func englishScreensSpeakEnglish() throws {
        let s = try Screen(language: .en)
        fillManual(s, name: "John Smith")
        #expect(s.contains("ADMIT"))
        #expect(s.contains("Entry code"))
        s.key(.function(7))
        #expect(s.contains("Inside now: 1"))
    }
}

/// Holds jobs until released: a database that answers slowly.
final class SlowRunner: GateRunner {
    var jobs: [(Int, GateWork)] = []
    var done: [(id: Int, result: Result<any Sendable, any Error>)] = []
    var gateForRelease: GateService?

    func submit(_ id: Int, _ work: @escaping GateWork) { jobs.append((id, work)) }
    func finished() -> [(id: Int, result: Result<any Sendable, any Error>)] {
        defer { done.removeAll() }
        return done
    }
    func release() {
        guard let gate = gateForRelease else { return }
        for (id, work) in jobs { done.append((id, Result { try work(gate) })) }
        jobs.removeAll()
    }
}
