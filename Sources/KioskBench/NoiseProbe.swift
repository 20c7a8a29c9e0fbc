import Foundation

/// How noisy the machine was: the same fixed piece of CPU work, timed a few times at the
/// start, the middle and the end of the run. On a quiet machine its runs agree within a few
/// per cent; a build or another VM on the same host spreads them, and the figures taken in
/// that stretch are worth as much. Read with the load averages beside it.
struct NoiseProbe {
    private(set) var times: [Double] = []
    private(set) var loads: [Double] = []
    /// Which moment each batch of runs was taken at ("start", "middle", "end").
    private(set) var moments: [String] = []

    /// Times the work `runs` times now, and notes the 1-minute load average.
    mutating func sample(_ moment: String, runs: Int = 5) {
        Progress.note("machine noise probe (\(moment))")
        for _ in 0..<runs {
            let clock = ContinuousClock()
            var checksum: UInt64 = 0
            let elapsed = clock.measure { checksum = Self.work() }
            // The result is used, so the optimiser cannot drop the loop.
            guard checksum != Self.impossible else { continue }
            times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        moments.append(moment)
        loads.append(Self.loadAverage())
    }

    /// 20 million steps of SplitMix64: about 20 ms of one core, no memory traffic, no I/O.
    static func work() -> UInt64 {
        var rng = SplitMix64(seed: 7)
        var sum: UInt64 = 0
        for _ in 0..<20_000_000 { sum ^= rng.next() }
        return sum
    }

    private static let impossible: UInt64 = 0x0123_4567_89AB_CDEF

    static func loadAverage() -> Double {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").first.flatMap { Double($0) } ?? 0
    }

    var figure: Figure? {
        guard !times.isEmpty else { return nil }
        return Figure(
            id: "noise.cpu", group: "machine noise (fixed CPU work at \(moments.joined(separator: ", ")))",
            label: "same 20 M SplitMix64 steps each run; load average \(loads.map { String(format: "%.2f", $0) }.joined(separator: " → "))",
            role: .reference, unit: .seconds, samples: Samples(times))
    }
}
