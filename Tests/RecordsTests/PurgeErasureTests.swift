import Foundation
import GRDB
import Testing
import KioskCore
@testable import Records

/// Purged personal data must be gone from the bytes on disk, not only from queries: from the
/// database file and from its write-ahead log (issue 21, item 4).
@Suite struct PurgeErasureTests {
    func occurrences(of needle: String, in path: String) -> Int {
        guard let data = FileManager.default.contents(atPath: path) else { return 0 }
        let bytes = [UInt8](data), pattern = Array(needle.utf8)
        guard bytes.count >= pattern.count else { return 0 }
        var n = 0
        for i in 0...(bytes.count - pattern.count) where bytes[i] == pattern[0] && Array(bytes[i..<i + pattern.count]) == pattern {
            n += 1
        }
        return n
    }

    @Test func purgedNamesAndPhonesAreGoneFromTheFileAndTheWAL() throws {
        let dir = TempDir()
        let path = dir.path + "/kiosk.sqlite"
        let store = try Store(path: path, chainKey: testKey)
        let old = at("2026-10-01T01:00:00Z")
        // Enough visits to free whole pages (FAST leaves those with their contents); half of
        // them checkpointed into the main file before the purge, half still in the WAL.
        for batch in 0..<2 {
            _ = try store.write { tx in
                for i in 0..<150 {
                    let t = old.addingTimeInterval(Double(batch * 150 + i))
                    let e = try tx.insert(sampleEntry("Xylophanta Quirinde \(batch)-\(i)", at: t, phone: "0977123987"), at: t)
                    _ = try tx.checkOut(code: e.code, at: t.addingTimeInterval(60))
                }
            }
            if batch == 0 { try store.checkpoint() }
        }
        let recent = at("2026-11-28T01:00:00Z")
        _ = try store.write { tx in try tx.insert(sampleEntry("Keeperina Recent", at: recent, phone: "0911000222"), at: recent) }
        let files = [path, path + "-wal"]
        #expect(files.map { occurrences(of: "Xylophanta", in: $0) }.reduce(0, +) >= 300)

        #expect(try store.purge(before: at("2026-11-01T00:00:00Z"), at: recent, retentionDays: 30) == 300)

        for file in files {
            #expect(occurrences(of: "Xylophanta", in: file) == 0, "a purged name is still in \(file)")
            #expect(occurrences(of: "quirinde", in: file) == 0, "a purged search text is still in \(file)")
            #expect(occurrences(of: "0977123987", in: file) == 0, "a purged phone is still in \(file)")
        }
        // What was kept is still there, and the chain still verifies.
        #expect(files.map { occurrences(of: "Keeperina", in: $0) }.reduce(0, +) >= 1)
        #expect(try store.audit().ok)
        #expect(try store.meta(Store.erasurePendingMeta) == nil)
    }

    @Test func secureDeleteIsOn() throws {
        let dir = TempDir()
        let store = try Store(path: dir.path + "/kiosk.sqlite", chainKey: testKey)
        #expect(try store.writerPragma("secure_delete") == "1")
    }
}
