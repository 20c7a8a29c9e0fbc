/// The ESC/POS commands a slip needs, and nothing else: every receipt printer since the
/// TM-T88 accepts them. Text is never sent as text (cheap printers have no Vietnamese code
/// page); the slip is one raster image (`GS v 0`) in bands, then a feed and a partial cut.
public enum EscPos {
    /// `ESC @`: forget any mode a previous job left set.
    static let initialise: [UInt8] = [0x1B, 0x40]
    /// `ESC d 4`: feed four lines so the QR clears the cutter.
    static let feedBeforeCut: [UInt8] = [0x1B, 0x64, 0x04]
    /// `GS V 1`: partial cut (a tab holds the slip so it does not fall on the floor).
    static let partialCut: [UInt8] = [0x1D, 0x56, 0x01]
    /// Rows per `GS v 0` band: small enough for the input buffer of a cheap printer.
    static let bandRows = 256

    /// Enough NUL bytes to complete the largest raster band the kiosk sends (256 rows of an
    /// 80 mm line), for a printer left inside one by a job that was cut off.
    static let finishCutShortImage = [UInt8](repeating: 0, count: bandRows * 72)

    /// `DLE EOT n`: real-time status. 1 printer, 2 offline cause, 4 paper roll sensor.
    public static func statusQuery(_ n: UInt8) -> [UInt8] { [0x10, 0x04, n] }

    /// One print job: `copies` slips of `bitmap`, each cut.
    public static func job(_ bitmap: MonoBitmap, copies: Int = 1) -> [UInt8] {
        var out = initialise
        let rb = bitmap.rowBytes
        out.reserveCapacity(out.count + max(1, copies) * (bitmap.bits.count + 16 * (bitmap.height / bandRows + 1)))
        for _ in 0..<max(1, copies) {
            var row = 0
            while row < bitmap.height {
                let rows = min(bandRows, bitmap.height - row)
                out += [0x1D, 0x76, 0x30, 0x00, UInt8(rb & 0xFF), UInt8(rb >> 8), UInt8(rows & 0xFF), UInt8(rows >> 8)]
                out += bitmap.rows(row, row + rows)
                row += rows
            }
            out += feedBeforeCut
            out += partialCut
        }
        return out
    }

    /// What a status byte says. Bits 1 and 4 are always set and bits 0 and 7 clear in a real
    /// answer; anything else is not a status byte (a printer echoing, line noise).
    public struct Status: Equatable, Sendable {
        public var outOfPaper = false
        public var paperLow = false
        public var coverOpen = false
        public var error = false

        static func isStatusByte(_ b: UInt8) -> Bool { b & 0x93 == 0x12 }

        /// The answer to `DLE EOT 2` (offline cause).
        static func offlineCause(_ b: UInt8) -> Status? {
            guard isStatusByte(b) else { return nil }
            var s = Status()
            s.coverOpen = b & 0x04 != 0
            s.outOfPaper = b & 0x20 != 0
            s.error = b & 0x40 != 0
            return s
        }

        /// The answer to `DLE EOT 4` (paper roll sensor).
        static func paper(_ b: UInt8) -> Status? {
            guard isStatusByte(b) else { return nil }
            var s = Status()
            s.paperLow = b & 0x0C != 0
            s.outOfPaper = b & 0x60 != 0
            return s
        }
    }
}
