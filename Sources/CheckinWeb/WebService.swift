import Dispatch
import Foundation
import Gate
import Logging
import ServiceLifecycle

/// The check-in server running beside something else (the guard terminal) or alone
/// (`kiosk serve`), on its own task, stopped on request.
public final class WebService: @unchecked Sendable {
    private var task: Task<Void, Never>?
    private var group: ServiceGroup?
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var failure: String?

    public init() {}

    /// Starts serving. `signals`: let the server stop itself on SIGTERM/SIGINT (alone), or
    /// leave signals to the host (the guard terminal restores the screen first).
    public func start(gate: GateService, host: String? = nil, port: Int? = nil, handleSignals: Bool, log: @escaping @Sendable (String) -> Void) {
        var logger = Logger(label: "kiosk.web")
        logger.logLevel = .notice
        let app = CheckinServer(gate: gate).application(host: host, port: port, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [app], gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [], logger: logger))
        self.group = group
        task = Task { [self] in
            do {
                try await group.run()
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

    /// A graceful shutdown: requests in flight finish, then the listener closes.
    public func stop() {
        guard let group else { return }
        Task { await group.triggerGracefulShutdown() }
        if done.wait(timeout: .now() + 5) == .timedOut { task?.cancel() }
    }
}
