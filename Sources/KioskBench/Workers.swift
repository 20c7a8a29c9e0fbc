import Foundation

/// Runs `count` workers at the same time, each on a thread of its own, and returns when all
/// have finished.
///
/// Why not `DispatchQueue.concurrentPerform`: it runs at most one iteration per core, so on
/// the kiosk's 2 cores "8 clients" were 2 clients taking turns, and the self check-in figure
/// measured one request's latency rather than the server under 8 phones at once.
enum Workers {
    static func run(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let done = DispatchGroup()
        for worker in 0..<count {
            done.enter()
            let thread = Thread {
                body(worker)
                done.leave()
            }
            thread.name = "bench-worker-\(worker)"
            thread.start()
        }
        done.wait()
    }
}
