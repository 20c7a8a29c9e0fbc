import Foundation

/// Where the figures were measured. Figures from different machines are not comparable,
/// which is why every goal is a ratio to a baseline measured in the same run.
struct Machine: Encodable, Sendable {
    let cpu: String
    let cores: Int
    let kernel: String
    let sqlite3: String
    /// The 1-minute load average when the run began: above the core count, other work
    /// (a build, a test run) shared the machine and the spreads will show it.
    let loadAtStart: Double

    /// results.json spells its keys in snake case throughout.
    enum CodingKeys: String, CodingKey {
        case cpu, cores, kernel, sqlite3
        case loadAtStart = "load_at_start"
    }

    static func current(sqlite3Version: String) -> Machine {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" }
        let kernel = (try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8)) ?? "?"
        let loadavg = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return Machine(
            cpu: model ?? "unknown CPU", cores: ProcessInfo.processInfo.activeProcessorCount,
            kernel: kernel.trimmingCharacters(in: .whitespacesAndNewlines), sqlite3: sqlite3Version,
            loadAtStart: loadavg.split(separator: " ").first.flatMap { Double($0) } ?? 0)
    }

    /// How this bench was compiled: a debug build's figures are not comparable with a release run's.
    static var build: String {
        #if DEBUG
            "DEBUG build (figures not comparable)"
        #else
            "release build"
        #endif
    }

    var summary: String {
        "\(Self.build) · \(cores) × \(cpu) · Linux \(kernel) · sqlite3 \(sqlite3) · "
            + String(format: "load %.2f at start", loadAtStart)
    }
}
