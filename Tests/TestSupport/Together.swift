import Foundation

/// Runs `count` workers at the same time, each on a thread of its own, released together from
/// a start line, and returns when all have finished.
///
/// Why not `DispatchQueue.concurrentPerform`: it runs at most one iteration per core, so on
/// the kiosk's 2 cores a test of "40 phones at once" ran 2 at a time and tested far less
/// contention than its name said (issue 20 #8). The result says whether every worker really
/// was at the start line at once; tests assert it, so a slide back is caught.
public enum Together {
    @discardableResult
    public static func run(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) -> Bool {
        final class StartLine: @unchecked Sendable {
            let condition = NSCondition()
            var arrived = 0
            var allArrived = false
        }
        let line = StartLine()
        let done = DispatchGroup()
        for worker in 0..<count {
            done.enter()
            let thread = Thread {
                line.condition.lock()
                line.arrived += 1
                if line.arrived == count { line.allArrived = true }
                line.condition.broadcast()
                let deadline = Date().addingTimeInterval(30)
                while !line.allArrived, line.condition.wait(until: deadline) {}
                line.condition.unlock()
                body(worker)
                done.leave()
            }
            thread.name = "test-worker-\(worker)"
            thread.start()
        }
        done.wait()
        return line.allArrived
    }
}
