import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `kill -9` in the middle of a stream of check-ins loses nothing that was shown as recorded.
@Suite("crash", .serialized)
struct CrashTests {
    @Test("SIGKILL mid-stream: every printed code is in the log, audit passes, the next check-in works")
    func killNine() throws {
        let box = try Sandbox(language: "en", settings: ["venue.capacity": "0"])
        try box.checkin("Before The Stream")
        let kiosk = try BackgroundProcess(
            box.binary, ["checkin", "--batch", "-", "--config", box.configPath], environment: ["KIOSK_NOW": box.now])
        defer {
            kiosk.send(signal: SIGKILL)
            kiosk.wait(timeout: 10)
        }

        // Feed lines without waiting for answers, a little faster than they can be made
        // durable, so the kill lands with work still queued.
        let stop = Locked(false)
        let fed = Locked(0)
        let feeder = Thread {
            var i = 0
            while i < 20_000, !stop.value {
                let burst = (i..<i + 20).map { "{\"name\": \"Stream \($0)\", \"purpose\": \"kill test\"}\n" }.joined()
                guard kiosk.write(burst) else { break }
                i += 20
                fed.update { $0 = i }
                usleep(1_000)
            }
        }
        feeder.start()

        let reached = kiosk.waitForLines(timeout: 120) { $0.count >= 200 }
        #expect(reached, "the kiosk should print 200 codes: \(kiosk.summary)")
        kiosk.send(signal: SIGKILL)
        stop.update { $0 = true }
        #expect(kiosk.wait(timeout: 30), "the killed kiosk must go away")
        #expect(kiosk.terminationReason == .uncaughtSignal && kiosk.terminationStatus == SIGKILL, "\(kiosk.summary)")

        let printed = kiosk.completeLines
        #expect(printed.count >= 200 && printed.allSatisfy(looksLikeCode), "\(kiosk.summary)")
        #expect(fed.value > printed.count, "it was killed mid-stream, with lines still to do")

        let stored = Set(try box.sql("SELECT code FROM visit").split(separator: "\n").map(String.init))
        let missing = printed.filter { !stored.contains($0) }
        #expect(missing.isEmpty, "codes printed but not in the log after kill -9: \(missing)")
        let extra = stored.count - 1 - printed.count
        #expect((0...1).contains(extra), "at most the one check-in in flight may be on disk without its code printed (extra: \(extra))")

        let audit = try box.audit()
        #expect(audit.status == 0, "\(audit.result)")
        #expect(audit.report["visits"] as? Int == stored.count)

        let next = try box.run(["checkin", "--name", "After The Crash", "--json"])
        #expect(next.status == 0, "\(next)")
        #expect(try box.sql("SELECT COUNT(*) FROM visit") == String(stored.count + 1))
        #expect(try box.list(date: "2026-11-29").contains { $0["name"] as? String == "After The Crash" })
        #expect(try box.audit().status == 0)
    }
}
