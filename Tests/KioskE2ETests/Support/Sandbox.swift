import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The default pinned time of the tests: a Sunday morning at the demo venue (UTC+7).
let defaultNow = "2026-11-29T08:00:00+07:00"

/// One test's private kiosk: a temporary folder holding a copy of the repository's sample
/// kiosk.conf (its relative paths put the database, key and exports in this folder), and
/// helpers that run the built binary against it with a pinned clock.
final class Sandbox {
    let dir: String
    let configPath: String
    let binary: String
    /// `KIOSK_NOW` for commands that do not give their own.
    var now = defaultNow

    var dataDir: String { dir + "/data" }
    var dbPath: String { dir + "/data/kiosk.sqlite" }
    var keyPath: String { dir + "/data/kiosk.key" }
    var exportDir: String { dir + "/data/exports" }

    /// - Parameters:
    ///   - language: `[ui] language`, "en" or "vi".
    ///   - settings: other values of the sample to change, as `"section.key": "value"`.
    init(language: String = "en", settings: [String: String] = [:]) throws {
        binary = try KioskBinary.path()
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-e2e-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        configPath = dir + "/kiosk.conf"
        var all = settings
        all["ui.language"] = language
        // The sample serves the self check-in form on :8080; tests that want it say so and
        // pick their own port, so parallel tests never fight over one.
        if all["checkin_web.enabled"] == nil { all["checkin_web.enabled"] = "false" }
        try writeConfig(Sandbox.rewrite(try KioskBinary.sampleConfigText(), all))
    }

    deinit {
        if ProcessInfo.processInfo.environment["KIOSK_E2E_KEEP"] == nil {
            try? FileManager.default.removeItem(atPath: dir)
        }
    }

    func writeConfig(_ text: String) throws {
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// The sample's text with some `key = value` lines given new values; fails if a key is
    /// not in the sample, so a renamed key cannot silently leave a test on defaults.
    static func rewrite(_ text: String, _ settings: [String: String]) throws -> String {
        var section = ""
        var pending = settings
        var lines: [String] = []
        for line in text.components(separatedBy: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("[") && t.hasSuffix("]") {
                section = String(t.dropFirst().dropLast())
            } else if !t.hasPrefix("#"), let eq = t.firstIndex(of: "=") {
                let key = section + "." + t[..<eq].trimmingCharacters(in: .whitespaces)
                if let value = pending.removeValue(forKey: key) {
                    lines.append("\(t[..<eq].trimmingCharacters(in: .whitespaces)) = \(value)")
                    continue
                }
            }
            lines.append(line)
        }
        guard pending.isEmpty else { throw E2EError("keys not in the sample kiosk.conf: \(pending.keys.sorted())") }
        return lines.joined(separator: "\n")
    }

    // MARK: Running the kiosk

    /// `kiosk <args> --config <this sandbox's kiosk.conf>` with `KIOSK_NOW` pinned.
    @discardableResult
    func run(
        _ args: [String], now: String? = nil, stdin: Data? = nil, env: [String: String] = [:],
        timeout: TimeInterval = 60, withConfig: Bool = true
    ) throws -> RunResult {
        var environment = env
        environment["KIOSK_NOW"] = now ?? self.now
        return try ProcessRunner.run(
            binary, args + (withConfig ? ["--config", configPath] : []), environment: environment,
            stdin: stdin, timeout: timeout)
    }

    /// Checks a visitor in (`--json`) and returns the entry code; the check-in must succeed.
    @discardableResult
    func checkin(_ name: String, _ extra: [String] = [], now: String? = nil) throws -> String {
        let r = try run(["checkin", "--name", name, "--json"] + extra, now: now)
        guard r.status == 0 else {
            throw E2EError("checkin \(name) \(extra) failed: \(r)")
        }
        let obj = try JSON.object(r.stdout)
        guard let code = obj["code"] as? String else { throw E2EError("checkin printed no code: \(r)") }
        return code
    }

    /// `kiosk list --json` (for a day, or `--inside`), parsed.
    func list(date: String? = nil, inside: Bool = false, search: String? = nil, now: String? = nil) throws -> [[String: Any]] {
        var args = ["list", "--json"]
        if let date { args += ["--date", date] }
        if inside { args.append("--inside") }
        if let search { args += ["--search", search] }
        let r = try run(args, now: now)
        guard r.status == 0 else { throw E2EError("list failed: \(r)") }
        return try JSON.array(r.stdout)
    }

    /// The visit with this code from `list --json` of its day.
    func visit(_ code: String, date: String, now: String? = nil) throws -> [String: Any]? {
        try list(date: date, now: now).first { $0["code"] as? String == code }
    }

    /// `kiosk audit --json`, parsed, with the exit status.
    func audit() throws -> (status: Int32, report: [String: Any], result: RunResult) {
        let r = try run(["audit", "--json"])
        return (r.status, try JSON.object(r.stdout), r)
    }

    /// A query on this sandbox's database through the sqlite3 shell.
    func sql(_ query: String) throws -> String {
        try Tool.sqlite(dbPath, query)
    }

    /// Makes every file of the sandbox belong to `uid:gid` (for running the kiosk unprivileged).
    func chownAll(uid: uid_t, gid: gid_t) throws {
        var paths = [dir]
        if let e = FileManager.default.enumerator(atPath: dir) {
            for case let p as String in e { paths.append(dir + "/" + p) }
        }
        for p in paths where chown(p, uid, gid) != 0 {
            throw E2EError("chown \(p) failed: errno \(errno)")
        }
    }
}

/// Mode bits of a file or folder.
func permissions(_ path: String) throws -> Int {
    let attrs = try FileManager.default.attributesOfItem(atPath: path)
    guard let mode = attrs[.posixPermissions] as? NSNumber else { throw E2EError("no permissions for \(path)") }
    return mode.intValue & 0o777
}

/// The bytes of a file, or a clear failure.
func contents(_ path: String) throws -> Data {
    guard let d = FileManager.default.contents(atPath: path) else { throw E2EError("cannot read \(path)") }
    return d
}

/// Entry codes: six characters of the kiosk's alphabet (no 0/O, 1/I/L).
func looksLikeCode(_ s: String) -> Bool {
    s.count == 6 && s.allSatisfy { "23456789ABCDEFGHJKMNPQRSTUVWXYZ".contains($0) }
}

let escByte: UInt8 = 0x1B
