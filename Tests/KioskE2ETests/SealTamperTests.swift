import Foundation
import Testing

/// Review of issue 21 #3: someone with write access to the database file but not the key
/// strips the seal (the v4 migration mark and the key check), deletes a visit and a watch-list
/// entry, and rebuilds the chain with plain SHA-256 so it looks like a log from before keyed
/// links. The kiosk must not re-seal it as if it were old: its key file remembers sealing it.
@Suite("a stripped seal is not re-sealed")
struct SealTamperTests {
    static let forge = #"""
        import sqlite3, hashlib, sys
        db = sqlite3.connect(sys.argv[1])
        h = lambda s: hashlib.sha256(s.encode()).hexdigest()
        code = db.execute("select code from visit where name='Evil Intruder'").fetchone()[0]
        db.execute("delete from visit where code=?", (code,))
        db.execute("delete from event where code=?", (code,))
        db.execute("delete from event where kind='watch-add'")
        db.execute("delete from watch")
        rows = db.execute("select seq, at, kind, code, payload, payload_hash from event order by seq").fetchall()
        db.execute("delete from event")
        prev = "0" * 64
        for i, (seq, at, kind, c, payload, ph) in enumerate(rows, 1):
            link = f"{i}\n{at}\n{kind}\n{c or ''}\n{ph}\n{prev}"
            hh = h(link)
            db.execute("insert into event values (?,?,?,?,?,?,?,?)", (i, at, kind, c, payload, ph, prev, hh))
            prev = hh
        db.execute("delete from grdb_migrations where identifier='v4-keyed-chain'")
        db.execute("delete from meta where key='chain_key_check'")
        db.commit()
        """#

    @Test func theForgedPlainChainIsRefusedNotResealed() throws {
        let box = try Sandbox(language: "en")
        try box.checkin("Nguyen Van An")
        try box.checkin("Evil Intruder")
        try box.checkin("Tran Thi B")
        #expect(try box.run(["watchlist", "add", "--name", "Evil Intruder", "--action", "deny"]).status == 0)
        #expect(try box.run(["audit"]).status == 0)
        _ = try Tool.sqlite(box.dbPath, "PRAGMA wal_checkpoint(TRUNCATE);")
        let script = box.dir + "/forge.py"
        try Self.forge.write(toFile: script, atomically: true, encoding: .utf8)
        _ = try Tool.run("python3", [script, box.dbPath])
        let audit = try box.run(["audit"])
        #expect(audit.status == 1, "\(audit)")
        #expect(audit.stderr.contains("its seal has been removed"), "\(audit)")
        // Nothing re-sealed it: a second look says the same, and no write gets through.
        #expect(try box.run(["audit"]).stderr.contains("its seal has been removed"))
        let write = try box.run(["checkin", "--name", "After Forgery"])
        #expect(write.status == 1 && write.stdout.isEmpty, "\(write)")
        #expect(try Tool.sqlite(box.dbPath, "SELECT count(*) FROM event WHERE kind = 'chain-keyed'") == "0")
    }

    @Test func anEditedKeyCheckIsReportedAndWritesGoOn() throws {
        let box = try Sandbox(language: "en")
        try box.checkin("Secret Person")
        _ = try Tool.sqlite(box.dbPath, "UPDATE meta SET value = '00' WHERE key = 'chain_key_check';")
        let audit = try box.run(["audit"])
        #expect(audit.status == 1, "\(audit)")
        #expect(audit.stderr.contains("key check") && audit.stderr.contains("edited"), "\(audit)")
        // With the row edited as well, the edit is what the audit reports.
        _ = try Tool.sqlite(box.dbPath, "UPDATE visit SET name = 'Someone Else';")
        let both = try box.run(["audit"])
        #expect(both.stderr.contains("edited") && both.stderr.contains("visit row"), "\(both)")
        // Not a denial of service: the chain verifies with this key, so writes go on.
        _ = try Tool.sqlite(box.dbPath, "UPDATE visit SET name = 'Secret Person';")
        #expect(try box.run(["checkin", "--name", "Next Visitor"]).status == 0)
    }

    @Test func anUnreadableKeyFileIsReportedNeverReplaced() throws {
        let box = try Sandbox(language: "en")
        try box.checkin("Nguyen Van An")
        let before = try Tool.sha256(file: box.keyPath)
        // A directory where the key was: unreadable as a key, and must not be replaced.
        let moved = box.keyPath + ".real"
        #expect(rename(box.keyPath, moved) == 0)
        try FileManager.default.createDirectory(atPath: box.keyPath, withIntermediateDirectories: false)
        let r = try box.run(["list"])
        #expect(r.status != 0, "\(r)")
        var isDir: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: box.keyPath, isDirectory: &isDir) && isDir.boolValue, "the key path was replaced")
        try FileManager.default.removeItem(atPath: box.keyPath)
        #expect(rename(moved, box.keyPath) == 0)
        #expect(try Tool.sha256(file: box.keyPath) == before)
        #expect(try box.run(["audit"]).status == 0)
    }
}
