import Foundation
import Gate
import KioskCore
import Records
import TerminalUI

/// A clock the test moves by hand.
/// `advance` moves both the wall clock and the monotonic one; `setWall` moves only the wall
/// clock, as an NTP correction does.
final class TestClock: KioskClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    private var monotonic = 1000.0
    init(_ iso: String) { current = ISOTime.parse(iso)! }
    func now() -> Date { lock.lock(); defer { lock.unlock() }; return current }
    func uptime() -> Double { lock.lock(); defer { lock.unlock() }; return monotonic }
    func advance(_ seconds: TimeInterval) { lock.lock(); current += seconds; monotonic += seconds; lock.unlock() }
    func setWall(by seconds: TimeInterval) { lock.lock(); current += seconds; lock.unlock() }
}

/// The guard terminal over an in-memory log, drawn on a fake terminal; Gate jobs run at once.
final class Screen {
    let gate: GateService
    let clock: TestClock
    let app: TerminalApp
    let dir: String
    var columns: Int
    var rows: Int
    var logLines: [String] = []

    init(columns: Int = 80, rows: Int = 24, language: Language = .vi, colour: Bool = true, _ adjust: (inout KioskConfig) -> Void = { _ in }) throws {
        var config = KioskConfig()
        dir = NSTemporaryDirectory() + "kiosk-tui-\(UUID().uuidString)"
        config.records.exportDir = dir + "/exports"
        config.records.keyFile = dir + "/kiosk.key"
        config.ui.pinFile = dir + "/supervisor.pin"
        config.ui.language = language
        config.venue.name = "Tòa nhà Thử"
        adjust(&config)
        clock = TestClock("2026-11-29T08:41:00+07:00")
        gate = GateService(
            config: config, store: try Store(inMemoryNamed: UUID().uuidString), clock: clock,
            hasher: IdHasher(key: Array(repeating: 7, count: 32)))
        self.columns = columns
        self.rows = rows
        let box = LogBox()
        app = TerminalApp(gate: gate, runner: ImmediateRunner(gate: gate), guardName: "Bảo vệ Bình",
            capabilities: TerminalCapabilities(colour: colour, unicode: true), uptime: { [clock] in clock.uptime() },
            log: { box.lines.append($0) })
        logBox = box
    }

    private let logBox: LogBox
    var log: [String] { logBox.lines }

    var grid: CellGrid { app.render(columns: columns, rows: rows) }
    var text: String { grid.text }

    func key(_ k: Key) { app.handle(.key(k)) }
    func keys(_ ks: Key...) { for k in ks { key(k) } }
    func type(_ s: String) { for c in s { key(.character(c)) } }
    func scan(_ s: String) { app.handle(.scan(s)) }

    /// Typed on the main line and Enter.
    func enter(_ s: String) {
        type(s)
        key(.enter)
    }

    /// Also finds text the screen wrapped over two lines.
    func contains(_ s: String) -> Bool {
        let g = grid
        let flat = (0..<g.rows).map { g.line($0).trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        return g.text.contains(s) || flat.contains(s)
    }
}

final class LogBox: @unchecked Sendable { var lines: [String] = [] }

/// Reads a DCC test vector's code from the fixtures.
func fixtureHC1(_ relative: String) throws -> String {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/dcc/" + relative)
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
    return json?["PREFIX"] as? String ?? ""
}
