/// Tells a keyboard-wedge scanner from a person by speed. A scanner "types" the whole code and
/// Enter with a few milliseconds between keys; a person is ten times slower. Printable keys are
/// held back until it is clear which they are: a burst ending in Enter is one scan; anything
/// else is released key by key, in order, so nothing is lost or reordered either way.
public struct InputAssembler: Sendable {
    public var maxGap: Double
    public var minLength: Int
    private var pending: [TimedKey] = []
    /// When the last scan ended: a second terminator right after it (CR LF) is swallowed.
    private var lastScanEnd: Double?
    /// An Esc waiting to see whether a character follows at once (Alt+key).
    private var escapeAt: Double?
    /// An escape sequence curses did not know (a vt100 entry without F5–F10): its bytes so
    /// far, decoded here or dropped, never typed into a field.
    private var sequence: [Character]?

    public init(maxGapMilliseconds: Int = 30, minLength: Int = 6) {
        maxGap = Double(maxGapMilliseconds)
        self.minLength = minLength
    }

    /// Holding keys back: the loop must call `flush(now:)` by this time.
    public var deadline: Double? {
        [pending.last?.at, escapeAt].compactMap { $0 }.max().map { $0 + maxGap }
    }

    public mutating func feed(_ keys: [TimedKey]) -> [InputEvent] {
        var out: [InputEvent] = []
        for k in keys { out += feed(k) }
        return out
    }

    public mutating func feed(_ k: TimedKey) -> [InputEvent] {
        var out = flush(now: k.at)
        if var seq = sequence {
            if case .character(let c) = k.key {
                seq.append(c)
                if Self.isFinal(seq) {
                    sequence = nil
                    if let key = Self.decode(seq) { out.append(.key(key)) }
                } else {
                    sequence = seq.count > 8 ? nil : seq
                }
                return out
            }
            sequence = nil
        }
        if escapeAt != nil {
            escapeAt = nil
            // ESC then a character at once is Alt+character (terminals without a Meta bit),
            // or the start of a key's escape sequence curses left undecoded.
            if case .character(let c) = k.key {
                if c == "[" || c == "O" {
                    sequence = [c]
                } else {
                    out.append(.key(.alt(c)))
                }
                return out
            }
            out.append(.key(.escape))
        }
        switch k.key {
        case .character(let c):
            lastScanEnd = nil
            pending.append(TimedKey(.character(c), at: k.at))
        case .enter:
            if let end = lastScanEnd, k.at - end <= maxGap, pending.isEmpty {
                // The LF of a CR LF pair, or a scanner's double terminator.
                lastScanEnd = k.at
                return out
            }
            if pending.count >= minLength, let last = pending.last, k.at - last.at <= maxGap, isBurst(pending) {
                out.append(.scan(String(pending.compactMap { if case .character(let c) = $0.key { c } else { nil } })))
                pending.removeAll()
                lastScanEnd = k.at
            } else {
                out += release()
                lastScanEnd = nil
                out.append(.key(.enter))
            }
        case .escape:
            out += release()
            lastScanEnd = nil
            escapeAt = k.at
        default:
            out += release()
            lastScanEnd = nil
            out.append(.key(k.key))
        }
        return out
    }

    /// `[` + parameters + a final byte, or `O` + one character.
    static func isFinal(_ seq: [Character]) -> Bool {
        guard seq.count >= 2, let last = seq.last?.asciiValue else { return false }
        if seq.first == "O" { return true }
        return (0x40...0x7E).contains(last)
    }

    /// The xterm/vt220 sequences for the keys the kiosk uses; anything else is dropped.
    static func decode(_ seq: [Character]) -> Key? {
        switch String(seq) {
        case "OP", "[11~": .function(1)
        case "OQ", "[12~": .function(2)
        case "OR", "[13~": .function(3)
        case "OS", "[14~": .function(4)
        case "[15~": .function(5)
        case "[17~": .function(6)
        case "[18~": .function(7)
        case "[19~": .function(8)
        case "[20~": .function(9)
        case "[21~": .function(10)
        case "[A", "OA": .up
        case "[B", "OB": .down
        case "[C", "OC": .right
        case "[D", "OD": .left
        case "[H", "OH", "[1~", "[7~": .home
        case "[F", "OF", "[4~", "[8~": .end
        case "[3~": .delete
        case "[5~": .pageUp
        case "[6~": .pageDown
        case "[Z": .backTab
        default: nil
        }
    }

    /// Releases held keys once the gap has passed with no Enter: a person typing.
    public mutating func flush(now: Double) -> [InputEvent] {
        var out: [InputEvent] = []
        if let last = pending.last, now - last.at > maxGap { out += release() }
        if let esc = escapeAt, now - esc > maxGap {
            escapeAt = nil
            out.append(.key(.escape))
        }
        return out
    }

    private mutating func release() -> [InputEvent] {
        defer { pending.removeAll() }
        return pending.map { .key($0.key) }
    }

    private func isBurst(_ keys: [TimedKey]) -> Bool {
        zip(keys, keys.dropFirst()).allSatisfy { $1.at - $0.at <= maxGap }
    }
}
