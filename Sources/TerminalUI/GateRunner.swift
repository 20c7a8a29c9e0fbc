import Foundation
import Gate
import KioskCore


/// Work for the Gate, run off the screen's thread so a slow or locked database never freezes
/// the gate: the loop keeps drawing and says the database is busy.
public typealias GateWork = @Sendable (GateService) throws -> any Sendable

public protocol GateRunner: AnyObject {
    func submit(_ id: Int, _ work: @escaping GateWork)
    /// Results finished since the last call, in submission order.
    func finished() -> [(id: Int, result: Result<any Sendable, any Error>)]
}

/// Runs each job at once on the caller's thread: for unit tests, where order is the point.
public final class ImmediateRunner: GateRunner {
    let gate: GateService
    private var done: [(id: Int, result: Result<any Sendable, any Error>)] = []
    public init(gate: GateService) { self.gate = gate }

    public func submit(_ id: Int, _ work: @escaping GateWork) {
        done.append((id, Result { try work(gate) }))
    }

    public func finished() -> [(id: Int, result: Result<any Sendable, any Error>)] {
        defer { done.removeAll() }
        return done
    }
}

/// One worker thread, jobs in order. A job that finds the database locked is tried again
/// (its transaction rolled back, so a retry cannot record twice) until it succeeds or gives
/// up after `retryFor` seconds; the screen shows the wait meanwhile.
public final class ThreadRunner: GateRunner, @unchecked Sendable {
    private let gate: GateService
    private let queue = DispatchQueue(label: "kiosk.gate")
    private let lock = NSLock()
    private var done: [(id: Int, result: Result<any Sendable, any Error>)] = []
    private let wake: @Sendable () -> Void
    private let retryFor: TimeInterval

    /// - Parameter wake: called from the worker when a result is ready (writes the loop's pipe).
    public init(gate: GateService, retryFor: TimeInterval = 60, wake: @escaping @Sendable () -> Void) {
        self.gate = gate
        self.wake = wake
        self.retryFor = retryFor
    }

    public func submit(_ id: Int, _ work: @escaping GateWork) {
        queue.async { [self] in
            let started = Date()
            var result = Result<any Sendable, any Error> { try work(gate) }
            while case .failure(let e) = result, case .locked? = e as? StoreError, Date().timeIntervalSince(started) < retryFor {
                Thread.sleep(forTimeInterval: 0.5)
                result = Result { try work(gate) }
            }
            lock.lock()
            done.append((id, result))
            lock.unlock()
            wake()
        }
    }

    /// Waits for the jobs already submitted (at exit: a write in flight completes).
    public func drain() {
        queue.sync {}
    }

    public func finished() -> [(id: Int, result: Result<any Sendable, any Error>)] {
        lock.lock()
        defer { lock.unlock() }
        let out = done
        done.removeAll()
        return out
    }
}
