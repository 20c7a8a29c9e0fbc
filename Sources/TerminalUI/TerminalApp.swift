import Building
import Foundation
import Gate
import KioskCore
import Printing

/// Where the guard is. Screens stack: Esc goes back to the one below.
public enum ScreenID: Equatable, Sendable {
    case main, help, manual, checkOut, visits, visitDetail, venueQR, inside, pin(next: PinTarget), supervisor, quit
}

public enum PinTarget: Equatable, Sendable { case export, supervisor }

/// A denial the supervisor may override: a code to scan again, or a request to resubmit.
enum DeniedAttempt: Sendable {
    case scan(String, name: String, why: String)
    case request(CheckInRequest, name: String, why: String)

    var name: String {
        switch self {
        case .scan(_, let n, _), .request(_, let n, _): n
        }
    }

    /// The refusal as the guard saw it, for the supervisor's prompt.
    var why: String {
        switch self {
        case .scan(_, _, let w), .request(_, _, let w): w
        }
    }
}

/// The guard terminal's state and behaviour, independent of curses: keys and scans in,
/// a `CellGrid` out, Gate work handed to a `GateRunner`. The event loop owns one of these.
public final class TerminalApp {
    public let gate: GateService
    let runner: any GateRunner
    public let language: Language
    let guardName: String
    public var capabilities: TerminalCapabilities
    let log: (String) -> Void

    /// Every change of screen goes through here, so leaving the supervisor screen by any
    /// path (Esc, a scan, a saved form, a check-out, an F-key, an override's verdict) locks
    /// the supervisor again: a PIN unlocks the one screen it was typed for, never the terminal.
    public private(set) var stack: [ScreenID] = [.main] {
        didSet {
            if !stack.contains(.supervisor) { supervisor.unlocked = false }
        }
    }
    public var screen: ScreenID { stack.last ?? .main }
    public private(set) var quitRequested = false
    /// The last drawing was the "window too small" message: keys typed then would go into a
    /// field the guard cannot see, so they are dropped until the window grows.
    var windowTooSmall = false
    /// Denials since the loop last looked: it beeps and flashes once for each.
    public var alertsPending = 0
    /// Scans and entries handled since start: every `ProcessMemory.every` of them the
    /// process's memory goes to the log.
    private var handled = 0

    // Main screen
    /// Every verdict is stamped with its venue time and the uptime it was shown at, however
    /// it got here, so it can say when it was given and fade on time.
    public internal(set) var verdict: VerdictPanel? {
        didSet {
            guard var v = verdict, v.shownAt == nil else { return }
            v.shownAt = uptime()
            v.time = gate.calendar.localTime(now)
            verdict = v
        }
    }
    var mainInput = TextField("", limit: 8192)
    public internal(set) var status: (text: String, role: Role)?
    var recent: [Entry] = []
    var stats: DayStats?
    /// Self check-ins waiting for the guard (the main screen says how many).
    var pendingCount = 0
    /// Visitors waiting for their host's yes (issue 17): shown, and followed until answered.
    var hostWatch = HostWatch()
    var lastDenied: DeniedAttempt?
    /// Characters typed on a screen without a field (see `takeStrayTyping`), and when the last was.
    var strayTyping = ""
    var strayTypedAt = 0.0

    // Other screens
    var form: ManualForm?
    var checkOut = CheckOutState()
    var visits = VisitsState()
    var insideList: [Entry] = []
    /// The building link's state (`SyncWorker.status`), nil for a gate that stands alone.
    public var buildingStatus: (@Sendable () -> SyncStatus)?
    /// The slip printer's state (`SlipPrinter.status`), nil without a printer.
    public var printerStatus: (@Sendable () -> PrinterStatus)?
    /// Why messages to hosts are not going out (nil: they are, or none wait).
    public var notifyTrouble: (@Sendable () -> String?)?
    /// The last slip failure already said, so each is said once.
    var slipFailureSaid = 0
    /// Whether the guard was told the printer gives no status (once a session).
    var printerNoStatusSaid = false
    var insideScroll = 0
    var pinField = TextField("", limit: 12)
    /// Everything typed on the PIN screen, digits or not: a scanner too slow to be told by
    /// speed leaves its code here, and it is a scan, not a wrong PIN.
    var pinTyped = ""
    var pinMessage: (text: String, role: Role)?
    var supervisor = SupervisorState()
    var venueQR: VenueQRState?

    // Jobs
    private var nextJob = 1
    private var waiting: [Int: (Result<any Sendable, any Error>) -> Void] = [:]
    /// When the oldest job still waiting was sent, in seconds of `uptime`.
    var busySince: Double?
    /// When the last refresh and daily jobs ran, in seconds of `uptime`: intervals are timed
    /// on the monotonic clock, so a wall clock set back an hour (an NTP correction) does not
    /// freeze the counts and the daily jobs for that hour.
    private var lastRefresh = -Double.infinity
    private var announcedReady = false
    private var lastMaintenance = -Double.infinity
    /// Seconds on a clock that only moves forward (tests pass their own).
    let uptime: @Sendable () -> Double

    public init(
        gate: GateService, runner: any GateRunner, guardName: String, capabilities: TerminalCapabilities,
        uptime: @escaping @Sendable () -> Double = { Monotonic.milliseconds() / 1000 }, log: @escaping (String) -> Void = { _ in }
    ) {
        self.gate = gate
        self.uptime = uptime
        self.runner = runner
        language = gate.language
        self.guardName = guardName
        self.capabilities = capabilities
        self.log = log
        refresh()
        maintain()
    }

    /// Daily jobs (automatic check-out at midnight, purge, the daily export), on the worker
    /// after the first screen and then every minute, so a terminal left running all day
    /// does them on time and start-up never waits for them.
    func maintain() {
        lastMaintenance = uptime()
        run({ gate in gate.runMaintenance() }, done: { [self] result in
            guard case .success(let report) = result else { return }
            for f in report.failures {
                log("maintenance: \(f)")
                say(f, .error)
            }
            if !report.autoClosed.isEmpty || report.purged > 0 || !report.exported.isEmpty {
                log("maintenance auto-closed=\(report.autoClosed.count) purged=\(report.purged) exported=\(report.exported.count)")
                refresh()
            }
        })
    }

    func countHandled() {
        handled += 1
        if handled % ProcessMemory.every == 0, let m = ProcessMemory.trimmedNow() { log(m.logLine) }
    }

    func t(_ key: UIKey, _ args: [String] = []) -> String { UIText.text(key, language, args) }
    var now: Date { gate.clock.now() }

    // MARK: Jobs

    /// Hands work to the Gate runner; `done` runs on the loop's thread with the result.
    func run<T: Sendable>(_ work: @escaping @Sendable (GateService) throws -> T, done: @escaping (Result<T, any Error>) -> Void) {
        let id = nextJob
        nextJob += 1
        if waiting.isEmpty { busySince = uptime() }
        waiting[id] = { result in
            done(result.flatMap { value in
                if let v = value as? T { return .success(v) }
                return .failure(CocoaError(.coderInvalidValue))
            })
        }
        runner.submit(id) { gate in try work(gate) }
        collect()
    }

    /// Applies finished jobs; the loop calls this on every wake-up.
    public func collect() {
        for (id, result) in runner.finished() {
            guard let done = waiting.removeValue(forKey: id) else { continue }
            if waiting.isEmpty { busySince = nil }
            done(result)
        }
        noticeSlipFailure()
    }

    /// A slip that did not print is said once, on whatever screen the guard is: the visitor
    /// may still be at the desk, and F4 reprints it.
    func noticeSlipFailure() {
        guard let status = printerStatus?() else { return }
        if status.unconfirmed, !printerNoStatusSaid {
            printerNoStatusSaid = true
            log("printer: gives no status; slips are sent unconfirmed")
            say(t(.printerNoStatus), .warning)
        }
        guard let failure = status.lastFailure, failure.number > slipFailureSaid else { return }
        slipFailureSaid = failure.number
        log("printer: slip \(failure.code) not printed: \(failure.error.description)")
        // Every visitor still owed a slip, newest last: a second failure does not hide the first.
        let owed = status.notPrinted.suffix(4).joined(separator: ", ") + (status.notPrinted.count > 4 ? " …" : "")
        say(t(.slipFailed, [owed.isEmpty ? failure.code : owed, failure.error.short(language)]), .error)
        alertsPending += 1
    }

    public var isBusy: Bool { !waiting.isEmpty }

    func describe(_ error: any Error) -> String { gate.describe(error) }

    func say(_ text: String, _ role: Role = .normal) { status = (TextFolding.clean(text), role) }

    /// Counts and recent visits for the main screen (after every change, and every 2 s so
    /// that visits recorded elsewhere, such as self check-ins, appear).
    func refresh() {
        lastRefresh = uptime()
        let watched = hostWatch.codes
        run({ gate -> (DayStats, [Entry], Int, HostWatch.Look) in
            let day = gate.today()
            // A visitor owed a slip who has left (or was closed) is owed nothing any more.
            if let printer = gate.printer {
                let gone = printer.status.notPrinted.filter { (try? gate.visit(code: $0))??.isInside != true }
                printer.forgive(gone)
            }
            let stats = try gate.counts(day: day)
            return (stats, try gate.list(day: day, insideOnly: false, search: nil, newest: 20), try gate.pendingSelfCheckIns().count,
                    try HostWatch.look(gate, watching: watched))
        }, done: { [self] result in
            switch result {
            case .success(let (s, r, p, hosts)):
                noticeHostAnswers(hosts)
                if p > pendingCount {
                    // A visitor checked in on the phone: a beep, and the count on screen.
                    alertsPending += 1
                    log("self check-ins pending=\(p)")
                }
                pendingCount = p
                stats = s
                recent = r
                if !announcedReady {
                    // The first complete screen: start-up time is read from the log.
                    announcedReady = true
                    log("ready inside=\(s.insideNow) today=\(s.visits)")
                }
            case .failure(let e):
                say(describe(e), .error)
            }
        })
        if screen == .visits || screen == .visitDetail { reloadVisits() }
        if screen == .inside { reloadInside() }
    }

    /// Called by the loop about once a second.
    public func tick() {
        let t = uptime()
        // P alone on a visit's details, with nothing after it: the guard's "print the slip"
        // (a slow scanner typing a code that starts with P goes on within milliseconds).
        if screen == .visitDetail, strayTyping == "p" || strayTyping == "P", t - strayTypedAt >= 0.3 {
            strayTyping = ""
            visitDetailKey(.character("p"))
        }
        if t - lastMaintenance >= 60, !isBusy { maintain() }
        if t - lastRefresh >= 2, !isBusy { refresh() }
        // Host answers kept while the guard was elsewhere appear once back on the main screen.
        showHostAnswers()
        let seconds = Double(gate.config.ui.verdictSeconds)
        if seconds > 0, let at = verdict?.shownAt, verdict?.faded == false, t - at >= seconds { fadeVerdict() }
    }

    /// The verdict goes neutral: the next visitor at the desk must not read it as theirs.
    func fadeVerdict() {
        guard verdict?.faded == false else { return }
        verdict?.faded = true
    }

    // MARK: Input

    public func handle(_ event: InputEvent) {
        switch event {
        case .scan(let raw): handleBurst(raw)
        case .key(let key): handleKey(key)
        }
    }

    func handleKey(_ key: Key) {
        if key == .resize || windowTooSmall { return }
        // The guard is busy with what comes next: the last verdict no longer stands.
        fadeVerdict()
        if key == .enter, takeScanTypedIntoField() { return }
        if takeStrayTyping(key) { return }
        if let action = KeyTable.action(for: key), acceptsGlobalKeys {
            perform(action)
            return
        }
        switch screen {
        case .main: mainKey(key)
        case .help: if key == .escape || key == .enter { pop() }
        case .manual: manualKey(key)
        case .checkOut: checkOutKey(key)
        case .visits: visitsKey(key)
        case .visitDetail: visitDetailKey(key)
        case .venueQR: if key == .escape || key == .enter { pop() }
        case .inside: insideKey(key)
        case .pin(let next): pinKey(key, next: next)
        case .supervisor: supervisorKey(key)
        case .quit:
            if key == .enter || key == .character("y") || key == .character("c") { quitRequested = true } else if key == .escape { pop() }
        }
    }

    /// Screens where a bare Enter confirms something (a visit's check-out or confirmation, the
    /// quit prompt) have no field to type into. A scanner slower than `max_key_gap_ms` types
    /// its code there key by key and ends with Enter, which checked a visit out or quit the
    /// kiosk (the guard's shift after issue 22). Characters typed there are held; the Enter
    /// that follows them is that text's, never the screen's: a code is handled as a scan,
    /// anything else is dropped.
    private func takeStrayTyping(_ key: Key) -> Bool {
        guard screen == .visitDetail || screen == .quit else {
            strayTyping = ""
            return false
        }
        switch key {
        case .character(let c):
            // The quit prompt's own answers, typed alone.
            if screen == .quit, strayTyping.isEmpty, c == "y" || c == "c" { return false }
            strayTyping.append(c)
            strayTypedAt = uptime()
            return true
        case .enter where !strayTyping.isEmpty:
            let text = strayTyping
            strayTyping = ""
            visits.confirmCheckout = false
            if TypedScan.find(in: text) != nil || ScanKind.classify(text) != .unknown {
                log("typed-scan length=\(text.count)")
                handleScan(text)
            }
            return true
        case .escape, .backspace:
            strayTyping = ""
            return false
        default:
            return false
        }
    }

    /// Function keys work everywhere except while a supervisor types a PIN or a reason
    /// (where F8 is form-specific it is handled by the form).
    private var acceptsGlobalKeys: Bool {
        if case .pin = screen { return false }
        return true
    }

    public func perform(_ action: GlobalAction) {
        switch action {
        case .help: open(.help)
        case .manualEntry: openForm()
        case .checkOut:
            checkOut = CheckOutState()
            open(.checkOut)
        case .visits: openVisits(search: "")
        case .venueQR: openVenueQR()
        case .export: askPin(.export)
        case .insideNow:
            insideScroll = 0
            open(.inside)
            reloadInside()
        case .supervisor: askPin(.supervisor)
        case .quit: open(.quit)
        }
    }

    /// Opens a screen on top of the main one (screens do not pile up: F-keys replace).
    func open(_ s: ScreenID) {
        stack = s == .main ? [.main] : [.main, s]
    }

    func push(_ s: ScreenID) { stack.append(s) }

    func pop() {
        if stack.count > 1 { stack.removeLast() }
    }

    public func goHome() { stack = [.main] }
}

/// The check-out screen (F3).
struct CheckOutState: Equatable {
    var input = TextField("", limit: 200)
    var matches: [Entry] = []
    var selected = 0
    var confirm: Entry?
    var message: String?
}

/// The visits screen (F4) and one visit's details.
struct VisitsState: Equatable {
    var search = TextField("", limit: 200)
    enum Filter: CaseIterable, Equatable { case all, inside, pending }
    var filter = Filter.all
    var entries: [Entry] = []
    var selected = 0
    var detail: Entry?
    var confirmCheckout = false
}

/// The supervisor's menu (F6/F9), unlocked by the PIN until the guard leaves it.
struct SupervisorState: Equatable {
    enum Ask: Equatable { case none, day, from, to(from: String), overrideBy, reason(by: String), purgeConfirm, takenBy }
    var unlocked = false
    var selected = 0
    var ask: Ask = .none
    var field = TextField("", limit: 200)
    var lines: [String] = []
}

/// The venue QR (F5): lines of the code as drawn, and the token slot they belong to.
struct VenueQRState: Equatable {
    var lines: [String]
    var slot: Int64
    var error: String?
}
