import Foundation

/// Formats UTC milliseconds as venue-local `YYYY-MM-DD HH:MM:SS` without Foundation's
/// formatters, which are far too slow for a million-row export. The zone's offset is looked
/// up once per stretch of time between two of the zone's transitions and reused for every
/// time inside it: offsets change at transitions only, and those are not always on the hour
/// (Australia/Lord_Howe moves by 30 minutes at 02:00 local; Asia/Kathmandu moved from +5:30
/// to +5:45), so a cache per hour would be wrong there.
struct LocalTimeFormatter {
    let timeZone: TimeZone
    /// The cached offset holds for UTC seconds in `validFrom..<validUntil`.
    private var validFrom: Int64 = .max
    private var validUntil: Int64 = .min
    private var cachedOffset: Int64 = 0

    init(timeZone: TimeZone) { self.timeZone = timeZone }

    /// Appends `2026-11-29`, `08:41:05` or both (space between) for UTC milliseconds.
    mutating func append(_ millis: Int64, date: Bool, time: Bool, to out: inout [UInt8]) {
        // Years 0000–9999 only: a time from elsewhere (another gate's event) may be absurd,
        // and the arithmetic below must never overflow on it.
        let millis = min(max(millis, -62_167_219_200_000), 253_402_300_799_000)
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        if seconds < validFrom || seconds >= validUntil { lookUp(seconds) }
        let local = seconds + cachedOffset
        var days = local >= 0 ? local / 86400 : (local - 86399) / 86400
        let secOfDay = local - days * 86400
        if date {
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
            Self.digits(y, 4, &out)
            out.append(UInt8(ascii: "-"))
            Self.digits(m, 2, &out)
            out.append(UInt8(ascii: "-"))
            Self.digits(d, 2, &out)
        }
        if date && time { out.append(UInt8(ascii: " ")) }
        if time {
            Self.digits(secOfDay / 3600, 2, &out)
            out.append(UInt8(ascii: ":"))
            Self.digits(secOfDay / 60 % 60, 2, &out)
            out.append(UInt8(ascii: ":"))
            Self.digits(secOfDay % 60, 2, &out)
        }
    }

    /// The offset at `seconds`, valid from there up to the zone's next transition (for a
    /// zone without transitions, for ever). Rows come oldest first, so an export spanning a
    /// month looks up once or twice.
    private mutating func lookUp(_ seconds: Int64) {
        let date = Date(timeIntervalSince1970: Double(seconds))
        cachedOffset = Int64(timeZone.secondsFromGMT(for: date))
        validFrom = seconds
        if let next = timeZone.nextDaylightSavingTimeTransition(after: date) {
            // At least one second ahead, so a transition reported at `date` itself cannot
            // make the window empty.
            validUntil = max(seconds + 1, Int64(next.timeIntervalSince1970.rounded(.down)))
        } else {
            validUntil = .max
        }
    }

    /// Date and time as two strings (tests compare them with Foundation's formatting).
    mutating func parts(_ millis: Int64) -> (date: [UInt8], time: [UInt8]) {
        var d: [UInt8] = [], t: [UInt8] = []
        append(millis, date: true, time: false, to: &d)
        append(millis, date: false, time: true, to: &t)
        return (d, t)
    }

    @inline(__always)
    private static func digits(_ value: Int64, _ width: Int, _ out: inout [UInt8]) {
        var divisor: Int64 = 1
        for _ in 1..<width { divisor *= 10 }
        var v = value
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: (v / divisor) % 10))
            v %= divisor
            divisor /= 10
        }
    }
}
