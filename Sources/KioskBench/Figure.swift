/// One measured line of the table: a subject, the baseline it is read against, or a
/// reference such as the disk's limit.
struct Figure: Sendable {
    enum Role: String, Sendable {
        case subject, baseline, reference
    }

    enum Unit: String, Sendable {
        /// Samples are events per second; higher is better.
        case perSecond = "per_second"
        /// Samples are seconds of wall time; lower is better.
        case seconds
        /// Samples are bytes of memory; lower is better.
        case bytes
    }

    /// Stable key in results.json, e.g. `export.kiosk`.
    let id: String
    /// The benchmark the line belongs to; the group's baseline is the line marked `.baseline`.
    let group: String
    let label: String
    let role: Role
    let unit: Unit
    let samples: Samples
}

/// A goal from issue 2, judged on the medians.
struct Goal: Sendable {
    let id: String
    let text: String
    /// The measured figure as the goal states it (`0.93×`, `23.1 ms`).
    let measured: String
    let value: Double
    let met: Bool
}

/// What one benchmark produced.
struct SuiteResult: Sendable {
    var figures: [Figure]
    var goals: [Goal]
    var notes: [String] = []
}
