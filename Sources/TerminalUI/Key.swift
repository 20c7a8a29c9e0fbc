/// One key press after the terminal has decoded it.
public enum Key: Hashable, Sendable {
    case character(Character)
    case enter, tab, backTab, escape, backspace, delete
    case up, down, left, right, home, end, pageUp, pageDown
    case function(Int)
    /// Alt (Meta) with a character: ESC followed at once by the character.
    case alt(Character)
    /// Ctrl with a letter, lower case.
    case control(Character)
    /// The window changed size.
    case resize
}

/// What reaches the screens: a key, or a whole scan recognised by its speed.
public enum InputEvent: Equatable, Sendable {
    case key(Key)
    case scan(String)
}

/// A raw key with the time it was read, as the terminal delivers it.
public struct TimedKey: Equatable, Sendable {
    public var key: Key
    /// Milliseconds on a monotonic clock.
    public var at: Double
    public init(_ key: Key, at: Double) {
        self.key = key
        self.at = at
    }
}
