import Foundation
import TestSupport
import GRDB
import Testing
import KioskCore
@testable import Records

@Suite struct StoreTests {
    /// A code of digits around an E ("6E8228") is a number to a spreadsheet: the soak saw
    /// LibreOffice turn one into 1.8E+308 in the daily export.
    @Test func newEntryCodesNeverReadAsNumbersInScientificNotation() throws {
        for _ in 0..<20_000 {
            let code = EntryCode.random()
            #expect(code.count == 6 && !code.contains("E"), "\(code)")
        }
        // Codes issued before E was dropped are still taken at the desk.
        #expect(EntryCode.normalise("6e8228") == "6E8228")
        #expect(EntryCode.normalise("6O8228") == nil)
    }

    @Test func roundTripKeepsEveryField() throws {
        let store = try Store(inMemoryNamed: UUID().uuidString)
        let t = at("2026-11-29T01:00:00Z")
        var e = sampleEntry("Nguyễn Văn An", at: t, idNumber: "079203001234", phone: "0912345678", badge: "12")
        e.declaration = ["fever": "no", "cough": "yes"]
        e.symptoms = true
        e.app = .notInstalled
        e.passSummary = "HC1 VN vaccination verified"
        e.watchMatch = "#1 alert"
        let stored = try store.write { tx in try tx.insert(e, at: t) }
        let read = try #require(try store.visit(code: stored.code))
        #expect(read == stored)
        #expect(read.declaration == ["fever": "no", "cough": "yes"])
        #expect(stored.code.count == 6)
        #expect(EntryCode.normalise(stored.code.lowercased()) == stored.code)
    }

    @Test func fileDatabaseIsWALFullSyncAndPrivate() throws {
        let dir = TempDir()
        let path = dir.path + "/data/kiosk.sqlite"
        let store = try Store(path: path, chainKey: testKey)
        let (mode, sync, fk) = try store.read { tx in
            (try String.fetchOne(tx.db, sql: "PRAGMA journal_mode"), try Int.fetchOne(tx.db, sql: "PRAGMA synchronous"),
             try Int.fetchOne(tx.db, sql: "PRAGMA foreign_keys"))
        }
        #expect(mode == "wal")
        #expect(sync == 2)
        // The writer is the connection that commits: it must be FULL too.
        #expect(try store.writerPragma("synchronous") == "2")
        #expect(fk == 1)
        let fileMode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        let dirMode = try FileManager.default.attributesOfItem(atPath: dir.path + "/data")[.posixPermissions] as? Int
        #expect(fileMode == 0o600)
        #expect(dirMode == 0o700)
        // Reopening finds the schema current and keeps the data.
        let t = Date()
        _ = try store.write { tx in try tx.insert(sampleEntry("A", at: t), at: t) }
        let again = try Store(path: path, chainKey: testKey)
        #expect(try again.list(VisitQuery()).count == 1)
    }

    @Test func corruptFileIsReportedNotOverwritten() throws {
        let dir = TempDir()
        let path = dir.path + "/kiosk.sqlite"
        let garbage = Data(repeating: 0x5A, count: 8192)
        try garbage.write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.corrupt(path: path)) { try Store(path: path, chainKey: testKey) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
    }

    @Test func concurrentWritersKeepOneChain() throws {
        let dir = TempDir()
        let store = try Store(path: dir.path + "/kiosk.sqlite", chainKey: testKey)
        let failures = LockedCounter()
        let together = Together.run(8) { worker in
            for i in 0..<25 {
                do {
                    let t = Date()
                    _ = try store.write { tx in try tx.insert(sampleEntry("W\(worker)-\(i)", at: t), at: t) }
                } catch {
                    failures.increment()
                }
            }
        }
        #expect(together, "the 8 writers must really write at the same time")
        #expect(failures.value == 0)
        let report = try store.audit()
        #expect(report.ok, "\(report.problem ?? "")")
        #expect(report.visits == 200)
        #expect(report.events == 200)
    }

    @Test func searchFoldsDiacriticsAndEscapesWildcards() throws {
        let store = try Store(inMemoryNamed: UUID().uuidString)
        let t = at("2026-11-29T01:00:00Z")
        _ = try store.write { tx in
            [try tx.insert(sampleEntry("Nguyễn Văn An", at: t), at: t),
             try tx.insert(sampleEntry("Phạm 100% Đúng_", at: t), at: t)]
        }
        #expect(try store.list(VisitQuery(search: "nguyen van an")).map(\.details.name) == ["Nguyễn Văn An"])
        #expect(try store.list(VisitQuery(search: "NGUYỄN")).count == 1)
        #expect(try store.list(VisitQuery(search: "100%")).map(\.details.name) == ["Phạm 100% Đúng_"])
        #expect(try store.list(VisitQuery(search: "%")).count == 1)
        #expect(try store.list(VisitQuery(search: "dung_")).count == 1)
        #expect(try store.list(VisitQuery(search: "phong it")).count == 2)
    }

    @Test func insideRulesQueries() throws {
        let store = try Store(inMemoryNamed: UUID().uuidString)
        let t = at("2026-11-29T01:00:00Z")
        let a = try store.write { tx in try tx.insert(sampleEntry("A", at: t, idNumber: "1", phone: "0912345678", badge: "7"), at: t) }
        let before = try store.read { tx in
            (try tx.insideCount(), try tx.insideVisit(idHash: "h-1", phone: nil)?.code,
             try tx.insideVisit(idHash: nil, phone: "0912345678")?.code, try tx.insideVisit(badge: "7")?.code)
        }
        #expect(before.0 == 1)
        #expect(before.1 == a.code && before.2 == a.code && before.3 == a.code)
        _ = try store.write { tx in try tx.checkOut(code: a.code, at: t.addingTimeInterval(60)) }
        let after = try store.read { tx in
            (try tx.insideCount(), try tx.insideVisit(badge: "7"), try tx.lastVisit(idHash: "h-1", phone: nil)?.code)
        }
        #expect(after.0 == 0)
        #expect(after.1 == nil)
        #expect(after.2 == a.code)
    }
}

final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}

@Suite struct CanonicalJSONTests {
    /// The chain hashes these bytes: the spelling must never change.
    @Test func escapesAreFixed() {
        let text = "x\"\\\n\r\t\u{1}\u{7F}\u{2028}\u{2029}é Đ"
        #expect(CanonicalJSON.object([("b", .int(-3)), ("a", .string(text)), ("c", .null), ("d", .double(36.5))])
            == #"{"a":"x\"\\\n\r\t\u0001\u007f\u2028\u2029é Đ","b":-3,"c":null,"d":36.5}"#)
        let decoded = CanonicalJSON.decode(CanonicalJSON.object([("a", .string(text))])) as? [String: String]
        #expect(decoded?["a"] == text)
    }
}
