/// Repeated measurements of one quantity.
///
/// The median is the figure reported because this runs on a small shared machine: one run
/// slowed by a checkpoint or a neighbour must not move it, but it should show, so min, max
/// and the spread are kept beside it.
struct Samples: Sendable {
    let values: [Double]

    init(_ values: [Double]) {
        precondition(!values.isEmpty, "a figure needs at least one run")
        self.values = values
    }

    var sorted: [Double] { values.sorted() }
    var min: Double { sorted.first! }
    var max: Double { sorted.last! }

    var median: Double {
        let s = sorted
        let mid = s.count / 2
        return s.count % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
    }

    /// (max − min) / median: how far apart the runs were, as a fraction of the figure.
    var spread: Double { median == 0 ? 0 : (max - min) / median }
}
