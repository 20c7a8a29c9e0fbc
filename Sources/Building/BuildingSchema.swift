import Foundation

/// The building log's schema in PostgreSQL, as numbered migrations applied once each, in
/// order, by `kiosk building init` (run by the building's administrator, idempotent). Like the
/// SQLite migrations, a shipped step is never edited: a change is a new step.
///
/// What the server enforces itself, whatever a gate box sends (a stolen box included):
/// - each gate logs in as its own role; row-level security lets it add events only under its
///   own gate's name, and gate roles hold no UPDATE or DELETE privilege at all;
/// - every event continues its gate's chain (`seq` one more, `prev_hash` the previous hash,
///   `payload_hash` the SHA-256 of the payload); an event already held is never replaced
///   (the primary key refuses it: sent twice, nothing changes; a second box with the same
///   gate name is refused);
/// - a purge event erases the payloads of that gate's purged visits, as the gate did.
/// What it cannot check: the keyed link itself (the server never holds the building's key).
/// Every gate checks those on download, and `kiosk building audit` checks them all.
enum BuildingSchema {
    static let version = 1

    static let migrations: [(Int, String, String)] = [
        (1, "gates-events-rls", """
            CREATE TABLE kiosk.gate (
                name text PRIMARY KEY,
                role text NOT NULL UNIQUE,
                created_at timestamptz NOT NULL DEFAULT now(),
                last_contact timestamptz,
                head_seq bigint,
                head_hash text,
                clock_offset_ms bigint,
                key_check text,
                fork_at timestamptz,
                fork_detail text,
                -- The box that runs the gate (see `kiosk.claim`): set by its first sync, cleared
                -- when the administrator registers the gate again (`add-gate`).
                box text,
                box_host text,
                box_since timestamptz
            );
            CREATE TABLE kiosk.building (key text PRIMARY KEY, value text NOT NULL);
            CREATE TABLE kiosk.event (
                gate text NOT NULL CHECK (octet_length(gate) <= 64),
                seq bigint NOT NULL CHECK (seq > 0),
                at bigint NOT NULL,
                kind text NOT NULL CHECK (octet_length(kind) <= 32),
                code text CHECK (octet_length(code) <= 64),
                -- A gate's payloads are visits and list entries, never near this: a gate that
                -- sends more would fill every other gate's replica and memory.
                payload text CHECK (octet_length(payload) <= 65536),
                payload_hash text NOT NULL CHECK (octet_length(payload_hash) = 64),
                prev_hash text NOT NULL CHECK (octet_length(prev_hash) = 64),
                hash text NOT NULL CHECK (octet_length(hash) = 64),
                clock_offset_ms bigint NOT NULL DEFAULT 0,
                received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                PRIMARY KEY (gate, seq)
            );
            -- Exports and status read a range of time: a BRIN index (events arrive roughly in
            -- time order) costs next to nothing per insert, unlike a second B-tree.
            CREATE INDEX event_at ON kiosk.event USING brin (at);
            CREATE INDEX event_invitation ON kiosk.event (code) WHERE kind = 'invite-issue';

            -- The gate a role belongs to (NULL for any other role).
            CREATE FUNCTION kiosk.my_gate() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER SET search_path = kiosk, pg_temp
                AS $$ SELECT name FROM kiosk.gate WHERE role = session_user $$;

            -- Checked once per statement over all its rows (a batch of hundreds), not row by
            -- row: every new event continues its gate's chain — #1 after the genesis, #n after
            -- the #n-1 the table now holds — and its payload matches its hash. One bad row
            -- rolls the whole statement back. An event already held is refused by the primary
            -- key (a batch sent twice changes nothing; the gate reads what the server holds).
            CREATE FUNCTION kiosk.events_arrived() RETURNS trigger LANGUAGE plpgsql SET search_path = kiosk, pg_temp AS $$
            DECLARE
                bad record;
            BEGIN
                SELECT n.gate, n.seq INTO bad FROM new_rows n
                  LEFT JOIN kiosk.event p ON p.gate = n.gate AND p.seq = n.seq - 1
                 WHERE CASE WHEN n.seq = 1 THEN n.prev_hash <> repeat('0', 64) ELSE p.hash IS NULL OR p.hash <> n.prev_hash END
                 ORDER BY n.gate, n.seq LIMIT 1;
                IF FOUND THEN
                    RAISE EXCEPTION 'gate % event #% does not continue the chain the building log holds', bad.gate, bad.seq
                        USING ERRCODE = 'KF002';
                END IF;
                SELECT n.gate, n.seq INTO bad FROM new_rows n
                 WHERE n.payload IS NOT NULL AND encode(sha256(convert_to(n.payload, 'UTF8')), 'hex') <> n.payload_hash
                 ORDER BY n.gate, n.seq LIMIT 1;
                IF FOUND THEN
                    RAISE EXCEPTION 'gate % event #%: payload does not match its hash', bad.gate, bad.seq USING ERRCODE = 'KC001';
                END IF;
                -- Gates listening pull at once instead of at their next pass (delivered on commit).
                PERFORM pg_notify('kiosk_events', gate) FROM (SELECT DISTINCT gate FROM new_rows) g;
                RETURN NULL;
            END $$;
            CREATE TRIGGER events_arrived AFTER INSERT ON kiosk.event REFERENCING NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION kiosk.events_arrived();

            -- A purge erases what the gate erased: the payloads of the visits it names that were
            -- recorded before its cutoff, at that gate only. The hashes stay, so chains verify.
            -- A cutoff less than an hour old erases nothing (a gate refuses to purge under a day
            -- with a building log), so a box that forges one cannot wipe the day's record. What
            -- goes: every earlier event of a named code whose visit began before the cutoff
            -- (its exit after midnight too), as at the gate.
            CREATE FUNCTION kiosk.purge_arrives() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = kiosk, pg_temp AS $$
            DECLARE
                body jsonb;
                cutoff bigint;
            BEGIN
                IF NEW.kind = 'purge' AND NEW.payload IS NOT NULL THEN
                    BEGIN
                        body := NEW.payload::jsonb;
                        cutoff := (body ->> 'cutoff')::bigint;
                    EXCEPTION WHEN others THEN
                        RETURN NULL;
                    END;
                    IF cutoff IS NULL OR cutoff > (extract(epoch FROM clock_timestamp()) * 1000)::bigint - 3600000 THEN
                        RETURN NULL;
                    END IF;
                    UPDATE kiosk.event SET payload = NULL
                     WHERE gate = NEW.gate AND seq < NEW.seq AND payload IS NOT NULL
                       AND code IN (SELECT e.code FROM kiosk.event e
                                     WHERE e.gate = NEW.gate AND e.code IN (SELECT jsonb_array_elements_text(body -> 'codes'))
                                     GROUP BY e.code HAVING MIN(e.at) < cutoff);
                END IF;
                RETURN NULL;
            END $$;
            CREATE TRIGGER purge_arrives AFTER INSERT ON kiosk.event FOR EACH ROW WHEN (NEW.kind = 'purge')
                EXECUTE FUNCTION kiosk.purge_arrives();

            -- A gate's report of itself after each sync: contact, head, clock offset, key check,
            -- or the fork it found. Only its own row, only through this function.
            CREATE FUNCTION kiosk.report(p_head_seq bigint, p_head_hash text, p_offset bigint, p_key_check text, p_fork text)
                RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = kiosk, pg_temp AS $$
            DECLARE
                me text := kiosk.my_gate();
                building_key text;
            BEGIN
                IF me IS NULL THEN
                    RAISE EXCEPTION 'role % is not a gate of this building', session_user USING ERRCODE = 'KR001';
                END IF;
                IF p_offset IS NULL OR abs(p_offset) > 315360000000 OR p_head_seq < 0 THEN
                    RAISE EXCEPTION 'report out of range' USING ERRCODE = 'KR002';
                END IF;
                IF p_fork IS NOT NULL THEN
                    UPDATE kiosk.gate SET fork_at = clock_timestamp(), fork_detail = left(p_fork, 500) WHERE name = me;
                    RETURN 'fork';
                END IF;
                INSERT INTO kiosk.building (key, value) VALUES ('key_check', left(p_key_check, 64)) ON CONFLICT (key) DO NOTHING;
                SELECT value INTO building_key FROM kiosk.building WHERE key = 'key_check';
                UPDATE kiosk.gate SET last_contact = clock_timestamp(), head_seq = p_head_seq, head_hash = left(p_head_hash, 64),
                    clock_offset_ms = p_offset, key_check = left(p_key_check, 64) WHERE name = me;
                IF building_key <> p_key_check THEN
                    RETURN 'key-differs';
                END IF;
                RETURN 'ok';
            END $$;

            -- The first box to sync as a gate is that gate's box; another box (a clone of its
            -- card in another machine or folder, a restored backup elsewhere) is refused before
            -- it sends anything, and the claim is kept on the gate's row for the administrator.
            CREATE FUNCTION kiosk.claim(p_box text, p_host text) RETURNS text
                LANGUAGE plpgsql SECURITY DEFINER SET search_path = kiosk, pg_temp AS $$
            DECLARE
                me text := kiosk.my_gate();
                held kiosk.gate%ROWTYPE;
            BEGIN
                IF me IS NULL THEN
                    RAISE EXCEPTION 'role % is not a gate of this building', session_user USING ERRCODE = 'KR001';
                END IF;
                SELECT * INTO held FROM kiosk.gate WHERE name = me FOR UPDATE;
                IF held.box IS NULL THEN
                    UPDATE kiosk.gate SET box = left(p_box, 64), box_host = left(p_host, 200), box_since = clock_timestamp() WHERE name = me;
                    RETURN 'ok';
                END IF;
                IF held.box = p_box THEN
                    RETURN 'ok';
                END IF;
                UPDATE kiosk.gate SET fork_at = clock_timestamp(),
                    fork_detail = left('box ' || p_host || ' claimed this gate; its box is ' || held.box_host || ' since ' || to_char(held.box_since, 'YYYY-MM-DD HH24:MI'), 500)
                 WHERE name = me;
                RETURN 'other:' || held.box_host || ' since ' || to_char(held.box_since, 'YYYY-MM-DD HH24:MI');
            END $$;

            ALTER TABLE kiosk.event ENABLE ROW LEVEL SECURITY;
            CREATE POLICY event_read ON kiosk.event FOR SELECT USING (true);
            -- (SELECT …): evaluated once per statement, not once per row.
            CREATE POLICY event_add_own ON kiosk.event FOR INSERT WITH CHECK (gate = (SELECT kiosk.my_gate()));

            DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kiosk_gates') THEN
                    CREATE ROLE kiosk_gates NOLOGIN;
                END IF;
            END $$;
            REVOKE ALL ON ALL TABLES IN SCHEMA kiosk FROM PUBLIC;
            REVOKE ALL ON ALL FUNCTIONS IN SCHEMA kiosk FROM PUBLIC;
            GRANT USAGE ON SCHEMA kiosk TO kiosk_gates;
            GRANT SELECT, INSERT ON kiosk.event TO kiosk_gates;
            GRANT SELECT ON kiosk.gate, kiosk.building, kiosk.schema_version TO kiosk_gates;
            GRANT EXECUTE ON FUNCTION kiosk.my_gate(), kiosk.report(bigint, text, bigint, text, text), kiosk.claim(text, text) TO kiosk_gates;
            """),
    ]

    /// Creates the schema or brings it up to `version`, in one transaction, under an advisory
    /// lock so two administrators running it at once do not both apply a step.
    static func migrate(_ c: PGConnection) throws(BuildingError) -> [String] {
        try c.transaction { () throws(BuildingError) -> [String] in
            try c.query("SELECT pg_advisory_xact_lock(7355608)")
            try c.query("CREATE SCHEMA IF NOT EXISTS kiosk")
            try c.query("REVOKE ALL ON SCHEMA kiosk FROM PUBLIC")
            try c.query("""
                CREATE TABLE IF NOT EXISTS kiosk.schema_version (
                    version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """)
            let done = Set(try c.query("SELECT version FROM kiosk.schema_version").values.compactMap { $0[0].flatMap(Int.init) })
            var applied: [String] = []
            for (number, name, sql) in migrations where !done.contains(number) {
                try c.query(sql)
                try c.query("INSERT INTO kiosk.schema_version (version, name) VALUES ($1, $2)", [String(number), name])
                applied.append("\(number)-\(name)")
            }
            return applied
        }
    }

    /// The schema version the server has; throws `.schema` when it is missing or older.
    static func check(_ c: PGConnection) throws(BuildingError) {
        let rows: PGConnection.Rows
        do {
            rows = try c.query("SELECT COALESCE(MAX(version), 0) FROM kiosk.schema_version")
        } catch .server(let state, _) where state == "42P01" || state == "3F000" {
            throw .schema("the building log has no kiosk schema yet")
        }
        let v = rows.values.first?[0].flatMap(Int.init) ?? 0
        if v < version { throw .schema("the building log's schema is version \(v), this kiosk needs \(version)") }
    }
}
