import Foundation
import Testing

@testable import KioskBench

/// The web benchmark's "8 clients" must be 8 clients at once, also on a 2-core machine.
@Suite struct WorkersTests {
    /// Every worker waits at a barrier until all have arrived: only workers that truly run at
    /// the same time get past it (`concurrentPerform`, one per core, did not).
    @Test func allWorkersRunAtTheSameTime() {
        final class Barrier: @unchecked Sendable {
            let condition = NSCondition()
            var arrived = 0
            var passed = 0
        }
        let workers = 8
        let barrier = Barrier()
        Workers.run(workers) { _ in
            barrier.condition.lock()
            barrier.arrived += 1
            barrier.condition.broadcast()
            let deadline = Date().addingTimeInterval(10)
            while barrier.arrived < workers, barrier.condition.wait(until: deadline) {}
            if barrier.arrived == workers { barrier.passed += 1 }
            barrier.condition.unlock()
        }
        #expect(barrier.arrived == workers)
        #expect(barrier.passed == workers)
    }

    @Test func eachWorkerGetsItsOwnIndexOnce() {
        final class Seen: @unchecked Sendable {
            let lock = NSLock()
            var indices: [Int] = []
        }
        let seen = Seen()
        Workers.run(5) { i in seen.lock.withLock { seen.indices.append(i) } }
        #expect(seen.indices.sorted() == [0, 1, 2, 3, 4])
    }
}
