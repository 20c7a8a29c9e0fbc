import Foundation
import GRDB
import GRDBSQLite
import KioskCore

/// What an export covers and how it is written.
public struct ExportOptions: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case csv, jsonl
    }

    /// Check-in time range [from, to).
    public var from: Date
    public var to: Date
    public var format: Format
    /// Id numbers and phones are masked unless the supervisor asks for full data.
    public var masked: Bool

    public init(from: Date, to: Date, format: Format = .csv, masked: Bool = true) {
        self.from = from
        self.to = to
        self.format = format
        self.masked = masked
    }
}

extension Store {
    /// The columns of every export, in order. Stable names: scripts at the management
    /// office read them.
    public static let exportColumns = [
        "code", "venue", "gate", "category", "method", "status", "date", "time_in", "time_out",
        "auto_closed_at", "name", "id_number", "phone", "organisation", "host", "purpose", "address",
        "badge", "temperature", "symptoms", "app", "pass", "declaration", "decision", "reasons",
        "override_by", "override_reason", "watch_match", "guard", "consent",
    ]

    /// The visit's legal basis as one JSON object, built from the `consent_*` entries of its
    /// declaration (a self check-in from before consent records: the web form's tick).
    static let consentSQL = """
        CASE WHEN json_valid(declaration) AND json_extract(declaration, '$.consent_basis') IS NOT NULL THEN json_object(
            'basis', json_extract(declaration, '$.consent_basis'), 'channel', json_extract(declaration, '$.consent_channel'),
            'text_sha256', json_extract(declaration, '$.consent_text'), 'version', json_extract(declaration, '$.consent_version'),
            'language', json_extract(declaration, '$.consent_language'), 'at', json_extract(declaration, '$.consent_at'),
            'reference', json_extract(declaration, '$.consent_reference'))
        WHEN json_valid(declaration) AND json_extract(declaration, '$.consent') = 'yes' THEN json_object('basis', 'consent', 'channel', 'web-form')
        END
        """

    /// Streams the visits of a range to `sink` in chunks of about 64 KiB, oldest first.
    /// CSV is RFC 4180 with a UTF-8 BOM (so Excel reads Vietnamese right; LibreOffice needs
    /// UTF-8 chosen on import, as the soak does with `--infilter`),
    /// formula-leading cells neutralised and control characters removed. Returns the row count.
    public func export(_ options: ExportOptions, timeZone: TimeZone, sink: ([UInt8]) throws -> Void) throws -> Int {
        try read { tx in
            var out = [UInt8]()
            out.reserveCapacity(1 << 17)
            var clock = LocalTimeFormatter(timeZone: timeZone)
            let csv = options.format == .csv
            if csv {
                out.append(contentsOf: [0xEF, 0xBB, 0xBF])
                out.append(contentsOf: Store.exportColumns.joined(separator: ",").utf8)
                out.append(contentsOf: [13, 10])
            }
            let sql = """
                SELECT code, venue, gate, category, method, status, checked_in_at, checked_out_at,
                       auto_closed_at, name, id_number, phone, organisation, host, purpose, address,
                       badge, temperature, symptoms, app, pass_summary, declaration,
                       COALESCE(confirmed_decision, decision), reasons,
                       COALESCE(override_by, \(Store.confirmOverrideSQL("overridden_by"))),
                       COALESCE(override_reason, \(Store.confirmOverrideSQL("override_reason"))),
                       watch_match, COALESCE(confirmed_by, guard), id_storage,
                       \(Store.consentSQL)
                FROM visit WHERE checked_in_at >= ? AND checked_in_at < ? ORDER BY checked_in_at, id
                """
            // A million rows: read SQLite's column buffers directly instead of building a
            // Row and a Data per cell, which made the export twice as slow as sqlite3's own.
            let statement = try tx.db.makeStatement(sql: sql)
            try statement.setArguments([VisitRow.millis(options.from), VisitRow.millis(options.to)])
            let row = RawRow(statement: statement.sqliteStatement)
            var writer = CellWriter(csv: csv, names: Store.exportColumns)
            var count = 0
            while true {
                let rc = sqlite3_step(row.statement)
                if rc == SQLITE_DONE { break }
                guard rc == SQLITE_ROW else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(row.statement))))
                }
                count += 1
                writer.beginRow(&out)
                for i in 0...5 { writer.text(row, i, &out) }
                // date, time_in
                writer.separator(&out)
                writer.quoteIfJSON(&out) { clock.append(row.int64(6), date: true, time: false, to: &$0) }
                writer.separator(&out)
                writer.quoteIfJSON(&out) { clock.append(row.int64(6), date: false, time: true, to: &$0) }
                for index in [7, 8] {
                    writer.separator(&out)
                    if row.isNull(index) {
                        writer.nullValue(&out)
                    } else {
                        writer.quoteIfJSON(&out) { clock.append(row.int64(index), date: true, time: true, to: &$0) }
                    }
                }
                writer.text(row, 9, &out)
                if options.masked {
                    let hashed = row.bytes(28).elementsEqual("hashed".utf8)
                    writer.masked(row, 10, hidden: hashed, &out)
                    writer.masked(row, 11, hidden: false, &out)
                } else {
                    writer.text(row, 10, &out)
                    writer.text(row, 11, &out)
                }
                for i in 12...16 { writer.text(row, i, &out) }
                writer.separator(&out)
                if row.isNull(17) { writer.nullValue(&out) } else { out.append(contentsOf: Validation.format1(row.double(17)).utf8) }
                writer.separator(&out)
                if row.isNull(18) { writer.nullValue(&out) } else { out.append(contentsOf: (row.int64(18) != 0 ? "true" : "false").utf8) }
                for i in 19...27 { writer.text(row, i, &out) }
                // An object in JSON Lines (SQLite wrote valid JSON), a text cell in CSV.
                if csv || row.isNull(29) { writer.text(row, 29, &out) } else { writer.rawJSON(row, 29, &out) }
                writer.endRow(&out)
                if out.count >= 1 << 16 {
                    try sink(out)
                    out.removeAll(keepingCapacity: true)
                }
            }
            if !out.isEmpty { try sink(out) }
            return count
        }
    }

    /// Records in the chain that an export was made: what, where, its checksum, whether it was
    /// unmasked and who asked. The chain head at that moment is in the event too, so the
    /// export file anchors the log against later truncation.
    public func recordExport(from: Date, to: Date, format: String, masked: Bool, file: String, rows: Int, sha256: String, requestedBy: String, day: String?, at now: Date) throws {
        try write { tx in
            let head = try HashChain.head(tx.db)
            let payload = CanonicalJSON.object([
                ("from", .int(VisitRow.millis(from))), ("to", .int(VisitRow.millis(to))),
                ("format", .string(format)), ("unmasked", .bool(!masked)), ("file", .string(file)),
                ("rows", .int(Int64(rows))), ("sha256", .string(sha256)), ("by", .string(requestedBy)),
                ("head", .string(head.hash)),
            ])
            try tx.append(.export, code: nil, payload: payload, at: now)
            if let day {
                try tx.db.execute(
                    sql: "INSERT INTO daily_export (day, file, rows, sha256, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(day) DO UPDATE SET file = excluded.file, rows = excluded.rows, sha256 = excluded.sha256, at = excluded.at",
                    arguments: [day, file, rows, sha256, VisitRow.millis(now)])
            }
        }
    }

    /// The days already exported by the daily job.
    public func exportedDays() throws -> Set<String> {
        try read { tx in Set(try String.fetchAll(tx.db, sql: "SELECT day FROM daily_export")) }
    }
}

/// A row of a stepped SQLite statement, read in place.
struct RawRow {
    let statement: OpaquePointer

    @inline(__always) func isNull(_ i: Int) -> Bool { sqlite3_column_type(statement, Int32(i)) == SQLITE_NULL }
    @inline(__always) func int64(_ i: Int) -> Int64 { sqlite3_column_int64(statement, Int32(i)) }
    @inline(__always) func double(_ i: Int) -> Double { sqlite3_column_double(statement, Int32(i)) }

    /// The column's UTF-8 bytes, valid until the next step.
    @inline(__always) func bytes(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        let p = sqlite3_column_text(statement, Int32(i))
        let n = Int(sqlite3_column_bytes(statement, Int32(i)))
        return UnsafeBufferPointer(start: p, count: p == nil ? 0 : n)
    }

    func string(_ i: Int) -> String { String(decoding: bytes(i), as: UTF8.self) }
    func optionalString(_ i: Int) -> String? { isNull(i) ? nil : string(i) }
}

/// Writes one cell at a time as CSV or as a JSON object member.
struct CellWriter {
    let csv: Bool
    /// JSON member prefixes (`"name":`), made once.
    private let keys: [[UInt8]]
    private var column = 0

    init(csv: Bool, names: [String]) {
        self.csv = csv
        keys = names.map { Array("\"\($0)\":".utf8) }
    }

    mutating func beginRow(_ out: inout [UInt8]) {
        column = 0
        if !csv { out.append(UInt8(ascii: "{")) }
    }

    func endRow(_ out: inout [UInt8]) {
        if csv {
            out.append(contentsOf: [13, 10])
        } else {
            out.append(contentsOf: [UInt8(ascii: "}"), 10])
        }
    }

    /// Starts the next cell: the comma, and in JSON the member name.
    mutating func separator(_ out: inout [UInt8]) {
        if column > 0 { out.append(UInt8(ascii: ",")) }
        if !csv { out.append(contentsOf: keys[column]) }
        column += 1
    }

    func nullValue(_ out: inout [UInt8]) {
        if !csv { out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]) }
    }

    /// Trusted ASCII (dates, times): quoted in JSON, bare in CSV.
    func quoteIfJSON(_ out: inout [UInt8], _ body: (inout [UInt8]) -> Void) {
        if !csv { out.append(0x22) }
        body(&out)
        if !csv { out.append(0x22) }
    }

    mutating func string(_ value: String?, _ out: inout [UInt8]) {
        separator(&out)
        guard let value else { return nullValue(&out) }
        var copy = value
        copy.withUTF8 { appendEscaped($0, &out) }
    }

    /// An id number or phone, masked like `Masking.mask` but on the bytes when they are
    /// ASCII (they nearly always are), which spares two String round trips per row.
    mutating func masked(_ row: RawRow, _ index: Int, hidden: Bool, _ out: inout [UInt8]) {
        if hidden || row.isNull(index) {
            separator(&out)
            return nullValue(&out)
        }
        let bytes = row.bytes(index)
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return string(Masking.mask(row.string(index)), &out) }
        separator(&out)
        var masked = [UInt8](repeating: UInt8(ascii: "*"), count: bytes.count)
        if bytes.count > 6 {
            for i in (bytes.count - 4)..<bytes.count { masked[i] = bytes[i] }
        }
        masked.withUnsafeBufferPointer { appendEscaped($0, &out) }
    }

    /// A JSON value SQLite built, as it is (JSON Lines only).
    mutating func rawJSON(_ row: RawRow, _ index: Int, _ out: inout [UInt8]) {
        separator(&out)
        out.append(contentsOf: row.bytes(index))
    }

    /// A text column straight from SQLite's buffer.
    mutating func text(_ row: RawRow, _ index: Int, _ out: inout [UInt8]) {
        separator(&out)
        if row.isNull(index) { return nullValue(&out) }
        appendEscaped(row.bytes(index), &out)
    }

    private func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, _ out: inout [UInt8]) {
        if csv {
            var needsQuotes = false
            for b in bytes where b == UInt8(ascii: ",") || b == UInt8(ascii: "\"") || b < 0x20 || b == 0x7F {
                needsQuotes = true
                break
            }
            // A cell a spreadsheet would run as a formula is prefixed with an apostrophe.
            let neutralise = bytes.first.map { $0 == 0x3D || $0 == 0x2B || $0 == 0x2D || $0 == 0x40 || $0 == 0x09 || $0 == 0x0D } ?? false
            if !needsQuotes && !neutralise {
                out.append(contentsOf: bytes)
                return
            }
            out.append(UInt8(ascii: "\""))
            if neutralise { out.append(UInt8(ascii: "'")) }
            for b in bytes {
                if b == UInt8(ascii: "\"") {
                    out.append(contentsOf: [0x22, 0x22])
                } else if b < 0x20 || b == 0x7F {
                    out.append(UInt8(ascii: " "))
                } else {
                    out.append(b)
                }
            }
            out.append(UInt8(ascii: "\""))
        } else {
            out.append(UInt8(ascii: "\""))
            for b in bytes {
                switch b {
                case 0x22: out.append(contentsOf: [0x5C, 0x22])
                case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                case 0..<0x20, 0x7F: out.append(UInt8(ascii: " "))
                default: out.append(b)
                }
            }
            out.append(UInt8(ascii: "\""))
        }
    }
}

extension Store {
    /// A supervisor's override given at the confirmation, from its chained `confirm` event
    /// (see `StoreTransaction.withConfirmOverride`).
    static func confirmOverrideSQL(_ field: String) -> String {
        "CASE WHEN confirmed_decision = 'overridden' THEN (SELECT json_extract(e.payload, '$.\(field)') FROM event e WHERE e.code = visit.code AND e.kind = 'confirm' ORDER BY e.seq DESC LIMIT 1) END"
    }
}
