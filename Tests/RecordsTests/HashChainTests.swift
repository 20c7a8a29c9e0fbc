import Foundation
import Testing
import KioskCore
@testable import Records

@Suite struct HashChainTests {
    /// A store with three visits, one checked out.
    func populated() throws -> (Store, [Entry]) {
        let store = try Store(inMemoryNamed: UUID().uuidString)
        let t = at("2026-11-29T01:00:00Z")
        let entries = try store.write { tx in
            [
                try tx.insert(sampleEntry("Nguyễn Văn An", at: t), at: t),
                try tx.insert(sampleEntry("Trần Thị Bình", at: t.addingTimeInterval(60)), at: t.addingTimeInterval(60)),
                try tx.insert(sampleEntry("Lê Văn Cường", at: t.addingTimeInterval(120)), at: t.addingTimeInterval(120)),
            ]
        }
        _ = try store.write { tx in try tx.checkOut(code: entries[1].code, at: t.addingTimeInterval(600)) }
        return (store, entries)
    }

    @Test func intactLogPasses() throws {
        let (store, _) = try populated()
        let report = try store.audit()
        #expect(report.ok, "\(report.problem ?? "")")
        #expect(report.events == 4)
        #expect(report.visits == 3)
        #expect(report.headHash != HashChain.genesis)
    }

    @Test func editedRowIsFoundWithItsColumn() throws {
        let (store, entries) = try populated()
        try store.tamper("UPDATE visit SET name = 'Someone Else' WHERE code = '\(entries[0].code)'")
        let report = try store.audit()
        #expect(!report.ok)
        #expect(report.problem?.contains(entries[0].code) == true)
        #expect(report.problem?.contains("column name") == true)
    }

    @Test func editedExitTimeIsFound() throws {
        let (store, entries) = try populated()
        try store.tamper("UPDATE visit SET checked_out_at = checked_out_at + 3600000 WHERE code = '\(entries[1].code)'")
        #expect(try store.audit().problem?.contains(entries[1].code) == true)
    }

    @Test func deletedRowIsFound() throws {
        let (store, entries) = try populated()
        try store.tamper("DELETE FROM visit WHERE code = '\(entries[2].code)'")
        let report = try store.audit()
        #expect(report.problem?.contains("\(entries[2].code)") == true)
        #expect(report.problem?.contains("deleted") == true)
    }

    @Test func rowAddedOutsideTheKioskIsFound() throws {
        let (store, _) = try populated()
        try store.tamper("""
            INSERT INTO visit (code, venue, gate, category, method, status, checked_in_at, name, search_text, id_storage, decision, guard)
            VALUES ('ZZZZZZ', 'demo', 'main', 'visitor', 'manual', 'inside', 0, 'Ghost', 'ghost', 'full', 'admitted', 'x')
            """)
        #expect(try store.audit().problem?.contains("ZZZZZZ") == true)
    }

    @Test func reorderedEventsAreFound() throws {
        let (store, _) = try populated()
        try store.tamper("UPDATE event SET seq = 100 WHERE seq = 2; UPDATE event SET seq = 2 WHERE seq = 3; UPDATE event SET seq = 3 WHERE seq = 100;")
        #expect(try store.audit().problem?.contains("event #2") == true)
    }

    @Test func deletedEventIsFound() throws {
        let (store, _) = try populated()
        try store.tamper("DELETE FROM event WHERE seq = 2")
        #expect(try store.audit().problem?.contains("event #3") == true)
    }

    @Test func editedPayloadIsFound() throws {
        let (store, _) = try populated()
        try store.tamper("UPDATE event SET payload = replace(payload, 'An', 'Xn') WHERE seq = 1")
        #expect(try store.audit().problem?.contains("payload was edited") == true)
    }

    @Test func erasedPayloadOutsideAPurgeIsFound() throws {
        let (store, entries) = try populated()
        try store.tamper("UPDATE event SET payload = NULL WHERE code = '\(entries[0].code)'; DELETE FROM visit WHERE code = '\(entries[0].code)'")
        #expect(try store.audit().problem?.contains("erased outside a purge") == true)
    }

    @Test func purgeKeepsTheChainVerifiableAndErasesPersonalData() throws {
        let store = try Store(inMemoryNamed: UUID().uuidString)
        let old = at("2026-10-01T01:00:00Z")
        let recent = at("2026-11-28T01:00:00Z")
        let (a, b) = try store.write { tx in
            (try tx.insert(sampleEntry("Old Visitor", at: old, idNumber: "079203001234"), at: old),
             try tx.insert(sampleEntry("Recent Visitor", at: recent), at: recent))
        }
        _ = try store.write { tx in try tx.checkOut(code: a.code, at: old.addingTimeInterval(3600)) }
        let removed = try store.purge(before: at("2026-11-01T00:00:00Z"), at: recent, retentionDays: 30)
        #expect(removed == 1)
        #expect(try store.visit(code: a.code) == nil)
        #expect(try store.visit(code: b.code) != nil)
        let report = try store.audit()
        #expect(report.ok, "\(report.problem ?? "")")
        let leftovers = try store.read { tx in
            try String.fetchAll(tx.db, sql: "SELECT payload FROM event WHERE payload LIKE '%Old Visitor%' OR payload LIKE '%079203001234%'")
        }
        #expect(leftovers.isEmpty)
        // Purging again finds nothing and changes nothing.
        #expect(try store.purge(before: at("2026-11-01T00:00:00Z"), at: recent, retentionDays: 30) == 0)
        #expect(try store.audit().events == report.events)
    }

    @Test func visitsStillInsideAreNotPurged() throws {
        let store = try Store(inMemoryNamed: UUID().uuidString)
        let old = at("2026-10-01T01:00:00Z")
        let a = try store.write { tx in try tx.insert(sampleEntry("Still Here", at: old), at: old) }
        #expect(try store.purge(before: at("2026-11-01T00:00:00Z"), at: old, retentionDays: 30) == 0)
        #expect(try store.visit(code: a.code)?.status == .inside)
    }
}
