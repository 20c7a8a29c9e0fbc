import Foundation
import Testing
@testable import KioskCore

@Suite struct VenueCalendarTests {
    let hcm = VenueCalendar(timeZone: TimeZone(identifier: "Asia/Ho_Chi_Minh")!)

    @Test func daysAreVenueDays() throws {
        // 23:30 UTC on the 28th is 06:30 on the 29th in Hanoi.
        let date = try #require(ISOTime.parse("2026-11-28T23:30:00Z"))
        #expect(hcm.day(of: date).description == "2026-11-29")
        let start = hcm.start(of: try #require(VenueDay("2026-11-29")))
        #expect(ISOTime.format(start) == "2026-11-28T17:00:00Z")
        #expect(hcm.localTimestamp(date) == "2026-11-29 06:30:00")
    }

    @Test func dayArithmeticCrossesMonthsAndYears() throws {
        let d = try #require(VenueDay("2026-12-31"))
        #expect(hcm.day(adding: 1, to: d).description == "2027-01-01")
        #expect(hcm.day(adding: -365, to: d).description == "2025-12-31")
    }

    @Test(arguments: ["2026-02-30", "2026-13-01", "26-01-01", "2026/01/01", "", "2026-1-1"])
    func invalidDaysAreRejected(text: String) {
        #expect(VenueDay(text) == nil)
    }

    @Test func timesOfDay() {
        #expect(TimeOfDay("00:05")?.minutes == 5)
        #expect(TimeOfDay("23:59")?.minutes == 1439)
        #expect(TimeOfDay("24:00") == nil)
        #expect(TimeOfDay("7:00") == nil)
    }
}

@Test func acceleratedClockStartsAtItsStartAndRunsAtItsRate() throws {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let clock = AcceleratedClock(start: start, rate: 3600)
    let first = clock.now()
    #expect(first >= start && first < start.addingTimeInterval(3600), "\(first)")
    Thread.sleep(forTimeInterval: 0.05)
    // 50 ms of machine time at one hour per second: at least 180 s on the clock.
    let later = clock.now().timeIntervalSince(first)
    #expect(later >= 180, "\(later)")
}

/// Review of issue 21: a year past 9999 was wrapped by Foundation, not refused.
@Suite struct ISOTimeShapeTests {
    @Test(arguments: ["999999-12-31T00:00:00Z", "99999999-12-31T00:00:00Z", "20261-12-02T18:00:00Z", "2026-1-02T18:00:00Z", "２０２６-12-02T18:00:00Z"])
    func malformedMomentsAreRefused(_ text: String) {
        #expect(ISOTime.parse(text) == nil)
    }

    @Test func wellFormedMomentsStillParse() {
        #expect(ISOTime.parse("2026-12-02T18:00:00Z") != nil)
        #expect(ISOTime.parse("2026-12-02T18:00:00.123+07:00") != nil)
        #expect(ISOTime.parse("2026-12-02T18:00:00") != nil)
    }
}

/// `ISOTime.format` is written out by arithmetic (issue 19): it must say exactly what
/// Foundation's `ISO8601DateFormatter` says, for every kind of instant.
@Suite struct ISOTimeFormatTests {
    @Test func agreesWithFoundationOnRandomInstants() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            // Whole seconds plus a fraction near the next second half the time: the rounding.
            let t = Bool.random(using: &rng)
                ? Double.random(in: -2_208_988_800..<253_402_300_799, using: &rng)
                : Double(Int.random(in: -2_208_988_800..<253_402_300_000, using: &rng)) + Double.random(in: 0.998...1.0005, using: &rng)
            let date = Date(timeIntervalSince1970: t)
            #expect(ISOTime.format(date) == ISOTime.foundationFormat(date), "t = \(t)")
        }
    }

    @Test func agreesAtTheEdges() {
        let edges: [Double] = [
            0, -0.5, -1, 0.999, 86_399.999, 86_400, 951_782_400 /* 2000-02-29 */, 4_107_542_399 /* 2100-02-28 end */,
            -2_208_988_800, -2_208_988_801, -652_441_448.0005, -0.0005, 0.0005, -1.0005, 253_402_300_799, 253_402_300_800, -62_135_596_800, 1e12, -1e12,
        ]
        for t in edges {
            let date = Date(timeIntervalSince1970: t)
            #expect(ISOTime.format(date) == ISOTime.foundationFormat(date), "t = \(t)")
        }
        #expect(ISOTime.format(Date(timeIntervalSince1970: 1_796_000_000.75)) == "2026-11-30T00:53:20Z")
        #expect(ISOTime.format(Date(timeIntervalSince1970: 1_796_000_000.9996)) == "2026-11-30T00:53:21Z")
    }
}
