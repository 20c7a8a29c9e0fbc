import Foundation
import GRDB
import KioskCore

/// An invitation as the log keeps it: enough to count its uses and revoke it.
public struct InvitationRecord: Equatable, Sendable {
    /// 32 hex digits (the CWT `cti`).
    public var id: String
    public var venue: String
    public var name: String
    public var host: String
    public var purpose: String?
    public var notBefore: Date
    public var expires: Date
    public var uses: Int
    public var issuedAt: Date
    public var revokedAt: Date?

    public init(id: String, venue: String, name: String, host: String, purpose: String?, notBefore: Date, expires: Date, uses: Int, issuedAt: Date, revokedAt: Date? = nil) {
        self.id = id
        self.venue = venue
        self.name = name
        self.host = host
        self.purpose = purpose
        self.notBefore = notBefore
        self.expires = expires
        self.uses = uses
        self.issuedAt = issuedAt
        self.revokedAt = revokedAt
    }

    static func from(_ row: Row) -> InvitationRecord {
        InvitationRecord(
            id: row[0], venue: row[1], name: row[2], host: row[3], purpose: row[4],
            notBefore: VisitRow.date(row[5]), expires: VisitRow.date(row[6]), uses: row[7],
            issuedAt: VisitRow.date(row[8]), revokedAt: (row[9] as Int64?).map(VisitRow.date))
    }

    /// What the chain proves about an invitation (the audit compares rows with it).
    var canonical: String {
        var pairs: [(String, CanonicalJSON.Value)] = [
            ("id", .string(id)), ("venue", .string(venue)), ("name", .string(name)), ("host", .string(host)),
            ("not_before", .int(VisitRow.millis(notBefore))), ("expires", .int(VisitRow.millis(expires))),
            ("uses", .int(Int64(uses))), ("issued_at", .int(VisitRow.millis(issuedAt))),
        ]
        if let purpose { pairs.append(("purpose", .string(purpose))) }
        return CanonicalJSON.object(pairs)
    }

    static let columns = "id, venue, name, host, purpose, not_before, expires, uses, issued_at, revoked_at"
}

/// One entry made with an invitation.
public struct InvitationUse: Equatable, Sendable {
    public var visitCode: String
    public var at: Date

    /// What an `invite-use` event proves about a row of `invitation_use` (the audit compares
    /// them). `migrated` marks uses that were chained when a log from before was upgraded.
    static func canonical(visitCode: String, atMillis: Int64, migrated: Bool = false) -> String {
        var pairs: [(String, CanonicalJSON.Value)] = [("visit", .string(visitCode)), ("at", .int(atMillis))]
        if migrated { pairs.append(("migrated", .bool(true))) }
        return CanonicalJSON.object(pairs)
    }
}

extension StoreTransaction {
    /// The invitation issued here, or (with a building log) at another gate; revoked when
    /// any gate revoked it.
    public func invitation(id: String) throws -> InvitationRecord? {
        if var local = try row("SELECT \(InvitationRecord.columns) FROM invitation WHERE id = ?", [id]).map(InvitationRecord.from) {
            if local.revokedAt == nil, let elsewhere = try Int64.fetchOne(db, sql: "SELECT revoked_at FROM replica_invitation WHERE id = ?", arguments: [id]) {
                local.revokedAt = VisitRow.date(elsewhere)
            }
            return local
        }
        return try replicaInvitation(id: id)
    }

    func replicaInvitation(id: String) throws -> InvitationRecord? {
        guard let r = try row("SELECT payload, revoked_at FROM replica_invitation WHERE id = ?", [id]),
            let obj = CanonicalJSON.decode(r[0] as String) as? [String: Any]
        else { return nil }
        func ms(_ key: String) -> Date { VisitRow.date((obj[key] as? NSNumber)?.int64Value ?? 0) }
        return InvitationRecord(
            id: id, venue: obj["venue"] as? String ?? "", name: obj["name"] as? String ?? "", host: obj["host"] as? String ?? "",
            purpose: obj["purpose"] as? String, notBefore: ms("not_before"), expires: ms("expires"),
            uses: (obj["uses"] as? NSNumber)?.intValue ?? 1, issuedAt: ms("issued_at"), revokedAt: (r[1] as Int64?).map(VisitRow.date))
    }

    /// Uses at this gate and (with a building log) at the others, oldest first: a single-use
    /// invitation used at the lobby is used up at the car park too.
    public func invitationUses(id: String) throws -> [InvitationUse] {
        let local = try rows("SELECT visit_code, at FROM invitation_use WHERE invitation = ? ORDER BY at, id", [id])
            .map { InvitationUse(visitCode: $0[0], at: VisitRow.date($0[1])) }
        let others = try rows("SELECT visit_code, at FROM replica_invitation_use WHERE invitation = ? ORDER BY at, gate, seq", [id])
            .map { InvitationUse(visitCode: $0[0], at: VisitRow.date($0[1])) }
        return others.isEmpty ? local : (local + others).sorted { $0.at < $1.at }
    }

    /// Counts an entry; call in the same transaction as the visit's insert. The use is
    /// chained: a deleted use row would let a single-use invitation admit again.
    public func recordInvitationUse(id: String, visitCode: String, at now: Date) throws {
        try adoptInvitation(id: id, at: now)
        try db.execute(
            sql: "INSERT INTO invitation_use (invitation, visit_code, at) VALUES (?, ?, ?)",
            arguments: [id, visitCode, VisitRow.millis(now)])
        try append(.inviteUse, code: id, payload: InvitationUse.canonical(visitCode: visitCode, atMillis: VisitRow.millis(now)), at: now)
    }

    /// A genuine invitation (its signature verified) that reached this gate before its
    /// issuing gate's events did: kept here with an `invite-issue` event of this gate, as an
    /// adopted one is, so its use here is counted and audited.
    public func keepSignedInvitation(_ inv: InvitationRecord, at now: Date) throws {
        guard try Int.fetchOne(db, sql: "SELECT 1 FROM invitation WHERE id = ?", arguments: [inv.id]) == nil else { return }
        try db.execute(
            sql: "INSERT INTO invitation (\(InvitationRecord.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            arguments: [inv.id, inv.venue, inv.name, inv.host, inv.purpose, VisitRow.millis(inv.notBefore),
                VisitRow.millis(inv.expires), inv.uses, VisitRow.millis(inv.issuedAt)])
        try append(.inviteIssue, code: inv.id, payload: inv.canonical, at: now)
    }

    /// An invitation issued at another gate, used or revoked here: kept here too, with its
    /// own `invite-issue` event in this gate's chain, so this gate's uses and revocation
    /// refer to a row its audit can check. Nothing when it is already here or unknown.
    func adoptInvitation(id: String, at now: Date) throws {
        guard try Int.fetchOne(db, sql: "SELECT 1 FROM invitation WHERE id = ?", arguments: [id]) == nil,
            var inv = try replicaInvitation(id: id)
        else { return }
        inv.revokedAt = nil
        try db.execute(
            sql: "INSERT INTO invitation (\(InvitationRecord.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            arguments: [inv.id, inv.venue, inv.name, inv.host, inv.purpose, VisitRow.millis(inv.notBefore),
                VisitRow.millis(inv.expires), inv.uses, VisitRow.millis(inv.issuedAt)])
        try append(.inviteIssue, code: inv.id, payload: inv.canonical, at: now)
    }
}

extension Store {
    /// Keeps an issued invitation, chained like every change.
    public func recordInvitation(_ inv: InvitationRecord, at now: Date) throws {
        try write { tx in
            try tx.db.execute(
                sql: "INSERT INTO invitation (\(InvitationRecord.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                arguments: [inv.id, inv.venue, inv.name, inv.host, inv.purpose, VisitRow.millis(inv.notBefore),
                    VisitRow.millis(inv.expires), inv.uses, VisitRow.millis(inv.issuedAt)])
            try tx.append(.inviteIssue, code: inv.id, payload: inv.canonical, at: now)
        }
    }

    /// Revokes by id or a unique prefix of at least 8 hex digits; nil when none matches.
    /// Throws when the prefix matches several.
    public func revokeInvitation(idPrefix: String, at now: Date) throws -> InvitationRecord? {
        try write { tx in
            let prefix = idPrefix.lowercased().filter { $0.isHexDigit }
            guard prefix.count >= 8 else { return nil }
            // Issued at another gate of the building: revoked here, for every gate.
            let elsewhere = try String.fetchAll(
                tx.db, sql: "SELECT id FROM replica_invitation WHERE id LIKE ? AND id NOT IN (SELECT id FROM invitation) LIMIT 2",
                arguments: [prefix + "%"])
            if elsewhere.count == 1, let id = elsewhere.first { try tx.adoptInvitation(id: id, at: now) }
            let found = try Row.fetchAll(
                tx.db, sql: "SELECT \(InvitationRecord.columns) FROM invitation WHERE id LIKE ? LIMIT 2",
                arguments: [prefix + "%"]
            ).map(InvitationRecord.from)
            guard found.count == 1, var inv = found.first else {
                if found.count > 1 { throw RuleViolation(.inviteAmbiguous, [prefix]) }
                return nil
            }
            if inv.revokedAt != nil { return inv }
            try tx.db.execute(sql: "UPDATE invitation SET revoked_at = ? WHERE id = ?", arguments: [VisitRow.millis(now), inv.id])
            try tx.append(
                .inviteRevoke, code: inv.id, payload: CanonicalJSON.object([("id", .string(inv.id))]), at: now)
            inv.revokedAt = now
            return inv
        }
    }

    public func invitations() throws -> [InvitationRecord] {
        try read { tx in
            try Row.fetchAll(tx.db, sql: "SELECT \(InvitationRecord.columns) FROM invitation ORDER BY issued_at").map(InvitationRecord.from)
        }
    }

    /// How many entries each invitation has been used for, by invitation id.
    public func invitationUseCounts() throws -> [String: Int] {
        try read { tx in
            var counts: [String: Int] = [:]
            // Uses at every gate (with a building log): what is left is the building's.
            for row in try Row.fetchAll(
                tx.db,
                sql: "SELECT invitation, count(*) FROM (SELECT invitation FROM invitation_use UNION ALL SELECT invitation FROM replica_invitation_use) GROUP BY invitation")
            {
                counts[row[0]] = row[1]
            }
            return counts
        }
    }
}
