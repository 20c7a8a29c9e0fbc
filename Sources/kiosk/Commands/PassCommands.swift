import ArgumentParser
import Foundation
import Gate
import KioskCore

/// Reads the scanned text: the argument, or standard input for `-` or none. Reading stops
/// past 1 MiB so a runaway pipe cannot exhaust memory; anything over 8 KiB is refused later.
func readPayload(_ argument: String?) -> String {
    if let argument, argument != "-" { return argument }
    var data = Data()
    while data.count <= 1 << 20 {
        let chunk = FileHandle.standardInput.readData(ofLength: 64 * 1024)
        if chunk.isEmpty { break }
        data.append(chunk)
    }
    // Invalid UTF-8 becomes replacement characters, which no format accepts.
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
}

/// The `--json` contract of `verify` and `scan` (see the README).
struct ScanJSON: Encodable {
    struct Holder: Encodable {
        var name: String?
        var dob: String?
    }

    var format: String
    var valid: Bool
    var checks: [String: String]
    var issuer: String?
    var holder: Holder?
    var certificate: [String: String]?
    var decision: String
    var colour: String
    var reasons: [String]
    var problems: [String]
    var code: String?
    var already_inside: String?
    var checked_out: String?
    /// The visit had already left: nothing changed.
    var already_left: Bool?

    init(_ r: ScanReport, language: Language) {
        format = r.kind.rawValue
        valid = r.valid
        checks = Dictionary(uniqueKeysWithValues: r.steps.map { ($0.name, $0.status.rawValue) })
        issuer = r.issuer
        holder = r.holderName.map { Holder(name: $0, dob: r.holderDateOfBirth) }
        if let type = r.certificateType { certificate = r.facts.merging(["type": type]) { a, _ in a } }
        decision = r.decision.verdict.rawValue
        colour = ["admit": "green", "check": "yellow", "deny": "red"][r.decision.verdict.rawValue] ?? "red"
        reasons = r.decision.reasons.map { $0.text(language) }
        problems = r.problems
    }
}

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Verify a scanned code offline and say what it is; records nothing.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The scanned text, or - (default) to read it from standard input.") var payload: String?
    @Option(help: "Verify as if it were this moment (ISO 8601).") var at: String?
    @Option(help: "Trust this signer certificate too (PEM, DER or base64 DER).") var cert: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let context = try Context.make(global, autoCheckout: false)
        var clock: Date?
        if let at {
            guard let d = ISOTime.parse(at) else { throw Context.usage("--at \(at): expected ISO 8601 such as 2021-06-01T10:00:00Z") }
            clock = d
        }
        var extra: [SignerCertificate] = []
        if let cert {
            guard let data = FileManager.default.contents(atPath: cert) else { throw Context.usage("\(cert): cannot be read") }
            extra = TrustStore.certificates(from: Array(data))
            guard !extra.isEmpty else { throw Context.usage(L10n.text(.trustNothing, context.language, [cert])) }
        }
        let report = context.gate.verify(readPayload(payload), at: clock, extra: extra)
        printReport(report, context: context, json: json)
        if report.decision.verdict == .deny { throw ExitCode(1) }
    }
}

func printReport(_ report: ScanReport, context: Context, json: Bool, extra: (inout ScanJSON) -> Void = { _ in }) {
    if json {
        var out = ScanJSON(report, language: context.language)
        extra(&out)
        writeOut(JSONOutput.encode(out) + "\n")
        return
    }
    let verdict = ["admit": "ĐƯỢC VÀO / ADMIT", "check": "KIỂM TRA / CHECK", "deny": "KHÔNG ĐƯỢC VÀO / DENY"][report.decision.verdict.rawValue] ?? ""
    var out = "\(verdict)  [\(report.kind.rawValue)]\n"
    if let name = report.holderName { out += "  \(TextFolding.clean(name))\(report.holderDateOfBirth.map { "  \($0)" } ?? "")\n" }
    for r in report.decision.reasons { out += "  " + r.text(context.language) + "\n" }
    if !report.steps.isEmpty {
        out += "  " + report.steps.map { "\($0.name) \($0.status.rawValue)" }.joined(separator: ", ") + "\n"
    }
    writeOut(out)
}

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan", abstract: "Do what the gate does with a scanned code: verify, decide, record.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The scanned text, or - (default) to read it from standard input.") var payload: String?
    @Option(name: .customLong("guard"), help: "Who is at the gate (default: $KIOSK_GUARD or the login name).") var guardName: String?
    @Flag(help: "The visitor was read the data notice and agreed (an ID card, BHYT or PC-Covid code under [privacy] guard_consent = ask).") var consent = false
    @Flag(help: "Print JSON.") var json = false
    @Option(name: .customLong("override-by"), help: "A supervisor letting the visitor in despite a denial or a host's pending approval (with --reason).") var overrideBy: String?
    @Option(help: "Why the supervisor overrides.") var reason: String?

    func run() throws {
        var context = try Context.make(global)
        if (overrideBy == nil) != (reason == nil) { throw Context.usage(global, .usageTogether, ["--override-by", "--reason"]) }
        let printer = context.startPrinter()
        let env = ProcessInfo.processInfo.environment
        let outcome: ScanOutcome
        do {
            outcome = try context.gate.scan(
                readPayload(payload), guardName: guardName ?? env["KIOSK_GUARD"] ?? env["USER"] ?? "guard",
                override: overrideBy.map { CheckInRequest.Override(by: $0, reason: reason ?? "") },
                consent: consent ? context.gate.guardAskedConsent : nil)
        } catch {
            printer?.stop()
            throw context.fail(error)
        }
        var report = outcome.report
        if let result = outcome.checkIn {
            // The check-in's own decision (already inside, watch list, capacity, invitation used up) wins.
            report.decision = result.decision
        }
        printReport(report, context: context, json: json) { out in
            out.code = outcome.checkIn?.recorded?.code
            out.already_inside = outcome.checkIn?.alreadyInside?.code
            if case .checkedOut(let e)? = outcome.checkOut { out.checked_out = e.code }
            if case .alreadyClosed(let e)? = outcome.checkOut {
                out.checked_out = e.code
                out.already_left = true
            }
        }
        if !json {
            if let code = outcome.checkIn?.recorded?.code { writeOut(code + "\n") }
            if let out = outcome.checkOut { writeOut(context.gate.message(for: out) + "\n") }
        }
        // The slip prints before the command exits; the visit was on disk before it was queued.
        context.finishPrinting(printer, job: outcome.checkIn?.slipJob)
        let recorded = outcome.checkIn?.recorded != nil || outcome.checkOut != nil
        if json, !recorded, let why = report.decision.reasons.first {
            // Scripts read the JSON; a person watching the terminal still sees why.
            printError(why.text(context.language))
        }
        if !recorded || report.decision.verdict == .deny { throw ExitCode(1) }
    }
}
