import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Helpers of the scan, verify, invitation and trust suites: the official EU DCC test files,
/// an independent Base45 encoder and zlib (python3's), and a run that tells an exit from a
/// death by signal.

/// One official EU DCC test file (Tests/Fixtures/dcc, Apache-2.0).
struct DCCVector: Sendable, CustomTestStringConvertible {
    /// Path under Tests/Fixtures/dcc, e.g. "DE/1.json".
    let file: String
    let prefix: String
    /// TESTCTX.CERTIFICATE: base64 DER of the signer certificate.
    let certificate: String?
    /// TESTCTX.VALIDATIONCLOCK, ISO 8601.
    let clock: String?
    /// Verification step (`prefix`, `base45`, …) → whether the file expects it to pass.
    let expected: [String: Bool]
    /// From the file's JSON (the DGC): family name, given name, date of birth.
    let familyName: String?
    let givenName: String?
    let dateOfBirth: String?

    var testDescription: String { file }

    /// Upstream flag → the step of the `--json` contract it speaks about. `EXPTECTEDEXPIRED` is
    /// a typo some upstream files carry for the expiration check.
    static let flagToStep = [
        "EXPECTEDUNPREFIX": "prefix", "EXPECTEDB45DECODE": "base45", "EXPECTEDCOMPRESSION": "zlib",
        "EXPECTEDDECODE": "cose", "EXPECTEDVERIFY": "signature", "EXPECTEDEXPIRATIONCHECK": "validity",
        "EXPTECTEDEXPIRED": "validity", "EXPECTEDKEYUSAGE": "key-usage",
    ]

    static func root() throws -> String {
        guard let root = KioskBinary.packageRoot() else { throw E2EError("cannot find the package root") }
        return root + "/Tests/Fixtures/dcc"
    }

    static func load(_ file: String) throws -> DCCVector {
        let path = try root() + "/" + file
        let obj = try JSON.object(String(decoding: try contents(path), as: UTF8.self))
        guard let prefix = obj["PREFIX"] as? String else { throw E2EError("\(file) has no PREFIX") }
        let ctx = obj["TESTCTX"] as? [String: Any] ?? [:]
        var expected: [String: Bool] = [:]
        for (flag, value) in obj["EXPECTEDRESULTS"] as? [String: Any] ?? [:] {
            if let step = flagToStep[flag], let b = value as? Bool { expected[step] = b }
        }
        let dgc = obj["JSON"] as? [String: Any]
        let nam = dgc?["nam"] as? [String: Any]
        return DCCVector(
            file: file, prefix: prefix, certificate: (ctx["CERTIFICATE"] as? String)?.filter { !$0.isWhitespace },
            clock: ctx["VALIDATIONCLOCK"] as? String, expected: expected,
            familyName: nam?["fn"] as? String, givenName: nam?["gn"] as? String, dateOfBirth: dgc?["dob"] as? String)
    }

    /// The signer certificate as DER bytes.
    func certificateDER() throws -> Data {
        guard let b64 = certificate, let der = Data(base64Encoded: b64) else { throw E2EError("\(file) has no usable CERTIFICATE") }
        return der
    }
}

/// The verification steps of an HC1, as the `--json` contract names them.
let hc1Steps: Set<String> = ["prefix", "base45", "zlib", "cose", "signature", "validity", "key-usage"]

/// RFC 9285 Base45, written here so the tests do not depend on the encoder under test.
enum TestBase45 {
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")

    static func encode(_ bytes: [UInt8]) -> String {
        var out = ""
        var i = 0
        while i + 1 < bytes.count {
            var n = Int(bytes[i]) * 256 + Int(bytes[i + 1])
            for _ in 0..<3 {
                out.append(alphabet[n % 45])
                n /= 45
            }
            i += 2
        }
        if i < bytes.count {
            let n = Int(bytes[i])
            out.append(alphabet[n % 45])
            out.append(alphabet[n / 45])
        }
        return out
    }
}

/// zlib-compresses with python3's zlib (an implementation other than the kiosk's).
func pythonZlib(_ data: Data) throws -> [UInt8] {
    let r = try ProcessRunner.run(
        try Tool.path("python3"),
        ["-c", "import sys, zlib; sys.stdout.buffer.write(zlib.compress(sys.stdin.buffer.read(), 9))"], stdin: data)
    guard r.status == 0, !r.timedOut, !r.stdoutData.isEmpty else { throw E2EError("python3 zlib failed: \(r)") }
    return Array(r.stdoutData)
}

/// A run whose end is known to be an exit or a signal.
struct WatchedRun: CustomStringConvertible {
    var result: RunResult
    /// The process was killed by a signal (a crash: trap, abort, segfault) instead of exiting.
    var signalled: Bool

    var status: Int32 { result.status }
    var description: String { (signalled ? "KILLED BY SIGNAL \(result.status)\n" : "") + result.description }
}

extension Sandbox {
    /// Like `run`, but tells whether the process died of a signal; stdin is raw bytes (which
    /// may be invalid UTF-8).
    func runWatched(_ args: [String], stdin: Data? = nil, now: String? = nil, timeout: TimeInterval = 60) throws -> WatchedRun {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-e2e-w-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let outPath = scratch + "/stdout", errPath = scratch + "/stderr", inPath = scratch + "/stdin"
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        FileManager.default.createFile(atPath: inPath, contents: stdin ?? Data())
        guard let out = FileHandle(forWritingAtPath: outPath), let err = FileHandle(forWritingAtPath: errPath),
            let input = FileHandle(forReadingAtPath: inPath)
        else { throw E2EError("cannot create files in \(scratch)") }
        defer {
            try? out.close()
            try? err.close()
            try? input.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = args + ["--config", configPath]
        process.environment = ProcessRunner.environment(["KIOSK_NOW": now ?? self.now])
        process.standardInput = input
        process.standardOutput = out
        process.standardError = err
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        let started = Date()
        try process.run()
        var timedOut = false
        if done.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            done.wait()
        }
        let result = RunResult(
            status: process.terminationStatus, stdoutData: (try? Data(contentsOf: URL(fileURLWithPath: outPath))) ?? Data(),
            stderrData: (try? Data(contentsOf: URL(fileURLWithPath: errPath))) ?? Data(), timedOut: timedOut,
            seconds: Date().timeIntervalSince(started))
        return WatchedRun(result: result, signalled: process.terminationReason == .uncaughtSignal)
    }

    /// `kiosk verify --json` of a DCC vector at its clock, with its certificate unless told not to.
    func verify(_ v: DCCVector, withCertificate: Bool = true) throws -> (result: RunResult, json: [String: Any]) {
        var args = ["verify", "--json"]
        if let clock = v.clock { args += ["--at", clock] }
        if withCertificate {
            let path = dir + "/cert-\(UUID().uuidString).b64"
            guard let cert = v.certificate else { throw E2EError("\(v.file) has no certificate") }
            try cert.write(toFile: path, atomically: true, encoding: .utf8)
            args += ["--cert", path]
        }
        let r = try run(args + ["-"], stdin: Data(v.prefix.utf8))
        return (r, try JSON.object(r.stdout))
    }

    /// `kiosk scan <payload> --json`, parsed.
    func scan(_ payload: String, now: String? = nil) throws -> (result: RunResult, json: [String: Any]) {
        let r = try run(["scan", payload, "--json"], now: now)
        return (r, try JSON.object(r.stdout))
    }

    /// `kiosk invite … --json`, parsed; the issue must succeed.
    func invite(
        name: String = "Trần Thị Bích", host: String = "Phòng Kỹ thuật", from: String? = nil, until: String,
        uses: Int? = nil, extra: [String] = [], now: String? = nil
    ) throws -> [String: Any] {
        var args = ["invite", "--name", name, "--host", host, "--until", until, "--json"]
        if let from { args += ["--from", from] }
        if let uses { args += ["--uses", String(uses)] }
        let r = try run(args + extra, now: now)
        guard r.status == 0 else { throw E2EError("invite failed: \(r)") }
        return try JSON.object(r.stdout)
    }

    /// Rows of the visit table (the whole log, not one day).
    func visitCount() throws -> Int {
        guard let n = Int(try sql("SELECT COUNT(*) FROM visit")) else { throw E2EError("bad count") }
        return n
    }

    /// Number of events in the hash chain, from `kiosk audit --json`, which must pass.
    func auditedEvents() throws -> Int {
        let a = try audit()
        guard a.status == 0, a.report["ok"] as? Bool == true, let n = a.report["events"] as? Int else {
            throw E2EError("audit failed: \(a.result)")
        }
        return n
    }
}

/// The `reasons` of a `--json` verdict joined into one text.
func reasonsText(_ json: [String: Any]) -> String {
    (json["reasons"] as? [String] ?? []).joined(separator: " | ")
}
