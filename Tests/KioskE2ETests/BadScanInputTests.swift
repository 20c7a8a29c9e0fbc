import Foundation
import Testing

/// Hostile or broken scans through `kiosk scan` and `kiosk verify` (standard input, as a
/// keyboard-wedge scanner or a pipe delivers them): each gives a clear "unrecognised" or
/// "damaged" verdict, exit status 1, never a crash, never a record, never a raw escape byte.
@Suite("bad scan input")
struct BadScanInputTests {
    enum Input: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case megabyteOfDigits, twoMegabytesOfDigits, zlibBomb, cborDeepOuter, cborDeepPayload, cborDeepIndefinite
        case cborDeepInvitation, invalidUTF8, escapeSequences, escapeInsideHC1, escapeInsidePersonal, nulBytes
        case halfTypedHC1, halfTypedHC1Odd, emptyLine, overlongPersonal, overlongHC1, zlibBombInvitation, hc1OfDigits

        var testDescription: String { rawValue }

        /// A real HC1 (DE/1, ES256).
        static func real() throws -> String { try DCCVector.load("DE/1.json").prefix }

        static func hc1(_ cbor: [UInt8], prefix: String = "HC1:") throws -> String {
            prefix + TestBase45.encode(try pythonZlib(Data(cbor)))
        }

        func bytes() throws -> Data {
            switch self {
            case .megabyteOfDigits: return Data(repeating: UInt8(ascii: "7"), count: 1 << 20)
            case .twoMegabytesOfDigits: return Data(repeating: UInt8(ascii: "1"), count: 2 << 20) + Data("\n".utf8)
            case .zlibBomb:
                // 1 MB of zeros compress to about 1 KB: over the 64 KiB inflate limit.
                let code = "HC1:" + TestBase45.encode(try pythonZlib(Data(count: 1_000_000)))
                guard code.utf8.count < 8 * 1024 else { throw E2EError("bomb too big to be a scan: \(code.utf8.count)") }
                return Data(code.utf8)
            case .cborDeepOuter:
                return Data(try Self.hc1([UInt8](repeating: 0x81, count: 10_000) + [0x00]).utf8)
            case .cborDeepPayload:
                // A COSE_Sign1 of the right shape whose payload is the deep nesting.
                let deep = [UInt8](repeating: 0x81, count: 10_000) + [0x00]
                let cose: [UInt8] = [0xD2, 0x84, 0x40, 0xA0, 0x59, UInt8(deep.count >> 8), UInt8(deep.count & 0xFF)] + deep + [0x40]
                return Data(try Self.hc1(cose).utf8)
            case .cborDeepIndefinite:
                return Data(try Self.hc1([UInt8](repeating: 0x9F, count: 10_000)).utf8)
            case .cborDeepInvitation:
                return Data(try Self.hc1([UInt8](repeating: 0x81, count: 10_000) + [0x00], prefix: "KIV1:").utf8)
            case .invalidUTF8:
                return Data([0xFF, 0xFE, 0xC3, 0x28, 0x48, 0x43, 0x31, 0x3A, 0x80, 0xBF, 0xED, 0xA0, 0x80, 0xF8, 0x88, 0x80, 0x80, 0x80, 0x0A])
            case .escapeSequences:
                return Data("\u{1B}[2J\u{1B}[H\u{1B}]0;pwned\u{07}\u{1B}[31mADMIT\u{1B}[0m\u{1B}P+q\u{1B}\\\u{9B}6n".utf8)
            case .escapeInsideHC1:
                return Data(("HC1:" + "6BF+70790T9WJWG" + "\u{1B}[2J\u{1B}]0;x\u{07}" + "FKY*4GO0").utf8)
            case .escapeInsidePersonal:
                return Data("\u{1B}[2J|\u{1B}[31mNGUYEN\u{1B}[0m|1990-01-01|\u{1B}[H|x".utf8)
            case .nulBytes:
                return Data("HC1:6BF\u{0}+70790\u{0}".utf8)
            case .halfTypedHC1:
                return Data(String(try Self.real().prefix(100)).utf8)
            case .halfTypedHC1Odd:
                return Data(String(try Self.real().prefix(101)).utf8)
            case .emptyLine:
                return Data("\n".utf8)
            case .overlongPersonal:
                // CCCD-shaped but over the 8 KiB scan limit.
                return Data(("079203001234|123456789|" + String(repeating: "A", count: 9000) + "|01011990|Nam|x|01012021").utf8)
            case .zlibBombInvitation:
                return Data(("KIV1:" + TestBase45.encode(try pythonZlib(Data(count: 1_000_000)))).utf8)
            case .hc1OfDigits:
                // Valid Base45 all the way, under the 8 KiB limit, but not zlib.
                return Data(("HC1:" + String(repeating: "0", count: 8000)).utf8)
            case .overlongHC1:
                let real = try Self.real()
                return Data((real + String(repeating: String(real.dropFirst(4)), count: 20)).utf8)
            }
        }
    }

    /// What a refused scan must look like.
    private func expectRefused(_ w: WatchedRun, _ label: String) throws {
        #expect(!w.signalled, "\(label): crashed: \(w)")
        #expect(!w.result.timedOut, "\(label): \(w)")
        #expect(w.status == 1, "\(label): \(w)")
        #expect(!w.result.stdoutData.contains(escByte) && !w.result.stderrData.contains(escByte), "\(label): raw ESC in the output")
        #expect(w.result.stdoutData.count < 4096, "\(label): the input was echoed? \(w.result.stdoutData.count) bytes")
    }

    private func expectUnreadable(_ json: [String: Any], _ label: String, _ w: WatchedRun) {
        #expect(json["valid"] as? Bool == false, "\(label): \(w)")
        #expect(json["decision"] as? String == "deny", "\(label): \(w)")
        #expect(isNull(json["holder"]) && isNull(json["code"]), "\(label): \(w)")
        let reasons = reasonsText(json)
        let format = json["format"] as? String
        if format == "unknown" {
            #expect(reasons.contains("Unrecognised code") || reasons.contains("US layout"), "\(label): \(w)")
        } else {
            // Taken for its prefix, then found damaged at a decoding step.
            #expect(["hc1", "invite"].contains(format ?? ""), "\(label): \(w)")
            #expect(reasons.contains("damaged or unreadable"), "\(label): \(w)")
            let checks = json["checks"] as? [String: String] ?? [:]
            #expect(["base45", "zlib", "cose"].contains { checks[$0] == "fail" }, "\(label): \(checks)")
        }
    }

    @Test("scan --json: refused as unrecognised or damaged, nothing recorded", arguments: Input.allCases)
    func scanJSON(_ input: Input) throws {
        let box = try Sandbox(language: "en")
        let w = try box.runWatched(["scan", "-", "--json"], stdin: try input.bytes())
        try expectRefused(w, input.rawValue)
        let json = try JSON.object(w.result.stdout)
        expectUnreadable(json, input.rawValue, w)
        // Never echoed raw: the JSON holds no control character at all.
        #expect(!w.result.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(input): \(w)")
        #expect(try box.list().isEmpty)
        #expect(try box.visitCount() == 0)
        #expect(try box.auditedEvents() == 0)
    }

    @Test("plain scan and verify: same refusal, no raw escape byte on the terminal", arguments: Input.allCases)
    func plainAndVerify(_ input: Input) throws {
        let box = try Sandbox(language: "en")
        let bytes = try input.bytes()
        for args in [["scan"], ["verify"], ["verify", "--json"]] {
            let w = try box.runWatched(args, stdin: bytes)
            try expectRefused(w, "\(args) \(input.rawValue)")
            #expect(!w.result.stdout.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F..<0xA0).contains($0.value) }, "\(args) \(input): \(w)")
        }
        #expect(try box.visitCount() == 0)
        #expect(try box.auditedEvents() == 0)
    }

    /// US → German (QWERTZ) for the characters a Base45 scan contains: what a scanner
    /// sending US key codes types on a host set to the German layout.
    static func german(_ s: String) -> String {
        let map: [Character: String] = ["Y": "Z", "Z": "Y", ":": "Ö", "/": "-", "-": "ß", "*": "(", "+": "`"]
        return String(s.flatMap { map[$0] ?? String($0) })
    }

    @Test("an HC1 typed through a German keyboard layout says to set the scanner to US", arguments: ["en", "vi"])
    func germanLayout(_ language: String) throws {
        let box = try Sandbox(language: language)
        let typed = Self.german(try Input.real())
        #expect(typed.hasPrefix("HC1Ö"))
        let w = try box.runWatched(["scan", "-", "--json"], stdin: Data(typed.utf8))
        try expectRefused(w, "german")
        let json = try JSON.object(w.result.stdout)
        #expect(json["decision"] as? String == "deny")
        #expect(reasonsText(json).contains("US"), "\(w)")
        if language == "en" { #expect(reasonsText(json).contains("set the scanner to the US layout"), "\(w)") }
        let plain = try box.runWatched(["scan"], stdin: Data((typed + "\r\n").utf8))
        try expectRefused(plain, "german plain")
        #expect(plain.result.stdout.contains("US"), "\(plain)")
        #expect(try box.visitCount() == 0)
    }

    @Test("an intact HC1: prefix followed by non-Base45 letters (Ö, ß) also gets the layout hint")
    func germanBodyOnly() throws {
        // ScanKind.looksLikeWrongKeyboardLayout says so for this shape (prefix intact, body
        // with bytes outside Base45), as when a scanner sends ':' as an Alt code.
        let box = try Sandbox(language: "en")
        let bodyOnly = "HC1:" + Self.german(String(try Input.real().dropFirst(4)))
        let b = try box.runWatched(["scan", "-", "--json"], stdin: Data(bodyOnly.utf8))
        try expectRefused(b, "german body")
        let json = try JSON.object(b.result.stdout)
        #expect(json["decision"] as? String == "deny")
        #expect(reasonsText(json).contains("US layout"), "\(b)")
        // A Vietnamese Telex input method left on does the same: AA → Â, DD → Đ, OW → Ơ.
        let real = try Input.real()
        var body = String(real.dropFirst(4))
        for (pair, letter) in [("AA", "Â"), ("EE", "Ê"), ("OO", "Ô"), ("DD", "Đ"), ("AW", "Ă"), ("OW", "Ơ"), ("UW", "Ư")] {
            body = body.replacingOccurrences(of: pair, with: letter)
        }
        try #require(body != String(real.dropFirst(4)), "no Telex pair in the vector")
        let t = try box.runWatched(["scan", "-", "--json"], stdin: Data(("HC1:" + body).utf8))
        try expectRefused(t, "telex")
        #expect(reasonsText(try JSON.object(t.result.stdout)).contains("US layout"), "\(t)")
        #expect(try box.visitCount() == 0)
    }

    @Test("refusals are fast: a 1 MiB line and a zlib bomb each take under 2 s")
    func fast() throws {
        let box = try Sandbox(language: "en")
        for input in [Input.twoMegabytesOfDigits, .zlibBomb, .cborDeepOuter] {
            let w = try box.runWatched(["scan", "-", "--json"], stdin: try input.bytes())
            #expect(w.result.seconds < 2, "\(input): \(w.result.seconds) s")
        }
    }

    @Test("a CCCD-shaped scan whose name is too long to record: refused with a message, and --json still prints its verdict")
    func cccdNameTooLong() throws {
        let box = try Sandbox(language: "en")
        let payload = "079203001234|123456789|" + String(repeating: "A", count: 3000) + "|01011990|Nam|x|01012021"
        let w = try box.runWatched(["scan", "-", "--json"], stdin: Data(payload.utf8))
        #expect(!w.signalled && !w.result.timedOut, "\(w)")
        #expect(w.status == 1, "\(w)")
        #expect(w.result.stderr.contains("too long"), "\(w)")
        #expect(try box.visitCount() == 0)
        #expect(try box.auditedEvents() == 0)
        // The contract: `--json` prints one object, here a refusal.
        let json = try JSON.object(w.result.stdout)
        #expect(json["decision"] as? String == "deny", "\(w)")
    }
}
