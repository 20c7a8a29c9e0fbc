import Foundation
import KioskCore
import Testing

@testable import Records

/// Two gates of one building as two logs under one key: what one records, the other learns
/// from its events (as the building log carries them), checked link by link.
@Suite struct BuildingReplicaTests {
    func gateStore(_ name: String, key: ChainKey = testKey) throws -> Store {
        try Store(inMemoryNamed: "\(name)-\(UUID().uuidString)", chainKey: key)
    }

    func visit(_ name: String, gate: String, at: Date, idNumber: String? = nil, phone: String? = nil) -> Entry {
        var e = sampleEntry(name, at: at, idNumber: idNumber, phone: phone)
        e.gate = gate
        return e
    }

    /// Everything of `store`'s own chain, as the building log would hand it over.
    func events(_ store: Store, gate: String, offset: Int64 = 0) throws -> [ChainEvent] {
        try store.ownEvents(gate: gate, after: 0, limit: 100_000).map { var e = $0; e.clockOffsetMillis = offset; return e }
    }

    @Test func anotherGatesVisitIsInsideTheBuildingAndStopsASecondEntry() throws {
        let lobby = try gateStore("lobby"), car = try gateStore("car")
        let v = try lobby.write { tx in try tx.insert(visit("Nguyễn Văn An", gate: "lobby", at: at("2026-12-03T08:41:00+07:00"), idNumber: "079203001234"), at: at("2026-12-03T08:41:00+07:00")) }
        let result = try car.applyReplica(try events(lobby, gate: "lobby"), ownGate: "car", at: at("2026-12-03T08:42:00+07:00"))
        #expect(result.applied == 1 && result.refused.isEmpty)
        let inside = try car.insideEverywhere()
        #expect(inside.map(\.code) == [v.code])
        #expect(inside.first?.gate == "lobby")
        #expect(inside.first?.details.name == "Nguyễn Văn An")
        let open = try car.read { tx in try tx.insideVisit(idHash: "h-079203001234", phone: nil) }
        #expect(open?.gate == "lobby")
        #expect(try car.read { tx in try tx.insideCount() } == 1)
        // Sent twice: nothing changes.
        let again = try car.applyReplica(try events(lobby, gate: "lobby"), ownGate: "car", at: at("2026-12-03T08:43:00+07:00"))
        #expect(again.applied == 0)
        #expect(try car.insideEverywhere().count == 1)
    }

    @Test func aCheckOutAtAnotherGateClosesTheVisitInItsOwnLogOnce() throws {
        let lobby = try gateStore("lobby"), car = try gateStore("car")
        let inAt = at("2026-12-03T08:41:00+07:00"), outAt = at("2026-12-03T17:05:00+07:00")
        let v = try lobby.write { tx in try tx.insert(visit("Trần Thị Bình", gate: "lobby", at: inAt), at: inAt) }
        _ = try car.applyReplica(try events(lobby, gate: "lobby"), ownGate: "car", at: inAt)
        let closed = try car.write { tx in try tx.remoteCheckOut(origin: "lobby", code: v.code, by: "car", at: outAt) }
        #expect(closed.status == .left)
        #expect(try car.insideEverywhere().isEmpty)
        #expect(try car.visit(code: v.code) == nil, "no local row at the car park")
        #expect(try car.audit().ok)

        let adopted = try lobby.applyReplica(try events(car, gate: "car"), ownGate: "lobby", at: outAt.addingTimeInterval(5))
        #expect(adopted.adopted == 1)
        let row = try #require(try lobby.visit(code: v.code))
        #expect(row.status == .left)
        #expect(row.checkedOutAt == outAt, "the exit time is the car park's, not the sync's")
        let audit = try lobby.audit()
        #expect(audit.ok, "\(audit.problem ?? "")")
        // Pulled again: not adopted twice.
        #expect(try lobby.applyReplica(try events(car, gate: "car"), ownGate: "lobby", at: outAt.addingTimeInterval(9)).adopted == 0)

        // The building sees one exit: no conflict, and the exit is the car park's.
        let ledger = try BuildingLedger(events: try events(lobby, gate: "lobby") + events(car, gate: "car"), timeZone: hanoi)
        #expect(ledger.conflicts.isEmpty)
        let replayed = try #require(try ledger.store.visit(code: v.code))
        #expect(replayed.status == .left && replayed.checkedOutAt == outAt)
    }

    @Test func anEditedOrForeignEventIsRefusedAndNothingAfterItApplies() throws {
        let lobby = try gateStore("lobby"), car = try gateStore("car")
        for i in 0..<3 {
            let t = at("2026-12-03T08:00:00+07:00").addingTimeInterval(Double(i) * 60)
            _ = try lobby.write { tx in try tx.insert(visit("Khách \(i)", gate: "lobby", at: t), at: t) }
        }
        var list = try events(lobby, gate: "lobby")
        list[1].payload = list[1].payload?.replacingOccurrences(of: "Khách 1", with: "Khách X")
        let result = try car.applyReplica(list, ownGate: "car", at: at("2026-12-03T09:00:00+07:00"))
        #expect(result.applied == 1)
        #expect(result.refused.first?.seq == 2)
        #expect(try car.insideEverywhere().count == 1, "nothing after the bad event")

        // A gate under another key_file: its links do not verify here.
        let stranger = try gateStore("stranger", key: ChainKey(Array(repeating: 9, count: 32)))
        _ = try stranger.write { tx in try tx.insert(visit("Người lạ", gate: "side", at: at("2026-12-03T08:00:00+07:00")), at: at("2026-12-03T08:00:00+07:00")) }
        let foreign = try car.applyReplica(try events(stranger, gate: "side"), ownGate: "car", at: at("2026-12-03T09:00:00+07:00"))
        #expect(foreign.applied == 0 && foreign.refused.count == 1)
    }

    @Test func aWatchListEntryAndARevocationAreKnownAtEveryGate() throws {
        let lobby = try gateStore("lobby"), car = try gateStore("car")
        let t = at("2026-12-03T08:00:00+07:00")
        _ = try lobby.addWatch(nameFolded: nil, idHash: nil, phone: "0912345678", action: .deny, note: "đã gây rối", at: t)
        _ = try car.applyReplica(try events(lobby, gate: "lobby"), ownGate: "car", at: t)
        let matches = try car.read { tx in try tx.watchMatches(nameFolded: "x", idHash: nil, phone: "0912345678") }
        #expect(matches.map(\.action) == [.deny])
        #expect(matches.first?.gate == "lobby" && matches.first?.tag.hasPrefix("#lobby:") == true)
        let id = try #require(try lobby.watchList().first?.id)
        _ = try lobby.removeWatch(id: id, at: t.addingTimeInterval(60))
        _ = try car.applyReplica(try events(lobby, gate: "lobby"), ownGate: "car", at: t)
        #expect(try car.read { tx in try tx.watchMatches(nameFolded: "x", idHash: nil, phone: "0912345678") }.isEmpty)

        let inv = InvitationRecord(
            id: String(repeating: "ab", count: 16), venue: "demo", name: "Lê Văn Cường", host: "Phòng IT", purpose: nil,
            notBefore: t, expires: t.addingTimeInterval(86400), uses: 1, issuedAt: t)
        try lobby.recordInvitation(inv, at: t)
        _ = try car.applyReplica(try events(lobby, gate: "lobby"), ownGate: "car", at: t)
        #expect(try car.read { tx in try tx.invitation(id: inv.id) }?.name == "Lê Văn Cường")
        #expect(try lobby.revokeInvitation(idPrefix: String(inv.id.prefix(8)), at: t.addingTimeInterval(120)) != nil)
        _ = try car.applyReplica(try events(lobby, gate: "lobby"), ownGate: "car", at: t)
        #expect(try car.read { tx in try tx.invitation(id: inv.id) }?.revokedAt != nil)
    }

    @Test func conflictsAreFactsAndEveryOrderGivesTheSameAnswer() throws {
        let lobby = try gateStore("lobby"), car = try gateStore("car")
        let t0 = at("2026-12-03T08:00:00+07:00")
        // Synced once: both know visit v.
        let v = try lobby.write { tx in try tx.insert(visit("Phạm Minh Đức", gate: "lobby", at: t0), at: t0) }
        _ = try car.applyReplica(try events(lobby, gate: "lobby"), ownGate: "car", at: t0)
        // Partition: the car park checks v out at 10:03, the lobby at 10:05.
        _ = try car.write { tx in try tx.remoteCheckOut(origin: "lobby", code: v.code, by: "car", at: at("2026-12-03T10:03:00+07:00")) }
        _ = try lobby.write { tx in try tx.checkOut(code: v.code, at: at("2026-12-03T10:05:00+07:00")) }
        // And the same person (id) enters at both gates while they cannot see each other.
        let a = try lobby.write { tx in try tx.insert(visit("Hoàng Lan", gate: "lobby", at: at("2026-12-03T11:00:00+07:00"), idNumber: "001"), at: at("2026-12-03T11:00:00+07:00")) }
        let b = try car.write { tx in try tx.insert(visit("Hoàng Lan", gate: "car", at: at("2026-12-03T11:02:00+07:00"), idNumber: "001"), at: at("2026-12-03T11:02:00+07:00")) }

        let all = try events(lobby, gate: "lobby", offset: 0) + events(car, gate: "car", offset: 0)
        let ledger = try BuildingLedger(events: all, timeZone: hanoi)
        let kinds = ledger.conflicts.map(\.kind)
        #expect(kinds.contains(.closedTwice))
        #expect(kinds.contains(.insideAtTwoGates))
        let twice = try #require(ledger.conflicts.first { $0.kind == .closedTwice })
        #expect(twice.visits == [.init(gate: "lobby", code: v.code)])
        let both = try #require(ledger.conflicts.first { $0.kind == .insideAtTwoGates })
        #expect(Set(both.visits) == [.init(gate: "lobby", code: a.code), .init(gate: "car", code: b.code)])
        // The earliest exit closes the visit; both visits of the same person are kept.
        let closed = try #require(try ledger.store.visit(code: v.code))
        #expect(closed.checkedOutAt == at("2026-12-03T10:03:00+07:00"))
        #expect(try ledger.store.insideEverywhere().count == 2)

        // The same events in any order: the same visits, conflicts and export bytes.
        var rng = SystemRandomNumberGenerator()
        let reference = try exportBytes(ledger)
        for _ in 0..<5 {
            let shuffled = try BuildingLedger(events: all.shuffled(using: &rng), timeZone: hanoi)
            #expect(shuffled.conflicts == ledger.conflicts)
            #expect(try exportBytes(shuffled) == reference)
        }
        // A clock off by ten minutes at the lobby reorders by corrected time: the lobby's
        // 10:05 is the car park's 09:55, so the lobby's exit came first.
        let skewed = try events(lobby, gate: "lobby", offset: -600_000) + events(car, gate: "car", offset: 0)
        let corrected = try BuildingLedger(events: skewed, timeZone: hanoi)
        #expect(try corrected.store.visit(code: v.code)?.checkedOutAt == at("2026-12-03T10:05:00+07:00"))
    }

    @Test func aSingleUseInvitationUsedAtTwoGatesOfflineIsOneEntryAndOneConflict() throws {
        let lobby = try gateStore("lobby"), car = try gateStore("car")
        let t = at("2026-12-03T08:00:00+07:00")
        let inv = InvitationRecord(
            id: String(repeating: "cd", count: 16), venue: "demo", name: "Vũ Thu", host: "Phòng IT", purpose: nil,
            notBefore: t, expires: t.addingTimeInterval(86400), uses: 1, issuedAt: t)
        try lobby.recordInvitation(inv, at: t)
        _ = try car.applyReplica(try events(lobby, gate: "lobby"), ownGate: "car", at: t)
        let first = try lobby.write { tx in
            let e = try tx.insert(visit("Vũ Thu", gate: "lobby", at: t.addingTimeInterval(60)), at: t.addingTimeInterval(60))
            try tx.recordInvitationUse(id: inv.id, visitCode: e.code, at: t.addingTimeInterval(60))
            return e
        }
        let second = try car.write { tx in
            let e = try tx.insert(visit("Vũ Thu", gate: "car", at: t.addingTimeInterval(90)), at: t.addingTimeInterval(90))
            try tx.recordInvitationUse(id: inv.id, visitCode: e.code, at: t.addingTimeInterval(90))
            return e
        }
        let ledger = try BuildingLedger(events: try events(lobby, gate: "lobby") + events(car, gate: "car"), timeZone: hanoi)
        let c = try #require(ledger.conflicts.first { $0.kind == .invitationOverused })
        #expect(c.visits == [.init(gate: "lobby", code: first.code), .init(gate: "car", code: second.code)])
        // Once synced, a third use at the car park sees both uses; each log still audits.
        _ = try car.applyReplica(try events(lobby, gate: "lobby"), ownGate: "car", at: t)
        #expect(try car.read { tx in try tx.invitationUses(id: inv.id) }.count == 2)
        #expect(try car.audit().ok)
        #expect(try lobby.audit().ok)
        // Revoked at the car park (issued at the lobby): the lobby learns it.
        #expect(try car.revokeInvitation(idPrefix: String(inv.id.prefix(8)), at: t.addingTimeInterval(300)) != nil)
        _ = try lobby.applyReplica(try events(car, gate: "car"), ownGate: "lobby", at: t)
        #expect(try lobby.read { tx in try tx.invitation(id: inv.id) }?.revokedAt != nil)
        #expect(try car.audit().ok)
    }

    @Test func thePurgeErasesTheOtherGatesVisitsHeldHereToo() throws {
        let lobby = try gateStore("lobby"), car = try gateStore("car")
        let old = at("2026-10-01T08:00:00+07:00")
        let v = try lobby.write { tx in try tx.insert(visit("Đỗ Quang Huy", gate: "lobby", at: old), at: old) }
        _ = try lobby.write { tx in try tx.checkOut(code: v.code, at: old.addingTimeInterval(3600)) }
        _ = try car.applyReplica(try events(lobby, gate: "lobby"), ownGate: "car", at: old)
        #expect(try car.read { tx in try tx.replicaVisit(code: v.code) } != nil)
        // The car park's own retention removes the lobby's old visit, before the lobby purges.
        _ = try car.purge(before: at("2026-11-03T00:00:00+07:00"), at: at("2026-12-03T00:05:00+07:00"), retentionDays: 30)
        #expect(try car.read { tx in try tx.replicaVisit(code: v.code) } == nil)
        let payloads = try car.read { tx in try String.fetchAll(tx.db, sql: "SELECT payload FROM replica_event WHERE payload IS NOT NULL") }
        #expect(!payloads.contains { $0.contains("Đỗ Quang Huy") })
        #expect(try car.audit().ok)

        // And the lobby's own purge, when it arrives, erases what is left of it everywhere.
        let other = try gateStore("car2")
        _ = try other.applyReplica(try events(lobby, gate: "lobby"), ownGate: "car2", at: old)
        _ = try lobby.purge(before: at("2026-11-03T00:00:00+07:00"), at: at("2026-12-03T00:05:00+07:00"), retentionDays: 30)
        _ = try other.applyReplica(try events(lobby, gate: "lobby"), ownGate: "car2", at: old)
        #expect(try other.read { tx in try tx.replicaVisit(code: v.code) } == nil)
        let left = try other.read { tx in try String.fetchAll(tx.db, sql: "SELECT payload FROM replica_event WHERE payload IS NOT NULL") }
        #expect(!left.contains { $0.contains("Đỗ Quang Huy") })
    }

    @Test func aGateThatStopsSyncingDoesNotKeepItsVisitorsInsideForEver() throws {
        let lobby = try gateStore("lobby"), car = try gateStore("car")
        let t = at("2026-12-01T08:00:00+07:00")
        _ = try lobby.write { tx in try tx.insert(visit("Người bị quên", gate: "lobby", at: t, phone: "0933333333"), at: t) }
        _ = try car.applyReplica(try events(lobby, gate: "lobby"), ownGate: "car", at: t)
        #expect(try car.read { tx in try tx.insideVisit(idHash: nil, phone: "0933333333") } != nil)
        // The car park's own rule (midnight) closes it in the replica; the lobby never synced again.
        let midnight = at("2026-12-02T00:00:00+07:00")
        #expect(try car.autoCloseReplica(now: at("2026-12-03T08:00:00+07:00")) { _ in midnight } == 1)
        #expect(try car.read { tx in try tx.insideVisit(idHash: nil, phone: "0933333333") } == nil)
        #expect(try car.insideEverywhere().isEmpty)
        #expect(try car.read { tx in try tx.insideCount() } == 0)
        // Closed by a guess only: the visitor seen leaving here is still recorded.
        let code = try #require(try lobby.list(VisitQuery(insideOnly: true)).first?.code)
        #expect(try car.read { tx in try tx.replicaClosedByGuess(code: code) })
        #expect(try car.write { tx in try tx.remoteCheckOut(origin: "lobby", code: code, by: "car", at: at("2026-12-03T09:00:00+07:00")) }.status == .left)
    }

    @Test func anErasedEventIsHeldUntilAPurgeExplainsIt() throws {
        let lobby = try gateStore("lobby"), car = try gateStore("car")
        let t = at("2026-12-01T08:00:00+07:00")
        _ = try lobby.addWatch(nameFolded: nil, idHash: nil, phone: "0987000111", action: .deny, note: nil, at: t)
        let v = try lobby.write { tx in try tx.insert(visit("Ai đó", gate: "lobby", at: t), at: t) }
        var list = try events(lobby, gate: "lobby")
        // A watch-list entry erased on the way: refused outright (a purge never erases one).
        list[0].payload = nil
        let refused = try car.applyReplica(list, ownGate: "car", at: t)
        #expect(refused.refused.first?.seq == 1)
        // A visit's check-in erased: taken, and reported until a purge explains it.
        var visitOnly = try events(lobby, gate: "lobby")
        visitOnly[1].payload = nil
        let other = try gateStore("side")
        _ = try other.applyReplica(visitOnly, ownGate: "side", at: t)
        #expect(try other.unexplainedErasure(gate: "lobby")?.code == v.code)
        _ = try lobby.write { tx in try tx.checkOut(code: v.code, at: t.addingTimeInterval(60)) }
        _ = try lobby.purge(before: at("2026-12-02T00:00:00+07:00"), at: at("2026-12-31T00:00:00+07:00"), retentionDays: 30)
        let rest = try events(lobby, gate: "lobby").filter { $0.seq > 2 }
        _ = try other.applyReplica(rest, ownGate: "side", at: t)
        #expect(try other.unexplainedErasure(gate: "lobby") == nil)
    }

    @Test func absurdValuesInOtherGatesEventsDoNotCrashTheLedger() throws {
        // An invitation allowing 0 uses, used at two gates; a check-in at Int64.min.
        let t = at("2026-12-03T08:00:00+07:00")
        let lobby = try gateStore("lobby"), car = try gateStore("car")
        let inv = InvitationRecord(
            id: String(repeating: "ef", count: 16), venue: "demo", name: "Số không", host: "IT", purpose: nil,
            notBefore: t, expires: t.addingTimeInterval(86400), uses: 0, issuedAt: t)
        try lobby.recordInvitation(inv, at: t)
        _ = try car.applyReplica(try events(lobby, gate: "lobby"), ownGate: "car", at: t)
        for (store, gate) in [(lobby, "lobby"), (car, "car")] {
            try store.write { tx in
                let e = try tx.insert(visit("Khách", gate: gate, at: t), at: t)
                try tx.recordInvitationUse(id: inv.id, visitCode: e.code, at: t)
            }
        }
        var all = try events(lobby, gate: "lobby") + events(car, gate: "car", offset: .max)
        all.append(ChainEvent(gate: "odd", seq: 1, at: .min, kind: "checkin", code: "ODD222", payload: #"{"checked_in_at":-9223372036854775808,"gate":"odd","name":"x","phone":"0911"}"#, payloadHash: "", prevHash: "", hash: ""))
        let ledger = try BuildingLedger(events: all, timeZone: hanoi)
        #expect(ledger.conflicts.contains { $0.kind == .invitationOverused })
    }

    func exportBytes(_ ledger: BuildingLedger) throws -> [UInt8] {
        var out: [UInt8] = []
        _ = try ledger.store.export(
            ExportOptions(from: at("2026-12-01T00:00:00+07:00"), to: at("2026-12-05T00:00:00+07:00")), timeZone: hanoi
        ) { out += $0 }
        return out
    }
}
