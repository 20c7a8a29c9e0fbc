import Foundation
import GRDB
import GRDBSQLite
import KioskCore

/// The log. The only type in the project that opens the database; everything above talks to
/// it through these methods and never sees SQL.
///
/// Durability: WAL with `synchronous=FULL`, so a commit has reached the disk when `write`
/// returns, and a visit shown as recorded survives a power cut.
public final class Store: Sendable {
    let writer: any DatabaseWriter
    /// The database file, or `:memory:`, for messages.
    public let path: String
    /// The key the chain's links are made with, from the building's key file.
    let chainKey: ChainKey
    /// True when the log was sealed under another key: the audit says so (rather than
    /// "edited") and nothing is written, so no event is ever sealed under the wrong key.
    public let keyDiffers: Bool
    /// The newest event this process has seen, checked before every write: see `write`.
    private let seenHead = SeenHead()

    /// How long a write waits for another process (a second gate, `kiosk export`) before it
    /// reports the database as locked.
    public static let busyTimeout: TimeInterval = 5

    /// Opens (creating if needed) the database at `path`, in a 0700 folder, mode 0600.
    /// `chainKey` is the building's chain key (the Gate derives it from `key_file`); a log
    /// written before keyed links is upgraded to it once, on the first writable open.
    /// `durable: false` (synchronous=OFF) exists only to seed benchmark databases quickly;
    /// nothing that records real visits may pass it.
    /// `mayReseal`: whether a log with unkeyed links may be sealed now (the one-time upgrade
    /// of a log from before keyed links). The Gate allows it only for a database its key has
    /// never sealed: a sealed log whose seal was stripped would otherwise be re-sealed as if
    /// it were old, laundering whatever was rewritten.
    public init(path: String, chainKey: ChainKey, readOnly: Bool = false, durable: Bool = true, mayReseal: Bool = false) throws {
        self.path = path
        self.chainKey = chainKey
        let dir = (path as NSString).deletingLastPathComponent
        do {
            if !readOnly {
                if !dir.isEmpty { try SecureFiles.makeDirectory(dir) }
                try SecureFiles.touchPrivate(path)
            }
        } catch {
            throw StoreError.cannotOpen(path: path)
        }
        if readOnly && !FileManager.default.fileExists(atPath: path) {
            throw StoreError.cannotOpen(path: path)
        }
        // Files this open creates; removed again if it fails, so a damaged database is left
        // exactly as it was found.
        let sidecars = [path + "-wal", path + "-shm"].filter { !FileManager.default.fileExists(atPath: $0) }
        var opened = false
        defer {
            if !opened {
                for f in sidecars where (try? FileManager.default.attributesOfItem(atPath: f)[.size] as? Int) == 0 || f.hasSuffix("-shm") {
                    try? FileManager.default.removeItem(atPath: f)
                }
            }
        }
        do {
            let pool = try DatabasePool(path: path, configuration: Store.configuration(readOnly: readOnly, durable: durable))
            if !readOnly {
                // GRDB's WAL set-up lowers the writer to synchronous=NORMAL after our
                // prepareDatabase ran; put FULL back, or a commit is not on disk when it returns.
                try pool.writeWithoutTransaction { db in
                    try db.execute(sql: durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = OFF")
                }
                try Store.migrateIfNeeded(pool, chainKey: chainKey, mayReseal: mayReseal)
            }
            keyDiffers = try Store.keyDiffers(pool, chainKey)
            seenHead.value = try pool.read { db in try Store.newestEvent(db) }
            writer = pool
            opened = true
        } catch is ChainUpgrade.SealRemoved {
            throw StoreError.sealRemoved(path: path)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CANTOPEN && Store.isReadOnlyLocation(path) {
            throw StoreError.readOnly(path: path)
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    /// True when the file or its folder cannot be written (read-only mount, permissions):
    /// SQLite then says only "cannot open" because it cannot create the -wal and -shm files.
    static func isReadOnlyLocation(_ path: String) -> Bool {
        let dir = (path as NSString).deletingLastPathComponent
        return FileManager.default.fileExists(atPath: path)
            && (!FileManager.default.isWritableFile(atPath: path) || !FileManager.default.isWritableFile(atPath: dir.isEmpty ? "." : dir))
    }

    /// A pragma's value as the writer connection sees it (tests check durability with it).
    func writerPragma(_ name: String) throws -> String? {
        try writer.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA \(name)") }
    }

    /// A private in-memory database for tests. Its chain key defaults to a random one: the
    /// database vanishes with the process, so no one needs to verify it later.
    public init(inMemoryNamed name: String = "test", chainKey: ChainKey = .random()) throws {
        path = ":memory:"
        self.chainKey = chainKey
        let queue = try DatabaseQueue(named: name, configuration: Store.configuration(readOnly: false))
        try Store.migrateIfNeeded(queue, chainKey: chainKey, mayReseal: true)
        keyDiffers = try Store.keyDiffers(queue, chainKey)
        writer = queue
    }

    /// Whether the log was sealed with another key. The check value in `meta` is only a hint
    /// (anyone with the file can write it): when it differs, the newest event's link decides.
    /// A link that verifies under this key means the check value was edited, not the key
    /// changed, so writes go on and the audit reports the edit.
    static func keyDiffers(_ reader: any DatabaseReader, _ key: ChainKey) throws -> Bool {
        try reader.read { db -> Bool in
            guard try db.tableExists("meta"),
                let stored = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [ChainUpgrade.keyCheckMeta]),
                stored != key.check
            else { return false }
            return try newestLinkVerifies(db, key) != true
        }
    }

    /// nil when the log has no event; else whether its newest event's link is this key's.
    static func newestLinkVerifies(_ db: Database, _ key: ChainKey) throws -> Bool? {
        guard let row = try Row.fetchOne(db, sql: "SELECT seq, at, kind, code, payload_hash, prev_hash, hash FROM event ORDER BY seq DESC LIMIT 1")
        else { return nil }
        let link = ChainSeal.keyed(key).link(seq: row[0], at: row[1], kind: row[2], code: row[3], payloadHash: row[4], prev: row[5])
        return link == (row[6] as String)
    }

    /// Copies the write-ahead log into the database and empties it. The WAL file itself stays
    /// (PERSIST_WAL); this is for handing a finished file on, as the benchmark's seed does.
    public func checkpoint() throws {
        try writer.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
    }

    static func configuration(readOnly: Bool, durable: Bool = true) -> Configuration {
        var config = Configuration()
        config.readonly = readOnly
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(busyTimeout)
        config.label = "kiosk"
        // One writer and at most two readers: the kiosk's reads are few and short (a worker
        // thread, a CLI command), and each connection keeps its own page cache in memory.
        config.maximumReaderCount = 2
        config.prepareDatabase { db in
            // Keep the WAL file when the last connection closes. Without it GRDB writes a
            // throwaway table at every start to recreate the file, and a read-only command
            // (the evacuation roll call) would then wait behind another process's writes.
            if let connection = db.sqliteConnection {
                var persist: Int32 = 1
                _ = sqlite3_file_control(connection, "main", SQLITE_FCNTL_PERSIST_WAL, &persist)
            }
            // FULL: the WAL is fsynced at every commit. NORMAL would lose the last visits on
            // power loss, which a gate cannot afford.
            try db.execute(sql: durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = OFF")
            // ON, not FAST: FAST leaves whole pages freed by a purge on the free list with
            // their old contents, where names and phones stay readable in the file.
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        return config
    }

    static func migrateIfNeeded(_ writer: any DatabaseWriter, chainKey: ChainKey, mayReseal: Bool) throws {
        let migrator = Migrations.migrator(chainKey: chainKey, mayReseal: mayReseal)
        // Most starts find the schema current; checking with a read avoids taking the write
        // lock just to learn that, so `kiosk list` never waits for a busy writer.
        let done = try writer.read { db in try migrator.hasCompletedMigrations(db) }
        if !done { try migrator.migrate(writer) }
    }

    /// Runs `body` in one IMMEDIATE transaction: it sees and changes the log atomically,
    /// even against another process writing the same file.
    public func write<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        if keyDiffers { throw StoreError.wrongKey(path: path) }
        do {
            return try writer.writeWithoutTransaction { db in
                var result: T?
                var head: (seq: Int64, hash: String)?
                try db.inTransaction(.immediate) {
                    // A backup copied in place (same file, other contents) is not "moved": the
                    // chain tells. The event this process saw last must still be there, unchanged;
                    // other processes only ever add events after it.
                    if let seen = seenHead.value, try Store.eventHash(db, seq: seen.seq) != seen.hash {
                        throw StoreError.moved(path: path)
                    }
                    result = try body(StoreTransaction(db: db, seal: .keyed(chainKey)))
                    // In WAL mode SQLite goes on committing into a database file that was
                    // deleted or replaced under it: the visit would be shown as recorded and lost.
                    if Store.fileHasMoved(db) { throw StoreError.moved(path: path) }
                    head = try Store.newestEvent(db)
                    return .commit
                }
                // Only once committed: a commit refused (a full disk) leaves the head as it was.
                seenHead.value = head
                guard let result else { throw StoreError.other(path: path, detail: "transaction produced nothing") }
                return result
            }
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    static func eventHash(_ db: Database, seq: Int64) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT hash FROM event WHERE seq = ?"), arguments: [seq])
    }

    static func newestEvent(_ db: Database) throws -> (seq: Int64, hash: String)? {
        try HashChain.newest(db)
    }

    /// True when the database file at the opened path is gone or is another file now.
    static func fileHasMoved(_ db: Database) -> Bool {
        guard let connection = db.sqliteConnection else { return false }
        var moved: Int32 = 0
        return sqlite3_file_control(connection, "main", SQLITE_FCNTL_HAS_MOVED, &moved) == SQLITE_OK && moved != 0
    }

    /// Runs `body` on a consistent snapshot.
    public func read<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        do {
            return try writer.read { db in try body(StoreTransaction(db: db, seal: .keyed(chainKey))) }
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    /// A meta value (bookkeeping of daily jobs), outside the chain because it holds nothing
    /// that needs proving.
    public func meta(_ key: String) throws -> String? {
        try read { tx in try tx.meta(key) }
    }

    public func setMeta(_ key: String, _ value: String) throws {
        try write { tx in try tx.setMeta(key, value) }
    }
}

extension Store {
    /// Bytes SQLite holds on the heap in this process: every connection's page cache, schemas
    /// and prepared statements. Bounded by the page caches (about 2 MB a connection), so a
    /// process whose memory grows by no more than this over a day is not leaking.
    public static var memoryInUse: Int64 { sqlite3_memory_used() }
}

/// The (seq, hash) of the newest event a `Store` has seen, shared by its writes.
final class SeenHead: @unchecked Sendable {
    private let lock = NSLock()
    private var head: (seq: Int64, hash: String)?
    var value: (seq: Int64, hash: String)? {
        get { lock.withLock { head } }
        set { lock.withLock { head = newValue } }
    }
}
