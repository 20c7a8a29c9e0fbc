import Foundation
import Gate
import KioskCore
import Records

/// The million-visit database the export and roll-call benchmarks read, written through the
/// real insert path (`StoreTransaction.insert` and `checkOut`, so every row has its hash-chain
/// events) and cached: seeding takes minutes, reading it back seconds.
///
/// The cache file is named by the seed version and a key of the schema (a hash of the
/// migrations, given by bench/run.sh), so a schema change makes a new one and the old one of
/// the same size is removed.
struct SeededDatabase {
    let plan: SeedPlan
    let cacheDir: String
    let schemaKey: String
    let venue: String
    let gates: [String]

    var path: String { cacheDir + "/" + plan.cacheName(schemaKey: schemaKey) }
    /// The key file the seeded chain is sealed under; it travels with every copy of the
    /// database, or the kiosk would find the log sealed with another key.
    var keyPath: String { path + ".key" }

    /// The cached database, seeding it first when missing. Returns the seconds seeding took,
    /// nil when the cache was used.
    func prepare() throws -> Double? {
        let fm = FileManager.default
        try fm.createDirectory(atPath: cacheDir, withIntermediateDirectories: true)
        for name in (try? fm.contentsOfDirectory(atPath: cacheDir)) ?? []
        where name.hasPrefix("visits-\(plan.visits)-") && !name.hasPrefix(plan.cacheName(schemaKey: schemaKey)) {
            try? fm.removeItem(atPath: cacheDir + "/" + name)
        }
        if fm.fileExists(atPath: path) { return nil }

        // Seeded under another name and renamed when complete, so an interrupted run never
        // leaves a half-filled database that later runs would take for the real thing.
        let partial = path + ".partial"
        for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: partial + suffix) }
        let seconds = try Stopwatch.seconds { try seed(into: partial) }
        // The store keeps its WAL file (PERSIST_WAL) but the seed checkpointed it empty: a
        // non-empty one would hold visits the copy would lose.
        let walSize = (try? fm.attributesOfItem(atPath: partial + "-wal")[.size] as? NSNumber)?.intValue ?? 0
        guard walSize == 0 else { throw BenchFailure("\(partial)-wal still holds \(walSize) bytes after the checkpoint") }
        for suffix in ["-wal", "-shm"] { try? fm.removeItem(atPath: partial + suffix) }
        try fm.moveItem(atPath: partial, toPath: path)
        return seconds
    }

    /// `durable: false` is the non-durable mode Store offers for exactly this: a million
    /// fsyncs would take longer than the whole benchmark may.
    private func seed(into file: String) throws {
        let store = try Store(path: file, chainKey: try IdHasher.loadOrCreate(path: keyPath).chainKey, durable: false)
        var written = 0
        for d in 0..<plan.days {
            let day = SeedDay.make(index: d, plan: plan, venue: venue, gates: gates, last: d == plan.days - 1)
            var codes = [String](repeating: "", count: day.visits.count)
            let events = day.events
            var next = 0
            while next < events.count {
                let chunk = events[next..<min(next + plan.batch, events.count)]
                try store.write { tx in
                    for event in chunk {
                        let visit = day.visits[event.visit]
                        if event.checkIn {
                            codes[event.visit] = try tx.insert(visit.entry, at: visit.entry.checkedInAt).code
                        } else if let out = visit.checkOut {
                            _ = try tx.checkOut(code: codes[event.visit], at: out)
                        }
                    }
                }
                next += chunk.count
            }
            written += day.visits.count
            Progress.note("seeding: \(Format.grouped(written)) of \(Format.grouped(plan.visits)) visits")
        }
        try store.checkpoint()
    }
}
