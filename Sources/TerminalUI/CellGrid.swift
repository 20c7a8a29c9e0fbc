/// What a cell means, not how it looks: the terminal maps each role to colours where it has
/// them and to bold/reverse where it does not (`TERM=vt100` stays usable).
public enum Role: UInt8, Sendable, CaseIterable {
    case normal, title, admit, deny, check, alert, dim, warning, error, keyLabel, keyName, field, focus, selected, qr
}

/// One screen cell. A wide character's second column holds `continuation`.
public struct Cell: Equatable, Sendable {
    public var text: Character
    public var role: Role
    public var bold: Bool
    public var continuation: Bool

    public static let blank = Cell(text: " ", role: .normal, bold: false, continuation: false)
}

/// The whole screen as a grid of cells: screens draw here, a `Terminal` shows it. Drawing
/// outside the grid is clipped, so a screen never crashes on a small window.
public struct CellGrid: Equatable, Sendable {
    public let columns: Int
    public let rows: Int
    public private(set) var cells: [Cell]
    /// Where the text cursor belongs (an input field), or nil to hide it.
    public var cursor: (row: Int, column: Int)? {
        get { cursorRow.map { ($0, cursorColumn) } }
        set {
            cursorRow = newValue?.row
            cursorColumn = newValue?.column ?? 0
        }
    }
    private var cursorRow: Int?
    private var cursorColumn = 0

    public init(columns: Int, rows: Int) {
        self.columns = max(0, columns)
        self.rows = max(0, rows)
        cells = Array(repeating: .blank, count: self.columns * self.rows)
    }

    public subscript(row: Int, column: Int) -> Cell {
        guard row >= 0, row < rows, column >= 0, column < columns else { return .blank }
        return cells[row * columns + column]
    }

    /// Writes text from (row, column); returns the column after it. Control characters are
    /// dropped here, the last line of defence against escape sequences reaching the terminal.
    @discardableResult
    public mutating func put(_ row: Int, _ column: Int, _ text: String, _ role: Role = .normal, bold: Bool = false, limit: Int? = nil) -> Int {
        guard row >= 0, row < rows else { return column }
        var col = column
        let end = min(columns, limit.map { column + $0 } ?? columns)
        for c in text {
            let w = CharacterWidth.of(c)
            if w == 0 { continue }
            if col + w > end { break }
            if col >= 0 {
                cells[row * columns + col] = Cell(text: c, role: role, bold: bold, continuation: false)
                if w == 2 { cells[row * columns + col + 1] = Cell(text: " ", role: role, bold: bold, continuation: true) }
            }
            col += w
        }
        return col
    }

    /// Paints a rectangle in a role (a coloured band, a cleared area).
    public mutating func fill(row: Int, column: Int = 0, width: Int? = nil, height: Int = 1, role: Role) {
        let w = width ?? columns - column
        for r in max(0, row)..<min(rows, row + height) {
            for c in max(0, column)..<min(columns, column + w) {
                cells[r * columns + c] = Cell(text: " ", role: role, bold: false, continuation: false)
            }
        }
    }

    /// Text centred on a row.
    public mutating func centre(_ row: Int, _ text: String, _ role: Role = .normal, bold: Bool = false) {
        let t = CharacterWidth.fit(text, columns)
        put(row, max(0, (columns - CharacterWidth.of(t)) / 2), t, role, bold: bold)
    }

    /// One row as plain text (tests and logs).
    public func line(_ row: Int) -> String {
        guard row >= 0, row < rows else { return "" }
        var s = ""
        for c in 0..<columns where !cells[row * columns + c].continuation { s.append(cells[row * columns + c].text) }
        return s
    }

    /// The whole screen as text, one line per row, trailing spaces kept.
    public var text: String { (0..<rows).map(line).joined(separator: "\n") }

    public static func == (a: CellGrid, b: CellGrid) -> Bool {
        a.columns == b.columns && a.rows == b.rows && a.cells == b.cells && a.cursorRow == b.cursorRow && a.cursorColumn == b.cursorColumn
    }
}
