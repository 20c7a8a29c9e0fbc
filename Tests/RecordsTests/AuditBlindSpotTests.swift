import Foundation
import GRDB
import Testing
import KioskCore
@testable import Records

/// The audit's former blind spots (issue 21, item 3): erasures the purge cannot have made,
/// invitation uses outside the chain, and a chain anyone with the file could rebuild.
@Suite struct AuditBlindSpotTests {
    let t0 = at("2026-10-01T01:00:00Z")

    func invitation(_ id: String, expires: Date) -> InvitationRecord {
        InvitationRecord(
            id: id, venue: "demo", name: "Phạm Khách Mời", host: "Phòng IT", purpose: "họp",
            notBefore: t0, expires: expires, uses: 1, issuedAt: t0)
    }

    @Test func erasedWatchAddEventIsTampering() throws {
        let store = try Store(inMemoryNamed: UUID().uuidString, chainKey: testKey)
        let id = try store.addWatch(nameFolded: "mallory", idHash: nil, phone: nil, action: .deny, note: nil, at: t0)
        try store.tamper("DELETE FROM watch WHERE id = \(id); UPDATE event SET payload = NULL WHERE kind = 'watch-add'")
        let report = try store.audit()
        #expect(!report.ok)
        #expect(report.problem?.contains("event #1 (watch-add)") == true, "\(report)")
        #expect(report.problem?.contains("erased") == true, "\(report)")
    }

    @Test func erasedUnmaskedExportEventIsTampering() throws {
        let store = try Store(inMemoryNamed: UUID().uuidString, chainKey: testKey)
        _ = try store.write { tx in try tx.insert(sampleEntry("A", at: t0), at: t0) }
        try store.recordExport(
            from: t0, to: t0, format: "csv", masked: false, file: "/tmp/x.csv", rows: 1, sha256: "00", requestedBy: "x",
            day: nil, at: t0)
        try store.tamper("UPDATE event SET payload = NULL WHERE kind = 'export'")
        #expect(try store.audit().problem?.contains("event #2 (export)") == true)
    }

    @Test func deletedInvitationUseIsFound() throws {
        let store = try Store(inMemoryNamed: UUID().uuidString, chainKey: testKey)
        let inv = invitation(String(repeating: "ab", count: 16), expires: t0.addingTimeInterval(86400))
        try store.recordInvitation(inv, at: t0)
        let visit = try store.write { tx in
            let v = try tx.insert(sampleEntry("Phạm Khách Mời", at: t0), at: t0)
            try tx.recordInvitationUse(id: inv.id, visitCode: v.code, at: t0)
            return v
        }
        #expect(try store.audit().ok)
        try store.tamper("DELETE FROM invitation_use")
        let report = try store.audit()
        #expect(report.problem?.contains("invitation abababab") == true, "\(report)")
        #expect(report.problem?.contains(visit.code) == true, "\(report)")
        #expect(report.problem?.contains("its row was deleted") == true, "\(report)")
    }

    @Test func invitationUseAddedByHandIsFound() throws {
        let store = try Store(inMemoryNamed: UUID().uuidString, chainKey: testKey)
        let inv = invitation(String(repeating: "cd", count: 16), expires: t0.addingTimeInterval(86400))
        try store.recordInvitation(inv, at: t0)
        try store.tamper("INSERT INTO invitation_use (invitation, visit_code, at) VALUES ('\(inv.id)', 'ZZZZZZ', 0)")
        #expect(try store.audit().problem?.contains("added outside the kiosk") == true)
    }

    @Test func purgedInvitationsAndTheirUsesStillVerify() throws {
        let store = try Store(inMemoryNamed: UUID().uuidString, chainKey: testKey)
        let inv = invitation(String(repeating: "ef", count: 16), expires: t0.addingTimeInterval(3600))
        try store.recordInvitation(inv, at: t0)
        let v = try store.write { tx in
            let v = try tx.insert(sampleEntry("Phạm Khách Mời", at: t0), at: t0)
            try tx.recordInvitationUse(id: inv.id, visitCode: v.code, at: t0)
            return v
        }
        _ = try store.write { tx in try tx.checkOut(code: v.code, at: t0.addingTimeInterval(600)) }
        #expect(try store.purge(before: at("2026-11-01T00:00:00Z"), at: at("2026-11-30T00:00:00Z"), retentionDays: 30) == 1)
        let report = try store.audit()
        #expect(report.ok, "\(report)")
        #expect(try store.read { tx in try Int.fetchOne(tx.db, sql: "SELECT COUNT(*) FROM invitation_use") } == 0)
    }

    /// Someone with the database file but not the key file deletes a visit, erases its
    /// payloads and appends a `purge` naming it, linked as the old plain SHA-256 chain was.
    @Test func forgedPurgeWithoutTheKeyIsFound() throws {
        let store = try Store(inMemoryNamed: UUID().uuidString, chainKey: testKey)
        let (a, _) = try store.write { tx in
            (try tx.insert(sampleEntry("Victim", at: t0), at: t0), try tx.insert(sampleEntry("Other", at: t0), at: t0))
        }
        _ = try store.write { tx in try tx.checkOut(code: a.code, at: t0.addingTimeInterval(60)) }
        try store.tamper("DELETE FROM visit WHERE code = '\(a.code)'; UPDATE event SET payload = NULL WHERE code = '\(a.code)'")
        for seal in [ChainSeal.legacySHA256, .keyed(ChainKey(Array(repeating: 9, count: 32)))] {
            let forged = try Store.forgeEvent(
                store, seal: seal, kind: "purge",
                payload: CanonicalJSON.object([("cutoff", .int(VisitRow.millis(t0) + 86_400_000)), ("codes", .strings([a.code]))]))
            let report = try store.audit()
            #expect(report.problem?.contains("event #\(forged)") == true, "\(report)")
            #expect(report.problem?.contains("edited") == true, "\(report)")
            try store.tamper("DELETE FROM event WHERE seq = \(forged)")
        }
    }

    /// Even a purge sealed with the key covers only what it could have purged: codes whose
    /// first event came before its cutoff, erased before it was chained.
    @Test func purgeCoversOnlyOlderCodesErasedBeforeIt() throws {
        let store = try Store(inMemoryNamed: UUID().uuidString, chainKey: testKey)
        let late = at("2026-11-20T01:00:00Z")
        let cutoff = VisitRow.millis(at("2026-11-01T00:00:00Z"))
        let v = try store.write { tx in try tx.insert(sampleEntry("Recent", at: late), at: late) }
        // A purge whose cutoff is before the visit began.
        _ = try store.write { tx in
            try tx.append(.purge, code: nil, payload: CanonicalJSON.object([("cutoff", .int(cutoff)), ("codes", .strings([v.code]))]), at: late)
        }
        try store.tamper("DELETE FROM visit WHERE code = '\(v.code)'; UPDATE event SET payload = NULL WHERE code = '\(v.code)'")
        #expect(try store.audit().problem?.contains("erased outside a purge") == true)

        // A purge chained before the erased event (a code used again after its purge).
        let store2 = try Store(inMemoryNamed: UUID().uuidString, chainKey: testKey)
        _ = try store2.write { tx in
            try tx.append(.purge, code: nil, payload: CanonicalJSON.object([("cutoff", .int(cutoff + 86_400_000 * 60)), ("codes", .strings(["ABCDFG"]))]), at: late)
            try tx.append(.checkin, code: "ABCDFG", payload: "{}", at: late)
        }
        try store2.tamper("UPDATE event SET payload = NULL WHERE code = 'ABCDFG'")
        #expect(try store2.audit().problem?.contains("event #2 (ABCDFG)") == true)
    }

    @Test func anotherKeySaysSoAndRefusesToWrite() throws {
        let dir = TempDir()
        let path = dir.path + "/kiosk.sqlite"
        do {
            let store = try Store(path: path, chainKey: testKey)
            _ = try store.write { tx in try tx.insert(sampleEntry("A", at: t0), at: t0) }
            #expect(try store.audit().ok)
        }
        let other = try Store(path: path, chainKey: ChainKey(Array(repeating: 1, count: 32)))
        let report = try other.audit()
        #expect(report.keyDiffers)
        #expect(report.problem?.contains("different key") == true)
        #expect(report.problem?.contains("edit") == true && report.problem?.contains("not a sign of an edit") == true)
        #expect(throws: StoreError.wrongKey(path: path)) {
            try other.write { tx in try tx.insert(sampleEntry("B", at: t0), at: t0) }
        }
        #expect(try Store(path: path, chainKey: testKey).audit().ok)
    }

    /// A log from before keyed links: plain SHA-256 links, no key check, invitation uses not
    /// chained. Made from a current log by undoing what v4 adds.
    func legacyDatabase(_ path: String, breakIt: Bool = false) throws -> (legacyHead: String, events: Int64, visit: String) {
        let store = try Store(path: path, chainKey: testKey)
        let inv = invitation(String(repeating: "12", count: 16), expires: t0.addingTimeInterval(86400))
        try store.recordInvitation(inv, at: t0)
        let v = try store.write { tx in try tx.insert(sampleEntry("Old Log", at: t0), at: t0) }
        _ = try store.write { tx in try tx.checkOut(code: v.code, at: t0.addingTimeInterval(60)) }
        try store.tamper("""
            INSERT INTO invitation_use (invitation, visit_code, at) VALUES ('\(inv.id)', '\(v.code)', \(VisitRow.millis(t0)));
            DELETE FROM meta WHERE key = 'chain_key_check';
            DELETE FROM grdb_migrations WHERE identifier = 'v4-keyed-chain';
            """)
        if breakIt { try store.tamper("UPDATE event SET at = at + 1 WHERE seq = 2") }
        try Store.relink(store, seal: .legacySHA256, keepHashOf: breakIt ? 2 : nil)
        let head = try store.read { tx in try HashChain.head(tx.db) }
        return (head.hash, head.seq, v.code)
    }

    @Test func oldLogIsResealedOnceAndStillVerifies() throws {
        let dir = TempDir()
        let path = dir.path + "/kiosk.sqlite"
        let legacy = try legacyDatabase(path)
        // Unkeyed links are sealed only where the caller allows it (the Gate: a database its
        // key file has never sealed); by default they are refused as a stripped seal.
        #expect(throws: StoreError.sealRemoved(path: path)) { _ = try Store(path: path, chainKey: testKey) }
        let store = try Store(path: path, chainKey: testKey, mayReseal: true)
        let report = try store.audit()
        #expect(report.ok, "\(report)")
        // The old events, one chain-keyed event, one invite-use for the use found.
        #expect(report.events == Int(legacy.events) + 2)
        let keyed = try store.read { tx in try String.fetchOne(tx.db, sql: "SELECT payload FROM event WHERE kind = 'chain-keyed'") }
        #expect(keyed?.contains(legacy.legacyHead) == true)
        #expect(keyed?.contains("\"legacy_events\":\(legacy.events)") == true)
        let use = try store.read { tx in try String.fetchOne(tx.db, sql: "SELECT payload FROM event WHERE kind = 'invite-use'") }
        #expect(use?.contains(legacy.visit) == true && use?.contains("migrated") == true)
        // Deleting the migrated use is caught like any other.
        try store.tamper("DELETE FROM invitation_use")
        #expect(try store.audit().problem?.contains("its row was deleted") == true)
        // The old links were plain SHA-256; now an edit plus a plain recomputation fails.
        try Store.relink(store, seal: .legacySHA256)
        #expect(try store.audit().problem?.contains("event #1") == true)
    }

    @Test func oldLogBrokenBeforeTheUpgradeStillSaysSo() throws {
        let dir = TempDir()
        let path = dir.path + "/kiosk.sqlite"
        _ = try legacyDatabase(path, breakIt: true)
        let report = try Store(path: path, chainKey: testKey, mayReseal: true).audit()
        #expect(report.problem?.contains("before the chain was keyed") == true, "\(report)")
        #expect(report.problem?.contains("event #2") == true, "\(report)")
    }
}

extension Store {
    /// Appends an event linked with `seal` (an attacker's idea of the chain); returns its seq.
    static func forgeEvent(_ store: Store, seal: ChainSeal, kind: String, payload: String) throws -> Int64 {
        try store.writer.writeWithoutTransaction { db in
            let head = try HashChain.head(db)
            let seq = head.seq + 1
            let payloadHash = HashChain.sha256Hex(payload)
            let hash = seal.link(seq: seq, at: 0, kind: kind, code: nil, payloadHash: payloadHash, prev: head.hash)
            try db.execute(
                sql: "INSERT INTO event (seq, at, kind, code, payload, payload_hash, prev_hash, hash) VALUES (?, 0, ?, NULL, ?, ?, ?, ?)",
                arguments: [seq, kind, payload, payloadHash, head.hash, hash])
            return seq
        }
    }

    /// Recomputes every link with `seal` (the store's own key when nil), as someone holding
    /// that key could; `keepHashOf` leaves one event's stored hash as it was.
    static func relink(_ store: Store, seal: ChainSeal? = nil, keepHashOf: Int64? = nil) throws {
        let seal = seal ?? .keyed(store.chainKey)
        try store.writer.writeWithoutTransaction { db in
            var prev = HashChain.genesis
            for row in try Row.fetchAll(db, sql: "SELECT seq, at, kind, code, payload_hash, hash FROM event ORDER BY seq") {
                let seq: Int64 = row[0]
                let hash = seq == keepHashOf ? row[5] : seal.link(seq: seq, at: row[1], kind: row[2], code: row[3], payloadHash: row[4], prev: prev)
                try db.execute(sql: "UPDATE event SET prev_hash = ?, hash = ? WHERE seq = ?", arguments: [prev, hash, seq])
                prev = hash
            }
        }
    }
}
