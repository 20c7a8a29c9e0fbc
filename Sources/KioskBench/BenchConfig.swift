import Foundation
import KioskCore

/// The kiosk.conf the benchmarks run under (written by bench/run.sh from the sample),
/// checked before anything runs: a capacity limit would refuse check-ins, a daily export
/// would run inside a timed command, and a database outside the scratch folder would be
/// overwritten by the seeded copy.
enum BenchConfig {
    static func load(path: String, workDir: String) throws -> KioskConfig {
        let config: KioskConfig
        do {
            config = try KioskConfig.load(path: path)
        } catch {
            throw BenchFailure(error.description)
        }
        guard config.venue.capacity == 0 else { throw BenchFailure("\(path): set [venue] capacity = 0 for the bench") }
        guard config.records.autoExportAt == nil else {
            throw BenchFailure("\(path): set [records] auto_export_at = off for the bench")
        }
        let work = URL(fileURLWithPath: workDir).standardized.path + "/"
        guard config.records.database.hasPrefix(work) else {
            throw BenchFailure("\(path): the database \(config.records.database) must be under \(work)")
        }
        return config
    }
}
