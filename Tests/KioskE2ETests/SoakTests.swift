import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Issue 7's soak: a compressed day at the gate, driven as the guard and the visitors drive
/// it. The guard terminal runs in tmux on a clock 60 times as fast as the machine's; scans
/// of every kind arrive as scanner bursts, the guard types visitors in by hand, phones submit
/// the self check-in form over HTTP while the guard works, visitors leave by their `KOUT:`
/// code, a supervisor exports twice and purges old days from the command line beside the
/// running terminal. The next morning the kiosk starts again, closes the day and exports it.
/// Then every count must match what was done, the chain must audit, the day's export must
/// open in LibreOffice with its Vietnamese intact, and the terminal's memory must not have
/// grown with the visits.
///
/// `make soak` runs 5,000 visits (KIOSK_SOAK_VISITS); `make test` a 300-visit day. What it
/// measured goes to `.build/test-artifacts/soak.txt`.
@Suite(.serialized) struct SoakTests {
    static var visits: Int {
        ProcessInfo.processInfo.environment["KIOSK_SOAK_VISITS"].flatMap { Int($0) }.map { max(100, $0) } ?? 300
    }

    @Test("a day at the gate: every kind of scan, typed visitors, phones, check-outs, exports, a purge; everything adds up")
    func aDayAtTheGate() throws {
        let day = try SoakDay(visits: Self.visits)
        defer { day.session.close() }
        try day.run()
    }
}

/// One soak run: the plan of the day, the model of what the log must hold, and the driver.
final class SoakDay {
    /// What arrives at the gate; each is one visitor.
    enum Arrival: CaseIterable {
        case hc1, invite, cccd, personalQR, manual, phone, expiredHC1, unreadable, sameCardAgain
    }

    static let day = "2026-12-01"
    static let opening = "2026-12-01T07:00:00+07:00"
    static let evening = "2026-12-01T23:00:00+07:00"
    static let nextMorning = "2026-12-02T00:10:00+07:00"
    static let clockRate = "60"

    let visits: Int
    let session: GuardSession
    var box: Sandbox { session.box }
    let port: Int
    let log: LogFollower
    var rng = SeededRandom(seed: 20_261_201)
    let scratch: String

    // What must be in the log at the end.
    var inside: [String: String] = [:]  // code → name
    var left: [String: String] = [:]
    var byMethod: [String: Int] = [:]
    var refused = 0
    var leaving: [String] = []  // codes of visitors who will check out later
    var cardsInside: [(payload: String, code: String)] = []
    var arrivals: [Arrival: Int] = [:]
    var memory: [MemorySample] = []
    var exportsChecked: [String] = []
    var memoryLines: [String] = []
    var pendingLeft = 0
    /// Arrivals and check-outs handled so far.
    var actions = 0

    // Material.
    var hc1: [(name: String, code: String)] = []
    var invitations: [(name: String, code: String)] = []
    var expired: [String] = []

    init(visits: Int) throws {
        self.visits = visits
        port = try freePort()
        session = try GuardSession(settings: [
            "venue.capacity": "0",
            "checkin_web.enabled": "true", "checkin_web.listen": "127.0.0.1:\(port)",
            "checkin_web.mode": "guard-confirms", "checkin_web.rate_limit": "10000",
        ])
        log = LogFollower(path: session.logPath)
        scratch = session.box.dir + "/soak"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    var started = Date()

    func run() throws {
        try prepare()
        try session.start(columns: 100, rows: 30, env: ["KIOSK_NOW": Self.opening, "KIOSK_CLOCK_RATE": Self.clockRate])
        try session.waitFor("the main screen", timeout: 60) { GuardTerminalTests.isMain($0) }
        // The start's daily jobs purge the visits of 40 days ago (retention 30) and export
        // the day 3 days ago.
        let jobs = try log.next("the start's daily jobs") { $0.contains(" maintenance ") }
        #expect(jobs.contains(" purged=12 "), "\(jobs)")
        #expect(try box.list(date: "2026-10-22", now: Self.opening).isEmpty, "the visits of 40 days ago are still there")
        let pid = try session.kioskPID()
        started = Date()
        try theDay(pid: pid)
        try evening()
        try nextMorning()
        try writeSummary()
    }

    // MARK: Before opening

    func prepare() throws {
        let counts = plan()
        // Signed HC1s of our own signer, trusted like a member state's (Tests/Soak/make_hc1.py).
        guard let root = KioskBinary.packageRoot() else { throw E2EError("cannot find the package root") }
        let made = try ProcessRunner.run(
            try Tool.path("python3"), [root + "/Tests/Soak/make_hc1.py", scratch, String(counts[.hc1, default: 0] + 1), Self.day], timeout: 300)
        guard made.status == 0 else { throw E2EError("make_hc1.py failed: \(made)") }
        for line in String(decoding: try contents(scratch + "/hc1.jsonl"), as: UTF8.self).split(separator: "\n") {
            let o = try JSON.object(String(line))
            hc1.append((o["name"] as? String ?? "", o["code"] as? String ?? ""))
        }
        let trust = try box.run(["trust", "import", scratch + "/signer.pem"])
        try #require(trust.status == 0, "trust import: \(trust)")
        // One of them checked through `kiosk verify` first, so a policy change fails here
        // with its reason and not as a count mismatch later.
        let check = try box.run(["verify", hc1[0].code, "--json"], now: Self.opening)
        try #require(check.status == 0, "a soak HC1 is not admitted at \(Self.opening): \(check)")
        hc1.removeFirst()
        for i in 0..<counts[.invite, default: 0] {
            let name = VietnameseNames.make(&rng)
            let inv = try box.invite(name: name, host: "Phòng Hành chính", from: "\(Self.day) 06:00", until: "\(Self.day) 23:00", extra: ["--purpose", "Họp \(i)"], now: Self.opening)
            invitations.append((name, try #require(inv["code"] as? String)))
        }
        expired = try GuardTerminalTests.decodableHC1(20).map(\.code)
        // Old visits for the purges: 12 of 40 days ago, 8 of 3 days ago.
        for i in 0..<12 { _ = try box.checkin("Khách Cũ \(i)", now: "2026-10-22T09:\(String(format: "%02d", i)):00+07:00") }
        for i in 0..<8 { _ = try box.checkin("Khách Tuần Trước \(i)", now: "2026-11-28T10:\(String(format: "%02d", i)):00+07:00") }
    }

    var schedule: [Arrival] = []

    /// The day's arrivals, shuffled the same way on every run.
    func plan() -> [Arrival: Int] {
        let share: [(Arrival, Double)] = [
            (.invite, 0.10), (.cccd, 0.10), (.personalQR, 0.05), (.manual, 0.06), (.phone, 0.22),
            (.expiredHC1, 0.06), (.unreadable, 0.03), (.sameCardAgain, 0.03),
        ]
        var counts: [Arrival: Int] = [:]
        for (a, s) in share { counts[a] = Int((Double(visits) * s).rounded()) }
        counts[.hc1] = visits - counts.values.reduce(0, +)
        for (a, n) in counts { schedule += Array(repeating: a, count: n) }
        schedule.shuffle(using: &rng)
        return counts
    }

    // MARK: The day

    func theDay(pid: pid_t) throws {
        let phones = PhoneQueue(port: port, count: schedule.filter { $0 == .phone }.count, seed: 99)
        phones.start()
        defer { phones.stop() }
        var nextHC1 = 0, nextInvite = 0, nextCard = 0, nextManual = 0, nextExpired = 0, nextUnreadable = 0
        memory.append(try MemorySample.of(pid, afterActions: 0))
        let sampleEvery = max(1, schedule.count / 20)
        for (i, arrival) in schedule.enumerated() {
            arrivals[arrival, default: 0] += 1
            switch arrival {
            case .hc1:
                let v = hc1[nextHC1]
                nextHC1 += 1
                try scanAdmitted(v.code, kind: "hc1", name: v.name, method: "hc1")
            case .invite:
                let v = invitations[nextInvite]
                nextInvite += 1
                try scanAdmitted(v.code, kind: "invite", name: v.name, method: "invite")
            case .cccd:
                nextCard += 1
                let name = VietnameseNames.make(&rng)
                let id = String(format: "0792%08d", nextCard)
                let payload = "\(id)||\(name)|0\(1 + nextCard % 9)0\(1 + nextCard % 9)19\(70 + nextCard % 30)|\(nextCard % 2 == 0 ? "Nam" : "Nữ")|\(nextCard) Lý Thường Kiệt, Hoàn Kiếm, Hà Nội|01012021"
                let code = try identity(payload, kind: "cccd", name: name)
                cardsInside.append((payload, code))
            case .personalQR:
                nextCard += 1
                let name = VietnameseNames.make(&rng).folding(options: .diacriticInsensitive, locale: nil)
                    .replacingOccurrences(of: "Đ", with: "D").replacingOccurrences(of: "đ", with: "d").uppercased()
                _ = try identity(String(format: "0010%08d", nextCard) + "|\(name)|1988-02-03|1|Q\(nextCard)|", kind: "personal-qr", name: name)
            case .manual:
                nextManual += 1
                try manual(name: VietnameseNames.make(&rng), badge: String(100 + nextManual))
            case .phone:
                try confirmPhone(try phones.take())
            case .expiredHC1:
                try scanRefused(expired[nextExpired % expired.count], kind: "hc1")
                nextExpired += 1
            case .unreadable:
                nextUnreadable += 1
                try scanRefused("XN-\(nextUnreadable)-NOT-A-PASS", kind: "unknown")
            case .sameCardAgain:
                // A card whose holder is still inside: no second visit.
                if let card = cardsInside.first(where: { inside[$0.code] != nil }) {
                    try session.scan(card.payload)
                    _ = try log.next("the repeated card") { $0.hasSuffix(" scan kind=cccd length=\(card.payload.count) outcome=already-inside") }
                } else {
                    try scanRefused("XN-AGAIN-\(i)-NOT-A-PASS", kind: "unknown")
                }
            }
            actions += 1
            // About half the visitors leave during the day, a while after they came.
            while leaving.count > 12 || (!leaving.isEmpty && Int.random(in: 0..<3, using: &rng) == 0) {
                let at = Int.random(in: 0..<leaving.count, using: &rng)
                try checkOut(leaving.remove(at: at))
                actions += 1
            }
            if (i + 1) % sampleEvery == 0 { memory.append(try MemorySample.of(pid, afterActions: actions)) }
            if i + 1 == schedule.count / 3 || i + 1 == 2 * schedule.count / 3 { try exportNow(label: "export-\(i + 1)") }
            if i + 1 == schedule.count / 2 { try purgeLastWeek() }
        }
        try #require(phones.failures.isEmpty, "self check-in submissions failed: \(phones.failures.prefix(5))")
    }

    /// A code that admits on its own: the verdict names the visitor and shows the entry code.
    func scanAdmitted(_ payload: String, kind: String, name: String, method: String) throws {
        try session.scan(payload)
        let line = try log.next("the \(kind) scan") { $0.contains(" scan kind=\(kind) length=\(payload.count) ") }
        if !line.hasSuffix(" verdict=admit recorded=yes") {
            let screen = (try? session.capture()) ?? []
            try #require(Bool(false), "\(line)\(session.describe(screen))")
        }
        try admitted(name: name, method: method)
    }

    func scanRefused(_ payload: String, kind: String) throws {
        try session.scan(payload)
        let line = try log.next("the \(kind) scan") { $0.contains(" scan kind=\(kind) length=\(payload.count) ") }
        try #require(line.hasSuffix(" verdict=deny recorded=no"), "\(line)")
        refused += 1
    }

    /// A CCCD or PC-Covid code fills the form; the guard checks it and presses Enter.
    func identity(_ payload: String, kind: String, name: String) throws -> String {
        try session.scan(payload)
        _ = try log.next("the \(kind) prefill") { $0.hasSuffix(" scan kind=\(kind) length=\(payload.count) outcome=prefill") }
        // Past the scan's CR LF window, as a person is.
        usleep(60_000)
        try session.key("Enter", pause: 0)
        let line = try log.next("the \(kind) form") { $0.contains(" manual method=\(kind) ") }
        try #require(line.hasSuffix(" recorded=yes"), "\(line)")
        return try admitted(name: name, method: kind)
    }

    /// Typed by the guard: F2, the name, Tab to the badge, Enter.
    func manual(name: String, badge: String) throws {
        try session.key("F2", pause: 0)
        try session.waitFor("the form", timeout: 10) { $0.contains { $0.contains("Nhập tay thông tin khách") } }
        let r = try session.tmux.run(
            ["send-keys", "-t", "main", "-l", name, ";"] + Array(repeating: ["send-keys", "-t", "main", "Tab", ";"], count: 6).flatMap { $0 }
                + ["send-keys", "-t", "main", "-l", badge])
        guard r.status == 0 else { throw E2EError("tmux send-keys failed: \(r)") }
        usleep(60_000)
        try session.key("Enter", pause: 0)
        let line = try log.next("the manual entry") { $0.contains(" manual method=manual ") }
        try #require(line.hasSuffix(" verdict=admit recorded=yes"), "\(line)")
        try admitted(name: name, method: "manual")
    }

    /// The guard scans the phone's confirmation: the waiting visit becomes inside.
    func confirmPhone(_ phone: (name: String, code: String)) throws {
        let payload = "KIN:" + phone.code
        try session.scan(payload)
        let line = try log.next("the phone's confirmation") { $0.contains(" scan kind=self-checkin length=\(payload.count) ") }
        try #require(line.hasSuffix(" verdict=admit recorded=yes"), "\(line)")
        let code = try admitted(name: phone.name, method: "self-service")
        try #require(code == phone.code, "the confirmed visit \(code) is not the phone's \(phone.code)")
    }

    /// Reads the new entry code off the verdict panel and counts the visit in.
    @discardableResult
    func admitted(name: String, method: String) throws -> String {
        var code = ""
        try session.waitFor("the verdict of \(name)", timeout: 10) { screen in
            guard screen.contains(where: { $0.contains(name) }), let c = Self.entryCode(screen), self.inside[c] == nil, self.left[c] == nil else { return false }
            code = c
            return true
        }
        inside[code] = name
        byMethod[method, default: 0] += 1
        if Int.random(in: 0..<100, using: &rng) < 55 { leaving.append(code) }
        return code
    }

    static func entryCode(_ screen: [String]) -> String? {
        for line in screen {
            guard let r = line.range(of: "Mã lượt ") else { continue }
            let code = String(line[r.upperBound...].prefix { $0.isLetter || $0.isNumber })
            if code.count == 6 { return code }
        }
        return nil
    }

    func checkOut(_ code: String) throws {
        let payload = "KOUT:" + code
        try session.scan(payload)
        _ = try log.next("the check-out of \(code)") { $0.hasSuffix(" scan kind=checkout length=\(payload.count) outcome=checkout") }
        left[code] = inside.removeValue(forKey: code)
    }

    /// A supervisor's export from the command line while the guard works: every row is a
    /// visit of the day, between the counts before and after.
    func exportNow(label: String) throws {
        let before = inside.count + left.count
        let path = scratch + "/\(label).csv"
        let r = try box.run(["export", "--date", Self.day, "--output", path], now: Self.evening)
        try #require(r.status == 0, "\(label): \(r)")
        let rows = CSVText.rows(String(decoding: try contents(path), as: UTF8.self))
        let after = inside.count + left.count + 20  // phones submitting meanwhile are pending rows
        try #require(rows.first?.first == "code", "\(label): no header: \(rows.first ?? [])")
        let count = rows.count - 1
        #expect(count >= before && count <= after + 50, "\(label): \(count) rows, expected at least \(before)")
        exportsChecked.append("\(label): \(count) rows with \(before) recorded by the guard")
    }

    /// `kiosk purge --older-than 2` beside the running terminal: last week's visits go.
    func purgeLastWeek() throws {
        let r = try box.run(["purge", "--older-than", "2"], now: Self.evening)
        try #require(r.status == 0, "purge: \(r)")
        #expect(try box.list(date: "2026-11-28", now: Self.evening).isEmpty, "the visits of 2026-11-28 were not purged")
        #expect(!FileManager.default.fileExists(atPath: box.exportDir + "/entries-demo-hq-2026-11-28.csv"), "the export of a purged day stayed")
    }

    // MARK: The evening

    func evening() throws {
        // Phones that nobody confirmed: they wait.
        pendingLeft = max(2, visits / 100)
        for i in 0..<pendingLeft {
            let (status, page) = try TwoGatesWebTests.submit(port: port, gate: "main", name: "Khách Chờ \(i)", phone: String(format: "0987%06d", i))
            try #require(status == 200 && page.contains("id=\"code\""), "late submission \(i): HTTP \(status)")
        }
        let insideNow = inside.count
        let screen = try session.waitFor("the evening's counts", timeout: 10) { screen in
            screen.contains { $0.contains("Trong nhà \(insideNow)") } && screen.contains { $0.contains("\(self.pendingLeft) tự khai báo chờ") }
        }
        #expect(GuardTerminalTests.isMain(screen), "\(session.describe(screen))")

        let visitsOfDay = try box.list(date: Self.day, now: Self.evening)
        func codes(_ status: String) -> Set<String> {
            Set(visitsOfDay.filter { $0["status"] as? String == status }.compactMap { $0["code"] as? String })
        }
        #expect(codes("inside") == Set(inside.keys), "inside: \(codes("inside").symmetricDifference(Set(inside.keys)).sorted())")
        #expect(codes("left") == Set(left.keys), "left: \(codes("left").symmetricDifference(Set(left.keys)).sorted())")
        #expect(codes("pending").count == pendingLeft)
        #expect(visitsOfDay.count == inside.count + left.count + pendingLeft, "\(visitsOfDay.count) visits")
        var methods: [String: Int] = [:]
        for v in visitsOfDay where v["status"] as? String != "pending" { methods[v["method"] as? String ?? "?", default: 0] += 1 }
        #expect(methods == byMethod, "methods in the log \(methods) vs done \(byMethod)")
        let names = Dictionary(visitsOfDay.compactMap { v in (v["code"] as? String).map { ($0, v["name"] as? String ?? "") } }, uniquingKeysWith: { a, _ in a })
        let wrongNames = inside.merging(left) { a, _ in a }.filter { names[$0.key] != $0.value }
        #expect(wrongNames.isEmpty, "names differ: \(wrongNames.prefix(5))")

        // One log line per scan, none lost: refusals included.
        let lines = log.all()
        let scans = lines.filter { $0.contains(" scan kind=") }
        // Every arrival but the typed ones is a scan; so is every check-out.
        let expectedScans = schedule.count - (arrivals[.manual] ?? 0) + left.count
        #expect(scans.count == expectedScans, "\(scans.count) scan lines for \(expectedScans) scans")
        #expect(lines.filter { $0.contains(" verdict=deny recorded=no") }.count == refused)
        #expect(!lines.contains { $0.contains(" error") || $0.contains("maintenance:") }, "\(lines.filter { $0.contains(" error") || $0.contains("maintenance:") })")

        memory.append(try MemorySample.of(try session.kioskPID(), afterActions: actions))
        try quit()
    }

    func quit() throws {
        try session.key("F10")
        try session.waitFor(texts: ["Thoát kiosk?"])
        try session.key("Enter")
        #expect(try session.exitStatus() == 0)
        let stty = try session.stty()
        #expect(stty.before == stty.after, "stty -a differs after exit")
    }

    // MARK: The next morning

    func nextMorning() throws {
        try session.restart(env: ["KIOSK_NOW": Self.nextMorning])
        try session.waitFor("the main screen", timeout: 60) { GuardTerminalTests.isMain($0) }
        let jobs = try log.next("the morning's daily jobs") { $0.contains(" maintenance ") }
        #expect(jobs.contains(" auto-closed=\(inside.count + pendingLeft) "), "\(jobs)")
        #expect(jobs.hasSuffix(" exported=1"), "\(jobs)")
        try session.waitFor(texts: ["Trong nhà 0"])
        try quit()

        let audit = try box.audit()
        #expect(audit.status == 0, "\(audit.result)")

        // The daily export of the day, its checksum, and LibreOffice's reading of it.
        let file = box.exportDir + "/entries-demo-hq-\(Self.day).csv"
        let text = String(decoding: try contents(file), as: UTF8.self)
        let sum = String(decoding: try contents(file + ".sha256"), as: UTF8.self)
        #expect(sum.hasPrefix(try Tool.sha256(file: file)), "\(file).sha256 does not match")
        let rows = CSVText.rows(text)
        let header = try #require(rows.first)
        let total = inside.count + left.count + pendingLeft
        #expect(rows.count - 1 == total, "the daily export has \(rows.count - 1) rows for \(total) visits")
        let status = try #require(header.firstIndex(of: "status")), name = try #require(header.firstIndex(of: "name"))
        let code = try #require(header.firstIndex(of: "code"))
        var byStatus: [String: Int] = [:]
        for row in rows.dropFirst() { byStatus[row[status], default: 0] += 1 }
        // Phones left waiting were never let in: closed as `unconfirmed`, not as forgotten visits.
        #expect(byStatus == ["left": left.count, "auto-closed": inside.count, "unconfirmed": pendingLeft].filter { $0.value > 0 }, "\(byStatus)")

        let cells = try Spreadsheet.roundTrip(file, outDir: scratch + "/xlsx", profile: scratch + "/lo-profile")
        #expect(cells.count == rows.count, "LibreOffice read \(cells.count) rows of \(rows.count)")
        var mismatches: [String] = []
        for (csvRow, sheetRow) in zip(rows, cells) {
            for column in [code, name] {
                let sheet = column < sheetRow.count ? sheetRow[column] : ""
                if sheet.precomposedStringWithCanonicalMapping != csvRow[column] { mismatches.append("\(csvRow[column]) → \(sheet)") }
            }
        }
        #expect(mismatches.isEmpty, "LibreOffice changed \(mismatches.count) cells: \(mismatches.prefix(5))")
        let vietnamese = rows.dropFirst().filter { $0[name].unicodeScalars.contains { $0.value > 0x7F } }.count
        #expect(vietnamese > total / 2, "only \(vietnamese) names with diacritics: the check would prove little")
        exportsChecked.append("daily export: \(rows.count - 1) rows, \(vietnamese) names with diacritics, read back from LibreOffice's .xlsx unchanged")

        try checkMemory()
    }

    // MARK: Memory

    /// SQLite's page caches may take up to about 2 MB on each of the terminal's three
    /// connections (writer, two readers) as the day's data grows; nothing else may grow.
    static let sqliteCacheBudgetKiB = 3 * 2 * 1024

    /// The terminal logs its memory every 250 scans and entries (`memory rss_kib= own_kib=
    /// heap_kib= sqlite_kib=`, after handing freed pages back). After the first fifth of the
    /// day (allocator pools and caches warm), the heap less SQLite's bounded cache must stay
    /// flat: a leak of 200 bytes a visit would add a megabyte over 5,000. Sampled from
    /// outside too: the process's own resident memory may grow by SQLite's budget, no more.
    func checkMemory() throws {
        let logged: [(own: Int, heap: Int, sqlite: Int)] = log.all().filter { $0.contains(" memory rss_kib=") }.compactMap { line in
            var f: [String: Int] = [:]
            for part in line.split(separator: " ") {
                let kv = part.split(separator: "=")
                if kv.count == 2, let v = Int(kv[1]) { f[String(kv[0])] = v }
            }
            guard let own = f["own_kib"], let heap = f["heap_kib"], let sqlite = f["sqlite_kib"] else { return nil }
            return (own, heap, sqlite)
        }
        memoryLines = logged.map { "resident own \($0.own) KiB; heap \($0.heap) KiB, of which SQLite \($0.sqlite) KiB" }
        // At least one line per 250 actions (a CCCD or PC-Covid arrival counts twice: the scan
        // and the form).
        #expect(logged.count >= actions / 250, "\(logged.count) memory lines in the log for \(actions) actions")
        if logged.count >= 4 {
            let warm = logged[logged.count / 5], end = logged[logged.count - 1]
            let growth = (end.heap - end.sqlite) - (warm.heap - warm.sqlite)
            #expect(growth < 1024, "the terminal's heap outside SQLite grew \(growth) KiB after warm-up: \(memoryLines)")
        }
        if let end = memory.last, let warm = memory.first(where: { $0.afterActions >= end.afterActions / 5 }) {
            let growth = end.anonymous - warm.anonymous
            #expect(growth < Self.sqliteCacheBudgetKiB + 1024, "the terminal's own memory grew \(growth) KiB after warm-up: \(memory)")
        }
    }

    func writeSummary() throws {
        let minutes = Date().timeIntervalSince(started) / 60
        var text = "soak: \(visits) arrivals (\(arrivals.map { "\($0.key): \($0.value)" }.sorted().joined(separator: ", ")))\n"
        text += "recorded: \(inside.count + left.count) admitted (\(byMethod.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))), \(left.count) checked out, \(pendingLeft) phones left waiting, \(refused) refused\n"
        text += String(format: "driven in %.1f min of machine time at a clock rate of %@\n", minutes, Self.clockRate)
        text += exportsChecked.joined(separator: "\n") + "\n"
        text += "memory of the guard terminal, sampled from /proc:\n" + memory.map { "  \($0)" }.joined(separator: "\n") + "\n"
        text += "memory the terminal logged every 250 scans and entries:\n" + memoryLines.map { "  \($0)" }.joined(separator: "\n") + "\n"
        let dir = try BrowserCheckinTests.artifactsDir()
        try text.write(toFile: dir + "/soak.txt", atomically: true, encoding: .utf8)
        print(text)
    }
}

/// Phones submitting the self check-in form while the guard works: a thread that keeps a few
/// confirmations ready for the guard to scan, as a queue at the gate does.
final class PhoneQueue: @unchecked Sendable {
    let port: Int
    let count: Int
    private let lock = NSCondition()
    private var ready: [(name: String, code: String)] = []
    private var stopped = false
    private(set) var failures: [String] = []
    private var rng: SeededRandom

    init(port: Int, count: Int, seed: UInt64) {
        self.port = port
        self.count = count
        rng = SeededRandom(seed: seed)
    }

    func start() {
        Thread.detachNewThread { [self] in
            // The server comes up with the terminal; the first requests may be early.
            for i in 0..<count {
                lock.lock()
                while ready.count >= 6 && !stopped { lock.wait() }
                let done = stopped
                let name = VietnameseNames.make(&rng)
                lock.unlock()
                if done { return }
                var result: (name: String, code: String)?
                for attempt in 0..<50 where result == nil {
                    do {
                        let (status, page) = try TwoGatesWebTests.submit(port: port, gate: "main", name: name, phone: String(format: "09%08d", i))
                        if status == 200, let r = page.range(of: "id=\"code\">") {
                            result = (name, String(page[r.upperBound...].prefix(6)))
                        } else if attempt == 49 {
                            record("\(i): HTTP \(status)")
                        }
                    } catch {
                        if attempt == 49 { record("\(i): \(error)") }
                        Thread.sleep(forTimeInterval: 0.1)
                    }
                }
                lock.lock()
                if let result { ready.append(result) }
                lock.broadcast()
                lock.unlock()
            }
        }
    }

    private func record(_ failure: String) {
        lock.lock()
        failures.append(failure)
        lock.unlock()
    }

    /// The next phone at the guard's desk.
    func take() throws -> (name: String, code: String) {
        lock.lock()
        defer { lock.unlock() }
        let end = Date().addingTimeInterval(30)
        while ready.isEmpty {
            guard lock.wait(until: end) else { throw E2EError("no self check-in within 30 s: \(failures)") }
        }
        lock.broadcast()
        return ready.removeFirst()
    }

    func stop() {
        lock.lock()
        stopped = true
        lock.broadcast()
        lock.unlock()
    }
}
