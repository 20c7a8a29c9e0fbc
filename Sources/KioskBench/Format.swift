import Foundation

/// How numbers read in the table: rates with thousands separators, times in the unit that
/// keeps three significant digits, ratios with two decimals.
enum Format {
    static func value(_ v: Double, _ unit: Figure.Unit) -> String {
        switch unit {
        case .perSecond: return grouped(Int(v.rounded())) + "/s"
        case .seconds: return duration(v)
        case .bytes: return String(format: "%.1f MB", v / 1_000_000)
        }
    }

    static func duration(_ seconds: Double) -> String {
        if seconds >= 10 { return String(format: "%.1f s", seconds) }
        if seconds >= 1 { return String(format: "%.2f s", seconds) }
        let ms = seconds * 1000
        if ms >= 100 { return String(format: "%.0f ms", ms) }
        if ms >= 10 { return String(format: "%.1f ms", ms) }
        return String(format: "%.2f ms", ms)
    }

    static func ratio(_ r: Double) -> String { String(format: "%.2f×", r) }

    static func percent(_ fraction: Double) -> String { String(format: "%.0f%%", fraction * 100) }

    static func grouped(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }
}
