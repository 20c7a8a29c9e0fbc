/// Times a command and its baseline one after the other, run by run, after one untimed
/// warm-up of each (page cache, dynamic linking). Alternating means a slow stretch of the
/// machine lands on both sides instead of on whichever happened to run then.
struct AlternatingRuns {
    let subject: Command
    let baseline: Command
    let runs: Int
    let label: String

    /// `check` sees each run's outputs right after it (warm-up included) and throws when the
    /// command did not do what the figure claims; it also removes outputs between runs.
    func run(check: (_ warmUp: Bool) throws -> Void) throws -> (subject: [Double], baseline: [Double]) {
        var s: [Double] = []
        var b: [Double] = []
        for r in 0...runs {
            if r == 0 || r == runs || r % max(1, runs / 4) == 0 { Progress.note("\(label): run \(r)/\(runs)") }
            let ts = try Spawn.run(subject)
            let tb = try Spawn.run(baseline)
            try check(r == 0)
            if r > 0 {
                s.append(ts)
                b.append(tb)
            }
        }
        return (s, b)
    }
}
