import Foundation

/// Formats UTC milliseconds as venue-local `YYYY-MM-DD HH:MM:SS` without Foundation's
/// formatters, which are far too slow for a million-row export. The zone offset is looked up
/// once per UTC hour (offsets only change on hour boundaries in every zone kiosks run in).
struct LocalTimeFormatter {
    let timeZone: TimeZone
    private var cachedHour: Int64 = .min
    private var cachedOffset: Int64 = 0

    init(timeZone: TimeZone) { self.timeZone = timeZone }

    /// Appends date and time as two separate strings: `2026-11-29`, `08:41:05`.
    mutating func parts(_ millis: Int64) -> (date: [UInt8], time: [UInt8]) {
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let hour = seconds >= 0 ? seconds / 3600 : (seconds - 3599) / 3600
        if hour != cachedHour {
            cachedHour = hour
            cachedOffset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds))))
        }
        let local = seconds + cachedOffset
        var days = local >= 0 ? local / 86400 : (local - 86399) / 86400
        let secOfDay = local - days * 86400
        // Howard Hinnant's civil_from_days.
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let doe = days - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        var date = [UInt8]()
        date.reserveCapacity(10)
        Self.digits(y, 4, &date)
        date.append(UInt8(ascii: "-"))
        Self.digits(m, 2, &date)
        date.append(UInt8(ascii: "-"))
        Self.digits(d, 2, &date)
        var time = [UInt8]()
        time.reserveCapacity(8)
        Self.digits(secOfDay / 3600, 2, &time)
        time.append(UInt8(ascii: ":"))
        Self.digits(secOfDay / 60 % 60, 2, &time)
        time.append(UInt8(ascii: ":"))
        Self.digits(secOfDay % 60, 2, &time)
        return (date, time)
    }

    private static func digits(_ value: Int64, _ width: Int, _ out: inout [UInt8]) {
        var v = value
        var tmp = [UInt8](repeating: UInt8(ascii: "0"), count: width)
        var i = width - 1
        while i >= 0 {
            tmp[i] = UInt8(ascii: "0") + UInt8(v % 10)
            v /= 10
            i -= 1
        }
        out.append(contentsOf: tmp)
    }
}
