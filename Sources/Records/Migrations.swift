import GRDB

/// Schema migrations, registered by name. A shipped migration is never edited: a change of
/// schema is a new migration appended here.
///
/// Times are INTEGER milliseconds since the Unix epoch, UTC: sortable, compact, and the same in
/// SQLite and PostgreSQL (the multi-gate future), unlike SQLite's date functions.
enum Migrations {
    /// `chainKey` seals the chain when a log from before keyed links is upgraded (v4).
    static func migrator(chainKey: ChainKey, mayReseal: Bool) -> DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-visits-events-watchlist") { db in
            try db.execute(sql: """
                CREATE TABLE visit (
                    id INTEGER PRIMARY KEY,
                    code TEXT NOT NULL UNIQUE,
                    venue TEXT NOT NULL,
                    gate TEXT NOT NULL,
                    category TEXT NOT NULL,
                    method TEXT NOT NULL,
                    status TEXT NOT NULL,
                    checked_in_at INTEGER NOT NULL,
                    checked_out_at INTEGER,
                    auto_closed_at INTEGER,
                    name TEXT NOT NULL,
                    search_text TEXT NOT NULL,
                    id_number TEXT,
                    id_storage TEXT NOT NULL,
                    id_hash TEXT,
                    phone TEXT,
                    organisation TEXT,
                    host TEXT,
                    purpose TEXT,
                    address TEXT,
                    badge TEXT,
                    temperature REAL,
                    symptoms INTEGER,
                    declaration TEXT,
                    app TEXT,
                    pass_summary TEXT,
                    decision TEXT NOT NULL,
                    reasons TEXT,
                    override_by TEXT,
                    override_reason TEXT,
                    watch_match TEXT,
                    guard TEXT NOT NULL
                );
                CREATE INDEX visit_checked_in_at ON visit(checked_in_at);
                CREATE INDEX visit_inside ON visit(checked_in_at) WHERE status = 'inside';
                CREATE INDEX visit_inside_badge ON visit(badge) WHERE status = 'inside';
                CREATE INDEX visit_id_hash ON visit(id_hash);
                CREATE INDEX visit_phone ON visit(phone);

                CREATE TABLE event (
                    seq INTEGER PRIMARY KEY,
                    at INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    code TEXT,
                    payload TEXT,
                    payload_hash TEXT NOT NULL,
                    prev_hash TEXT NOT NULL,
                    hash TEXT NOT NULL
                );
                CREATE INDEX event_code ON event(code);

                CREATE TABLE watch (
                    id INTEGER PRIMARY KEY,
                    name_folded TEXT,
                    id_hash TEXT,
                    phone TEXT,
                    action TEXT NOT NULL,
                    note TEXT,
                    created_at INTEGER NOT NULL
                );

                CREATE TABLE daily_export (
                    day TEXT PRIMARY KEY,
                    file TEXT NOT NULL,
                    rows INTEGER NOT NULL,
                    sha256 TEXT NOT NULL,
                    at INTEGER NOT NULL
                );

                CREATE TABLE meta (
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                );
                """)
        }
        m.registerMigration("v2-invitations") { db in
            try db.execute(sql: """
                CREATE TABLE invitation (
                    id TEXT PRIMARY KEY,
                    venue TEXT NOT NULL,
                    name TEXT NOT NULL,
                    host TEXT NOT NULL,
                    purpose TEXT,
                    not_before INTEGER NOT NULL,
                    expires INTEGER NOT NULL,
                    uses INTEGER NOT NULL,
                    issued_at INTEGER NOT NULL,
                    revoked_at INTEGER
                );
                CREATE TABLE invitation_use (
                    id INTEGER PRIMARY KEY,
                    invitation TEXT NOT NULL REFERENCES invitation(id) ON DELETE CASCADE,
                    visit_code TEXT NOT NULL,
                    at INTEGER NOT NULL
                );
                CREATE INDEX invitation_use_invitation ON invitation_use(invitation);
                """)
        }
        m.registerMigration("v3-pending-visits") { db in
            // Self check-ins waiting for the guard: the terminal counts them every two
            // seconds, which must not scan a million visits.
            try db.execute(sql: "CREATE INDEX visit_pending ON visit(checked_in_at) WHERE status = 'pending'")
        }
        m.registerMigration("v4-keyed-chain") { db in
            // Keyed links, and invitation uses in the chain: see ChainUpgrade.
            try ChainUpgrade.run(db, key: chainKey, mayReseal: mayReseal)
        }
        m.registerMigration("v5-refusal-events") { db in
            // Refusals kept as events only (no visit row): the terminal counts a day's of them
            // every two seconds beside the denied visits.
            try db.execute(sql: "CREATE INDEX event_refusal ON event(at) WHERE kind = 'refusal'")
        }
        m.registerMigration("v6-confirmations") { db in
            // A self check-in's confirmation: when, by whom and what the rules decided, kept on
            // the row (replayed by the audit from the `confirm` event) so the record says what
            // happened, beside the submission's own time and `pending` decision.
            try db.execute(sql: """
                ALTER TABLE visit ADD COLUMN confirmed_at INTEGER;
                ALTER TABLE visit ADD COLUMN confirmed_by TEXT;
                ALTER TABLE visit ADD COLUMN confirmed_decision TEXT;
                """)
        }
        m.registerMigration("v7-building-replica") { db in
            // The other gates' events, pulled from the building log, and what they say, kept
            // apart from this gate's own `visit`/`event` (its truth, which the audit checks):
            // the rules of entry, the roll call and check-out read both, offline too.
            // replica_visit has visit's columns so a row reads back as an `Entry` the same way.
            try db.execute(sql: """
                CREATE TABLE replica_event (
                    gate TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    at INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    code TEXT,
                    payload TEXT,
                    payload_hash TEXT NOT NULL,
                    prev_hash TEXT NOT NULL,
                    hash TEXT NOT NULL,
                    clock_offset_ms INTEGER NOT NULL,
                    PRIMARY KEY (gate, seq)
                ) WITHOUT ROWID;
                CREATE TABLE replica_visit (
                    \(VisitRow.fixedColumns.map { "\($0) \(VisitRow.columnType($0))" }.joined(separator: ",\n"))
                    , status TEXT NOT NULL
                    , checked_out_at INTEGER
                    , auto_closed_at INTEGER
                    , confirmed_at INTEGER
                    , confirmed_by TEXT
                    , confirmed_decision TEXT
                    , closed_by TEXT
                    , PRIMARY KEY (gate, code)
                );
                CREATE INDEX replica_visit_inside ON replica_visit(checked_in_at) WHERE status = 'inside';
                CREATE INDEX replica_visit_id_hash ON replica_visit(id_hash) WHERE status = 'inside';
                CREATE INDEX replica_visit_phone ON replica_visit(phone) WHERE status = 'inside';
                CREATE INDEX replica_visit_code ON replica_visit(code);
                -- A check-out by one gate of another's visit that arrived before the visit did.
                CREATE TABLE replica_closure (
                    origin TEXT NOT NULL,
                    code TEXT NOT NULL,
                    gate TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    checked_out_at INTEGER NOT NULL,
                    PRIMARY KEY (origin, code, gate, seq)
                );
                CREATE TABLE replica_watch (
                    gate TEXT NOT NULL,
                    id INTEGER NOT NULL,
                    name_folded TEXT,
                    id_hash TEXT,
                    phone TEXT,
                    action TEXT NOT NULL,
                    note TEXT,
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (gate, id)
                );
                CREATE TABLE replica_invitation (
                    id TEXT PRIMARY KEY,
                    gate TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    revoked_at INTEGER
                );
                CREATE TABLE replica_invitation_use (
                    gate TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    invitation TEXT NOT NULL,
                    visit_code TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    PRIMARY KEY (gate, seq)
                );
                CREATE INDEX replica_invitation_use_invitation ON replica_invitation_use(invitation);
                -- Other gates' events that arrived with their payload erased: each must be
                -- explained by a later purge of that gate naming its code with a cutoff after
                -- it; one that never is was hidden on the way (see `unexplainedErasures`).
                CREATE TABLE replica_erasure (
                    gate TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    code TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    PRIMARY KEY (gate, seq)
                );
                -- The clock offset (server minus this gate, ms) with which each run of this
                -- gate's own events was uploaded: the building orders events by corrected time.
                CREATE TABLE building_upload (
                    first_seq INTEGER PRIMARY KEY,
                    last_seq INTEGER NOT NULL,
                    clock_offset_ms INTEGER NOT NULL
                );
                """)
        }
        m.registerMigration("v8-privacy") { db in
            try db.execute(sql: """
                -- The exact texts visitors agreed to or were shown, by their SHA-256: a visit
                -- records the hash, this table proves which words it was.
                CREATE TABLE consent_text (
                    sha256 TEXT PRIMARY KEY,
                    version TEXT NOT NULL,
                    language TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    text TEXT NOT NULL,
                    first_used_at INTEGER NOT NULL
                );
                -- Access and erasure requests (Law 91/2025): when received, when answered, by
                -- whom, about whom only as the screens show it (masked). Each is also chained.
                CREATE TABLE privacy_request (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    received_day TEXT NOT NULL,
                    recorded_at INTEGER NOT NULL,
                    answered_at INTEGER,
                    by TEXT NOT NULL,
                    reason TEXT,
                    visits INTEGER NOT NULL,
                    outcome TEXT NOT NULL
                );
                """)
        }
        m.registerMigration("v9-slips") { db in
            try db.execute(sql: """
                -- Visitor slips that reached the printer. Not part of the chained log: printing
                -- changes no visit. It lets every slip after the first say "reprint", whichever
                -- process (the terminal, `kiosk checkin`, `kiosk slip`) printed the first.
                CREATE TABLE slip_print (
                    code TEXT NOT NULL,
                    printed_at INTEGER NOT NULL,
                    reprint INTEGER NOT NULL
                );
                CREATE INDEX slip_print_code ON slip_print(code);
                """)
        }
        m.registerMigration("v10-notify") { db in
            try db.execute(sql: """
                -- The host directory (kiosk hosts import): staff who receive visitors. Matched
                -- to a visit's "whom" by folded name, optionally with the department.
                CREATE TABLE host (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    name_folded TEXT NOT NULL,
                    department TEXT NOT NULL,
                    department_folded TEXT NOT NULL,
                    email TEXT,
                    phone TEXT,
                    webhook TEXT,
                    updated_at INTEGER NOT NULL,
                    UNIQUE (name_folded, department_folded)
                );
                -- The durable outbox: a message is written in the visit's own transaction and
                -- delivered by a worker. Not chained (delivery changes no visit). The text is
                -- made from the visit at delivery, so a visit erased before its message went
                -- takes the message with it; only the host's address is kept here.
                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY,
                    key TEXT NOT NULL UNIQUE,
                    visit_code TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    host_name TEXT NOT NULL,
                    recipient TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    state TEXT NOT NULL DEFAULT 'waiting',
                    attempts INTEGER NOT NULL DEFAULT 0,
                    refusals INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at INTEGER NOT NULL,
                    claimed_until INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT,
                    done_at INTEGER
                );
                CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE state = 'waiting';
                CREATE INDEX outbox_visit ON outbox(visit_code);
                -- A host's yes that the gate's rules held (a full house, another open visit):
                -- the visit still waits, now for the guard and a supervisor, who are told the
                -- host agreed. Not chained: the decision that follows is.
                CREATE TABLE host_answer (
                    code TEXT PRIMARY KEY,
                    answer TEXT NOT NULL,
                    at INTEGER NOT NULL
                );
                """)
        }
        return m
    }
}
