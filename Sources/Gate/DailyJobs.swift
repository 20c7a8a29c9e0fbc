import Dispatch
import Foundation

/// The daily jobs (automatic check-out, retention purge, daily exports) run by a front end
/// that has no event loop of its own to time them: `kiosk serve`. Once at start and then
/// every `interval` seconds on a monotonic timer, on its own thread, until stopped. The guard
/// terminal times the same `runMaintenance` from its loop; a gate running only the phone form
/// must close forgotten visits, purge and export just the same.
public final class DailyJobs: @unchecked Sendable {
    private let gate: GateService
    private let interval: TimeInterval
    private let log: @Sendable (String) -> Void
    private let stopped = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private var thread: Thread?

    public init(gate: GateService, interval: TimeInterval = 60, log: @escaping @Sendable (String) -> Void) {
        self.gate = gate
        self.interval = interval
        self.log = log
    }

    public func start() {
        let t = Thread { [self] in
            repeat {
                let report = gate.runMaintenance()
                for f in report.failures { log("maintenance: \(f)") }
                if !report.autoClosed.isEmpty || report.purged > 0 || !report.exported.isEmpty {
                    log("maintenance auto-closed=\(report.autoClosed.count) purged=\(report.purged) exported=\(report.exported.count)")
                }
            } while stopped.wait(timeout: .now() + interval) == .timedOut
            finished.signal()
        }
        t.name = "kiosk.daily-jobs"
        thread = t
        t.start()
    }

    /// Stops after the run in progress, if any, has finished (a purge is never cut short).
    public func stop() {
        guard thread != nil else { return }
        stopped.signal()
        finished.wait()
        thread = nil
    }
}
