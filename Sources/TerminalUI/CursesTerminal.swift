import CNcursesw
import Foundation
import Glibc

/// The real terminal through ncursesw. The only file that includes curses.
public final class CursesTerminal: Terminal {
    public private(set) var capabilities: TerminalCapabilities
    private var active = false
    private var pairs: [Role: attr_t] = [:]
    private let wakeFD: Int32

    /// - Parameters:
    ///   - wakeFD: read end of a pipe; a byte on it ends a wait early (a finished Gate job, a
    ///     serial scan, a signal).
    ///   - unicode: the config allows Unicode blocks; the locale must be UTF-8 too.
    public init(wakeFD: Int32, unicode: Bool) {
        self.wakeFD = wakeFD
        setlocale(LC_ALL, "")
        let codeset = String(cString: nl_langinfo(nl_item(CODESET)))
        capabilities = TerminalCapabilities(colour: false, unicode: unicode && codeset.uppercased().contains("UTF-8"))
        // Esc and Alt+key must feel instant; scanners never send a bare ESC.
        set_escdelay(25)
        initscr()
        active = true
        raw()
        noecho()
        nonl()
        keypad(kiosk_stdscr(), true)
        meta(kiosk_stdscr(), true)
        intrflush(kiosk_stdscr(), false)
        nodelay(kiosk_stdscr(), true)
        if has_colors() {
            start_color()
            use_default_colors()
            capabilities.colour = kiosk_colors() >= 8
        }
        setUpRoles()
    }

    deinit { restore() }

    private func setUpRoles() {
        let bold = kiosk_a_bold(), rev = kiosk_a_reverse(), dim = kiosk_a_dim(), ul = kiosk_a_underline()
        guard capabilities.colour else {
            // Monochrome (TERM=vt100): reverse video and bold carry the meaning.
            pairs = [.normal: 0, .title: rev, .admit: rev | bold, .deny: rev | bold, .check: rev, .alert: bold,
                .dim: dim, .warning: bold, .error: bold, .keyLabel: rev, .keyName: 0, .field: ul, .focus: rev,
                .selected: rev, .qr: 0]
            return
        }
        let table: [(Role, Int16, Int16, attr_t)] = [
            (.normal, -1, -1, 0), (.title, Int16(COLOR_WHITE), Int16(COLOR_BLUE), bold),
            (.admit, Int16(COLOR_WHITE), Int16(COLOR_GREEN), bold), (.deny, Int16(COLOR_WHITE), Int16(COLOR_RED), bold),
            (.check, Int16(COLOR_BLACK), Int16(COLOR_YELLOW), bold), (.alert, Int16(COLOR_MAGENTA), -1, 0),
            (.dim, -1, -1, dim), (.warning, Int16(COLOR_YELLOW), -1, bold), (.error, Int16(COLOR_RED), -1, bold),
            (.keyLabel, Int16(COLOR_BLACK), Int16(COLOR_CYAN), 0), (.keyName, -1, -1, bold),
            (.field, -1, -1, ul), (.focus, Int16(COLOR_BLACK), Int16(COLOR_WHITE), 0),
            (.selected, Int16(COLOR_BLACK), Int16(COLOR_CYAN), 0), (.qr, Int16(COLOR_BLACK), Int16(COLOR_WHITE), 0),
        ]
        for (i, (role, fg, bg, extra)) in table.enumerated() {
            let n = Int16(i + 1)
            init_pair(n, fg, bg)
            pairs[role] = kiosk_color_pair(n) | extra
        }
    }

    public var size: (columns: Int, rows: Int) { (Int(kiosk_cols()), Int(kiosk_lines())) }

    public func present(_ grid: CellGrid) {
        guard active else { return }
        erase()
        for row in 0..<grid.rows {
            var col = 0
            while col < grid.columns {
                // One call per run of cells with the same look.
                let first = grid[row, col]
                var text: [wchar_t] = []
                var c = col
                while c < grid.columns {
                    let cell = grid[row, c]
                    guard cell.role == first.role, cell.bold == first.bold else { break }
                    if !cell.continuation {
                        for s in cell.text.unicodeScalars { text.append(wchar_t(bitPattern: s.value)) }
                    }
                    c += 1
                }
                var attrs = pairs[first.role] ?? 0
                if first.bold { attrs |= kiosk_a_bold() }
                // The bottom-right cell cannot be written without scrolling; stop short of it.
                let n = row == grid.rows - 1 && c == grid.columns ? text.count - 1 : text.count
                if n > 0 { _ = kiosk_put(Int32(row), Int32(col), text, Int32(n), attrs) }
                col = c
            }
        }
        if let cursor = grid.cursor {
            curs_set(1)
            move(Int32(cursor.row), Int32(cursor.column))
        } else {
            curs_set(0)
        }
        refresh()
    }

    public func alert() {
        guard active else { return }
        beep()
        flash()
    }

    public func readKeys(timeout: Int) -> [TimedKey] {
        guard active else { return [] }
        var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
        _ = poll(&fds, 2, Int32(max(0, timeout)))
        if fds[1].revents & Int16(POLLIN) != 0 {
            var sink = [UInt8](repeating: 0, count: 256)
            _ = read(wakeFD, &sink, sink.count)
        }
        // Read everything pending, so a scan's burst is never split across frames.
        var out: [TimedKey] = []
        var ch: wint_t = 0
        while true {
            let r = kiosk_get_wch(&ch)
            if r == ERR { break }
            let at = Monotonic.milliseconds()
            if r == KEY_CODE_YES {
                if let key = Self.functionKey(Int32(ch)) { out.append(TimedKey(key, at: at)) }
            } else if let key = Self.characterKey(UInt32(ch)) {
                out.append(TimedKey(key, at: at))
            }
        }
        return out
    }

    static func characterKey(_ v: UInt32) -> Key? {
        switch v {
        case 13, 10: return .enter
        case 9: return .tab
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .control(Character(Unicode.Scalar(v + 96)!))
        case 0, 28...31: return nil
        default:
            guard let s = Unicode.Scalar(v) else { return nil }
            return .character(Character(s))
        }
    }

    static func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_BTAB: return .backTab
        case KEY_RESIZE: return .resize
        default:
            for n in 1...12 where code == kiosk_key_f(Int32(n)) { return .function(n) }
            return nil
        }
    }

    public func restore() {
        guard active else { return }
        active = false
        curs_set(1)
        endwin()
    }

    /// For signal handlers: leaves curses mode with the least work possible.
    public static func emergencyRestore() {
        endwin()
    }
}
