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
        if escapeAt != nil {
            escapeAt = nil
            // ESC then a character at once is Alt+character (terminals without a Meta bit).
            if case .character(let c) = k.key {
                out.append(.key(.alt(c)))
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
