import Foundation
import Glibc

/// The one event loop: wait for keys (or a finished job, a serial scan, a signal), turn keys
/// into scans or typing, let the app handle them, paint. Nothing here blocks on the database.
public struct TerminalLoop {
    public var app: TerminalApp
    public var terminal: any Terminal
    public var assembler: InputAssembler
    public var serial: SerialScanner?
    public var signals: SignalWatch?
    public var log: (String) -> Void

    public init(app: TerminalApp, terminal: any Terminal, assembler: InputAssembler, serial: SerialScanner?, signals: SignalWatch?, log: @escaping (String) -> Void) {
        self.app = app
        self.terminal = terminal
        self.assembler = assembler
        self.serial = serial
        self.signals = signals
        self.log = log
    }

    /// Runs until the guard quits or a signal arrives; returns the signal, if any.
    public mutating func run() -> Int32? {
        var lastTick = Monotonic.milliseconds()
        while true {
            let size = terminal.size
            terminal.present(app.render(columns: size.columns, rows: size.rows))
            while app.alertsPending > 0 {
                terminal.alert()
                app.alertsPending -= 1
            }
            if app.quitRequested { return nil }
            if let sig = signals?.received {
                log("signal \(sig): stopping")
                return sig
            }
            let now = Monotonic.milliseconds()
            var timeout = 1000 - (now - lastTick)
            if let d = assembler.deadline { timeout = min(timeout, d - now + 1) }
            let keys = terminal.readKeys(timeout: Int(max(0, timeout)))
            var events = assembler.feed(keys)
            events += assembler.flush(now: Monotonic.milliseconds())
            if let serial {
                let (scans, problems) = serial.take()
                for p in problems { log("scanner: \(p)") }
                events += scans.map { .scan($0) }
            }
            for e in events { app.handle(e) }
            app.collect()
            if Monotonic.milliseconds() - lastTick >= 1000 {
                lastTick = Monotonic.milliseconds()
                app.tick()
            }
        }
    }
}
