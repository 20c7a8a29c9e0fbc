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
