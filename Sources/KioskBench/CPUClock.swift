import Foundation

/// CPU time this process has used (all threads), for telling a benchmark's own work apart
/// from its waiting on the disk: wall time minus CPU time is mostly fsync.
enum CPUClock {
    struct Reading {
        var user: Double
        var system: Double
        static func - (a: Reading, b: Reading) -> Reading { Reading(user: a.user - b.user, system: a.system - b.system) }
    }

    static func now() -> Reading {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return Reading(user: s(u.ru_utime), system: s(u.ru_stime))
    }
}
