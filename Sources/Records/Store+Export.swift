import Foundation
import GRDB
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
        "override_by", "override_reason", "watch_match", "guard",
    ]

    /// Streams the visits of a range to `sink` in chunks of about 64 KiB, oldest first.
    /// CSV is RFC 4180 with a UTF-8 BOM (so Excel and LibreOffice read Vietnamese right),
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
            // Column order of this SELECT: see `cells` below.
            let sql = """
                SELECT code, venue, gate, category, method, status, checked_in_at, checked_out_at,
                       auto_closed_at, name, id_number, phone, organisation, host, purpose, address,
                       badge, temperature, symptoms, app, pass_summary, declaration, decision, reasons,
                       override_by, override_reason, watch_match, guard, id_storage
                FROM visit WHERE checked_in_at >= ? AND checked_in_at < ? ORDER BY checked_in_at, id
                """
            let rows = try Row.fetchCursor(tx.db, sql: sql, arguments: [VisitRow.millis(options.from), VisitRow.millis(options.to)])
            var count = 0
            var writer = CellWriter(csv: csv)
            while let row = try rows.next() {
                count += 1
                writer.beginRow(&out)
                for i in 0...5 { try writer.text(row, i, Store.exportColumns[i], &out) }
                let (day, timeIn) = clock.parts(row[6])
                writer.raw(day, "date", &out)
                writer.raw(timeIn, "time_in", &out)
                for (index, name) in [(7, "time_out"), (8, "auto_closed_at")] {
                    if let m = row[index] as Int64? {
                        let p = clock.parts(m)
                        writer.raw(p.date + [UInt8(ascii: " ")] + p.time, name, &out)
                    } else {
                        writer.null(name, &out)
                    }
                }
                try writer.text(row, 9, "name", &out)
                if options.masked {
                    let storage: String = row[28] ?? "masked"
                    let id: String? = row[10]
                    writer.string(storage == "hashed" ? nil : id.map { Masking.mask($0) }, "id_number", &out)
                    writer.string((row[11] as String?).map { Masking.mask($0) }, "phone", &out)
                } else {
                    try writer.text(row, 10, "id_number", &out)
                    try writer.text(row, 11, "phone", &out)
                }
                for i in 12...16 { try writer.text(row, i, Store.exportColumns[i + 1], &out) }
                if let t = row[17] as Double? {
                    writer.number(Validation.format1(t), "temperature", &out)
                } else {
                    writer.null("temperature", &out)
                }
                if let s = row[18] as Int64? {
                    writer.bool(s != 0, "symptoms", &out)
                } else {
                    writer.null("symptoms", &out)
                }
                for (i, name) in [(19, "app"), (20, "pass"), (21, "declaration"), (22, "decision"), (23, "reasons"),
                    (24, "override_by"), (25, "override_reason"), (26, "watch_match"), (27, "guard")]
                {
                    try writer.text(row, i, name, &out)
                }
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
            try HashChain.append(tx.db, kind: .export, code: nil, payload: payload, at: now)
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

/// Writes one cell at a time as CSV or as a JSON object member.
struct CellWriter {
    let csv: Bool
    private var first = true

    init(csv: Bool) { self.csv = csv }

    mutating func beginRow(_ out: inout [UInt8]) {
        first = true
        if !csv { out.append(UInt8(ascii: "{")) }
    }

    func endRow(_ out: inout [UInt8]) {
        if csv {
            out.append(contentsOf: [13, 10])
        } else {
            out.append(contentsOf: [UInt8(ascii: "}"), 10])
        }
    }

    private mutating func separator(_ name: String, _ out: inout [UInt8]) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        if !csv {
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
    }

    mutating func null(_ name: String, _ out: inout [UInt8]) {
        separator(name, &out)
        if !csv { out.append(contentsOf: "null".utf8) }
    }

    mutating func number(_ text: String, _ name: String, _ out: inout [UInt8]) {
        separator(name, &out)
        out.append(contentsOf: text.utf8)
    }

    mutating func bool(_ value: Bool, _ name: String, _ out: inout [UInt8]) {
        separator(name, &out)
        out.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// Trusted ASCII (dates, times) written as is.
    mutating func raw(_ bytes: [UInt8], _ name: String, _ out: inout [UInt8]) {
        separator(name, &out)
        if csv {
            out.append(contentsOf: bytes)
        } else {
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: bytes)
            out.append(UInt8(ascii: "\""))
        }
    }

    mutating func string(_ value: String?, _ name: String, _ out: inout [UInt8]) {
        guard let value else { return null(name, &out) }
        separator(name, &out)
        var copy = value
        copy.withUTF8 { appendEscaped($0, &out) }
    }

    /// A text column straight from SQLite's buffer, without building a Swift String.
    mutating func text(_ row: Row, _ index: Int, _ name: String, _ out: inout [UInt8]) throws {
        if row.hasNull(atIndex: index) { return null(name, &out) }
        separator(name, &out)
        try row.withUnsafeData(atIndex: index) { data in
            guard let data else { return }
            data.withUnsafeBytes { raw in
                appendEscaped(raw.bindMemory(to: UInt8.self), &out)
            }
        }
    }

    private func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, _ out: inout [UInt8]) {
        if csv {
            var needsQuotes = false
            for b in bytes where b == UInt8(ascii: ",") || b == UInt8(ascii: "\"") || b < 0x20 {
                needsQuotes = true
                break
            }
            // A cell a spreadsheet would run as a formula is prefixed with an apostrophe.
            let neutralise = bytes.first.map { [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D].contains($0) } ?? false
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
