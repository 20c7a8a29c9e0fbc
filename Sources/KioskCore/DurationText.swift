import Foundation

/// Durations as people type them on the command line: `15m`, `1h`, `90s`, `2h30m`.
public enum DurationText {
    public static func parse(_ text: String) -> TimeInterval? {
        var total: TimeInterval = 0
        var number = ""
        var sawUnit = false
        for ch in text.lowercased() {
            if ch.isASCII && ch.isNumber {
                number.append(ch)
                continue
            }
            guard let n = Int(number), n >= 0 else { return nil }
            switch ch {
            case "s": total += TimeInterval(n)
            case "m": total += TimeInterval(n * 60)
            case "h": total += TimeInterval(n * 3600)
            case "d": total += TimeInterval(n * 86400)
            default: return nil
            }
            number = ""
            sawUnit = true
        }
        if !number.isEmpty {
            // A bare number means minutes, the unit people use for tracing margins.
            guard let n = Int(number) else { return nil }
            total += TimeInterval(n * 60)
            sawUnit = true
        }
        guard sawUnit, total <= 7 * 86400 else { return nil }
        return total
    }
}
