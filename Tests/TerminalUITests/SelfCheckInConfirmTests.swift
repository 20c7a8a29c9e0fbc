import Foundation
import KioskCore
import Testing
@testable import Gate
@testable import TerminalUI

/// Issue 21: what the guard is shown when confirming a self check-in is what the rules said,
/// and what the log says.
@Suite struct SelfCheckInConfirmTests {
    func submit(_ s: Screen, _ name: String, phone: String) throws -> Entry {
        let outcome = try s.gate.selfCheckIn(SelfCheckInForm(
            name: name, phone: phone, answers: s.gate.config.checkinWeb.questions.map { _ in false }, consent: true, gate: "main"))
        guard case .recorded(let e) = outcome else {
            Issue.record("not recorded: \(outcome)")
            throw CancellationError()
        }
        return e
    }

    @Test func confirmingAWatchListDenyFromTheVisitsScreenShowsTheRefusal() throws {
        let s = try Screen()
        _ = try submit(s, "Đỗ Minh Quân", phone: "0912345678")
        _ = try s.gate.addWatch(name: nil, idNumber: nil, phone: "0912345678", action: .deny, note: nil)
        s.key(.function(4))
        s.key(.tab)
        s.key(.tab)
        #expect(s.contains("Đỗ Minh Quân"))
        s.key(.enter)
        s.key(.enter)
        #expect(s.contains("KHÔNG ĐƯỢC VÀO"))
        #expect(!s.contains("đã được xác nhận"))
        #expect(s.log.contains { $0.hasSuffix("self check-in confirm verdict=deny recorded=yes") }, "\(s.log)")
        #expect(try s.gate.list(day: nil, insideOnly: true, search: nil).isEmpty)
    }

    @Test func aKINScanPastCapacityIsRefusedAndTheSupervisorMayOverride() throws {
        let s = try Screen { $0.venue.capacity = 1 }
        let a = try submit(s, "Bùi Thị Lan", phone: "0987654321")
        let b = try submit(s, "Bùi Văn Nam", phone: "0987654322")
        s.scan("KIN:" + a.code)
        #expect(s.contains("ĐƯỢC VÀO"))
        s.scan("KIN:" + b.code)
        #expect(s.contains("KHÔNG ĐƯỢC VÀO"))
        #expect(s.contains("1/1"))
        #expect(s.log.last { $0.contains("scan kind=self-checkin") }?.hasSuffix("verdict=deny recorded=no") == true, "\(s.log)")
        #expect(try s.gate.visit(code: b.code)?.status == .pending)
        // The supervisor's override confirms it, as for a denied scan at the gate.
        #expect(s.app.lastDenied != nil)
    }
}
