import Foundation
import KioskCore
import Records
import Testing
@testable import Gate

/// Issue 21: confirming a self check-in (`KIN:`) must apply every rule the gate applies, and a
/// self check-in never confirmed must not stay good for days.
@Suite struct SelfCheckInRulesTests {
    func submit(_ h: Harness, _ name: String, phone: String, id: String? = nil) throws -> Entry {
        let form = SelfCheckInForm(
            name: name, phone: phone, idNumber: id, answers: h.gate.config.checkinWeb.questions.map { _ in false },
            consent: true, gate: h.gate.config.venue.gate)
        guard case .recorded(let e) = try h.gate.selfCheckIn(form) else {
            Issue.record("self check-in of \(name) not recorded")
            throw CancellationError()
        }
        return e
    }

    func insideNow(_ h: Harness) throws -> Int { try h.gate.counts(day: h.gate.today()).insideNow }

    @Test func confirmationsRespectCapacityAndASupervisorMayOverride() throws {
        let h = try Harness { $0.venue.capacity = 1 }
        let codes = try (0..<4).map { try submit(h, "Khách \($0)", phone: "090000000\($0)").code }
        let first = try h.gate.scan("KIN:" + codes[0], guardName: "Bảo vệ An")
        #expect(first.checkIn?.decision.verdict == .admit)
        for code in codes.dropFirst() {
            let r = try h.gate.scan("KIN:" + code, guardName: "Bảo vệ An")
            #expect(r.checkIn?.decision.verdict == .deny)
            #expect(r.checkIn?.decision.reasons.first == Reason(.capacityFull, ["1", "1"]))
            #expect(r.checkIn?.recorded == nil)
            #expect(try h.gate.visit(code: code)?.status == .pending)
        }
        #expect(try insideNow(h) == 1)
        // As at the gate, the supervisor may let one more in; who and why go into the chain.
        let over = try h.gate.scan("KIN:" + codes[1], guardName: "Bảo vệ An", override: .init(by: "Giám sát Hà", reason: "họp gấp"))
        #expect(over.checkIn?.decision.verdict == .admit)
        #expect(over.checkIn?.decision.overriddenBy == "Giám sát Hà")
        #expect(try h.gate.visit(code: codes[1])?.status == .inside)
        #expect(try insideNow(h) == 2)
        #expect(try h.gate.audit().ok)
    }

    @Test func aWatchListDenyAddedAfterTheSubmissionRefusesTheConfirmation() throws {
        let h = try Harness()
        let e = try submit(h, "Trần Văn Bình", phone: "0912000111")
        _ = try h.gate.addWatch(name: nil, idNumber: nil, phone: "0912000111", action: .deny, note: nil)
        let r = try h.gate.scan("KIN:" + e.code, guardName: "Bảo vệ An")
        #expect(r.checkIn?.decision.verdict == .deny)
        #expect(r.checkIn?.decision.reasons.map(\.key) == [.watchDeny])
        // The refusal is on record, like a watch-list denial at the gate.
        #expect(try h.gate.visit(code: e.code)?.status == .denied)
        #expect(try insideNow(h) == 0)
        // Scanned again: still refused, still not inside.
        #expect(try h.gate.confirmSelfCheckIn(code: e.code, guardName: "Bảo vệ An").decision.verdict == .deny)
        #expect(try h.gate.visit(code: e.code)?.status == .denied)
        #expect(try h.gate.audit().ok)
    }

    @Test func aWatchListAlertIsShownToTheGuardWhoConfirms() throws {
        let h = try Harness()
        _ = try h.gate.addWatch(name: "Lê Thị Cúc", idNumber: nil, phone: nil, action: .alert, note: nil)
        let e = try submit(h, "Lê Thị Cúc", phone: "0912000222")
        let r = try h.gate.confirmSelfCheckIn(code: e.code, guardName: "Bảo vệ An")
        #expect(r.decision.verdict == .check)
        #expect(r.decision.reasons.contains { $0.key == .watchAlert })
        #expect(r.recorded?.status == .inside)
    }

    @Test func aPendingSelfCheckInNeverBlocksTheGateAndIsNotAlsoLetIn() throws {
        let h = try Harness()
        // Someone typed this phone and id on a phone; the real person then comes to the gate.
        let e = try submit(h, "Phạm Văn Dũng", phone: "0912000333", id: "001099012345")
        let gate = try h.checkIn("Phạm Văn Dũng", id: "001099012345", phone: "0912000333")
        let manual = try #require(gate.recorded)
        #expect(manual.status == .inside)
        // The pending one cannot also become inside: the guard is told since when.
        let r = try h.gate.scan("KIN:" + e.code, guardName: "Bảo vệ An")
        #expect(r.checkIn?.decision.reasons.map(\.key) == [.alreadyInside])
        #expect(r.checkIn?.alreadyInside?.code == manual.code)
        #expect(r.checkIn?.recorded == nil)
        #expect(try h.gate.visit(code: e.code)?.status == .pending)
        #expect(try insideNow(h) == 1)

        // The other order: confirmed first, then the same phone is scanned in at the gate.
        let other = try submit(h, "Vũ Thị Hoa", phone: "0912000444")
        _ = try h.gate.confirmSelfCheckIn(code: other.code, guardName: "Bảo vệ An")
        #expect(try h.checkIn("Vũ Thị Hoa", phone: "0912000444").alreadyInside?.code == other.code)
        #expect(try insideNow(h) == 2)
        #expect(try h.gate.audit().ok)
    }

    @Test func aSecondSubmissionOfAPhoneInsideIsItsOwnPendingVisitWhichTheGuardResolves() throws {
        let h = try Harness()
        let inside = try #require(try h.checkIn("Đặng Văn Em", id: "001099054321", phone: "0912000555").recorded)
        // Whoever typed that id and phone gets a visit of their own, never a refusal saying
        // the person is inside; the guard sees it when confirming.
        let e = try submit(h, "Đặng Văn Em", phone: "0912000555", id: "001099054321")
        #expect(e.code != inside.code)
        #expect(e.status == .pending)
        let r = try h.gate.confirmSelfCheckIn(code: e.code, guardName: "Bảo vệ An")
        #expect(r.alreadyInside?.code == inside.code)
        #expect(try insideNow(h) == 1)
    }

    @Test func autoAdmitWaitsForTheGuardWhenTheSamePersonIsInside() throws {
        let h = try Harness { $0.checkinWeb.mode = .autoAdmit }
        _ = try h.checkIn("Hồ Văn Phúc", phone: "0912000666")
        let e = try submit(h, "Hồ Văn Phúc", phone: "0912000666")
        #expect(e.status == .pending)
        #expect(try insideNow(h) == 1)
    }

    @Test func pendingSelfCheckInsAreClosedAtTheAutomaticCheckOutAndExpire() throws {
        let h = try Harness(now: "2026-11-27T08:00:00+07:00")
        let e = try submit(h, "Ngô Văn Giang", phone: "0912000777")
        // Two days later, with nobody inside: the pending visit alone is overdue.
        h.clock.set("2026-11-29T09:00:00+07:00")
        let closed = try h.gate.autoCheckout()
        #expect(closed.map(\.code) == [e.code])
        // Never confirmed: nobody came in, and the row says so.
        #expect(try h.gate.visit(code: e.code)?.status == .unconfirmed)
        #expect(try h.gate.audit().ok)
        // Its code no longer admits anyone, and the guard is told why.
        #expect { try h.gate.scan("KIN:" + e.code, guardName: "Bảo vệ An") } throws: { ($0 as? RuleViolation)?.key == .selfCheckInExpired }
        // The same phone checks in again.
        #expect(try submit(h, "Ngô Văn Giang", phone: "0912000777").status == .pending)
    }

    @Test func aPendingSelfCheckInFromAnEarlierDayIsNotConfirmedEvenWithoutAutoCheckOut() throws {
        let h = try Harness(now: "2026-11-28T17:00:00+07:00") { $0.records.autoCheckout = .off }
        let e = try submit(h, "Lý Thị Hằng", phone: "0912000888")
        h.clock.set("2026-11-29T08:30:00+07:00")
        #expect { try h.gate.confirmSelfCheckIn(code: e.code, guardName: "Bảo vệ An") } throws: {
            ($0 as? RuleViolation)?.key == .selfCheckInExpired
        }
        #expect(try h.gate.visit(code: e.code)?.status == .pending)
        #expect(try insideNow(h) == 0)
    }

    /// Review of issue 21: submissions nobody confirmed were counted as visits, exported as
    /// forgotten visits and listed as contacts of a real visitor.
    @Test func selfCheckInsNobodyConfirmedAreNoVisitsAndNoContacts() throws {
        let h = try Harness(now: "2026-11-29T08:00:00+07:00")
        let real = try #require(try h.checkIn("Người Thật", phone: "0900000001").recorded)
        _ = try submit(h, "Trò Đùa Một", phone: "0900000002")
        _ = try submit(h, "Trò Đùa Hai", phone: "0900000003")
        // Waiting: not yet a visit.
        #expect(try h.gate.counts(day: h.gate.today()).visits == 1)
        #expect(try h.gate.stats(day: h.gate.today()).visits == 1)
        h.clock.set("2026-11-29T09:00:00+07:00")
        _ = try h.gate.checkOut(code: real.code)
        h.clock.set("2026-11-30T08:00:00+07:00")
        _ = try h.gate.autoCheckout()
        let day = VenueDay("2026-11-29")!
        #expect(try h.gate.stats(day: day).visits == 1)
        #expect(try h.gate.stats(day: day).autoClosed == 0)
        let (_, contacts) = try h.gate.trace(code: real.code, margin: 3600)
        #expect(contacts.isEmpty, "\(contacts.map(\.entry.details.name))")
        #expect(try h.gate.audit().ok)
    }

    /// Review of issue 21: with the house full, an ordinary submission was refused ("see the
    /// guard") while a deny-listed name still got a code, so the form told anyone who is on
    /// the list. A submission waiting for the guard takes no place: every one gets a code.
    @Test func aFullHouseAnswersEveryPhoneAlikeSoTheDenyListStaysHidden() throws {
        let h = try Harness { $0.venue.capacity = 1 }
        _ = try h.gate.addWatch(name: "Kẻ Xấu", idNumber: nil, phone: nil, action: .deny, note: nil)
        _ = try h.gate.addWatch(name: nil, idNumber: nil, phone: "0999999999", action: .deny, note: nil)
        _ = try #require(try h.checkIn("Người Đầy Chỗ").recorded)
        for (name, phone) in [("Người Thường", "0922222222"), ("Kẻ Xấu", "0933333333"), ("Ai Đó", "0999999999")] {
            let form = SelfCheckInForm(
                name: name, phone: phone, answers: h.gate.config.checkinWeb.questions.map { _ in false }, consent: true,
                gate: h.gate.config.venue.gate)
            guard case .recorded = try h.gate.selfCheckIn(form) else {
                Issue.record("\(name): answered differently from an ordinary submission")
                continue
            }
        }
        // The guard, confirming, still meets the full house.
        let waiting = try h.gate.pendingSelfCheckIns()
        let ordinary = try #require(waiting.first { $0.details.name == "Người Thường" })
        #expect(try h.gate.confirmSelfCheckIn(code: ordinary.code, guardName: "Bảo vệ An").decision.reasons.first?.key == .capacityFull)
    }
}
