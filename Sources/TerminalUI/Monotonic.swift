import Glibc

/// Milliseconds on the monotonic clock: scan bursts are timed on it, so an NTP correction of
/// the wall clock cannot turn typing into a scan or a scan into typing.
public enum Monotonic {
    public static func milliseconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1_000_000
    }
}
