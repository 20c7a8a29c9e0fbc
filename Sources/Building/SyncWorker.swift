import Foundation
import Records

/// The building link as the guard and `kiosk building status` see it.
public struct SyncStatus: Equatable, Sendable {
    public enum Link: Equatable, Sendable {
        /// No pass has finished yet since start.
        case starting
        case online
        /// Unreachable since then (the gate goes on alone); why, in one line.
        case offline(since: Date, why: String)
        /// The building log refuses this gate (a fork, another key): a person must act.
        case refused(String)
    }

    public var link = Link.starting
    /// This gate's events not yet in the building log (as of the last known server head).
    public var waiting = 0
    /// When the replica last caught up with the other gates: the age of "inside the building".
    public var lastSuccess: Date?
    /// Server minus gate clock, ms, at the last pass.
    public var clockOffsetMillis: Int64?
    /// Why the building log refuses this gate (with `.refused`), for a short word on screen.
    public var refusal: BuildingError?

    public init(link: Link = .starting, waiting: Int = 0, lastSuccess: Date? = nil, clockOffsetMillis: Int64? = nil) {
        self.link = link
        self.waiting = waiting
        self.lastSuccess = lastSuccess
        self.clockOffsetMillis = clockOffsetMillis
    }
}

/// Runs `GateSync` every `interval` on a thread of its own, so that a scan never waits for
/// the network: the guard terminal and `kiosk serve` start one and read `status` to draw the
/// link. Each pass is bounded by the link's deadlines, so a hung server costs one pass, not
/// the gate.
public final class SyncWorker: @unchecked Sendable {
    private let sync: GateSync
    private let store: Store
    private let interval: TimeInterval
    private let condition = NSCondition()
    private var stopping = false
    private var wakeRequested = false
    private var current = SyncStatus()
    private var finished = false
    /// Called after every pass (on the worker's thread), for a front end to redraw.
    private let onChange: @Sendable (SyncStatus) -> Void

    public init(sync: GateSync, store: Store, interval: Duration, onChange: @escaping @Sendable (SyncStatus) -> Void = { _ in }) {
        self.sync = sync
        self.store = store
        self.interval = max(0.2, Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18)
        self.onChange = onChange
        if let pulled = try? store.meta(GateSync.pulledAtMeta).flatMap(Int64.init) {
            current.lastSuccess = Date(timeIntervalSince1970: Double(pulled) / 1000)
        }
        current.waiting = waitingFromMeta()
    }

    public var status: SyncStatus { condition.withLock { current } }

    public func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "building-sync"
        thread.start()
    }

    /// Asks for a pass now (after a check-in, so other gates see it within a round trip).
    public func wake() {
        condition.withLock {
            wakeRequested = true
            condition.broadcast()
        }
    }

    /// Stops after the pass in progress, waiting at most `timeout` for it.
    public func stop(timeout: TimeInterval = 1) {
        condition.lock()
        stopping = true
        condition.broadcast()
        let deadline = Date().addingTimeInterval(timeout)
        while !finished, condition.wait(until: deadline) {}
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            let isStopping = stopping
            condition.unlock()
            if isStopping { break }
            let next = pass()
            condition.lock()
            current = next
            condition.unlock()
            onChange(next)
            // Until the next pass is due: every quarter second, a look at this gate's head (one
            // indexed read) and at the server's notifications. A new event here (or by another
            // process on this log) is sent at once; another gate's new events are pulled at once.
            let deadline = Date().addingTimeInterval(interval)
            let head = (try? store.ownHead().seq) ?? 0
            condition.lock()
            while !stopping, !wakeRequested {
                let tick = min(deadline, Date().addingTimeInterval(0.25))
                if !condition.wait(until: tick) {
                    if Date() >= deadline { break }
                    condition.unlock()
                    let moved = ((try? store.ownHead().seq) ?? head) != head || sync.othersAdded()
                    condition.lock()
                    if moved { break }
                }
            }
            wakeRequested = false
            condition.unlock()
        }
        condition.withLock {
            finished = true
            condition.broadcast()
        }
    }

    private func pass() -> SyncStatus {
        var s = status
        do {
            let report = try sync.pass()
            s.link = .online
            s.refusal = nil
            s.waiting = report.waiting
            s.lastSuccess = sync.now()
            s.clockOffsetMillis = report.clockOffsetMillis
        } catch let error {
            switch error {
            case .offline(let why):
                if case .offline(let since, _) = s.link {
                    s.link = .offline(since: since, why: why)
                } else {
                    s.link = .offline(since: sync.now(), why: why)
                }
            default:
                s.link = .refused(error.description)
                s.refusal = error
            }
            s.waiting = waitingFromMeta()
        }
        return s
    }

    private func waitingFromMeta() -> Int {
        let server = (try? store.meta(GateSync.serverHeadMeta)).flatMap { $0 }.flatMap(Int64.init) ?? 0
        let local = (try? store.ownHead().seq) ?? 0
        return Int(max(0, local - server))
    }
}
