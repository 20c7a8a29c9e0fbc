import Foundation
import KioskCore
import Testing
@testable import Records

/// Issue 20 #6 and 22 #16: a confirmed self check-in kept `decision = pending` in the record
/// and export, and its confirmation time and guard were only in the chain. The row now says
/// what happened, and the audit holds it to the `confirm` event.
@Suite struct ConfirmationRecordTests {
    let t0 = at("2026-11-29T01:00:00Z")

    func pendingVisit(_ store: Store) throws -> Entry {
        var e = sampleEntry("Phan Thị Hồng", at: t0, phone: "0912000111", decision: "pending", method: .selfService)
        e.status = .pending
        e.guardName = "self-service"
        return try store.write { tx in try tx.insert(e, at: t0) }
    }

    @Test func theConfirmedRecordSaysAdmittedByWhomAndWhen() throws {
        let store = try Store(inMemoryNamed: UUID().uuidString)
        let v = try pendingVisit(store)
        let later = t0.addingTimeInterval(19)
        _ = try store.write { tx in try tx.confirm(code: v.code, by: "Bảo vệ An", at: later, decision: "admitted") }
        let e = try #require(try store.visit(code: v.code))
        #expect(e.status == .inside)
        #expect(e.decision == "pending", "the submission's own decision stays")
        #expect(e.finalDecision == "admitted")
        #expect(e.confirmedBy == "Bảo vệ An")
        #expect(e.confirmedAt == later)
        #expect(e.checkedInAt == t0, "both times are kept")
        #expect(try store.audit().ok)
        // The export says what happened, and who let the visitor in.
        var bytes = [UInt8]()
        _ = try store.export(ExportOptions(from: t0.addingTimeInterval(-60), to: t0.addingTimeInterval(3600), format: .csv, masked: true),
            timeZone: hanoi) { bytes += $0 }
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try #require(lines.first), row = try #require(lines.dropFirst().first)
        let decision = try #require(header.firstIndex(of: "decision")), guardColumn = try #require(header.firstIndex(of: "guard"))
        #expect(row[decision] == "admitted", "\(row)")
        #expect(row[guardColumn] == "Bảo vệ An", "\(row)")
    }

    @Test(arguments: [
        "UPDATE visit SET confirmed_by = 'Someone Else'", "UPDATE visit SET confirmed_decision = 'overridden'",
        "UPDATE visit SET confirmed_at = confirmed_at - 3600000", "UPDATE visit SET confirmed_at = NULL, confirmed_by = NULL, confirmed_decision = NULL",
    ])
    func anEditedConfirmationIsFound(_ sql: String) throws {
        let store = try Store(inMemoryNamed: UUID().uuidString)
        let v = try pendingVisit(store)
        _ = try store.write { tx in try tx.confirm(code: v.code, by: "Bảo vệ An", at: t0.addingTimeInterval(19), decision: "admitted") }
        try store.tamper(sql)
        #expect(try store.audit().problem?.contains("its confirmation differs") == true, "\(sql)")
    }
}
