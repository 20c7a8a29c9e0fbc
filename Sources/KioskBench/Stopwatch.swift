/// Wall-clock timing on the monotonic clock, so an NTP step during a run cannot bend a figure.
enum Stopwatch {
    /// Seconds taken by `body`.
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try body()
        let elapsed = clock.now - start
        let (s, attoseconds) = elapsed.components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
