import CMalloc
import Foundation
import Gate

/// The terminal's memory, logged every `ProcessMemory.every` scans and entries so a slow leak
/// shows in the log of a long day as a rising line (and the soak test checks it).
struct ProcessMemory: Equatable {
    /// Scans and entries between two memory lines: about 20 lines on a busy day.
    static let every = 250

    /// Resident memory, shared libraries included (VmRSS).
    let residentKiB: Int
    /// The process's own resident pages (RssAnon): heap, stacks, no shared libraries.
    let ownKiB: Int
    /// Bytes malloc has handed out and not had back, over every arena: what a leak grows.
    let heapKiB: Int
    /// SQLite's share of the heap: page caches, bounded at about 2 MB a connection.
    let sqliteKiB: Int

    /// Gives freed heap pages back to the system first: glibc keeps them in each thread's
    /// arena (the worker, the web server's threads), so without this the resident figure of
    /// a terminal that runs for weeks only ever rises. Then reads /proc/self/status and
    /// malloc's own count; nil where there is no /proc.
    static func trimmedNow() -> ProcessMemory? {
        malloc_trim(0)
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        func kib(_ field: String) -> Int? {
            text.split(separator: "\n").first { $0.hasPrefix(field + ":") }
                .flatMap { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first }
                .flatMap { Int($0) }
        }
        guard let rss = kib("VmRSS"), let anon = kib("RssAnon") else { return nil }
        let heap = mallinfo2()
        return ProcessMemory(
            residentKiB: rss, ownKiB: anon, heapKiB: Int((heap.uordblks + heap.hblkhd) / 1024),
            sqliteKiB: Int(GateService.databaseMemoryInUse / 1024))
    }

    var logLine: String { "memory rss_kib=\(residentKiB) own_kib=\(ownKiB) heap_kib=\(heapKiB) sqlite_kib=\(sqliteKiB)" }
}
