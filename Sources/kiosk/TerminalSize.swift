import CTermSize
import Foundation

/// The size of the terminal the code is drawn on; when output is not a terminal (a pipe, a
/// file), `$COLUMNS`/`$LINES`, else nil: the code is then drawn without centring or limits.
enum TerminalSize {
    static func current() -> (columns: Int, rows: Int)? {
        var c: Int32 = 0, r: Int32 = 0
        if kiosk_terminal_size(1, &c, &r) == 0, c > 0, r > 0 { return (Int(c), Int(r)) }
        let env = ProcessInfo.processInfo.environment
        if let c = env["COLUMNS"].flatMap(Int.init), let r = env["LINES"].flatMap(Int.init) { return (c, r) }
        return nil
    }
}
