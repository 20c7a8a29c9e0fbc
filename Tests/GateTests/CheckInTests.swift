import Foundation
import Testing
import KioskCore
import Records
@testable import Gate

@Suite struct CheckInTests {
    @Test func manualCheckInIsRecordedAndAdmitted() throws {
        // `fever = warn`: the temperature is only a warning beside a green verdict.
        let h = try Harness { $0.policy.fever = .warn }
        let r = try h.checkIn("  Nguyễn   Văn An ", id: "079 203 001 234", phone: "+84 912 345 678") { $0.temperature = 37.9 }
        let e = try #require(r.recorded)
        #expect(r.decision.verdict == .admit)
        #expect(e.details.name == "Nguyễn Văn An")
        #expect(e.details.phone == "0912345678")
        #expect(e.details.idNumber == "********1234")
        #expect(e.idHash == h.gate.hasher.hash("079203001234"))
        #expect(e.guardName == "Bảo vệ An")
        #expect(r.warnings.map(\.key) == [.temperatureHigh])
        #expect(try h.gate.visit(code: e.code) == e)
    }

    @Test func emptyNameIsRefusedAndNothingWritten() throws {
        let h = try Harness()
        #expect(throws: RuleViolation(.nameRequired)) { try h.checkIn(" \u{1B}\t ") }
        #expect(try h.gate.list(day: nil, insideOnly: false, search: nil).isEmpty)
    }

    @Test(arguments: [IdStorage.full, .masked, .hashed])
    func idStorageModes(mode: IdStorage) throws {
        let h = try Harness { $0.records.idStorage = mode }
        let e = try #require(try h.checkIn("An", id: "079203001234").recorded)
        switch mode {
        case .full: #expect(e.details.idNumber == "079203001234")
        case .masked: #expect(e.details.idNumber == "********1234")
        case .hashed: #expect(e.details.idNumber == nil)
        }
        #expect(e.idHash != nil)
    }

    @Test func sameePersonInsideIsNotCheckedInTwice() throws {
        let h = try Harness()
        let first = try #require(try h.checkIn("An", id: "079203001234").recorded)
        h.clock.set("2026-11-29T08:41:00+07:00")
        let again = try h.checkIn("AN NGUYEN", id: "079203001234")
        #expect(again.recorded == nil)
        #expect(again.alreadyInside?.code == first.code)
        #expect(again.decision.reasons.first?.text(.en) == "Already inside since 08:00 (code \(first.code)): no second visit opened.")
        let byPhone = try h.checkIn("An", phone: "0912345678")
        #expect(byPhone.recorded != nil)
        #expect(try h.checkIn("An B", phone: "+84912345678").alreadyInside?.code == byPhone.recorded?.code)
        #expect(try h.gate.list(day: nil, insideOnly: true, search: nil).count == 2)
    }

    @Test func returningVisitorIsRecognisedAndDetailsReused() throws {
        let h = try Harness()
        let first = try #require(try h.checkIn("An", id: "079203001234") {
            $0.details.organisation = "Công ty ABC"
            $0.details.host = "Phòng IT"
        }.recorded)
        _ = try h.gate.checkOut(code: first.code)
        h.clock.set("2026-11-30T09:00:00+07:00")
        let second = try h.checkIn("An", id: "079203001234") { $0.reuseLastDetails = true }
        #expect(second.previousVisit?.code == first.code)
        #expect(second.recorded?.details.organisation == "Công ty ABC")
        #expect(second.recorded?.details.host == "Phòng IT")
    }

    @Test func badgeRules() throws {
        let h = try Harness()
        let a = try #require(try h.checkIn("A", badge: "12").recorded)
        #expect(throws: RuleViolation(.badgeInUse, ["12", a.code])) { try h.checkIn("B", badge: "12") }
        guard case .checkedOut(let out) = try h.gate.checkOut(badge: "12") else { Issue.record("not checked out"); return }
        #expect(out.code == a.code && out.status == .left)
        guard case .alreadyClosed = try h.gate.checkOut(badge: "12") else { Issue.record("second return not recognised"); return }
        #expect(try h.checkIn("B", badge: "12").recorded != nil)
        #expect(throws: RuleViolation(.noVisitWithBadge, ["99"])) { try h.gate.checkOut(badge: "99") }
    }

    @Test func checkOutByCodeIsIdempotent() throws {
        let h = try Harness()
        let a = try #require(try h.checkIn("A").recorded)
        h.clock.set("2026-11-29T09:15:00+07:00")
        guard case .checkedOut(let out) = try h.gate.checkOut(code: "kout:" + a.code.lowercased()) else {
            Issue.record("KOUT: code not accepted"); return
        }
        #expect(out.checkedOutAt == ISOTime.parse("2026-11-29T09:15:00+07:00"))
        h.clock.set("2026-11-29T10:00:00+07:00")
        guard case .alreadyClosed(let same) = try h.gate.checkOut(code: a.code) else { Issue.record("second checkout changed something"); return }
        #expect(same.checkedOutAt == out.checkedOutAt)
        #expect(try h.gate.audit().events == 2)
        #expect(throws: RuleViolation(.noSuchVisit, ["ZZZZZZ"])) { try h.gate.checkOut(code: "ZZZZZZ") }
        #expect(throws: RuleViolation.self) { try h.gate.checkOut(code: "\u{1B}[2J;drop") }
    }

    @Test func categories() throws {
        let h = try Harness()
        #expect(try h.checkIn("A") { $0.category = "Contractor" }.recorded?.category == "contractor")
        #expect(try h.checkIn("B").recorded?.category == "visitor")
        #expect(throws: RuleViolation.self) { try h.checkIn("C") { $0.category = "vip" } }
    }

    @Test func addressKeptOnlyWhenConfigured() throws {
        let off = try Harness()
        #expect(try off.checkIn("A") { $0.details.address = "1 Tràng Tiền" }.recorded?.details.address == nil)
        let on = try Harness { $0.records.keepAddress = true }
        #expect(try on.checkIn("A") { $0.details.address = "1 Tràng Tiền" }.recorded?.details.address == "1 Tràng Tiền")
    }
}

@Suite struct PolicyTests {
    @Test func capacityRefusesWithoutRecordUnlessOverridden() throws {
        let h = try Harness { $0.venue.capacity = 1 }
        _ = try h.checkIn("A")
        let refused = try h.checkIn("B")
        #expect(refused.recorded == nil)
        #expect(refused.decision.verdict == .deny)
        #expect(refused.decision.reasons.first?.key == .capacityFull)
        let allowed = try h.checkIn("B") { $0.override = .init(by: "Chị Hoa", reason: "họp khẩn") }
        let e = try #require(allowed.recorded)
        #expect(e.decision == "overridden")
        #expect(e.overriddenBy == "Chị Hoa")
        #expect(e.overrideReason == "họp khẩn")
        #expect(try h.gate.audit().ok)
        #expect(throws: RuleViolation(.overrideNeedsReason)) { try h.checkIn("C") { $0.override = .init(by: "X", reason: " ") } }
    }

    @Test func watchListDenyIsRecordedAsDenied() throws {
        let h = try Harness()
        _ = try h.gate.addWatch(name: "NGUYEN VAN XAU", idNumber: nil, phone: nil, action: .deny, note: "banned")
        let r = try h.checkIn("Nguyễn Văn Xấu")
        #expect(r.decision.verdict == .deny)
        let e = try #require(r.recorded)
        #expect(e.status == .denied)
        #expect(e.watchMatch?.contains("deny") == true)
        #expect(try h.gate.list(day: nil, insideOnly: true, search: nil).isEmpty)
        #expect(throws: RuleViolation(.visitWasDenied, [e.code])) { try h.gate.checkOut(code: e.code) }
        let o = try h.checkIn("Nguyễn Văn Xấu") { $0.override = .init(by: "Sup", reason: "cleared by police") }
        #expect(o.recorded?.status == .inside)
        #expect(o.recorded?.watchMatch != nil)
    }

    @Test func watchListAlertByIdHashAndPhone() throws {
        let h = try Harness()
        let id = try h.gate.addWatch(name: nil, idNumber: "079203001234", phone: nil, action: .alert, note: nil)
        _ = try h.gate.addWatch(name: nil, idNumber: nil, phone: "+84 912 345 678", action: .alert, note: nil)
        let byId = try h.checkIn("Someone", id: "079203001234")
        #expect(byId.decision.verdict == .check)
        #expect(byId.recorded?.decision == "admitted-alert")
        #expect(try h.checkIn("Other", phone: "0912345678").decision.verdict == .check)
        #expect(try h.gate.watchList().allSatisfy { $0.idHash != "079203001234" })
        try h.gate.removeWatch(id: id)
        #expect(throws: RuleViolation(.watchNotFound, [String(id)])) { try h.gate.removeWatch(id: id) }
        #expect(throws: RuleViolation(.watchNeedsCriterion)) { try h.gate.addWatch(name: " ", idNumber: nil, phone: nil, action: .deny, note: nil) }
    }
}
