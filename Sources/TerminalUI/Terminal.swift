/// What a terminal can show. Decided once at start-up from terminfo.
public struct TerminalCapabilities: Equatable, Sendable {
    public var colour: Bool
    /// Unicode block characters can be drawn (a UTF-8 locale and a font with them).
    public var unicode: Bool
    public init(colour: Bool, unicode: Bool) {
        self.colour = colour
        self.unicode = unicode
    }
}

/// The screen and keyboard behind a protocol, so every screen is tested on an in-memory fake
/// and only `CursesTerminal` knows curses.
public protocol Terminal: AnyObject {
    var size: (columns: Int, rows: Int) { get }
    var capabilities: TerminalCapabilities { get }
    /// Shows a whole frame; the terminal sends only what changed.
    func present(_ grid: CellGrid)
    /// A denial: beep and flash, where the terminal can.
    func alert()
    /// Waits up to `timeout` milliseconds (or until `wake` is signalled) and returns every
    /// key already pending, each stamped with the monotonic time it was read.
    func readKeys(timeout: Int) -> [TimedKey]
    /// Puts the terminal back as it was. Safe to call twice.
    func restore()
}

/// A grid in memory with scripted keys: what the unit tests draw on.
public final class FakeTerminal: Terminal {
    public private(set) var frame: CellGrid
    public var size: (columns: Int, rows: Int)
    public var capabilities: TerminalCapabilities
    public private(set) var alerts = 0
    public private(set) var restored = false
    public var queued: [TimedKey] = []

    public init(columns: Int = 80, rows: Int = 24, capabilities: TerminalCapabilities = .init(colour: true, unicode: true)) {
        size = (columns, rows)
        self.capabilities = capabilities
        frame = CellGrid(columns: columns, rows: rows)
    }

    public func present(_ grid: CellGrid) { frame = grid }
    public func alert() { alerts += 1 }
    public func readKeys(timeout: Int) -> [TimedKey] {
        defer { queued.removeAll() }
        return queued
    }
    public func restore() { restored = true }

    /// The frame as text, for `#expect(screen.contains(...))`.
    public var text: String { frame.text }
}
