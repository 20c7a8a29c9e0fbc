import Foundation
import KioskCore

/// The shape of the seeded database: how many visits, over which venue days, how many still
/// inside, and the pinned "now" the CLI runs at. Fixed dates keep the data identical from run
/// to run, so the cached copy stays valid and figures stay comparable.
struct SeedPlan: Sendable {
    /// Bump when the generated data changes, so cached databases are made again.
    static let version = 1

    let visits: Int
    let firstDay = VenueDay(year: 2026, month: 10, day: 31)
    let days = 30
    /// Visits left open on the last day: the evacuation roll call `list --inside` prints.
    let stillInside = 100
    /// Check-ins with this many per transaction, as the brief asks: large enough that
    /// seeding is not bound by commits, small enough to keep each transaction's memory low.
    let batch = 10_000
    let calendar: VenueCalendar

    init(visits: Int, timeZone: TimeZone) {
        self.visits = visits
        calendar = VenueCalendar(timeZone: timeZone)
    }

    var lastDay: VenueDay { calendar.day(adding: days - 1, to: firstDay) }

    /// `KIOSK_NOW` for every CLI run: 22:00 on the last day, after every seeded check-in
    /// (until 17:30) and check-out (until 21:30) and before midnight, so that
    /// `auto_checkout = midnight` leaves the last day's open visits open.
    var now: Date { calendar.start(of: lastDay).addingTimeInterval(22 * 3600) }

    var nowISO: String {
        let f = ISO8601DateFormatter()
        f.timeZone = calendar.timeZone
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: now)
    }

    /// Visits on day `d` (0-based): an even share, the remainder on the last day.
    func visits(onDay d: Int) -> Int {
        let share = visits / days
        return d == days - 1 ? visits - share * (days - 1) : share
    }

    func cacheName(schemaKey: String) -> String {
        "visits-\(visits)-seed\(Self.version)-\(schemaKey).sqlite"
    }
}
