import Building
import Foundation
import Gate
import Glibc
import KioskCore
import Printing

/// Wires the guard terminal together: log file, curses, Gate worker, serial scanner, signals,
/// the loop; and takes it all down again on every way out.
public enum GuardTerminal {
    /// Returns the process exit status (0, or 128+signal after SIGTERM/SIGHUP/SIGINT).
    /// - Parameter startServices: called once the log is set up and before the screen opens
    ///   (the self check-in server); returns how to stop them.
    public static func run(gate: GateService, guardName: String, startServices: (@escaping @Sendable (String) -> Void) -> (() -> Void)? = { _ in nil }) -> Int32 {
        let config = gate.config
        let log = TerminalLog(path: config.ui.logFile)
        let write: @Sendable (String) -> Void = { log?.write($0) }
        // Anything a library prints to stderr goes to the log, never over the screen.
        let savedStderr = dup(STDERR_FILENO)
        if let log { dup2(log.fileDescriptor, STDERR_FILENO) }
        defer {
            if savedStderr >= 0 {
                dup2(savedStderr, STDERR_FILENO)
                close(savedStderr)
            }
        }
        write("start venue=\(config.venue.id) gate=\(config.venue.gate) pid=\(getpid())")
        let stopServices = startServices(write)
        defer { stopServices?() }
        let wake = WakePipe()
        let signals = SignalWatch(wake: wake)
        defer { signals.cancel() }
        // The slip printer, on its own thread: a check-in is on disk and on screen before its
        // slip is drawn; the title bar says when the printer cannot print.
        var gate = gate
        let printerSaid = LastSaid()
        let printer = SlipPrinter(settings: config.printer) { status in
            let line: String
            switch status.state {
            case .failing(let e): line = "printer: \(e.description)"
            case .ready: line = status.paperLow ? "printer: ready, paper low" : "printer: ready"
            case .unknown, .printing: line = ""
            }
            if !line.isEmpty, printerSaid.swap(line) != line { write(line) }
            wake.wake()
        }
        if let printer {
            gate.printer = printer
            printer.start()
            write("printer: \(printer.device) paper=\(config.printer.paper.rawValue) print_on=\(config.printer.printOn.rawValue) copies=\(config.printer.copies)")
        }
        defer { printer?.stop() }
        // Hosts are told from here too (the outbox's worker): a dead relay costs the worker
        // its timeouts, never the guard.
        let notifier = gate.makeNotifier()
        gate.notifier = notifier
        notifier.start()
        defer { notifier.stop() }
        let terminal = CursesTerminal(wakeFD: wake.readFD, unicode: config.ui.unicode)
        defer { terminal.restore() }
        let runner = ThreadRunner(gate: gate) { wake.wake() }
        let app = TerminalApp(gate: gate, runner: runner, guardName: guardName, capabilities: terminal.capabilities, log: write)
        if let printer { app.printerStatus = { printer.status } }
        app.notifyTrouble = { notifier.trouble }
        // The building log, synced beside the loop; the title bar shows the link.
        var worker: SyncWorker?
        do {
            let said = LastSaid()
            worker = try gate.makeBuildingWorker(onChange: { status in
                // The log gets each change of the link once (never a name or number).
                let line: String
                switch status.link {
                case .starting: line = "building: connecting"
                case .online: line = "building: online"
                case .offline(_, let why): line = "building: offline (\(why))"
                case .refused(let why): line = "building: refused: \(why)"
                }
                if said.swap(line) != line { write(line) }
                wake.wake()
            })
        } catch {
            write("building: \(error.description)")
            let failed = SyncStatus(link: .refused(error.description))
            app.buildingStatus = { failed }
        }
        if let worker {
            app.buildingStatus = { worker.status }
            worker.start()
            write("building: syncing with \(config.building.database?.description ?? "?") every \(config.building.syncSeconds) s")
        }
        defer { worker?.stop() }
        let serial = config.scanner.device.map { SerialScanner(path: $0, wake: wake) }
        defer { serial?.stop() }
        var loop = TerminalLoop(
            app: app, terminal: terminal,
            assembler: InputAssembler(maxGapMilliseconds: config.scanner.maxKeyGapMilliseconds, minLength: config.scanner.minScanLength),
            serial: serial, signals: signals, log: write)
        let signal = loop.run()
        // Let a write in flight finish: a visit the screen is about to show is on disk.
        runner.drain()
        write("stop" + (signal.map { " signal=\($0)" } ?? ""))
        return signal.map { 128 + $0 } ?? 0
    }
}

/// The last line written, so a state is logged when it changes, not at every pass.
public final class LastSaid: @unchecked Sendable {
    private let lock = NSLock()
    private var line = ""
    public init() {}
    public func swap(_ new: String) -> String {
        lock.withLock {
            defer { line = new }
            return line
        }
    }
}
