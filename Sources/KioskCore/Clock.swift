import Foundation

/// Where "now" comes from. Injected everywhere below the executable so tests pin time
/// (named `KioskClock` so it does not shadow the standard library's `Clock`).
public protocol KioskClock: Sendable {
    func now() -> Date
}

/// The machine's clock.
public struct SystemClock: KioskClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that always says the same time: tests, and the CLI under `KIOSK_NOW`.
public struct FixedClock: KioskClock {
    public let date: Date
    public init(_ date: Date) { self.date = date }
    public func now() -> Date { date }
}

/// A clock that starts at a chosen time and runs `rate` times as fast as the machine's: the
/// soak's compressed day at the gate (`KIOSK_NOW` with `KIOSK_CLOCK_RATE`), so a day of
/// check-ins, an auto-checkout and a rotating screen token fit in minutes. It counts on the
/// monotonic clock, so an NTP step of the machine's clock does not move it.
public struct AcceleratedClock: KioskClock {
    public let start: Date
    public let rate: Double
    private let origin: ContinuousClock.Instant

    public init(start: Date, rate: Double) {
        self.start = start
        self.rate = rate
        origin = ContinuousClock.now
    }

    public func now() -> Date {
        let elapsed = origin.duration(to: ContinuousClock.now).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
        return start.addingTimeInterval(seconds * rate)
    }
}
