import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Fault injection ("prove it"): the built kiosk killed at random moments, its disk filled,
/// its database locked, deleted, replaced or made read-only, its clock set back, and the guard
/// terminal stopped by signals. After each fault: every visit the kiosk showed as recorded
/// is in the log, `kiosk audit` passes, and the next start works.
///
/// `KIOSK_FAULT_ROUNDS` (default 5) sets how often each kill is repeated; `make faults` runs
/// 100. The random delays come from a seed printed in every failure (`KIOSK_FAULT_SEED`).
/// Mounting a tmpfs needs root, as CI has: without it these tests fail, they never skip.
@Suite struct FaultInjectionTests {
    static let day = "2026-11-29"

    static func seconds(_ t: Double) -> String { String(format: "%.2f", t) }

    /// Entry codes of a sandbox's visits on the test day.
    static func storedCodes(_ box: Sandbox) throws -> Set<String> {
        Set(try box.list(date: day).compactMap { $0["code"] as? String })
    }

    /// Codes of today's visits as the (unpinned) guard terminal records them.
    static func storedCodes(_ s: GuardSession) throws -> Set<String> {
        Set(try s.list().compactMap { $0["code"] as? String })
    }

    /// A chip ID card QR for visitor `n`: its own 12-digit number, so each is a new person.
    static func cccd(_ n: Int) -> String {
        "079203\(String(format: "%06d", n % 1_000_000))||Trần Thị Quét \(n)|01011990|Nữ|1 Tràng Tiền|01012021"
    }

    /// Polls the pane until `ready`, collecting every entry code drawn meanwhile; false on
    /// timeout or when the kiosk has exited.
    static func poll(
        _ s: GuardSession, timeout: TimeInterval, seen: inout Set<String>, _ ready: ([String]) -> Bool
    ) throws -> Bool {
        let end = Date().addingTimeInterval(timeout)
        repeat {
            let screen = try s.capture()
            seen.formUnion(GuardSession.codesShown(screen))
            if ready(screen) { return true }
            if s.exited { return false }
            Thread.sleep(forTimeInterval: 0.05)
        } while Date() < end
        return false
    }

    /// A guard at a busy gate: manual entries typed by hand and chip ID cards scanned, at
    /// random, until the kiosk exits. Returns every entry code that reached the screen.
    static func driveUntilExit(_ s: GuardSession, _ rng: inout FaultRandom, counter: inout Int, limit: TimeInterval = 60) throws -> Set<String> {
        var seen: Set<String> = []
        let end = Date().addingTimeInterval(limit)
        while !s.exited && Date() < end {
            counter += 1
            let before = GuardSession.codesShown(try s.capture())
            seen.formUnion(before)
            if rng.next() % 2 == 0 {
                try s.key("F2")
                guard try poll(s, timeout: 3, seen: &seen, { onScreen($0, "Nhập tay thông tin khách") }) else { continue }
                try s.type("Khach \(counter)", pause: 0.05)
                try s.key("Enter")
            } else {
                try s.scan(cccd(counter))
                guard try poll(s, timeout: 3, seen: &seen, { onScreen($0, "Đã điền từ") }) else { continue }
                try s.key("Enter")
            }
            _ = try poll(s, timeout: 4, seen: &seen) { !GuardSession.codesShown($0).subtracting(before).isEmpty }
        }
        // What the screen held when the kiosk died stayed in the pane.
        seen.formUnion(GuardSession.codesShown(try s.capture()))
        return seen
    }

    // MARK: 1. kill -9 at random moments

    @Suite("kill -9 at random moments", .serialized) struct KillNine {
        @Test("checkin --batch stream: every printed code is in the log, audit passes, the next checkin works")
        func batchStream() throws {
            var rng = FaultRandom()
            let rounds = FaultRounds.count
            var box = try Sandbox(language: "en", settings: ["venue.capacity": "0"])
            var printed: [String] = []
            var storedBefore = 0
            for round in 1...rounds {
                // A fresh log every 20 rounds: listing tens of thousands of visits after every
                // kill would make `make faults` slow without proving more.
                if round > 1 && (round - 1) % 20 == 0 {
                    box = try Sandbox(language: "en", settings: ["venue.capacity": "0"])
                    printed = []
                    storedBefore = 0
                }
                let kiosk = try BackgroundProcess(
                    box.binary, ["checkin", "--batch", "-", "--config", box.configPath], environment: ["KIOSK_NOW": box.now])
                let stop = Shared(false)
                let fed = DispatchSemaphore(value: 0)
                let feeder = Thread {
                    var i = 0
                    // Lines faster than they are made durable: the kill lands with work queued.
                    while !stop.value {
                        let burst = (i..<i + 10).map { "{\"name\": \"Stream \(round)-\($0)\", \"purpose\": \"kill -9\"}\n" }.joined()
                        guard kiosk.write(burst) else { break }
                        i += 10
                        usleep(2_000)
                    }
                    fed.signal()
                }
                feeder.start()
                // From 0 s: the first round may die while it creates the database.
                let delay = rng.delay(0...1.0)
                Thread.sleep(forTimeInterval: delay)
                kiosk.send(signal: SIGKILL)
                stop.update { $0 = true }
                let context = "round \(round)/\(rounds), kill -9 after \(FaultInjectionTests.seconds(delay)) s, KIOSK_FAULT_SEED=\(rng.seed)"
                try #require(kiosk.wait(timeout: 30), "the killed kiosk must go away (\(context))")
                _ = fed.wait(timeout: .now() + 30)
                #expect(kiosk.terminationReason == .uncaughtSignal && kiosk.terminationStatus == SIGKILL, "\(context): \(kiosk.summary)")

                let codes = kiosk.completeLines
                #expect(codes.allSatisfy(looksLikeCode), "\(context): \(kiosk.summary)")
                printed += codes
                let stored = try FaultInjectionTests.storedCodes(box)
                let missing = printed.filter { !stored.contains($0) }
                #expect(missing.isEmpty, "\(context): printed but not in kiosk list --json: \(missing)")
                let extra = stored.count - storedBefore - codes.count
                #expect((0...1).contains(extra), "\(context): only the one check-in in flight may be on disk without its code printed (extra: \(extra))")

                let audit = try box.audit()
                #expect(audit.status == 0, "\(context): \(audit.result)")
                #expect(audit.report["visits"] as? Int == stored.count, "\(context): \(audit.result)")
                // The next check-in works (and is not lost by the next kill either).
                let next = try box.run(["checkin", "--name", "After Kill \(round)", "--json"])
                try #require(next.status == 0, "\(context): the check-in after the kill failed: \(next)")
                printed.append(try #require(try JSON.object(next.stdout)["code"] as? String, "\(next)"))
                storedBefore = stored.count + 1
            }
        }

        @Test("guard terminal during entries and scans: every code on screen is in the log, audit passes, it starts again")
        func guardTerminal() throws {
            var rng = FaultRandom()
            let rounds = FaultRounds.count
            let s = try GuardSession(settings: ["venue.capacity": "0"])
            defer { s.close() }
            var counter = 0
            var previous: pid_t?
            for round in 1...rounds {
                if round == 1 { try s.start() } else { try s.restart() }
                try s.waitFor("the main screen (start \(round), after \(round - 1) kill -9)", timeout: 60) { GuardTerminalTests.isMain($0) }
                let pid = try s.newestKioskPID(after: previous)
                previous = pid
                let delay = rng.delay(0.2...3.0)
                DispatchQueue.global().asyncAfter(deadline: .now() + delay) { _ = kill(pid, SIGKILL) }
                let seen = try FaultInjectionTests.driveUntilExit(s, &rng, counter: &counter)
                let context = "round \(round)/\(rounds), kill -9 after \(FaultInjectionTests.seconds(delay)) s, KIOSK_FAULT_SEED=\(rng.seed)"
                #expect(try s.exitStatus() == 128 + SIGKILL, "\(context)")

                let stored = try FaultInjectionTests.storedCodes(s)
                let missing = seen.subtracting(stored)
                #expect(missing.isEmpty, "\(context): shown on the screen but not in the log: \(missing.sorted())")
                let audit = try s.box.audit()
                #expect(audit.status == 0, "\(context): \(audit.result)")
            }
            try s.restart()
            try s.waitFor("the main screen after the last kill -9", timeout: 60) { GuardTerminalTests.isMain($0) }
            try s.key("F10")
            try s.waitFor(texts: ["Thoát kiosk?"])
            try s.key("Enter")
            #expect(try s.exitStatus() == 0)
        }

        @Test("kiosk serve under concurrent submissions: every 200 with a code is in the log, audit passes, it restarts on its port")
        func serveUnderLoad() throws {
            var rng = FaultRandom()
            let rounds = FaultRounds.count
            let settings = ["venue.capacity": "0", "checkin_web.rate_limit": "10000"]
            var box = try Sandbox(language: "vi", settings: settings)
            let port = try freePort()
            let submitters = 4
            let counter = Shared(0)
            var confirmed: [String] = []
            var storedBefore = 0
            for round in 1...rounds {
                // A fresh log every 20 rounds, as for the batch (a few hundred visits a round).
                if round > 1 && (round - 1) % 20 == 0 {
                    box = try Sandbox(language: "vi", settings: settings)
                    confirmed = []
                    storedBefore = 0
                }
                // Round 2 on: the restart after a kill -9, on the same port.
                let server = try startServe(box, port: port)
                let stop = Shared(false)
                let codes = Shared<[String]>([])
                let done = DispatchGroup()
                for _ in 0..<submitters {
                    done.enter()
                    Thread {
                        defer { done.leave() }
                        while !stop.value {
                            let n = counter.update { n -> Int in
                                n += 1
                                return n
                            }
                            guard let (status, page) = try? TwoGatesWebTests.submit(
                                port: port, gate: "main", name: "Khách Web \(n)", phone: String(format: "09%08d", n))
                            else { continue }
                            if status == 200, let code = confirmationCode(page) { codes.update { $0.append(code) } }
                        }
                    }.start()
                }
                let delay = rng.delay(0.3...2.0)
                Thread.sleep(forTimeInterval: delay)
                server.send(signal: SIGKILL)
                stop.update { $0 = true }
                let context = "round \(round)/\(rounds), kill -9 after \(FaultInjectionTests.seconds(delay)) s, KIOSK_FAULT_SEED=\(rng.seed)"
                try #require(server.wait(timeout: 30), "\(context): the killed server must go away")
                try #require(done.wait(timeout: .now() + 90) == .success, "\(context): submissions still hanging after the kill")
                #expect(server.terminationReason == .uncaughtSignal, "\(context): \(server.summary)")

                let thisRound = codes.value
                confirmed += thisRound
                let stored = try FaultInjectionTests.storedCodes(box)
                let missing = confirmed.filter { !stored.contains($0) }
                #expect(missing.isEmpty, "\(context): confirmed with HTTP 200 but not in the log: \(missing)")
                let extra = stored.count - storedBefore - thisRound.count
                #expect((0...submitters).contains(extra), "\(context): at most one submission in flight per phone may be on disk unconfirmed (extra: \(extra))")
                storedBefore = stored.count
                let audit = try box.audit()
                #expect(audit.status == 0, "\(context): \(audit.result)")
            }
            // Restarts cleanly one last time, and takes a check-in.
            let server = try startServe(box, port: port)
            defer {
                server.send(signal: SIGTERM)
                server.wait(timeout: 10)
            }
            let (status, page) = try TwoGatesWebTests.submit(port: port, gate: "main", name: "Khách Sau Cùng", phone: "0987000001")
            let code = try #require(confirmationCode(page), "HTTP \(status) after the restarts: \(page.prefix(300))")
            #expect(try FaultInjectionTests.storedCodes(box).contains(code))
        }
    }

    // MARK: 2. Disk full

    @Suite("disk full") struct DiskFull {
        /// Writes zeros until the file system says ENOSPC.
        static func fill(_ path: String) throws {
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            guard fd >= 0 else { throw E2EError("cannot create \(path): errno \(errno)") }
            defer { close(fd) }
            let chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = chunk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if n >= 0 { continue }
                if errno == EINTR { continue }
                if errno == ENOSPC { return }
                throw E2EError("writing \(path): errno \(errno)")
            }
        }

        @Test("a full disk: check-ins refused with a clear message, nothing half-written, the daily export retried; all works once space is freed")
        func diskFull() throws {
            let box = try Sandbox(language: "en", settings: ["venue.capacity": "0", "checkin_web.rate_limit": "10000"])
            let disk = try TmpfsMount(at: box.dataDir, size: "2m")
            defer { disk.unmount() }
            let full = "The disk is full while writing \(box.dbPath): free some space and try again; nothing was half-written."

            let seed = (1...10).map { "{\"name\": \"Before Full \($0)\"}\n" }.joined()
            let seeded = try box.run(["checkin", "--batch", "-"], stdin: Data(seed.utf8))
            try #require(seeded.status == 0 && seeded.lines.count == 10, "\(seeded)")
            var codes = seeded.lines

            let filler = box.dataDir + "/filler"
            try Self.fill(filler)
            #expect(try disk.available() == 0, "the filler should leave no space")

            // The WAL may still have room for a few; then every check-in is refused.
            let more = (1...40).map { "{\"name\": \"While Full \($0)\"}\n" }.joined()
            let batch = try box.run(["checkin", "--batch", "-"], stdin: Data(more.utf8))
            #expect(batch.status == 1, "\(batch)")
            #expect(batch.lines.allSatisfy(looksLikeCode), "\(batch)")
            // Each refusal names its line, so the sender knows which visitors to send again.
            #expect(!batch.errorLines.isEmpty && batch.errorLines.allSatisfy { $0.hasPrefix("line ") && $0.hasSuffix(": " + full) }, "\(batch)")
            #expect(batch.lines.count + batch.errorLines.count == 40, "one line out for each line in: \(batch)")
            codes += batch.lines

            let refused = try box.run(["checkin", "--name", "Refused While Full"])
            #expect(refused.status == 1, "\(refused)")
            #expect(refused.stdout.isEmpty, "no code for a visit that is not on disk: \(refused)")
            #expect(refused.errorLines == [full], "\(refused)")

            // A phone's self check-in: no confirmation without the visit on disk, and the log
            // says why. (A process that closes the database checkpoints the WAL, and the next
            // writer reuses it from the start: a few may still fit.)
            let port = try freePort()
            let server = try startServe(box, port: port)
            var answers: [Int] = []
            for i in 1...40 {
                let (status, page) = try TwoGatesWebTests.submit(port: port, gate: "main", name: "Phone While Full \(i)", phone: "09128880\(String(format: "%02d", i))")
                answers.append(status)
                if status == 200, let code = confirmationCode(page) {
                    codes.append(code)
                    continue
                }
                #expect(status == 503, "HTTP \(status): \(page.prefix(400))")
                break
            }
            #expect(answers.last == 503, "the self check-in form should refuse on a full disk: \(answers)")
            server.send(signal: SIGTERM)
            #expect(server.wait(timeout: 15), "\(server.summary)")
            #expect(server.stderr.contains(full), "kiosk serve should log why: \(server.summary)")

            let audit = try box.audit()
            #expect(audit.status == 0, "\(audit.result)")
            #expect(audit.report["visits"] as? Int == codes.count, "nothing half-written: \(audit.result)")
            #expect(try FaultInjectionTests.storedCodes(box) == Set(codes))

            // The daily export of the 29th, due at 00:05 on the 30th, fails cleanly.
            let nextDay = "2026-11-30T00:10:00+07:00"
            let exportFile = box.exportDir + "/entries-demo-hq-\(FaultInjectionTests.day).csv"
            let failed = try box.run(["maintenance"], now: nextDay)
            #expect(failed.status == 1, "\(failed)")
            #expect(!failed.stdout.contains("exported:"), "\(failed)")
            #expect(failed.stderr.contains("disk is full"), "\(failed)")
            #expect(!failed.stderr.contains("Fatal error"), "\(failed)")
            let left = (try? FileManager.default.contentsOfDirectory(atPath: box.exportDir)) ?? []
            #expect(left.isEmpty, "no partial export or temporary file left: \(left)")
            #expect(try box.sql("SELECT COUNT(*) FROM daily_export") == "0", "a failed export is not marked done")

            // Space freed: check-ins work and the export is caught up.
            try FileManager.default.removeItem(atPath: filler)
            codes.append(try box.checkin("After Space Freed"))
            let retried = try box.run(["maintenance"], now: nextDay)
            #expect(retried.status == 0, "\(retried)")
            #expect(retried.stdout.contains("exported: \(exportFile) (\(codes.count))"), "\(retried)")
            let sum = String(decoding: try contents(exportFile + ".sha256"), as: UTF8.self)
            #expect(sum == "\(try Tool.sha256(file: exportFile))  entries-demo-hq-\(FaultInjectionTests.day).csv\n")
            #expect(try box.sql("SELECT day, rows FROM daily_export") == "\(FaultInjectionTests.day)|\(codes.count)")
            let final = try box.audit()
            #expect(final.status == 0, "\(final.result)")
            #expect(final.report["visits"] as? Int == codes.count)
        }
    }

    // MARK: 3. Database locked by another program

    @Suite("database locked for 10 s") struct Locked10s {
        static let lockSeconds = 10.0

        @Test("kiosk checkin waits its 5 s busy timeout: succeeds after the release or says locked, never half a record")
        func checkins() throws {
            let box = try Sandbox(language: "en")
            let first = try box.checkin("Before The Lock")
            let holder = try LockHolder(db: box.dbPath, seconds: Self.lockSeconds)
            let locked = "The database \(box.dbPath) is locked by another program: try again in a few minutes."
            // Started at these moments into the lock: the first must give up, the last must wait
            // for the release; those between may do either.
            let offsets = [0.0, 3.0, 6.0, 8.0]
            let results = Shared<[Int: (RunResult, Date)]>([:])
            let done = DispatchGroup()
            let (binary, config, now) = (box.binary, box.configPath, box.now)
            for (i, offset) in offsets.enumerated() {
                done.enter()
                DispatchQueue.global().asyncAfter(deadline: .now() + offset) {
                    defer { done.leave() }
                    let r = (try? ProcessRunner.run(
                        binary, ["checkin", "--name", "Waiting \(i)", "--json", "--config", config],
                        environment: ["KIOSK_NOW": now], timeout: 40))
                        ?? RunResult(status: -1, stdoutData: Data(), stderrData: Data("could not run".utf8))
                    results.update { $0[i] = (r, Date()) }
                }
            }
            let released = try holder.waitReleased()
            try #require(done.wait(timeout: .now() + 60) == .success, "check-ins still running 60 s after the lock")

            var recorded = [first]
            for (i, offset) in offsets.enumerated() {
                let (r, finished) = try #require(results.value[i])
                let context = "check-in started \(offset) s into a \(Self.lockSeconds) s lock"
                #expect(!r.timedOut, "\(context): \(r)")
                if r.status == 0 {
                    recorded.append(try #require(try JSON.object(r.stdout)["code"] as? String, "\(context): \(r)"))
                    #expect(finished >= released.addingTimeInterval(-0.5), "\(context): succeeded while the lock was held: \(r)")
                } else {
                    #expect(r.status == 1, "\(context): \(r)")
                    #expect(r.stdout.isEmpty && r.errorLines == [locked], "\(context): \(r)")
                    #expect(r.seconds >= 4.5, "\(context): gave up before its 5 s busy timeout: \(r)")
                }
                if i == 0 { #expect(r.status == 1, "\(context): should give up while the lock is held: \(r)") }
                if i == offsets.count - 1 { #expect(r.status == 0, "\(context): should succeed once the lock is released: \(r)") }
            }
            #expect(try FaultInjectionTests.storedCodes(box) == Set(recorded), "exactly the check-ins that printed a code")
            #expect(try box.sql("SELECT COUNT(*) FROM meta WHERE key = 'e2e-half-written'") == "0")
            let audit = try box.audit()
            #expect(audit.status == 0, "\(audit.result)")
            #expect(audit.report["visits"] as? Int == recorded.count)
        }

        @Test("guard terminal: says the database is busy, keeps retrying, records the visit once the lock is gone")
        func guardTerminal() throws {
            let s = try GuardSession(settings: ["venue.capacity": "0"])
            defer { s.close() }
            try s.start()
            try s.waitFor("the main screen", timeout: 60) { GuardTerminalTests.isMain($0) }
            let name = "Lê Văn Chờ"
            let holder = try LockHolder(db: s.box.dbPath, seconds: Self.lockSeconds)
            try s.key("F2")
            try s.waitFor(texts: ["Nhập tay thông tin khách"])
            try s.type(name)
            try s.waitFor(texts: [name])
            try s.key("Enter")
            let busy = try s.waitFor(texts: ["Cơ sở dữ liệu đang bận", "đang thử lại, không cần quét lại"], timeout: 15)
            #expect(!onScreen(busy, "Mã lượt "), "no entry code while the lock is held: \(s.describe(busy))")
            #expect(try s.list().isEmpty, "nothing recorded while locked")

            _ = try holder.waitReleased()
            let screen = try s.waitFor(texts: ["ĐƯỢC VÀO", name, "Mã lượt "], timeout: 30)
            #expect(!onScreen(screen, "Cơ sở dữ liệu đang bận"), "\(s.describe(screen))")
            let shown = GuardSession.codesShown(screen)
            let visits = try s.list()
            #expect(visits.count == 1, "the visit recorded exactly once: \(visits)")
            #expect(visits.first?["name"] as? String == name)
            #expect(shown == Set(visits.compactMap { $0["code"] as? String }), "the code on screen is the one recorded: \(s.describe(screen))")
            #expect(s.logLines().filter { $0.contains(" manual method=manual ") } .count == 1, "\(s.logLines())")
            #expect(try s.box.sql("SELECT COUNT(*) FROM meta WHERE key = 'e2e-half-written'") == "0")
            #expect(try s.box.audit().status == 0)
        }
    }

    // MARK: 4. The database deleted, replaced or read-only; the clock set back

    @Suite("database gone, read-only media, clock set back", .serialized) struct UnderTheKiosk {
        enum FrontEnd: String, CaseIterable, Sendable { case serve, terminal }
        /// `copiedOver`: a backup copied in place (`cp backup kiosk.sqlite`: the same file,
        /// other contents) after the kiosk's WAL was checkpointed, as it is after a purge.
        enum Loss: String, CaseIterable, Sendable { case deleted, replaced, copiedOver }

        static let movedMessage = "was deleted or replaced while the kiosk ran: nothing was recorded; restart the kiosk."

        /// What an operator does: `rm` the database, or restore a backup over it.
        static func apply(_ loss: Loss, _ box: Sandbox, backup: String) throws {
            if loss == .copiedOver {
                _ = try Tool.sqlite(box.dbPath, "PRAGMA wal_checkpoint(TRUNCATE);")
                let bytes = try Data(contentsOf: URL(fileURLWithPath: backup))
                guard let h = FileHandle(forUpdatingAtPath: box.dbPath) else { throw E2EError("cannot open \(box.dbPath)") }
                try h.truncate(atOffset: 0)
                try h.write(contentsOf: bytes)
                try h.close()
                return
            }
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: box.dbPath + suffix) }
            switch loss {
            case .copiedOver: break
            case .deleted:
                try FileManager.default.removeItem(atPath: box.dbPath)
            case .replaced:
                guard rename(backup, box.dbPath) == 0 else { throw E2EError("rename \(backup): errno \(errno)") }
            }
        }

        /// A consistent copy, taken with the sqlite3 shell while the kiosk runs.
        static func backup(_ box: Sandbox) throws -> String {
            let path = box.dir + "/backup.sqlite"
            _ = try Tool.sqlite(box.dbPath, ".backup '\(path)'")
            return path
        }

        /// A manual entry on the English terminal; returns the entry code shown.
        static func manualEntry(_ s: GuardSession, _ name: String) throws -> String {
            try s.key("F2")
            try s.waitFor(texts: ["Manual entry"])
            try s.type(name, pause: 0.05)
            try s.waitFor(texts: [name])
            try s.key("Enter")
            let screen = try s.waitFor(texts: ["ADMIT", name, "Entry code "])
            return try #require(GuardSession.codesShown(screen).first, "\(s.describe(screen))")
        }

        static func isMainEN(_ screen: [String]) -> Bool {
            GuardTerminalTests.isMain(screen, keyBar: GuardTerminalTests.keyBarEN, prompt: "Scan or type:")
        }

        @Test("the database file deleted or replaced under a running kiosk: nothing confirmed is lost, it says so, audit passes on what is there",
            arguments: FrontEnd.allCases, Loss.allCases)
        func fileGone(_ front: FrontEnd, _ loss: Loss) throws {
            let s = try GuardSession(language: "en", settings: ["venue.capacity": "0", "checkin_web.rate_limit": "10000"])
            defer { s.close() }
            let box = s.box
            var server: BackgroundProcess?
            let port = try freePort()
            defer {
                server?.send(signal: SIGKILL)
                server?.wait(timeout: 10)
            }
            var phone = 912_345_000
            /// One check-in through the front end under test: the code it confirmed, or the
            /// message it gave instead.
            func checkIn(_ name: String) throws -> (code: String?, said: String) {
                switch front {
                case .serve:
                    phone += 1
                    let (status, page) = try TwoGatesWebTests.submit(port: port, gate: "main", name: name, phone: "0\(phone)")
                    if status == 200, let code = confirmationCode(page) { return (code, page) }
                    return (nil, "HTTP \(status)\n" + (server?.stderr ?? ""))
                case .terminal:
                    try s.key("F2")
                    try s.waitFor(texts: ["Manual entry"])
                    try s.type(name, pause: 0.05)
                    try s.waitFor(texts: [name])
                    try s.key("Enter")
                    let screen = try s.waitFor("a verdict or a message for \(name)", timeout: 20) {
                        (onScreen($0, "ADMIT") && onScreen($0, "Entry code ") && onScreen($0, name)) || onScreen($0, "deleted or replaced")
                    }
                    if onScreen(screen, "ADMIT"), let code = GuardSession.codesShown(screen).first { return (code, s.describe(screen)) }
                    // A message wraps over two rows: read it as one line.
                    let text = screen.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
                    return (nil, text + s.describe(screen))
                }
            }
            switch front {
            case .serve: server = try startServe(box, port: port)
            case .terminal:
                try s.start(env: ["KIOSK_NOW": box.now])
                try s.waitFor("the main screen", timeout: 60, Self.isMainEN)
            }
            let a = try #require(try checkIn("Before Loss A").code)
            let backup = try Self.backup(box)
            let b = try #require(try checkIn("Before Loss B").code)
            #expect(try FaultInjectionTests.storedCodes(box) == [a, b])

            try Self.apply(loss, box, backup: backup)
            let after = try checkIn("After Loss")
            let there = try FaultInjectionTests.storedCodes(box)
            if let code = after.code {
                Issue.record("\(front) confirmed \(code) after the database was \(loss), but it is not in the log (\(there.sorted())): the visit went into the \(loss) file")
            }
            #expect(after.said.contains(Self.movedMessage), "\(front) should say the database was \(loss): \(after.said)")
            let expected: Set<String> = loss == .deleted ? [] : [a]  // the backup holds A
            #expect(there == expected, "what is there: the new file (deleted) or the backup (replaced)")
            let audit = try box.audit()
            #expect(audit.status == 0, "\(audit.result)")
            #expect(audit.report["visits"] as? Int == expected.count, "\(audit.result)")

            // Restarted, the kiosk works on what is there.
            switch front {
            case .serve:
                server?.send(signal: SIGTERM)
                #expect(server?.wait(timeout: 15) == true)
                #expect(server?.terminationStatus == 0, "\(server?.summary ?? "")")
                server = try startServe(box, port: port)
            case .terminal:
                // A form still holding typed data asks before Esc discards it: Esc twice.
                try s.key("Escape", "Escape")
                try s.waitFor("the main screen", Self.isMainEN)
                try s.key("F10")
                try s.waitFor(texts: ["Quit the kiosk?"])
                try s.key("Enter")
                #expect(try s.exitStatus() == 0)
                try s.restart(env: ["KIOSK_NOW": box.now])
                try s.waitFor("the main screen after the restart", timeout: 60, Self.isMainEN)
            }
            let d = try #require(try checkIn("After Restart").code, "the restarted \(front) should record again")
            #expect(try FaultInjectionTests.storedCodes(box) == expected.union([d]))
            #expect(try box.audit().status == 0)
        }

        @Test("read-only media: kiosk serve and the guard terminal start, refuse to record with a clear message, audit passes")
        func readOnlyMedia() throws {
            let s = try GuardSession(language: "en", settings: ["venue.capacity": "0", "checkin_web.rate_limit": "10000"])
            defer { s.close() }
            let box = s.box
            let disk = try TmpfsMount(at: box.dataDir, size: "16m")
            defer { disk.unmount() }
            let first = try box.checkin("Before Read Only")
            // Linux refuses `remount,ro` while a process has a file open for writing, so the
            // media goes read-only between runs (an SD card remounted after errors, a
            // write-protected stick).
            try disk.remount(readOnly: true)
            let readOnly = "Cannot write the database \(box.dbPath) (read-only)"

            let cli = try box.run(["checkin", "--name", "Refused CLI"])
            #expect(cli.status == 1 && cli.stdout.isEmpty && cli.stderr.contains(readOnly), "\(cli)")

            let port = try freePort()
            let server = try startServe(box, port: port)
            let (status, page) = try TwoGatesWebTests.submit(port: port, gate: "main", name: "Refused Phone", phone: "0912777001")
            #expect(status == 503 && confirmationCode(page) == nil, "HTTP \(status): \(page.prefix(400))")
            server.send(signal: SIGTERM)
            #expect(server.wait(timeout: 15))
            #expect(server.stderr.contains(readOnly), "kiosk serve should log why: \(server.summary)")

            try s.start()
            try s.waitFor("the main screen on read-only media", timeout: 60, Self.isMainEN)
            try s.key("F2")
            try s.waitFor(texts: ["Manual entry"])
            try s.type("Refused Guard", pause: 0.05)
            try s.key("Enter")
            let screen = try s.waitFor(texts: ["(read-only)"], timeout: 20)
            #expect(GuardSession.codesShown(screen).isEmpty, "no entry code on read-only media: \(s.describe(screen))")
            // The refused form still holds the typed name: Esc asks first, then discards.
            try s.key("Escape", "Escape")
            try s.key("F10")
            try s.waitFor(texts: ["Quit the kiosk?"])
            try s.key("Enter")
            #expect(try s.exitStatus() == 0)

            let audit = try box.audit()
            #expect(audit.status == 0, "audit reads read-only media: \(audit.result)")
            #expect(try FaultInjectionTests.storedCodes(box) == [first])
            try disk.remount(readOnly: false)
            let again = try box.checkin("Writable Again")
            #expect(try FaultInjectionTests.storedCodes(box) == [first, again])
            #expect(try box.audit().status == 0)
        }

        @Test("the clock set back an hour: the kiosk says so, no exit before its entry, the chain keeps the order things happened")
        func clockBack() throws {
            let nine = "2026-11-29T09:00:00+07:00", eight = "2026-11-29T08:00:00+07:00", later = "2026-11-29T09:30:00+07:00"
            let s = try GuardSession(language: "en")
            defer { s.close() }
            let box = s.box
            let a = try box.checkin("Nine O'Clock", now: nine)

            let b = try box.run(["checkin", "--name", "Eight O'Clock", "--json"], now: eight)
            #expect(b.status == 0, "a visit is still recorded: \(b)")
            let bJSON = try JSON.object(b.stdout)
            let bCode = try #require(bJSON["code"] as? String, "\(b)")
            let warnings = (bJSON["warnings"] as? [String]) ?? []
            #expect(warnings.contains { $0.contains("earlier than the last check-in") && $0.contains("09:00") }, "the check-in should warn about the clock: \(b)")

            // A check-out now would close A an hour before it began.
            let out = try box.run(["checkout", a], now: eight)
            #expect(out.status == 1, "\(out)")
            #expect(out.stderr.contains("earlier than") && out.stderr.contains(a), "\(out)")
            #expect(try box.visit(a, date: FaultInjectionTests.day)?["status"] as? String == "inside", "nothing changed")

            // The guard terminal with the clock behind says so on the verdict panel.
            try s.start(env: ["KIOSK_NOW": eight])
            try s.waitFor("the main screen", timeout: 60, Self.isMainEN)
            try s.key("F2")
            try s.waitFor(texts: ["Manual entry"])
            try s.type("Guard Clock", pause: 0.05)
            try s.key("Enter")
            let screen = try s.waitFor(texts: ["ADMIT", "Guard Clock", "Entry code "], timeout: 20)
            #expect(onScreen(screen, "earlier than the last check-in"), "the terminal should warn about the clock: \(s.describe(screen))")
            let cCode = try #require(GuardSession.codesShown(screen).first)
            try s.key("F10")
            try s.waitFor(texts: ["Quit the kiosk?"])
            try s.key("Enter")
            #expect(try s.exitStatus() == 0)

            // The chain is in the order things happened, whatever the clock said.
            #expect(try box.sql("SELECT kind || ' ' || code FROM event ORDER BY seq") == "checkin \(a)\ncheckin \(bCode)\ncheckin \(cCode)")
            #expect(try box.audit().status == 0)

            // The clock right again: the check-out works, a check-in has no warning.
            let fixed = try box.run(["checkout", a], now: later)
            #expect(fixed.status == 0, "\(fixed)")
            let d = try box.run(["checkin", "--name", "Half Past Nine", "--json"], now: later)
            let dWarnings = try JSON.object(d.stdout)["warnings"] as? [String]
            #expect(d.status == 0 && dWarnings == [], "\(d)")
            #expect(try box.audit().status == 0)
        }
    }

    // MARK: 5. Signals to the guard terminal

    @Suite("signals to the guard terminal", .serialized) struct Signals {
        @Test("SIGTERM, SIGHUP, SIGINT during entries: tty restored, exit 128+N, every code shown is in the log, audit passes, a clean start",
            arguments: [SIGTERM, SIGHUP, SIGINT])
        func signal(_ sig: Int32) throws {
            var rng = FaultRandom()
            let rounds = FaultRounds.scaled(5)
            let s = try GuardSession(settings: ["venue.capacity": "0"])
            defer { s.close() }
            var counter = 0
            var previous: pid_t?
            for round in 1...rounds {
                if round == 1 { try s.start() } else { try s.restart() }
                try s.waitFor("the main screen (start \(round))", timeout: 60) { GuardTerminalTests.isMain($0) }
                let pid = try s.newestKioskPID(after: previous)
                previous = pid
                let delay = rng.delay(0.2...2.5)
                DispatchQueue.global().asyncAfter(deadline: .now() + delay) { _ = kill(pid, sig) }
                let seen = try FaultInjectionTests.driveUntilExit(s, &rng, counter: &counter)
                let context = "signal \(sig), round \(round)/\(rounds), after \(FaultInjectionTests.seconds(delay)) s, KIOSK_FAULT_SEED=\(rng.seed)"

                #expect(try s.exitStatus() == 128 + sig, "\(context)")
                let after = try s.waitFor(texts: ["EXIT=\(128 + sig)"])
                #expect(!onScreen(after, GuardTerminalTests.keyBarVI), "\(context): the kiosk's screen stayed: \(s.describe(after))")
                let stty = try s.stty()
                #expect(stty.before.contains("speed") && stty.before == stty.after, "\(context): stty -a differs:\n--- before:\n\(stty.before)\n--- after:\n\(stty.after)")
                #expect(s.logLines().last?.hasSuffix(" stop signal=\(sig)") == true, "\(context): \(s.logLines().suffix(5))")

                let stored = try FaultInjectionTests.storedCodes(s)
                #expect(seen.subtracting(stored).isEmpty, "\(context): shown but not in the log: \(seen.subtracting(stored).sorted())")
                let audit = try s.box.audit()
                #expect(audit.status == 0, "\(context): \(audit.result)")
                // Closed cleanly: the WAL was checkpointed into the database file when the
                // kiosk closed it, so the file alone (no -wal beside it) holds every visit.
                let alone = s.box.dir + "/main-file-alone-\(round).sqlite"
                try FileManager.default.copyItem(atPath: s.box.dbPath, toPath: alone)
                let count = try Tool.sqlite(alone, "SELECT COUNT(*) FROM visit")
                #expect(Int(count) == stored.count, "\(context): the database file alone has \(count) visits, the log \(stored.count): the WAL was not checkpointed at exit")
            }
            try s.restart()
            try s.waitFor("the main screen after the signal", timeout: 60) { GuardTerminalTests.isMain($0) }
            try s.key("F10")
            try s.waitFor(texts: ["Thoát kiosk?"])
            try s.key("Enter")
            #expect(try s.exitStatus() == 0)
        }
    }
}
