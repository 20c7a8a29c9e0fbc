import Dispatch
import Foundation
import Gate
import Logging

/// The check-in server running beside something else (the guard terminal) or alone
/// (`kiosk serve`), on its own task, stopped on request.
public final class WebService: @unchecked Sendable {
    private var task: Task<Void, Never>?
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var failure: String?

    public init() {}

    /// Starts serving. `signals`: let the server stop itself on SIGTERM/SIGINT (alone), or
    /// leave signals to the host (the guard terminal restores the screen first).
    public func start(gate: GateService, host: String? = nil, port: Int? = nil, handleSignals: Bool, log: @escaping @Sendable (String) -> Void) {
        let app = CheckinServer(gate: gate).application(host: host, port: port)
        task = Task { [self] in
            do {
                try await app.runService(gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [])
            } catch {
                lock.withLock { failure = "\(error)" }
                log("web: stopped: \(error)")
            }
            done.signal()
        }
    }

    /// Why the server stopped on its own (a port in use), if it did.
    public var problem: String? {
        lock.lock()
        defer { lock.unlock() }
        return failure
    }

    /// Blocks until the server ends (`kiosk serve`).
    public func wait() { done.wait() }

    public func stop() {
        task?.cancel()
        _ = done.wait(timeout: .now() + 5)
    }
}
