import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The full-screen guard terminal end to end: the built binary in a tmux pane, keys sent the
/// way a guard types and a keyboard-wedge scanner "types", the screen read back with
/// capture-pane, and what the kiosk recorded read with `kiosk list --json` and its log file.
@Suite(.serialized) struct GuardTerminalTests {
    static let keyBarVI = "F1Giúp F2Nhập tay F3Ra về F4Lượt F5Mã QR F6Xuất F7Trong nhà F9Giám sát F10Thoát"
    static let keyBarEN = "F1Help F2Manual F3Check-out F4Visits F5Venue QR F6Export F7Inside F9Supervisor F10Quit"
    static let venue = "Tòa nhà Demo Hà Nội"
    static let cccd = "079203001234|123456789|Nguyễn Văn An|01011990|Nam|1 Tràng Tiền|01012021"

    /// The main screen is up: the venue in the title row, the input line, the key bar.
    static func isMain(_ s: [String], keyBar: String = keyBarVI, prompt: String = "Quét hoặc gõ:") -> Bool {
        (s.first?.contains(venue) ?? false) && onScreen(s, keyBar) && onScreen(s, prompt)
    }

    /// Real HC1 codes that decode (Base45, zlib and COSE all expected to pass), 400–700
    /// characters, taken country by country so the sample is varied.
    static func decodableHC1(_ count: Int) throws -> [(file: String, code: String)] {
        let root = try DCCVector.root()
        var byCountry: [String: [(String, String)]] = [:]
        for country in try FileManager.default.contentsOfDirectory(atPath: root).sorted() {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root + "/" + country, isDirectory: &isDir), isDir.boolValue else { continue }
            for name in try FileManager.default.contentsOfDirectory(atPath: root + "/" + country).sorted() where name.hasSuffix(".json") {
                guard let v = try? DCCVector.load(country + "/" + name) else { continue }
                let decodes = v.expected["cose"] == true && !["prefix", "base45", "zlib"].contains { v.expected[$0] == false }
                guard decodes, v.prefix.hasPrefix("HC1:"), (400...700).contains(v.prefix.count) else { continue }
                byCountry[country, default: []].append((v.file, v.prefix))
            }
        }
        var out: [(String, String)] = []
        var round = 0
        while out.count < count, byCountry.values.contains(where: { $0.count > round }) {
            for country in byCountry.keys.sorted() where out.count < count {
                if let list = byCountry[country], round < list.count { out.append(list[round]) }
            }
            round += 1
        }
        guard out.count == count else { throw E2EError("only \(out.count) decodable HC1 vectors of 400–700 characters under \(root)") }
        return out.map { (file: $0.0, code: $0.1) }
    }

    @Test("start shows venue, count, input line and key bar; F10 Enter quits 0 with the tty as it was")
    func startAndQuit() throws {
        let s = try GuardSession()
        defer { s.close() }
        try s.start()
        let screen = try s.waitFor("the main screen", timeout: 60) { Self.isMain($0) }
        #expect(screen[0].contains(Self.venue), "title row: \(s.describe(screen))")
        #expect(screen.count > 2 && screen[1].contains("Trong nhà 0/200"), "row 2: \(s.describe(screen))")
        let lastRow = screen.last { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? ""
        #expect(lastRow.trimmingCharacters(in: .whitespaces) == Self.keyBarVI, "key bar at the bottom: \(s.describe(screen))")

        // Esc keeps the kiosk running; Enter in the dialog quits.
        try s.key("F10")
        try s.waitFor(texts: ["Thoát kiosk? Enter: thoát · Esc: ở lại"])
        try s.key("Escape")
        try s.waitFor("the dialog to close") { !onScreen($0, "Thoát kiosk?") && Self.isMain($0) }
        try s.key("F10")
        try s.waitFor(texts: ["Thoát kiosk?"])
        try s.key("Enter")
        #expect(try s.exitStatus() == 0)
        let after = try s.waitFor(texts: ["EXIT=0"])
        // The alternate screen is gone: the shell's screen is back, without the kiosk's.
        #expect(!onScreen(after, Self.keyBarVI), "the kiosk's screen stayed after exit: \(s.describe(after))")
        let stty = try s.stty()
        #expect(stty.before.contains("speed"), "no stty -a output captured: \(stty.before)")
        #expect(stty.before == stty.after, "stty -a differs after exit:\n--- before:\n\(stty.before)\n--- after:\n\(stty.after)")
        let log = s.logLines()
        #expect(log.first?.contains(" start venue=demo-hq") == true, "\(log)")
        #expect(log.last?.hasSuffix(" stop") == true, "the log should end with stop: \(log)")
    }

    @Test("manual entry typed by hand, with Vietnamese letters and editing, is recorded in NFC")
    func manualEntryTypedByHand() throws {
        let s = try GuardSession()
        defer { s.close() }
        try s.start()
        try s.waitFor("the main screen", timeout: 60) { Self.isMain($0) }
        try s.key("F2")
        try s.waitFor(texts: ["Nhập tay thông tin khách", "Họ tên*"])
        try s.type("Nguyễn Văn Anh")
        try s.waitFor(texts: ["Nguyễn Văn Anh"])
        // "…Anh" → "…An"; then Left×4 puts the cursor after "Vă": a Backspace there and "ă"
        // again only gives the right name if Left moved; likewise Right×4 back to the end.
        try s.key("BSpace", "Left", "Left", "Left", "Left", "BSpace")
        try s.waitFor(texts: ["Nguyễn Vn An"])
        try s.type("ă")
        try s.key("Right", "Right", "Right", "Right", "BSpace")
        try s.type("n")
        try s.waitFor(texts: ["Nguyễn Văn An"])
        // name → id → phone → organisation → host → purpose → badge.
        for _ in 0..<6 { try s.key("Tab") }
        try s.type("12")
        try s.waitFor("12 in the badge row") { $0.contains { $0.contains("Số thẻ khách") && $0.contains("12") } }
        try s.key("Enter")
        let screen = try s.waitFor(texts: ["ĐƯỢC VÀO", "Mã lượt ", "Thẻ 12"])
        #expect(Self.isMain(screen), "\(s.describe(screen))")
        #expect(onScreen(screen, "Trong nhà 1/200"), "\(s.describe(screen))")

        let visits = try s.list()
        #expect(visits.count == 1, "\(visits)")
        let v = try #require(visits.first)
        let name = try #require(v["name"] as? String)
        let nfc = "Nguyễn Văn An".precomposedStringWithCanonicalMapping
        #expect(Array(name.unicodeScalars) == Array(nfc.unicodeScalars), "name \(name.unicodeScalars.map { String($0.value, radix: 16) })")
        #expect(v["badge"] as? String == "12", "\(v)")
        #expect(v["status"] as? String == "inside", "\(v)")
        #expect(v["method"] as? String == "manual", "\(v)")
        let code = try #require(v["code"] as? String)
        #expect(onScreen(screen, "Mã lượt \(code)"), "\(s.describe(screen))")
        #expect(s.logLines().contains { $0.hasSuffix(" manual method=manual verdict=admit recorded=yes") }, "\(s.logLines())")
    }

    @Test("50 real HC1 codes scanned back to back: one log line each, in order, all decoded")
    func scanBursts() throws {
        let vectors = try Self.decodableHC1(50)
        let s = try GuardSession()
        defer { s.close() }
        try s.start()
        try s.waitFor("the main screen", timeout: 60) { Self.isMain($0) }
        // Half a word typed by hand first: a burst taken for typing would be appended to it
        // (and no longer read as an HC1); told apart, the bursts leave it as it was.
        try s.type("abc")
        try s.waitFor("abc on the input line") { $0.contains { $0.contains("Quét hoặc gõ: abc") } }
        for v in vectors { try s.scan(v.code) }

        let lines = try s.waitForLog("50 scan lines", timeout: 120) { $0.filter { $0.contains(" scan ") }.count >= 50 }
        let scans = lines.filter { $0.contains(" scan ") }
        #expect(scans.count == 50, "\(scans.count) scan lines:\n\(scans.joined(separator: "\n"))")
        #expect(scans.allSatisfy { $0.contains(" scan kind=hc1 ") }, "\(scans.joined(separator: "\n"))")
        let lengths = scans.map { line in line.split(separator: " ").first { $0.hasPrefix("length=") }.flatMap { Int($0.dropFirst(7)) } ?? -1 }
        #expect(lengths == vectors.map(\.code.count), "lengths logged vs sent:\n\(lengths)\n\(vectors.map(\.code.count))")
        for (line, v) in zip(scans, vectors) {
            #expect(line.contains(" decoded=yes "), "\(v.file): \(line)")
            // No signer is trusted in this sandbox: nothing is recorded.
            #expect(line.hasSuffix(" recorded=no"), "\(v.file): \(line)")
        }
        // Not one key of the bursts was taken for typing: the input line holds what was typed.
        let screen = try s.waitFor(texts: ["KHÔNG ĐƯỢC VÀO", "Chứng nhận y tế (HC1)"])
        let input = screen.first { $0.contains("Quét hoặc gõ:") } ?? ""
        #expect(input.trimmingCharacters(in: .whitespaces) == "Quét hoặc gõ: abc", "the input line changed: \(s.describe(screen))")
        #expect(try s.list().isEmpty)
    }

    @Test("a badge number typed on the main line checks its holder out after the confirmation")
    func checkOutByBadge() throws {
        let s = try GuardSession()
        defer { s.close() }
        try s.start()
        try s.waitFor("the main screen", timeout: 60) { Self.isMain($0) }
        try s.key("F2")
        try s.waitFor(texts: ["Nhập tay thông tin khách"])
        try s.type("Lê Thị Hoa")
        try s.waitFor(texts: ["Lê Thị Hoa"])
        for _ in 0..<6 { try s.key("Tab") }
        try s.type("7")
        try s.waitFor("7 in the badge row") { $0.contains { $0.contains("Số thẻ khách") && $0.contains("7") } }
        try s.key("Enter")
        try s.waitFor(texts: ["ĐƯỢC VÀO", "Thẻ 7"])
        let visit = try #require(try s.list().first)
        let code = try #require(visit["code"] as? String)
        #expect(visit["status"] as? String == "inside", "\(visit)")

        try s.type("7")
        try s.waitFor("7 on the input line") { $0.contains { $0.contains("Quét hoặc gõ:") && $0.contains("7") } }
        try s.key("Enter")
        try s.waitFor(texts: ["Khách ra về", "Cho Lê Thị Hoa (#7, \(code)) ra về? Enter: đồng ý · Esc: thôi"])
        try s.key("Enter")
        let screen = try s.waitFor(texts: ["RA VỀ", "Mã lượt \(code)", "Trong nhà 0/200"])
        #expect(Self.isMain(screen), "\(s.describe(screen))")

        let after = try s.list()
        #expect(after.count == 1, "\(after)")
        #expect(after.first?["code"] as? String == code)
        #expect(after.first?["status"] as? String == "left", "\(after)")
        #expect(s.logLines().contains { $0.hasSuffix(" checkout by=guard") }, "\(s.logLines())")
    }

    @Test("below 80×24 one message asks for a larger window; the screen comes back when it grows")
    func resize() throws {
        let s = try GuardSession()
        defer { s.close() }
        try s.start()
        try s.waitFor("the main screen", timeout: 60) { Self.isMain($0) }
        try s.resize(columns: 70, rows: 20)
        let small = try s.waitFor(texts: ["Cửa sổ quá nhỏ (70×20): cần ít nhất 80×24"])
        #expect(!onScreen(small, "F1Giúp"), "nothing else is drawn when too small: \(s.describe(small))")
        try s.resize(columns: 100, rows: 30)
        let back = try s.waitFor("the main screen at 100×30") { Self.isMain($0) && !onScreen($0, "Cửa sổ quá nhỏ") }
        #expect(back.count > 1 && back[1].contains("Trong nhà 0/200"), "\(s.describe(back))")
        // Still working after the resizes.
        try s.key("F10")
        try s.waitFor(texts: ["Thoát kiosk?"])
        try s.key("Enter")
        #expect(try s.exitStatus() == 0)
    }

    @Test("SIGTERM and SIGHUP end the kiosk with 128+signal, the tty restored, stop logged", arguments: [SIGTERM, SIGHUP])
    func signalEndsCleanly(signal sig: Int32) throws {
        let s = try GuardSession()
        defer { s.close() }
        try s.start()
        try s.waitFor("the main screen", timeout: 60) { Self.isMain($0) }
        let pid = try s.kioskPID()
        #expect(kill(pid, sig) == 0, "kill \(pid): errno \(errno)")
        #expect(try s.exitStatus() == 128 + sig)
        let after = try s.waitFor(texts: ["EXIT=\(128 + sig)"])
        #expect(!onScreen(after, Self.keyBarVI), "the kiosk's screen stayed after the signal: \(s.describe(after))")
        let stty = try s.stty()
        #expect(stty.before == stty.after, "stty -a differs after signal \(sig):\n--- before:\n\(stty.before)\n--- after:\n\(stty.after)")
        let log = s.logLines()
        #expect(log.last?.hasSuffix(" stop signal=\(sig)") == true, "log: \(log)")
    }

    @Test("TERM=vt100 (no colour, no alternate screen): main screen, a manual entry and Alt+0 quit work")
    func vt100() throws {
        let s = try GuardSession()
        defer { s.close() }
        try s.start(term: "vt100")
        try s.waitFor("the main screen", timeout: 60) { Self.isMain($0) }
        // vt100 has PF1–PF4, which tmux sends for F1–F4.
        try s.key("F2")
        try s.waitFor(texts: ["Nhập tay thông tin khách", "Họ tên*"])
        try s.type("Trần Thị Bích")
        try s.waitFor(texts: ["Trần Thị Bích"])
        try s.key("Enter")
        try s.waitFor(texts: ["ĐƯỢC VÀO", "Trần Thị Bích", "Trong nhà 1/200"])
        #expect(try s.list().first?["name"] as? String == "Trần Thị Bích")
        // No F10 on a vt100: Alt+0 is the same action.
        try s.key("M-0")
        try s.waitFor(texts: ["Thoát kiosk? Enter: thoát · Esc: ở lại"])
        try s.key("Enter")
        #expect(try s.exitStatus() == 0)
        let stty = try s.stty()
        #expect(stty.before == stty.after, "stty -a differs:\n--- before:\n\(stty.before)\n--- after:\n\(stty.after)")
    }

    @Test("English UI: key bar, prompt, and ADMIT / DENIED / CHECK verdicts")
    func english() throws {
        let s = try GuardSession(language: "en")
        defer { s.close() }
        try s.start()
        let isMain = { (screen: [String]) in Self.isMain(screen, keyBar: Self.keyBarEN, prompt: "Scan or type:") }
        let first = try s.waitFor("the English main screen", timeout: 60, isMain)
        #expect(first.count > 1 && first[1].contains("Inside 0/200"), "\(s.describe(first))")
        #expect(!onScreen(first, "Quét"), "Vietnamese on the English screen: \(s.describe(first))")

        try s.key("F2")
        try s.waitFor(texts: ["Manual entry", "Name*", "Badge number"])
        try s.type("Jane Roe")
        try s.waitFor(texts: ["Jane Roe"])
        try s.key("Enter")
        try s.waitFor(texts: ["ADMIT", "Jane Roe", "Entry code "])

        let hc1 = try #require(try Self.decodableHC1(1).first)
        try s.scan(hc1.code)
        try s.waitFor(texts: ["DENIED", "Health certificate (HC1)"])

        try s.scan(Self.cccd)
        try s.waitFor(texts: ["Manual entry", "Filled in from the ID card QR (CCCD)", "Nguyễn Văn An"])
        try s.key("Enter")
        // Saving the filled form is the guard's confirmation: green like a typed entry.
        let screen = try s.waitFor(texts: ["ADMIT", "Nguyễn Văn An", "Inside 2/200"])
        #expect(isMain(screen), "\(s.describe(screen))")
        try s.key("F10")
        try s.waitFor(texts: ["Quit the kiosk? Enter: quit · Esc: stay"])
        try s.key("Enter")
        #expect(try s.exitStatus() == 0)
    }

    @Test("F5 draws the venue QR; read off the screen it opens the configured check-in URL", arguments: [true, false])
    func venueQR(unicode: Bool) throws {
        let url = "https://gate.example.vn/c/e2e-tower"
        let s = try GuardSession(settings: ["venue.checkin_url": url, "ui.unicode": unicode ? "true" : "false"])
        defer { s.close() }
        // ASCII draws two columns and one row per module: 82×41 cells for this code.
        try s.start(columns: 120, rows: 60)
        try s.waitFor("the main screen", timeout: 60) { Self.isMain($0) }
        try s.key("F5")
        let countdown = try Regex(#"Mã đổi sau \d+:\d\d"#)
        let screen = try s.waitFor("the venue QR with its countdown") { screen in
            onScreen(screen, Self.venue) && screen.contains { $0.contains(countdown) } && !ScreenQR.codeRows(screen, ascii: !unicode).isEmpty
        }
        let rows = ScreenQR.codeRows(screen, ascii: !unicode)
        #expect(rows.count >= 10, "too few code rows: \(s.describe(screen))")
        if !unicode { #expect(!screen.joined().contains(where: { "█▀▄".contains($0) }), "block characters with unicode = false: \(s.describe(screen))") }
        let payload = try ScreenQR.decode(rows, ascii: !unicode, scratch: s.box.dir)
        #expect(payload.hasPrefix(url + "?g=main&t="), "decoded \(payload)")
        try s.key("Escape")
        try s.waitFor("the main screen again") { Self.isMain($0) }
    }

    @Test("a serial scanner on a pty: CCCD fills the form, the same card again says already inside, HC1 and KOUT: work")
    func serialScanner() throws {
        let pty = try PseudoTerminal()
        let s = try GuardSession(settings: ["scanner.device": pty.path])
        // The kiosk goes first: a pty closed under it would be an unplugged scanner.
        defer { withExtendedLifetime(pty) { s.close() } }
        try s.start()
        try s.waitFor("the main screen", timeout: 60) { Self.isMain($0) }

        try pty.send(Self.cccd)
        try s.waitFor(texts: ["Nhập tay thông tin khách", "Đã điền từ QR căn cước (CCCD)", "Nguyễn Văn An", "079203001234"])
        try s.waitForLog("the CCCD scan") { $0.contains { $0.hasSuffix(" scan kind=cccd length=\(Self.cccd.count) outcome=prefill") } }
        try s.key("Enter")
        try s.waitFor(texts: ["ĐƯỢC VÀO", "Nguyễn Văn An", "Mã lượt ", "Trong nhà 1/200"])
        let visit = try #require(try s.list().first)
        let code = try #require(visit["code"] as? String)
        let timeIn = try #require(visit["local_time_in"] as? String)
        let hhmm = String(timeIn.split(separator: " ").last?.prefix(5) ?? "")

        try pty.send(Self.cccd)
        try s.waitFor(texts: ["KIỂM TRA", "Khách đã ở trong từ \(hhmm)", code])
        try s.waitForLog("already-inside") { $0.contains { $0.hasSuffix(" scan kind=cccd length=\(Self.cccd.count) outcome=already-inside") } }
        #expect(try s.list().count == 1, "a second visit was opened for the same card")

        let hc1 = try #require(try Self.decodableHC1(1).first)
        try pty.send(hc1.code)
        try s.waitFor(texts: ["KHÔNG ĐƯỢC VÀO", "Chứng nhận y tế (HC1)"])
        try s.waitForLog("the HC1 scan") { $0.contains { $0.contains(" scan kind=hc1 length=\(hc1.code.count) decoded=yes verdict=deny recorded=no") } }

        try pty.send("KOUT:" + code)
        try s.waitFor(texts: ["RA VỀ", "Mã lượt \(code)", "Trong nhà 0/200"])
        try s.waitForLog("the KOUT scan") { $0.contains { $0.contains(" scan kind=checkout ") } }
        #expect(try s.list().first?["status"] as? String == "left")
        // Each line was exactly one scan: the LF after each CR made no empty extra one.
        #expect(s.logLines().filter { $0.contains(" scan ") }.count == 4, "\(s.logLines())")
        #expect(!s.logLines().contains { $0.contains("scanner:") }, "scanner problems: \(s.logLines())")
    }

    @Test("an HC1 typed by a scanner on a German layout, fast or slow, tells the guard to switch it to US")
    func wrongKeyboardLayout() throws {
        let hc1 = try #require(try Self.decodableHC1(1).first).code
        // A scanner sending US key positions to a German (QWERTZ) layout: ':' → 'Ö',
        // '/' → '-', '*' → '(', and Y and Z swapped.
        let german = String(hc1.map { c -> Character in
            switch c {
            case ":": "Ö"
            case "/": "-"
            case "*": "("
            case "Y": "Z"
            case "Z": "Y"
            default: c
            }
        })
        // The same with only '*' and '+' lost ("HC1:" survives): the Base45 body is broken.
        let body = String(hc1.map { c -> Character in c == "*" ? "(" : c == "+" ? "`" : c })
        #expect(german.hasPrefix("HC1Ö"))
        #expect(body.hasPrefix("HC1:") && body != hc1, "the sample code has no * or +")

        let s = try GuardSession()
        defer { s.close() }
        try s.start()
        try s.waitFor("the main screen", timeout: 60) { Self.isMain($0) }

        // Not readable is not a refusal: the neutral panel, with what to do.
        try s.scan(german)
        try s.waitFor(texts: ["MÃ KHÔNG ĐỌC ĐƯỢC", "Mã không rõ", "bố cục US"])
        try s.waitForLog("the mangled scan") { $0.contains { $0.contains(" scan ") } }

        try s.scan(body)
        try s.waitFor(texts: ["KHÔNG ĐƯỢC VÀO", "Chứng nhận y tế (HC1)", "bố cục US"])
        try s.waitForLog("the second scan") { $0.filter { $0.contains(" scan ") }.count >= 2 }

        // A scanner slower than max_key_gap_ms "types" onto the main line: same answer.
        let slow = String(german.prefix(24))
        try s.type(slow)
        try s.waitFor("the slow scan on the input line") { $0.contains { $0.contains("Quét hoặc gõ: " + slow) } }
        try s.key("Enter")
        try s.waitFor(texts: ["MÃ KHÔNG ĐỌC ĐƯỢC", "Mã không rõ", "bố cục US"])
        let scans = try s.waitForLog("three scans") { $0.filter { $0.contains(" scan ") }.count >= 3 }.filter { $0.contains(" scan ") }
        #expect(scans.count == 3, "\(scans)")
        if scans.count == 3 {
            #expect(scans[0].hasSuffix(" scan kind=unknown length=\(german.count) decoded=no verdict=deny recorded=no"), "\(scans[0])")
            #expect(scans[1].hasSuffix(" scan kind=hc1 length=\(body.count) decoded=no verdict=deny recorded=no"), "\(scans[1])")
            #expect(scans[2].hasSuffix(" scan kind=unknown length=\(slow.count) decoded=no verdict=deny recorded=no"), "\(scans[2])")
        }
        #expect(try s.list().isEmpty)
    }

    @Test("slow scanner: a CCCD at 45 ms per key into the form's name field fills the form, never the name")
    func slowScanner() throws {
        let quach = "001099012399||Quách Tĩnh|01011999|Nam|Hà Nội|01012021"
        let s = try GuardSession()
        defer { s.close() }
        try s.start()
        try s.waitFor("the main screen", timeout: 60) { Self.isMain($0) }
        try s.key("F2")
        try s.waitFor(texts: ["Nhập tay thông tin khách", "Họ tên*"])
        // Over max_key_gap_ms (30) between keys: every key reaches the name field as typing.
        try s.type(quach, pause: 0.045)
        try s.key("Enter")
        let filled = try s.waitFor(texts: ["Đã điền từ QR căn cước (CCCD)", "Quách Tĩnh"])
        #expect(!filled.joined().contains("|"), "the code is still on screen: \(s.describe(filled))")
        try s.key("Enter")
        try s.waitFor(texts: ["Quách Tĩnh", "Mã lượt ", "Trong nhà 1/200"])
        let visits = try s.list()
        #expect(visits.count == 1, "\(visits)")
        let v = try #require(visits.first)
        #expect(v["name"] as? String == "Quách Tĩnh", "\(v)")
        #expect(v["method"] as? String == "cccd", "\(v)")
        #expect(!"\(v)".contains("Hà Nội") && !"\(v)".contains("01011999"), "address or birth date kept: \(v)")
        #expect(s.logLines().contains { $0.contains(" typed-scan length=\(quach.count)") }, "\(s.logLines())")
    }

    @Test("scan into a filled form: someone else's CCCD asks, and replacing keeps nothing of the first person")
    func scanIntoAFilledForm() throws {
        let s = try GuardSession()
        defer { s.close() }
        try s.start()
        try s.waitFor("the main screen", timeout: 60) { Self.isMain($0) }
        try s.key("F2")
        try s.waitFor(texts: ["Nhập tay thông tin khách"])
        try s.type("Trần Thị Bích")
        try s.key("Tab", "Tab")
        try s.type("0912345678")
        try s.key("Tab")
        try s.type("Cty Mây Xanh")
        try s.key("Tab")
        try s.type("Phòng IT")
        try s.waitFor(texts: ["Phòng IT"])
        try s.scan(Self.cccd)
        let asked = try s.waitFor(texts: ["Enter: thay cả phiếu · Esc: giữ phiếu đang nhập"])
        #expect(onScreen(asked, "Trần Thị Bích"), "the typed form changed before the answer: \(s.describe(asked))")
        try s.key("Enter")
        let replaced = try s.waitFor(texts: ["Đã điền từ QR căn cước (CCCD)", "Nguyễn Văn An"])
        for typed in ["Trần Thị Bích", "Cty Mây Xanh", "Phòng IT", "0912345678"] {
            #expect(!onScreen(replaced, typed), "\(typed) survived the replacement: \(s.describe(replaced))")
        }
        try s.key("Enter")
        try s.waitFor(texts: ["Nguyễn Văn An", "Trong nhà 1/200"])
        let visits = try s.list()
        #expect(visits.count == 1, "\(visits)")
        let v = "\(visits.first ?? [:])"
        #expect(v.contains("Nguyễn Văn An") && !v.contains("Cty Mây Xanh") && !v.contains("Phòng IT"), "\(v)")
    }
}
