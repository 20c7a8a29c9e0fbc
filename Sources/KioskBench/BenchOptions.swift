/// The command line of `kiosk-bench`, normally given by bench/run.sh. Plain parsing: the
/// bench depends only on the project's own modules.
struct BenchOptions {
    var kiosk = ""
    var sqlite3 = "sqlite3"
    var config = ""
    var work = ""
    var cache = ""
    var schemaKey = ""
    var json: String?
    var checkins = 2_000
    var checkinRuns = 5
    var visits = 1_000_000
    var exportRuns = 5
    var listRuns = 10
    /// The EU DCC test files (HC1 benchmark) and the Python reference verifier.
    var fixtures = ""
    var reference = ""
    var python = "python3"
    var qrencode = "qrencode"
    /// Seconds each HC1 verifier runs.
    var hc1Seconds = 5
    /// Benchmarks to run.
    static let all: Set<String> = ["checkins", "export", "inside", "search", "terminal", "web", "hc1", "venue", "slip", "building"]
    /// bench/terminal_start.py: the guard terminal on a pseudo-terminal.
    var terminalScript = ""
    /// A folder with hc1.jsonl and signer.pem from Tests/Soak/make_hc1.py: HC1 codes that
    /// admit (the scan → verdict figure).
    var hc1Codes = ""
    var only: Set<String> = all

    static let usage = """
        usage: kiosk-bench --kiosk BIN --config BENCH.conf --work DIR --cache DIR --schema-key KEY
                           [--sqlite3 BIN] [--json FILE] [--checkins N] [--checkin-runs N]
                           [--visits N] [--export-runs N] [--list-runs N] [--fixtures DIR --reference PY]
                           [--python BIN] [--qrencode BIN] [--hc1-seconds N] [--terminal-script PY] [--hc1-codes DIR] [--only checkins,export,inside,search,terminal,web,hc1,venue,slip,building]
        The config must set capacity = 0 and auto_export_at = off, with its database under --work
        (it is overwritten with a copy of the seeded one). Normally run by `make bench`.
        """

    static func parse(_ args: [String]) throws -> BenchOptions {
        var o = BenchOptions()
        var i = 0
        func value() throws -> String {
            i += 1
            guard i < args.count else { throw BenchFailure("\(args[i - 1]) needs a value") }
            return args[i]
        }
        func number() throws -> Int {
            let v = try value()
            guard let n = Int(v), n > 0 else { throw BenchFailure("\(args[i - 1]): expected a positive number, got \(v)") }
            return n
        }
        while i < args.count {
            switch args[i] {
            case "--kiosk": o.kiosk = try value()
            case "--sqlite3": o.sqlite3 = try value()
            case "--config": o.config = try value()
            case "--work": o.work = try value()
            case "--cache": o.cache = try value()
            case "--schema-key": o.schemaKey = try value()
            case "--json": o.json = try value()
            case "--checkins": o.checkins = try number()
            case "--checkin-runs": o.checkinRuns = try number()
            case "--visits": o.visits = try number()
            case "--export-runs": o.exportRuns = try number()
            case "--list-runs": o.listRuns = try number()
            case "--fixtures": o.fixtures = try value()
            case "--reference": o.reference = try value()
            case "--python": o.python = try value()
            case "--qrencode": o.qrencode = try value()
            case "--terminal-script": o.terminalScript = try value()
            case "--hc1-codes": o.hc1Codes = try value()
            case "--hc1-seconds": o.hc1Seconds = try number()
            case "--only":
                o.only = Set(try value().split(separator: ",").map(String.init))
                let unknown = o.only.subtracting(all)
                guard unknown.isEmpty else { throw BenchFailure("--only: unknown benchmark \(unknown.sorted())") }
            case "-h", "--help": throw BenchFailure(usage)
            default: throw BenchFailure("unknown argument \(args[i])")
            }
            i += 1
        }
        for (name, v) in [("--kiosk", o.kiosk), ("--config", o.config), ("--work", o.work), ("--cache", o.cache), ("--schema-key", o.schemaKey)]
        where v.isEmpty {
            throw BenchFailure("\(name) is required")
        }
        return o
    }
}
