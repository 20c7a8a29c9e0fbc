import Foundation
import GRDB

extension Store {
    /// How many slips of this visit reached a printer.
    public func slipsPrinted(code: String) throws -> Int {
        try read { tx in
            try Int.fetchOne(tx.db, sql: "SELECT count(*) FROM slip_print WHERE code = ?", arguments: [code]) ?? 0
        }
    }

    /// Notes a slip that reached the printer (called by the printer's worker, never on the
    /// guard's input path).
    public func recordSlipPrinted(code: String, at: Date, reprint: Bool) throws {
        try write { tx in
            try tx.db.execute(
                sql: "INSERT INTO slip_print (code, printed_at, reprint) VALUES (?, ?, ?)",
                arguments: [code, VisitRow.millis(at), reprint ? 1 : 0])
        }
    }
}
