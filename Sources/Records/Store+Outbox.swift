import Foundation
import GRDB
import KioskCore

/// One message waiting in, or gone through, the outbox.
public struct OutboxItem: Equatable, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// "Your visitor has arrived."
        case arrival
        /// "Your visitor is waiting for your yes": carries the approval link.
        case approval
    }
    public enum Channel: String, Sendable, CaseIterable {
        case email
        case webhook
    }
    public enum State: String, Sendable, CaseIterable {
        case waiting
        case sent
        /// Given up: refused too often, or the visit's day ended first.
        case failed
        /// No longer wanted: the visit was erased, the host removed.
        case cancelled
    }

    public var id: Int64
    /// The idempotency key of the webhook body and the e-mail's Message-ID: the same for every
    /// attempt, so a receiver that saw a message already can drop the repeat.
    public var key: String
    public var visitCode: String
    public var kind: Kind
    public var channel: Channel
    public var hostName: String
    public var recipient: String
    public var createdAt: Date
    /// Retries stop here (the end of the visit's day).
    public var expiresAt: Date
    public var state: State
    public var attempts: Int
    /// Attempts the receiver refused outright (not "try later").
    public var refusals: Int
    public var nextAttemptAt: Date
    public var lastError: String?
    public var doneAt: Date?

    static let columns = "id, key, visit_code, kind, channel, host_name, recipient, created_at, expires_at, state, attempts, refusals, next_attempt_at, last_error, done_at"
    init(row: Row) {
        id = row[0]
        key = row[1]
        visitCode = row[2]
        kind = Kind(rawValue: row[3] ?? "") ?? .arrival
        channel = Channel(rawValue: row[4] ?? "") ?? .email
        hostName = row[5]
        recipient = row[6]
        createdAt = VisitRow.date(row[7])
        expiresAt = VisitRow.date(row[8])
        state = State(rawValue: row[9] ?? "") ?? .waiting
        attempts = row[10]
        refusals = row[11]
        nextAttemptAt = VisitRow.date(row[12])
        lastError = row[13]
        doneAt = (row[14] as Int64?).map(VisitRow.date)
    }
}

/// How one delivery attempt ended, as the worker tells the outbox.
public enum DeliveryResult: Equatable, Sendable {
    case sent
    /// Try again at `retryAt` (down, timed out, 4xx SMTP); `refused`: the receiver said no
    /// outright (5xx SMTP, 4xx HTTP), which counts toward giving up; `final`: nothing but the
    /// administrator can fix it (the kiosk's own configuration): failed at once.
    case failed(reason: String, refused: Bool, final: Bool, retryAt: Date)
    /// Nothing to send any more (the visit was erased or purged).
    case cancelled(reason: String)
}

extension StoreTransaction {
    /// Queues a message in the visit's own transaction: if the visit is on disk, so is the
    /// promise to tell its host.
    public func enqueueNotification(
        visitCode: String, kind: OutboxItem.Kind, channel: OutboxItem.Channel, host: HostRecord, recipient: String, at now: Date, expires: Date
    ) throws {
        var bytes = [UInt8](repeating: 0, count: 16)
        var rng = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255, using: &rng) }
        let key = bytes.map { String(format: "%02x", $0) }.joined()
        try execute(
            """
            INSERT INTO outbox (key, visit_code, kind, channel, host_name, recipient, created_at, expires_at, next_attempt_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [key, visitCode, kind.rawValue, channel.rawValue, host.label, recipient, VisitRow.millis(now), VisitRow.millis(expires), VisitRow.millis(now)])
    }
}

extension Store {
    /// Takes up to `limit` messages due at `now` for one delivery attempt: each is claimed for
    /// `lease` seconds, so a second worker (the terminal and `kiosk serve` on one database)
    /// does not send it too. A worker killed mid-send leaves the claim to run out, and the
    /// message goes again with the same key: at least once, deduplicated by the receiver.
    /// `expired`: messages failed just now because their visit's day ended first.
    public func claimDueNotifications(now: Date, limit: Int = 20, lease: TimeInterval = 120) throws -> (items: [OutboxItem], expired: Int) {
        try write { tx in
            let t = VisitRow.millis(now)
            // Past its visit's day: no longer news. Failed with the reason, never sent late.
            try tx.execute(
                "UPDATE outbox SET state = 'failed', done_at = ?, last_error = COALESCE(last_error || '; ', '') || 'not delivered before the visit''s day ended' WHERE state = 'waiting' AND expires_at <= ?",
                [t, t])
            let expired = tx.db.changesCount
            let items = try tx.rows(
                "SELECT \(OutboxItem.columns) FROM outbox WHERE state = 'waiting' AND next_attempt_at <= ? AND claimed_until <= ? ORDER BY next_attempt_at, id LIMIT ?",
                [t, t, limit]
            ).map(OutboxItem.init(row:))
            for item in items {
                try tx.execute("UPDATE outbox SET claimed_until = ? WHERE id = ?", [t + Int64(lease * 1000), item.id])
            }
            return (items, expired)
        }
    }

    /// Records how an attempt went, and returns the message's state after it: a message
    /// refused `maxRefusals` times is failed for good.
    @discardableResult
    public func recordDelivery(id: Int64, _ result: DeliveryResult, at now: Date, maxRefusals: Int) throws -> OutboxItem.State {
        let t = VisitRow.millis(now)
        return try write { tx -> OutboxItem.State in
            switch result {
            case .sent:
                try tx.execute(
                    "UPDATE outbox SET state = 'sent', attempts = attempts + 1, done_at = ?, claimed_until = 0, last_error = NULL WHERE id = ? AND state = 'waiting'", [t, id])
            case .cancelled(let reason):
                try tx.execute(
                    "UPDATE outbox SET state = 'cancelled', done_at = ?, claimed_until = 0, last_error = ? WHERE id = ? AND state = 'waiting'", [t, reason, id])
            case .failed(let reason, _, true, _):
                try tx.execute(
                    "UPDATE outbox SET state = 'failed', attempts = attempts + 1, refusals = refusals + 1, done_at = ?, claimed_until = 0, last_error = ? WHERE id = ? AND state = 'waiting'",
                    [t, String(reason.prefix(500)), id])
            case .failed(let reason, let refused, false, let retryAt):
                try tx.execute(
                    """
                    UPDATE outbox SET attempts = attempts + 1, refusals = refusals + ?, last_error = ?, claimed_until = 0,
                        next_attempt_at = ?,
                        state = CASE WHEN refusals + ? >= ? THEN 'failed' ELSE state END,
                        done_at = CASE WHEN refusals + ? >= ? THEN ? ELSE done_at END
                    WHERE id = ? AND state = 'waiting'
                    """,
                    [refused ? 1 : 0, String(reason.prefix(500)), VisitRow.millis(retryAt), refused ? 1 : 0, maxRefusals, refused ? 1 : 0, maxRefusals, t, id])
            }
            return OutboxItem.State(rawValue: try String.fetchOne(tx.db, sql: "SELECT state FROM outbox WHERE id = ?", arguments: [id]) ?? "") ?? .cancelled
        }
    }

    /// Everything still waiting, everything failed or cancelled, and sent messages since
    /// `since`, oldest first: what `kiosk notify status` shows.
    public func outbox(since: Date) throws -> [OutboxItem] {
        try read { tx in
            try tx.rows(
                "SELECT \(OutboxItem.columns) FROM outbox WHERE state = 'waiting' OR done_at >= ? ORDER BY created_at, id",
                [VisitRow.millis(since)]
            ).map(OutboxItem.init(row:))
        }
    }

    /// The messages of one visit (the guard terminal's detail, tests).
    public func outbox(visitCode: String) throws -> [OutboxItem] {
        try read { tx in
            try tx.rows("SELECT \(OutboxItem.columns) FROM outbox WHERE visit_code = ? ORDER BY id", [visitCode]).map(OutboxItem.init(row:))
        }
    }

    /// The soonest moment the outbox needs a worker: a waiting message due (and not claimed
    /// by another), or one whose day has ended.
    public func nextNotificationDue() throws -> Date? {
        try read { tx in
            try Int64.fetchOne(tx.db.cachedStatement(
                sql: "SELECT min(min(max(next_attempt_at, claimed_until), expires_at)) FROM outbox WHERE state = 'waiting'")
            ).map(VisitRow.date)
        }
    }
}

extension StoreTransaction {
    /// The host an approval message of this visit went (or goes) to.
    public func approvalHostName(visitCode: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT host_name FROM outbox WHERE visit_code = ? AND kind = 'approval' ORDER BY id LIMIT 1"), arguments: [visitCode])
    }
}

extension Store {
    /// Messages delivered, by channel, and every webhook address used or on file: for the
    /// processing record's list of recipients.
    public func outboxSummary() throws -> (sent: [OutboxItem.Channel: Int], webhooks: [String]) {
        try read { tx in
            var sent: [OutboxItem.Channel: Int] = [:]
            for row in try tx.rows("SELECT channel, count(*) FROM outbox WHERE state = 'sent' GROUP BY channel") {
                if let c = OutboxItem.Channel(rawValue: row[0] ?? "") { sent[c] = row[1] }
            }
            let hooks = try String.fetchAll(tx.db, sql: "SELECT webhook FROM host WHERE webhook IS NOT NULL UNION SELECT recipient FROM outbox WHERE channel = 'webhook'")
            return (sent, hooks)
        }
    }
}

extension StoreTransaction {
    /// Notes that the host said yes to a visit the rules hold.
    public func noteHeldApproval(code: String, at now: Date) throws {
        try execute("INSERT INTO host_answer (code, answer, at) VALUES (?, 'approved', ?) ON CONFLICT(code) DO UPDATE SET at = excluded.at", [code, VisitRow.millis(now)])
    }

    /// Visits whose host said yes while the rules held them.
    public func heldApprovals(codes: [String]) throws -> Set<String> {
        guard !codes.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: codes.count).joined(separator: ",")
        return Set(try String.fetchAll(db, sql: "SELECT code FROM host_answer WHERE code IN (\(marks))", arguments: StatementArguments(codes)))
    }

    /// Whether the host's approval request for this visit still stands (not cancelled by the
    /// host's removal from the directory).
    public func approvalStands(visitCode: String) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS(SELECT 1 FROM outbox WHERE visit_code = ? AND kind = 'approval' AND state != 'cancelled')"), arguments: [visitCode]) ?? false
    }
}
