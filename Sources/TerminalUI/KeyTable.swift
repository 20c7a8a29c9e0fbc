/// What the function keys do on every screen. One table: the key bar, the help screen and
/// the tests all read it, so a key cannot do one thing and be labelled another.
public enum GlobalAction: Int, CaseIterable, Sendable {
    case help = 1, manualEntry, checkOut, visits, venueQR, export, insideNow
    case supervisor = 9, quit = 10

    /// F-number; Alt+digit is the same action for terminals without F-keys (Alt+0 is F10).
    public var functionKey: Int { rawValue }
    public var altDigit: Character { Character(String(rawValue % 10)) }
}

public enum KeyTable {
    public static func action(for key: Key) -> GlobalAction? {
        switch key {
        case .function(let n): return GlobalAction(rawValue: n)
        case .alt(let c):
            guard let d = c.wholeNumberValue else { return nil }
            return GlobalAction(rawValue: d == 0 ? 10 : d)
        default: return nil
        }
    }

    /// Every key the table knows, for the help screen and the tests.
    public static var bindings: [(keys: [Key], action: GlobalAction)] {
        GlobalAction.allCases.map { ([.function($0.functionKey), .alt($0.altDigit)], $0) }
    }
}
