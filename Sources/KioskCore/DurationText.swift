import Foundation

/// Durations as people type them on the command line: `15m`, `1h`, `90s`, `2h30m`.
public enum DurationText {
    /// The longest duration accepted: a tracing margin of a week.
    public static let maximum: TimeInterval = 7 * 86400

    /// nil for anything malformed or longer than `maximum`. Every step is checked, so a
    /// number of any length (`999999999999999d`) is refused, never an overflow.
    public static func parse(_ text: String) -> TimeInterval? {
        var total = 0
        var number = ""
        var sawUnit = false
        func add(_ digits: String, times unit: Int) -> Bool {
            guard let n = Int(digits), n >= 0 else { return false }
            let (product, over1) = n.multipliedReportingOverflow(by: unit)
            let (sum, over2) = total.addingReportingOverflow(product)
            guard !over1, !over2, sum <= Int(maximum) else { return false }
            total = sum
            return true
        }
        for ch in text.lowercased() {
            if ch.isASCII && ch.isNumber {
                number.append(ch)
                continue
            }
            let unit: Int
            switch ch {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86400
            default: return nil
            }
            guard add(number, times: unit) else { return nil }
            number = ""
            sawUnit = true
        }
        if !number.isEmpty {
            // A bare number means minutes, the unit people use for tracing margins.
            guard add(number, times: 60) else { return nil }
            sawUnit = true
        }
        guard sawUnit else { return nil }
        return TimeInterval(total)
    }
}
