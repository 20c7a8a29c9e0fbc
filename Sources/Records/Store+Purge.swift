import Foundation
import GRDB
import KioskCore

extension Store {
    /// The `meta` flag set in the purge's own transaction and cleared once the erasure is
    /// done, so an erasure that could not finish (another process reading) is retried.
    static let erasurePendingMeta = "erasure_pending"

    /// Deletes visits that checked in before `cutoff` and are no longer inside, erases the
    /// personal data their events carried (payload set to NULL; the payload's hash stays, so
    /// every link of the chain still verifies), chains a `purge` event naming the codes, and
    /// then erases the deleted bytes from the files (`eraseDeletedData`).
    /// Returns the number of visits removed.
    public func purge(before cutoff: Date, at now: Date, retentionDays: Int) throws -> Int {
        let removed = try write { tx -> Int? in
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
            // The other gates' visits held here (the building replica) are kept no longer than
            // this gate's own: their names go at the same cutoff, whether or not their gate
            // has purged yet.
            let cut = VisitRow.millis(cutoff)
            let changesBefore = tx.db.totalChangesCount
            try tx.db.execute(sql: """
                UPDATE replica_event SET payload = NULL
                WHERE payload IS NOT NULL AND at < ? AND kind NOT IN ('watch-add', 'invite-issue')
                  AND NOT EXISTS (SELECT 1 FROM replica_visit v WHERE v.gate = replica_event.gate AND v.code = replica_event.code AND v.status = 'inside')
                """, arguments: [cut])
            try tx.db.execute(sql: "DELETE FROM replica_visit WHERE checked_in_at < ? AND status != 'inside'", arguments: [cut])
            try tx.db.execute(sql: "DELETE FROM replica_closure WHERE checked_out_at < ?", arguments: [cut])
            // Uses of invitations still valid are what keeps them from admitting twice.
            try tx.db.execute(
                sql: """
                    DELETE FROM replica_invitation_use WHERE at < ? AND (
                        invitation IN (SELECT id FROM replica_invitation WHERE json_extract(payload, '$.expires') < ?)
                        OR invitation IN (SELECT id FROM invitation WHERE expires < ?))
                    """,
                arguments: [cut, cut, cut])
            try tx.db.execute(
                sql: "UPDATE replica_event SET payload = NULL WHERE kind = 'invite-issue' AND code IN (SELECT id FROM replica_invitation WHERE json_extract(payload, '$.expires') < ?)",
                arguments: [cut])
            try tx.db.execute(sql: "DELETE FROM replica_invitation WHERE json_extract(payload, '$.expires') < ?", arguments: [cut])
            let replicaErased = tx.db.totalChangesCount > changesBefore
            guard !codes.isEmpty else {
                if replicaErased { try tx.setMeta(Store.erasurePendingMeta, "1") }
                return nil
            }
            for chunk in stride(from: 0, to: codes.count, by: 500).map({ Array(codes[$0..<min($0 + 500, codes.count)]) }) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                try tx.db.execute(sql: "DELETE FROM visit WHERE code IN (\(marks))", arguments: StatementArguments(chunk))
                try tx.db.execute(sql: "DELETE FROM invitation WHERE id IN (\(marks))", arguments: StatementArguments(chunk))
                try tx.db.execute(sql: "UPDATE event SET payload = NULL WHERE code IN (\(marks))", arguments: StatementArguments(chunk))
                try tx.db.execute(sql: "DELETE FROM outbox WHERE visit_code IN (\(marks))", arguments: StatementArguments(chunk))
                try tx.db.execute(sql: "DELETE FROM host_answer WHERE code IN (\(marks))", arguments: StatementArguments(chunk))
            }
            let payload = CanonicalJSON.object([
                ("cutoff", .int(VisitRow.millis(cutoff))), ("retention_days", .int(Int64(retentionDays))),
                ("count", .int(Int64(visitCodes.count))), ("codes", .strings(codes)),
            ])
            try tx.append(.purge, code: nil, payload: payload, at: now)
            try tx.db.execute(sql: "DELETE FROM daily_export WHERE at < ?", arguments: [VisitRow.millis(cutoff)])
            try tx.db.execute(sql: "DELETE FROM slip_print WHERE printed_at < ?", arguments: [VisitRow.millis(cutoff)])
            // Which host was told about whom, and when, is as old as the visit it was about.
            try tx.db.execute(sql: "DELETE FROM outbox WHERE created_at < ? AND state != 'waiting'", arguments: [VisitRow.millis(cutoff)])
            try tx.setMeta(Store.erasurePendingMeta, "1")
            return visitCodes.count
        }
        // The visits are gone once the transaction committed: a checkpoint held up by a
        // reader (another process's open read) must not turn that into "locked, try again".
        // The flag stays set and `retryPendingErasure` (every maintenance run) finishes it.
        do {
            try retryPendingErasure()
        } catch StoreError.locked {
            return removed ?? 0
        }
        return removed ?? 0
    }

    /// Finishes an erasure a purge could not complete (see `erasurePendingMeta`); nothing to
    /// do, and cheap, when none is pending.
    public func retryPendingErasure() throws {
        guard try meta(Store.erasurePendingMeta) == "1" else { return }
        try eraseDeletedData()
    }

    /// Makes rows already deleted unreadable in the files, not just in queries: with
    /// `secure_delete = ON` SQLite zeroes deleted cells and freed pages, but only in the page
    /// images it writes, and the write-ahead log still holds every earlier image of those
    /// pages. A TRUNCATE checkpoint copies the last images into the database file and empties
    /// the WAL. Run it after anything that erases personal data (the purge; the erasure of
    /// one person).
    public func eraseDeletedData() throws {
        do {
            try writer.writeWithoutTransaction { db in
                _ = try db.checkpoint(.truncate)
                try db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [Store.erasurePendingMeta])
            }
        } catch {
            throw StoreError.from(error, path: path)
        }
    }
}
