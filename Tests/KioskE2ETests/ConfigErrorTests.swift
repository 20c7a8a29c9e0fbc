import Foundation
import Testing

/// A bad kiosk.conf stops start-up with `file:line: key: what is wrong` on stderr and exit 2,
/// before anything is created.
@Suite("config errors")
struct ConfigErrorTests {
    enum Mistake: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case unknownKey, duplicateKey, badNumber, badTimeZone, unknownSection, badLanguage
        case badAutoCheckout, retentionOutOfRange, gateNotListed, keyOutsideSection, lineWithoutEquals, badExportTime

        var testDescription: String { rawValue }
    }

    /// 1-based number of the first line starting with `prefix`.
    static func line(_ prefix: String, in text: String) throws -> Int {
        let lines = text.components(separatedBy: "\n")
        guard let i = lines.firstIndex(where: { $0.hasPrefix(prefix) }) else {
            throw E2EError("the sample kiosk.conf has no line starting with \(prefix)")
        }
        return i + 1
    }

    static func replacing(_ text: String, line prefix: String, with new: String) throws -> String {
        var lines = text.components(separatedBy: "\n")
        let n = try line(prefix, in: text)
        lines[n - 1] = new
        return lines.joined(separator: "\n")
    }

    static func inserting(_ text: String, after prefix: String, _ new: String) throws -> String {
        var lines = text.components(separatedBy: "\n")
        lines.insert(new, at: try line(prefix, in: text))
        return lines.joined(separator: "\n")
    }

    /// The broken config text, the line and key the message must name, and a word of the problem.
    static func broken(_ m: Mistake, sample s: String) throws -> (text: String, line: Int, key: String, says: String) {
        switch m {
        case .unknownKey:
            return (try inserting(s, after: "[venue]", "colour = blue"), try line("[venue]", in: s) + 1, "colour", "unknown key in [venue]")
        case .duplicateKey:
            let first = try line("id = ", in: s)
            return (try inserting(s, after: "id = ", "id = other-venue"), first + 1, "id", "first on line \(first)")
        case .badNumber:
            return (try replacing(s, line: "capacity = ", with: "capacity = abc"), try line("capacity = ", in: s), "capacity", "\"abc\"")
        case .badTimeZone:
            return (try replacing(s, line: "timezone = ", with: "timezone = Asia/Hanoi_City"), try line("timezone = ", in: s), "timezone", "unknown time zone \"Asia/Hanoi_City\"")
        case .unknownSection:
            return (try replacing(s, line: "[ui]", with: "[display]"), try line("[ui]", in: s), "[display]", "unknown section")
        case .badLanguage:
            return (try replacing(s, line: "language = ", with: "language = fr"), try line("language = ", in: s), "language", "expected vi or en")
        case .badAutoCheckout:
            return (try replacing(s, line: "auto_checkout = ", with: "auto_checkout = sometimes"), try line("auto_checkout = ", in: s), "auto_checkout", "\"sometimes\"")
        case .retentionOutOfRange:
            return (try replacing(s, line: "retention_days = ", with: "retention_days = 0"), try line("retention_days = ", in: s), "retention_days", "from 1 to 3650")
        case .gateNotListed:
            return (try replacing(s, line: "gate = ", with: "gate = west"), try line("gate = ", in: s), "gate", "not among gates")
        case .keyOutsideSection:
            return ("capacity = 10\n" + s, 1, "capacity", "outside any section")
        case .lineWithoutEquals:
            return (try inserting(s, after: "[records]", "database kiosk.sqlite"), try line("[records]", in: s) + 1, "database kiosk.sqlite", "key = value")
        case .badExportTime:
            return (try replacing(s, line: "auto_export_at = ", with: "auto_export_at = 25:00"), try line("auto_export_at = ", in: s), "auto_export_at", "HH:MM")
        }
    }

    @Test("file:line: key: message, exit 2, nothing created", arguments: Mistake.allCases)
    func mistake(_ m: Mistake) throws {
        let box = try Sandbox(language: "en")
        let sample = try String(contentsOfFile: box.configPath, encoding: .utf8)
        let bad = try Self.broken(m, sample: sample)
        try box.writeConfig(bad.text)
        for args in [["checkin", "--name", "Somebody"], ["list"], ["audit"]] {
            let r = try box.run(args)
            #expect(r.status == 2, "\(m) \(args): \(r)")
            #expect(r.stdout.isEmpty, "\(r)")
            #expect(r.errorLines.count == 1, "one line: \(r)")
            #expect(r.stderr.hasPrefix("\(box.configPath):\(bad.line): \(bad.key): "), "\(m): expected \(box.configPath):\(bad.line): \(bad.key): …, got \(r)")
            #expect(r.stderr.contains(bad.says), "\(m): should say \(bad.says): \(r)")
        }
        #expect(!FileManager.default.fileExists(atPath: box.dataDir), "a bad config must stop start-up before the log is created")
    }

    @Test("a missing config file is exit 2 with its path")
    func missingFile() throws {
        let box = try Sandbox(language: "en")
        let path = box.dir + "/nowhere/kiosk.conf"
        let r = try ProcessRunner.run(box.binary, ["list", "--config", path], environment: ["KIOSK_NOW": defaultNow])
        #expect(r.status == 2, "\(r)")
        #expect(r.stderr.hasPrefix(path + ":"), "\(r)")
    }

    @Test("the unchanged sample config runs as is")
    func sampleRuns() throws {
        let box = try Sandbox(language: "vi")
        try box.writeConfig(try KioskBinary.sampleConfigText())
        let r = try box.run(["checkin", "--name", "Mẫu"])
        #expect(r.status == 0, "\(r)")
        #expect(FileManager.default.fileExists(atPath: box.dbPath), "relative paths resolve against the config's folder")
        #expect(try permissions(box.dataDir) == 0o700)
        #expect(try permissions(box.dbPath) == 0o600)
        #expect(try permissions(box.keyPath) == 0o600)
    }

    @Test("the config is found through KIOSK_CONFIG and ./kiosk.conf")
    func lookup() throws {
        let box = try Sandbox(language: "en")
        let viaEnv = try ProcessRunner.run(box.binary, ["checkin", "--name", "Env"],
            environment: ["KIOSK_CONFIG": box.configPath, "KIOSK_NOW": defaultNow])
        #expect(viaEnv.status == 0, "\(viaEnv)")
        let viaCwd = try ProcessRunner.run(box.binary, ["list", "--json"], environment: ["KIOSK_NOW": defaultNow], cwd: box.dir)
        #expect(viaCwd.status == 0, "\(viaCwd)")
        #expect(try JSON.array(viaCwd.stdout).first?["name"] as? String == "Env")
    }
}
