import Foundation

/// Progress on standard error, so a ten-minute run shows it is alive while standard output
/// carries only the table. Each line carries the time since start, which shows where the
/// minutes of a run go.
enum Progress {
    private static let start = ContinuousClock.now

    static func note(_ text: String) {
        let elapsed = (ContinuousClock.now - start).components.seconds
        let stamp = String(format: "%d:%02d", elapsed / 60, elapsed % 60)
        FileHandle.standardError.write(Data("kiosk-bench [\(stamp)] \(text)\n".utf8))
    }
}
