import Foundation

/// Everything one `kiosk-bench` run found: the figures, the goals judged on them, notes, and
/// the benchmarks that could not run. Printed as one table and written as results.json.
struct Report {
    let machine: Machine
    private(set) var figures: [Figure] = []
    private(set) var goals: [Goal] = []
    private(set) var notes: [String] = []
    private(set) var failures: [String] = []

    init(machine: Machine) { self.machine = machine }

    /// Runs one benchmark; a failure is recorded and the others still run.
    mutating func run(_ name: String, _ body: () throws -> SuiteResult) {
        do {
            let result = try body()
            figures += result.figures
            goals += result.goals
            notes += result.notes
        } catch {
            failures.append("\(name): \(error)")
            Progress.note("\(name) could not run: \(error)")
        }
    }

    /// A figure measured outside a suite (the machine-noise probe).
    mutating func add(_ figure: Figure) { figures.append(figure) }

    mutating func fail(_ name: String, _ why: String) { failures.append("\(name): \(why)") }

    mutating func note(_ text: String) { notes.append(text) }

    /// The ratio of a figure's median to its group's baseline median.
    func ratioToBaseline(_ f: Figure) -> Double? {
        guard f.role != .baseline,
            let base = figures.first(where: { $0.group == f.group && $0.role == .baseline }),
            base.samples.median > 0
        else { return nil }
        return f.samples.median / base.samples.median
    }

    // MARK: Table

    var table: String {
        var out = "kiosk benchmarks — \(machine.summary)\n"
        out += "median of the runs after one warm-up run; spread = (max − min) / median; "
        out += "ratio = median ÷ the baseline's median\n"
        if let probe = figures.first(where: { $0.id == "noise.cpu" }) {
            let s = probe.samples
            let verdict = s.spread < 0.10 ? "quiet" : s.spread < 0.30 ? "somewhat noisy" : "noisy: read the figures with care"
            out += "machine noise: the same CPU work took \(Format.value(s.min, .seconds)) … \(Format.value(s.max, .seconds)) "
            out += "over the run (spread \(Format.percent(s.spread)), \(verdict))\n"
        }
        out += "\n"
        var rows = [["benchmark", "what", "runs", "median", "min … max", "spread", "vs baseline"]]
        var lastGroup = ""
        for f in figures {
            let s = f.samples
            let vs: String
            if f.role == .baseline {
                vs = "baseline"
            } else if let r = ratioToBaseline(f) {
                vs = Format.ratio(r) + (f.unit == .perSecond ? " rate" : f.unit == .bytes ? " memory" : " time")
            } else {
                vs = ""
            }
            rows.append([
                f.group == lastGroup ? "" : f.group, f.label, String(s.values.count),
                Format.value(s.median, f.unit),
                Format.value(s.min, f.unit) + " … " + Format.value(s.max, f.unit),
                Format.percent(s.spread), vs,
            ])
            lastGroup = f.group
        }
        out += Self.columns(rows, rightAligned: [2, 3, 5])
        if !goals.isEmpty {
            out += "\n"
            var goalRows = [["goal", "measured", "result"]]
            for g in goals { goalRows.append([g.text, g.measured, g.met ? "met" : "NOT MET"]) }
            out += Self.columns(goalRows, rightAligned: [1])
        }
        if !notes.isEmpty {
            out += "\n" + notes.map { "note: " + $0 }.joined(separator: "\n") + "\n"
        }
        if !failures.isEmpty {
            out += "\n" + failures.map { "COULD NOT RUN: " + $0 }.joined(separator: "\n") + "\n"
        }
        return out
    }

    private static func columns(_ rows: [[String]], rightAligned: Set<Int>) -> String {
        var widths = [Int](repeating: 0, count: rows[0].count)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        var out = ""
        for row in rows {
            var line = ""
            for (i, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                line += i == 0 ? "" : "  "
                line += rightAligned.contains(i) ? pad + cell : cell + pad
            }
            while line.last == " " { line.removeLast() }
            out += line + "\n"
        }
        return out
    }

    // MARK: results.json

    func writeJSON(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(ResultsFile(self))
        try data.write(to: URL(fileURLWithPath: path))
    }
}

/// The shape of results.json: one entry per figure with every run, so later runs can be
/// compared against this one by script.
private struct ResultsFile: Encodable {
    struct FigureJSON: Encodable {
        let id, group, label, role, unit: String
        let runs: [Double]
        let median, min, max, spread: Double
        let ratio_to_baseline: Double?
    }

    struct GoalJSON: Encodable {
        let id, text, measured: String
        let value: Double
        let met: Bool
    }

    let generated_at: String
    let machine: Machine
    let figures: [FigureJSON]
    let goals: [GoalJSON]
    let notes: [String]
    let could_not_run: [String]

    init(_ r: Report) {
        generated_at = ISO8601DateFormatter().string(from: Date())
        machine = r.machine
        figures = r.figures.map { f in
            FigureJSON(
                id: f.id, group: f.group, label: f.label, role: f.role.rawValue, unit: f.unit.rawValue,
                runs: f.samples.values, median: f.samples.median, min: f.samples.min, max: f.samples.max,
                spread: f.samples.spread, ratio_to_baseline: r.ratioToBaseline(f))
        }
        goals = r.goals.map { GoalJSON(id: $0.id, text: $0.text, measured: $0.measured, value: $0.value, met: $0.met) }
        notes = r.notes
        could_not_run = r.failures
    }
}
