import Foundation

/// A calendar day in the venue's time zone, e.g. `2026-11-29`.
public struct VenueDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`; nil for anything else, including impossible dates.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
            (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        guard let date = cal.date(from: DateComponents(year: y, month: m, day: d)),
            cal.component(.day, from: date) == d
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    public static func < (a: VenueDay, b: VenueDay) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }
}

/// Converts between UTC instants (what is stored) and the venue's days and wall-clock times
/// (what people read). Days are the venue's days, wherever the machine's zone is set.
public struct VenueCalendar: Sendable {
    public let timeZone: TimeZone
    private let calendar: Calendar

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        self.calendar = cal
    }

    public func day(of date: Date) -> VenueDay {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return VenueDay(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1)
    }

    /// The first instant of a venue day.
    public func start(of day: VenueDay) -> Date {
        calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))
            ?? Date(timeIntervalSince1970: 0)
    }

    /// The half-open interval [start, next day's start).
    public func interval(of day: VenueDay) -> (start: Date, end: Date) {
        (start(of: day), start(of: self.day(adding: 1, to: day)))
    }

    public func day(adding days: Int, to day: VenueDay) -> VenueDay {
        let noon = start(of: day).addingTimeInterval(12 * 3600)
        let moved = calendar.date(byAdding: .day, value: days, to: noon) ?? noon
        return self.day(of: moved)
    }

    /// The instant of a wall-clock time on a venue day.
    public func date(on day: VenueDay, at time: TimeOfDay) -> Date {
        start(of: day).addingTimeInterval(TimeInterval(time.minutes * 60))
    }

    /// `2026-11-29 08:41:05`, in the venue's zone.
    public func localTimestamp(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0,
            c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    /// `08:41`, in the venue's zone.
    public func localTime(_ date: Date) -> String {
        let c = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
    }

    /// `08:41 29/11/2026`: the way a Vietnamese visitor reads a time on paper.
    public func slipTimestamp(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%02d:%02d %02d/%02d/%04d", c.hour ?? 0, c.minute ?? 0, c.day ?? 0, c.month ?? 0, c.year ?? 0)
    }

    public func hour(of date: Date) -> Int {
        calendar.component(.hour, from: date)
    }
}

/// A wall-clock time such as `auto_export_at = 00:05`.
public struct TimeOfDay: Hashable, Sendable, CustomStringConvertible {
    public let minutes: Int

    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
            let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m)
        else { return nil }
        minutes = h * 60 + m
    }

    public init(minutes: Int) { self.minutes = minutes }

    public var description: String { String(format: "%02d:%02d", minutes / 60, minutes % 60) }
}

/// ISO 8601 in UTC, the form timestamps take in JSON output and in the hash chain.
public enum ISOTime {
    /// `2026-11-29T01:41:05Z`, to the second as Foundation's formatter rounds it.
    /// Written out by arithmetic for the years 1900–9999: making an `ISO8601DateFormatter`
    /// loaded ICU's calendar and locale data on every call, three quarters of a check-in's CPU
    /// (issue 19's profile). Anything else still goes through Foundation, whose calendar is
    /// Julian before 1582 (the arithmetic's is not).
    public static func format(_ date: Date) -> String {
        let t = date.timeIntervalSince1970
        guard t.isFinite, t >= -2_208_988_800, t < 253_402_300_700 else { return foundationFormat(date) }
        // As ICU does: milliseconds since 1970 from the date's own reference, rounded half up, then
        // whole seconds down (so .9996 s is the next second, exactly as Foundation says it).
        let millis = ((date.timeIntervalSinceReferenceDate + 978_307_200) * 1000 + 0.5).rounded(.down)
        let seconds = Int64((millis / 1000).rounded(.down))
        var days = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        let (y, m, d) = civil(daysSince1970: days)
        var out = [UInt8]()
        out.reserveCapacity(20)
        func put(_ value: Int, _ width: Int) {
            var digits = [UInt8](repeating: UInt8(ascii: "0"), count: width)
            var v = value
            for i in stride(from: width - 1, through: 0, by: -1) {
                digits[i] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            }
            out += digits
        }
        put(y, 4); out.append(UInt8(ascii: "-")); put(m, 2); out.append(UInt8(ascii: "-")); put(d, 2)
        out.append(UInt8(ascii: "T"))
        put(Int(rest / 3600), 2); out.append(UInt8(ascii: ":")); put(Int(rest / 60 % 60), 2)
        out.append(UInt8(ascii: ":")); put(Int(rest % 60), 2); out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    /// The proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's
    /// `civil_from_days`).
    static func civil(daysSince1970 z0: Int64) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (Int(y), Int(m), Int(d))
    }

    /// Foundation's own formatting, for the dates the arithmetic does not cover (and for the
    /// test that holds the two equal).
    public static func foundationFormat(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }

    /// Accepts `2026-11-29T08:00:00Z`, offsets, fractional seconds of any length, and no
    /// zone at all (taken as UTC, as in some issuers' test files).
    public static func parse(_ text: String) -> Date? {
        var t = text.trimmingCharacters(in: .whitespaces)
        guard t.count >= 19, t.count <= 40 else { return nil }
        // YYYY-MM-DDTHH:MM:SS exactly: Foundation's parser takes a longer year and wraps it
        // (`999999-12-31` became the year 506713), so the shape is checked first.
        let head = Array(t.utf8.prefix(19))
        for (i, b) in head.enumerated() {
            let expected: UInt8? = [4: UInt8(ascii: "-"), 7: UInt8(ascii: "-"), 13: UInt8(ascii: ":"), 16: UInt8(ascii: ":")][i]
            if let expected { guard b == expected else { return nil } }
            else if i == 10 { guard b == UInt8(ascii: "T") || b == UInt8(ascii: "t") || b == UInt8(ascii: " ") else { return nil } }
            else { guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) else { return nil } }
        }
        var fraction = 0.0
        // Cut the fraction out ourselves: the formatter accepts only milliseconds.
        if let dot = t.firstIndex(of: "."), t.distance(from: t.startIndex, to: dot) == 19 {
            let digits = t[t.index(after: dot)...].prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty else { return nil }
            fraction = Double("0." + digits) ?? 0
            t.removeSubrange(dot..<t.index(dot, offsetBy: digits.count + 1))
        }
        if t.count == 19 { t += "Z" }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: t).map { $0.addingTimeInterval(fraction) }
    }
}
