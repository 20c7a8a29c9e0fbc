import Foundation
import Testing

/// "A visit shown as recorded is on disk before it is shown" (DESIGN.md, The log): with WAL
/// and synchronous=FULL every commit fsyncs the -wal file. kill -9 cannot tell NORMAL from
/// FULL (the OS keeps the pages), so the system calls are watched with strace: the commit's
/// frames must be synced before the entry code is written to stdout.
@Suite("durability")
struct DurabilityTests {
    /// For each printed code: was the -wal file fsynced after its last write and before the
    /// code reached stdout?
    static func syncedBeforePrinted(trace: String, codes: [String]) -> [String: Bool] {
        let lines = trace.split(separator: "\n").map(String.init)
        var result: [String: Bool] = [:]
        for code in codes {
            guard let printed = lines.firstIndex(where: { $0.contains("write(1") && $0.contains("\"\(code)") }) else {
                result[code] = false
                continue
            }
            let before = lines[..<printed]
            guard let lastWrite = before.lastIndex(where: { ($0.contains("pwrite") || $0.contains("write(")) && $0.contains("-wal>") }) else {
                result[code] = false
                continue
            }
            result[code] = lines[lastWrite..<printed].contains { ($0.contains("fdatasync(") || $0.contains("fsync(")) && $0.contains("-wal>") }
        }
        return result
    }

    private func traced(_ box: Sandbox, _ args: [String], stdin: Data? = nil) throws -> (RunResult, String) {
        let traceFile = box.dir + "/strace.out"
        let r = try ProcessRunner.run(
            try Tool.path("strace"),
            ["-f", "-y", "-s", "32", "-o", traceFile, "-e", "trace=write,pwrite64,pwritev,pwritev2,fsync,fdatasync",
             box.binary] + args + ["--config", box.configPath],
            environment: ["KIOSK_NOW": box.now], stdin: stdin)
        let trace = String(decoding: try contents(traceFile), as: UTF8.self)
        return (r, trace)
    }

    @Test("checkin: the commit is fsynced before the entry code is printed")
    func singleCheckin() throws {
        let box = try Sandbox(language: "en")
        try box.checkin("First")
        let (r, trace) = try traced(box, ["checkin", "--name", "Durable"])
        #expect(r.status == 0, "\(r)")
        let code = try #require(r.lines.first)
        #expect(trace.contains("-wal>"), "strace saw no write to the WAL: \(trace.prefix(3000))")
        #expect(Self.syncedBeforePrinted(trace: trace, codes: [code]) == [code: true],
            "the -wal file was not fsynced between the commit and printing \(code) (synchronous is not FULL): \(trace.suffix(3000))")
    }

    @Test("checkin --batch: every code is printed only after its commit is fsynced")
    func batch() throws {
        let box = try Sandbox(language: "en", settings: ["venue.capacity": "0"])
        try box.checkin("First")
        let input = (1...3).map { "{\"name\": \"Batch \($0)\"}\n" }.joined()
        let (r, trace) = try traced(box, ["checkin", "--batch", "-"], stdin: Data(input.utf8))
        #expect(r.status == 0, "\(r)")
        #expect(r.lines.count == 3, "\(r)")
        let synced = Self.syncedBeforePrinted(trace: trace, codes: r.lines)
        #expect(synced.values.allSatisfy { $0 }, "codes printed before their commit reached the disk: \(synced)")
    }
}
