import Foundation
import KioskCore
import Records
import Testing
@testable import Gate

/// Erasure beside the self check-in: a waiting submission erased on request leaves nobody to
/// let in, and an invitation stays with a visit still inside.
@Suite struct PrivacyEraseTests {
    @Test func anErasedWaitingSelfCheckInCannotBeConfirmed() throws {
        let h = try Harness()
        let form = SelfCheckInForm(
            name: "Vũ Thị Hạnh", phone: "0912345678", answers: h.gate.config.checkinWeb.questions.map { _ in false },
            consent: true, gate: h.gate.config.venue.gate)
        guard case .recorded(let e) = try h.gate.selfCheckIn(form) else { Issue.record("not recorded"); return }
        let report = try h.gate.privacyErase(PrivacySubject(phone: "0912345678"), reason: "request", by: "sup", receivedDay: nil)
        #expect(report.erased == [e.code])
        #expect(throws: RuleViolation.self) { try h.gate.confirmSelfCheckIn(code: e.code, guardName: "g1") }
        #expect(throws: RuleViolation.self) { try h.gate.scan("KIN:" + e.code, guardName: "g1") }
        #expect(try h.gate.store.visit(code: e.code)?.status == .pending, "nobody was let in")
        #expect(try h.gate.store.audit().problem == nil)
    }

    @Test func aNameTypedAloneIsErasedByCodeAndSearchIsBounded() throws {
        let h = try Harness()
        let r = try h.gate.checkIn(CheckInRequest(details: VisitorDetails(name: "Phạm Minh Tuấn"), guardName: "g"))
        let code = try #require(r.recorded?.code)
        _ = try h.gate.checkOut(code: code)
        #expect(throws: RuleViolation.self) {
            try h.gate.privacyErase(PrivacySubject(codes: [code]), reason: "x", by: String(repeating: "a\u{301}", count: 500), receivedDay: nil)
        }
        let report = try h.gate.privacyErase(PrivacySubject(codes: [code]), reason: "x", by: "sup", receivedDay: nil)
        #expect(report.erased == [code])
        #expect(try h.gate.store.visit(code: code)?.details.name == "")
        #expect(try h.gate.list(day: nil, insideOnly: false, search: code.lowercased()).count == 1, "still found by its code")
    }
}
