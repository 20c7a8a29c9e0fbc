import Foundation
import KioskCore
import Records
@testable import Gate

/// A clock the test moves by hand.
final class TestClock: KioskClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    init(_ iso: String) { current = ISOTime.parse(iso)! }
    func now() -> Date { lock.lock(); defer { lock.unlock() }; return current }
    func set(_ iso: String) { lock.lock(); current = ISOTime.parse(iso)!; lock.unlock() }
}

/// A Gate over a private in-memory log, with exports in a temporary folder.
struct Harness {
    let gate: GateService
    let clock: TestClock
    let dir: String

    init(gate: GateService, clock: TestClock, dir: String) {
        self.gate = gate
        self.clock = clock
        self.dir = dir
    }

    init(now: String = "2026-11-29T08:00:00+07:00", _ adjust: (inout KioskConfig) -> Void = { _ in }) throws {
        var config = KioskConfig()
        dir = NSTemporaryDirectory() + "kiosk-gate-\(UUID().uuidString)"
        config.records.exportDir = dir + "/exports"
        config.records.keyFile = dir + "/kiosk.key"
        adjust(&config)
        clock = TestClock(now)
        gate = GateService(
            config: config, store: try Store(inMemoryNamed: UUID().uuidString), clock: clock,
            hasher: IdHasher(key: Array(repeating: 7, count: 32)))
    }

    func checkIn(_ name: String, id: String? = nil, phone: String? = nil, badge: String? = nil, _ adjust: (inout CheckInRequest) -> Void = { _ in }) throws -> CheckInResult {
        var r = CheckInRequest(details: VisitorDetails(name: name, idNumber: id, phone: phone), guardName: "Bảo vệ An")
        r.badge = badge
        adjust(&r)
        return try gate.checkIn(r)
    }
}
