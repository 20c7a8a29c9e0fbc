import Foundation
import GRDB
import KioskCore

extension Store {
    /// Deletes visits that checked in before `cutoff` and are no longer inside, erases the
    /// personal data their events carried (payload set to NULL; the payload's hash stays, so
    /// every link of the chain still verifies) and chains a `purge` event naming the codes.
    /// Returns the number of visits removed.
    public func purge(before cutoff: Date, at now: Date, retentionDays: Int) throws -> Int {
        try write { tx in
            let visitCodes = try String.fetchAll(
                tx.db, sql: "SELECT code FROM visit WHERE checked_in_at < ? AND status != 'inside' ORDER BY checked_in_at",
                arguments: [VisitRow.millis(cutoff)])
            // Invitations that ended before the cutoff hold names too. Only those issued
            // before it: the audit accepts an erasure only of codes first chained before the
            // purge's cutoff.
            let invitationIDs = try String.fetchAll(
                tx.db, sql: "SELECT id FROM invitation WHERE expires < ? AND issued_at < ? ORDER BY issued_at",
                arguments: [VisitRow.millis(cutoff), VisitRow.millis(cutoff)])
            let codes = visitCodes + invitationIDs
            guard !codes.isEmpty else { return 0 }
            for chunk in stride(from: 0, to: codes.count, by: 500).map({ Array(codes[$0..<min($0 + 500, codes.count)]) }) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                try tx.db.execute(sql: "DELETE FROM visit WHERE code IN (\(marks))", arguments: StatementArguments(chunk))
                try tx.db.execute(sql: "DELETE FROM invitation WHERE id IN (\(marks))", arguments: StatementArguments(chunk))
                try tx.db.execute(sql: "UPDATE event SET payload = NULL WHERE code IN (\(marks))", arguments: StatementArguments(chunk))
            }
            let payload = CanonicalJSON.object([
                ("cutoff", .int(VisitRow.millis(cutoff))), ("retention_days", .int(Int64(retentionDays))),
                ("count", .int(Int64(visitCodes.count))), ("codes", .strings(codes)),
            ])
            try tx.append(.purge, code: nil, payload: payload, at: now)
            try tx.db.execute(sql: "DELETE FROM daily_export WHERE at < ?", arguments: [VisitRow.millis(cutoff)])
            return visitCodes.count
        }
    }
}
