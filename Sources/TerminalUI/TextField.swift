/// A single-line text field edited by character (a Vietnamese letter is one step of the
/// cursor, whatever its UTF-8 length), with a length cap so a paste cannot grow it forever.
public struct TextField: Equatable, Sendable {
    public private(set) var characters: [Character]
    public private(set) var cursor: Int
    public var limit: Int

    public init(_ text: String = "", limit: Int = 500) {
        characters = Array(text.prefix(limit))
        cursor = characters.count
        self.limit = limit
    }

    public var text: String { String(characters) }
    public var isEmpty: Bool { characters.isEmpty }

    public mutating func set(_ text: String) {
        characters = Array(text.prefix(limit))
        cursor = characters.count
    }

    public mutating func clear() { set("") }

    /// Applies an editing key; false when the key is not an editing key.
    @discardableResult
    public mutating func edit(_ key: Key) -> Bool {
        switch key {
        case .character(let c):
            guard !c.isNewline, c.unicodeScalars.allSatisfy({ $0.value >= 0x20 && !(0x7F..<0xA0).contains($0.value) }) else { return true }
            guard characters.count < limit else { return true }
            characters.insert(c, at: cursor)
            cursor += 1
        case .backspace:
            if cursor > 0 {
                characters.remove(at: cursor - 1)
                cursor -= 1
            }
        case .delete:
            if cursor < characters.count { characters.remove(at: cursor) }
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(characters.count, cursor + 1)
        case .home, .control("a"): cursor = 0
        case .end, .control("e"): cursor = characters.count
        case .control("u"):
            characters.removeFirst(cursor)
            cursor = 0
        case .control("k"):
            characters.removeLast(characters.count - cursor)
        default:
            return false
        }
        return true
    }

    /// The visible part for a box `width` columns wide, and the cursor's column in it.
    public func view(width: Int) -> (text: String, cursorColumn: Int) {
        guard width > 1 else { return ("", 0) }
        var start = 0
        while CharacterWidth.of(String(characters[start..<cursor])) > width - 1 { start += 1 }
        var shown = ""
        var used = 0
        for c in characters[start...] {
            let w = CharacterWidth.of(c)
            if used + w > width { break }
            shown.append(c)
            used += w
        }
        return (shown, CharacterWidth.of(String(characters[start..<cursor])))
    }
}
