import ArgumentParser
import Foundation
import Gate
import KioskCore
import Records

extension AppStatus: ExpressibleByArgument {}

struct CheckinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkin", abstract: "Record a visit typed by the guard and print its entry code.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "The visitor's full name (required unless --batch).") var name: String?
    @Option(name: .customLong("id-number"), help: "CCCD, CMND or passport number.") var idNumber: String?
    @Option var phone: String?
    @Option(help: "Organisation or company.") var org: String?
    @Option(help: "Person or department visited.") var host: String?
    @Option var purpose: String?
    @Option(help: "Visitor card (badge) number handed out.") var badge: String?
    /// Text, parsed as the guard's form does: a Double option also took `0x24` as 36 °C.
    @Option(help: "Body temperature in °C, e.g. 36.8 (or 36,8).") var temperature: String?
    @Flag(help: "The visitor reports symptoms.") var symptoms = false
    @Option(help: "The guard's observation of the app: installed, not-installed, no-smartphone.") var app: AppStatus?
    @Option(help: "Category, one of [records] categories (default: the first).") var category: String?
    @Flag(help: "Fill empty fields from the visitor's last visit.") var reuse = false
    @Option(name: .customLong("override-by"), help: "Supervisor admitting despite a denial (capacity, watch list).") var overrideBy: String?
    @Option(help: "Why the supervisor overrides.") var reason: String?
    @Option(name: .customLong("guard"), help: "Who records the visit (default: $KIOSK_GUARD or the login name).") var guardName: String?
    @Flag(help: "The visitor was read the data notice and agreed (needed with [privacy] guard_consent = ask).") var consent = false
    @Option(help: "Read one JSON object per line from FILE or - (stdin) and check each in; prints each code as soon as it is on disk.") var batch: String?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if batch == nil && name == nil { throw Context.usage(global, .usageNameRequired) }
        if (overrideBy == nil) != (reason == nil) { throw Context.usage(global, .usageTogether, ["--override-by", "--reason"]) }
    }

    func run() throws {
        var context = try Context.make(global)
        let who = guardName ?? ProcessInfo.processInfo.environment["KIOSK_GUARD"] ?? ProcessInfo.processInfo.environment["USER"] ?? "guard"
        // A batch is an import, not visitors at the desk: no slips (`kiosk slip CODE` prints one).
        if let batch { return try runBatch(context, source: batch, guardName: who) }
        let printer = context.startPrinter()
        var request = CheckInRequest(
            details: VisitorDetails(name: name ?? "", idNumber: idNumber, phone: phone, organisation: org, host: host, purpose: purpose),
            guardName: who)
        request.badge = badge
        if let temperature {
            // Not a decimal number: bad usage (exit 2); a number no thermometer shows is refused
            // by the Gate (exit 1).
            guard let t = Validation.parseTemperature(temperature) else {
                throw Context.usage("--temperature \(TextFolding.clean(String(temperature.prefix(20)))): expected °C as a decimal number, such as 36.8 or 36,8")
            }
            request.temperature = t
        }
        request.symptoms = symptoms ? true : nil
        request.app = app
        request.category = category
        request.reuseLastDetails = reuse
        if consent { request.consent = context.gate.guardAskedConsent }
        if let overrideBy, let reason { request.override = .init(by: overrideBy, reason: reason) }
        let result: CheckInResult
        do {
            result = try context.gate.checkIn(request)
        } catch {
            printer?.stop()
            throw context.fail(error)
        }
        report(result, context)
        // The code is out first; the slip prints (within the printer's deadline) before exit.
        context.finishPrinting(printer, job: result.slipJob)
        if result.recorded == nil || result.decision.verdict == .deny { throw ExitCode(1) }
    }

    private func report(_ result: CheckInResult, _ context: Context) {
        let lang = context.language
        if json {
            writeOut(JSONOutput.encode(CheckinJSON(result, context)) + "\n")
            return
        }
        if let recorded = result.recorded { writeOut(recorded.code + "\n") }
        for reason in result.decision.reasons { writeOut(reason.text(lang) + "\n") }
        for warning in result.warnings { writeOut(warning.text(lang) + "\n") }
        if let host = result.notifiedHost, result.recorded?.status == .inside {
            writeOut(L10n.text(.hostNotified, lang, [host]) + "\n")
        }
        if let previous = result.previousVisit, result.recorded != nil {
            writeOut(L10n.text(.returningVisitor, lang, [context.calendar.localTimestamp(previous.checkedInAt), previous.code]) + "\n")
        }
    }

    /// One visitor per line: {"name": …, "id_number": …, "phone": …, "org": …, "host": …,
    /// "purpose": …, "badge": …, "temperature": …, "category": …}.
    private func runBatch(_ context: Context, source: String, guardName: String) throws {
        let handle: FileHandle
        if source == "-" {
            handle = .standardInput
        } else {
            guard let h = FileHandle(forReadingAtPath: source) else {
                throw Context.usage("\(source): cannot be read")
            }
            handle = h
        }
        var failed = 0
        var lineNumber = 0
        for line in LineReader(handle: handle) {
            lineNumber += 1
            if line.allSatisfy(\.isWhitespace) { continue }
            guard let data = line.data(using: .utf8),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else {
                printError("line \(lineNumber): not a JSON object; skipped")
                failed += 1
                continue
            }
            // A field of the wrong type, or a key the kiosk does not know (a typo), refuses the
            // line: silently dropping it would record a visit without what the sender gave.
            if let problem = BatchLine.problem(object) {
                printError("line \(lineNumber): \(problem); skipped")
                failed += 1
                continue
            }
            func s(_ k: String) -> String? { object[k] as? String }
            var request = CheckInRequest(
                details: VisitorDetails(name: s("name") ?? "", idNumber: s("id_number"), phone: s("phone"),
                    organisation: s("org") ?? s("organisation"), host: s("host"), purpose: s("purpose")),
                guardName: guardName)
            request.badge = s("badge")
            request.temperature = (object["temperature"] as? NSNumber)?.doubleValue
            request.category = s("category")
            // A line's own `"consent": false` wins over --consent: a refusal is never overridden.
            let said = (object["consent"] as? NSNumber).map(\.boolValue)
            if said ?? consent { request.consent = context.gate.guardAskedConsent }
            do {
                let result = try Self.patiently { try context.gate.checkIn(request) }
                if let recorded = result.recorded {
                    writeOut(json ? JSONOutput.encode(CheckinJSON(result, context)) + "\n" : recorded.code + "\n")
                } else {
                    failed += 1
                    printError("line \(lineNumber): " + (result.decision.reasons.first?.text(context.language) ?? "refused"))
                }
            } catch {
                failed += 1
                // Said with its line, like the refusals above, so the sender can fix that line.
                _ = Context.fail(error, context.language, prefix: "line \(lineNumber): ")
            }
        }
        if failed > 0 { throw ExitCode(1) }
    }

    /// A batch is nobody's queue at the desk: a line that finds the log locked for longer than
    /// the busy timeout (another process writing flat out; SQLite's lock is not fair) waits and
    /// tries again, for about a minute, before it is reported. Nothing was written by a
    /// transaction that could not begin, so trying again cannot record a visit twice.
    static func patiently<T>(_ work: () throws -> T) throws -> T {
        var attempt = 0
        while true {
            do {
                return try work()
            } catch StoreError.locked(_) where attempt < 12 {
                attempt += 1
                Thread.sleep(forTimeInterval: Double.random(in: 0.01...0.2))
            }
        }
    }
}

/// Reads a file or pipe line by line as data arrives, so a stream is handled as it comes.
struct LineReader: Sequence, IteratorProtocol {
    let handle: FileHandle
    var buffer = [UInt8]()
    var done = false

    init(handle: FileHandle) { self.handle = handle }

    mutating func next() -> String? {
        while true {
            if let nl = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[..<nl], as: UTF8.self)
                buffer.removeSubrange(...nl)
                return line
            }
            if done {
                guard !buffer.isEmpty else { return nil }
                defer { buffer.removeAll() }
                return String(decoding: buffer, as: UTF8.self)
            }
            let chunk = handle.availableData
            if chunk.isEmpty { done = true } else { buffer.append(contentsOf: chunk) }
        }
    }
}

/// `kiosk checkin --json`.
struct CheckinJSON: Encodable {
    var code: String?
    var decision: String
    var verdict: String
    /// The host told of the visit, or asked to approve it (`decision` = awaiting-host).
    var host_notified: String?
    var checked_in_at: String?
    var reasons: [String]
    var warnings: [String]
    var already_inside: String?
    var previous_visit: String?
    var visit: EntryView?

    init(_ r: CheckInResult, _ context: Context) {
        code = r.recorded?.code
        decision = r.recorded?.decision ?? (r.alreadyInside != nil ? "already-inside" : "refused")
        verdict = r.decision.verdict.rawValue
        host_notified = r.notifiedHost
        checked_in_at = r.recorded.map { ISOTime.format($0.checkedInAt) }
        reasons = r.decision.reasons.map { $0.text(context.language) }
        warnings = r.warnings.map { $0.text(context.language) }
        already_inside = r.alreadyInside?.code
        previous_visit = r.previousVisit?.code
        visit = r.recorded.map { EntryView($0, calendar: context.calendar) }
    }
}

/// The keys of a `--batch` line and their types.
enum BatchLine {
    static let textKeys: Set<String> = ["name", "id_number", "phone", "org", "organisation", "host", "purpose", "badge", "category"]
    static let numberKeys: Set<String> = ["temperature"]
    /// `"consent": true`: this visitor agreed (as `--consent` does for every line).
    static let boolKeys: Set<String> = ["consent"]

    /// What is wrong with a line's fields, or nil.
    static func problem(_ object: [String: Any]) -> String? {
        for key in object.keys.sorted() {
            let value = object[key]
            if value is NSNull { continue }
            if textKeys.contains(key) {
                if !(value is String) { return "\"\(TextFolding.clean(key))\" must be text" }
            } else if numberKeys.contains(key) {
                // JSON true/false also arrive as NSNumber: refused like any non-number.
                guard let n = value as? NSNumber, !(value is Bool), String(cString: n.objCType) != "c" else {
                    return "\"\(TextFolding.clean(key))\" must be a number"
                }
            } else if boolKeys.contains(key) {
                guard let n = value as? NSNumber, String(cString: n.objCType) == "c" else { return "\"\(TextFolding.clean(key))\" must be true or false" }
            } else {
                let known = (textKeys.union(numberKeys).union(boolKeys)).sorted().joined(separator: ", ")
                return "unknown field \"\(TextFolding.clean(String(key.prefix(40))))\" (known: \(known))"
            }
        }
        return nil
    }
}
