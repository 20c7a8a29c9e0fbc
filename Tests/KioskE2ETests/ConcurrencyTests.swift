import Foundation
import Testing

/// Two kiosk processes checking people in at once into one log.
@Suite("concurrency", .serialized)
struct ConcurrencyTests {
    static let perProcess = 5_000

    @Test("10,000 check-ins from two processes at once: 10,000 rows, unique codes, valid chain")
    func twoWriters() throws {
        let box = try Sandbox(language: "en", settings: ["venue.capacity": "0"])
        // Create the log first so both writers open an existing database.
        try box.run(["list"])
        var inputs: [String] = []
        for p in ["A", "B"] {
            let path = box.dir + "/batch-\(p).jsonl"
            // Distinct names and no id/phone: the one-visit-per-person rule must not trigger.
            let text = (0..<Self.perProcess).map { "{\"name\": \"Khách \(p)-\($0)\", \"host\": \"Tầng \($0 % 20)\"}\n" }.joined()
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            inputs.append(path)
        }

        let results = Locked<[RunResult?]>([nil, nil])
        let errors = Locked<[String]>([])
        let group = DispatchGroup()
        let binary = box.binary
        let config = box.configPath
        let started = Date()
        for (i, input) in inputs.enumerated() {
            DispatchQueue.global().async(group: group) {
                do {
                    let r = try ProcessRunner.run(
                        binary, ["checkin", "--batch", input, "--config", config],
                        environment: ["KIOSK_NOW": defaultNow], timeout: 600)
                    results.update { $0[i] = r }
                } catch {
                    errors.update { $0.append("\(error)") }
                }
            }
        }
        group.wait()
        let elapsed = Date().timeIntervalSince(started)
        print("ConcurrencyTests: \(2 * Self.perProcess) durable check-ins from 2 processes took \(String(format: "%.1f", elapsed)) s (\(Int(Double(2 * Self.perProcess) / elapsed))/s)")
        #expect(errors.value.isEmpty, "\(errors.value)")

        var printed: [String] = []
        for r in results.value {
            let r = try #require(r)
            #expect(r.status == 0, "\(r)")
            #expect(r.stderr.isEmpty, "\(r)")
            #expect(r.lines.count == Self.perProcess, "each process prints one code per check-in")
            #expect(r.lines.allSatisfy(looksLikeCode))
            printed += r.lines
        }
        #expect(Set(printed).count == 2 * Self.perProcess, "all printed codes are unique")

        #expect(try box.sql("SELECT COUNT(*), COUNT(DISTINCT code), COUNT(DISTINCT name) FROM visit") == "10000|10000|10000")
        #expect(try box.sql("SELECT COUNT(*), MIN(seq), MAX(seq) FROM event WHERE kind = 'checkin'") == "10000|1|10000")
        // How often the write lock changed hands (informative: SQLite's busy handler is not
        // fair, so one writer may run for a while before the other gets in).
        let writers = try box.sql("SELECT substr(name, 7, 1) FROM visit ORDER BY id").split(separator: "\n")
        let switches = zip(writers, writers.dropFirst()).filter { $0 != $1 }.count
        print("ConcurrencyTests: the write lock changed hands \(switches) times")
        let stored = Set(try box.sql("SELECT code FROM visit").split(separator: "\n").map(String.init))
        #expect(stored == Set(printed), "every printed code is in the log and nothing else is")

        let audit = try box.audit()
        #expect(audit.status == 0, "\(audit.result)")
        #expect(audit.report["events"] as? Int == 10_000)
        #expect(audit.report["visits"] as? Int == 10_000)
        let listed = try box.list(date: "2026-11-29")
        #expect(listed.count == 10_000)
    }
}

/// A value shared between threads.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var _value: Value
    init(_ value: Value) { _value = value }
    var value: Value {
        lock.lock()
        defer { lock.unlock() }
        return _value
    }
    func update(_ body: (inout Value) -> Void) {
        lock.lock()
        body(&_value)
        lock.unlock()
    }
}
