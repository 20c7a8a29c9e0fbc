/// A benchmark that could not run (a tool missing, a command failing, output not what was
/// asked for). Only these make `kiosk-bench` exit non-zero; a slow figure never does.
struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
