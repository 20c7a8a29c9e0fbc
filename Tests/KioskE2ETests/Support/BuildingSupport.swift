import Foundation
import TestSupport

/// A building for the end-to-end tests: a real PostgreSQL started in a temporary folder, its
/// schema made by `kiosk building init`, and one sandboxed kiosk per gate (its own SQLite
/// log), each with the role and password file `kiosk building add-gate` gave it and the one
/// key file of the building. The server is stopped when the building is dropped, also when a
/// test fails.
final class TestBuilding {
    let pg: PostgresServer
    private(set) var gates: [String: Sandbox] = [:]
    let dir: String

    init(gates names: [String], settings: [String: String] = [:]) throws {
        pg = try PostgresServer.start(name: "building")
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-building-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let r = try admin(["building", "init"])
        guard r.status == 0 else { throw E2EError("building init failed: \(r)") }
        var keySource: String?
        for name in names {
            let box = try addGate(name, settings: settings)
            // One building, one key: the first gate's key file is copied to the others
            // before their first start (by hand, as the README says; never through PostgreSQL).
            if let keySource {
                try FileManager.default.createDirectory(atPath: box.dataDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                try FileManager.default.copyItem(atPath: keySource, toPath: box.keyPath)
            } else {
                try box.run(["list"]).expectSuccess("first start of \(name)")
                keySource = box.keyPath
            }
            gates[name] = box
        }
    }

    deinit {
        pg.shutdown()
        try? FileManager.default.removeItem(atPath: dir)
    }

    subscript(_ name: String) -> Sandbox {
        guard let box = gates[name] else { fatalError("no gate \(name) in this test building") }
        return box
    }

    /// A kiosk command as the building's administrator (`--database` with the admin role).
    func admin(_ args: [String], extra: [String] = []) throws -> RunResult {
        try ProcessRunner.run(
            try KioskBinary.path(), args + ["--database", pg.adminURL] + extra, environment: ["PGPASSWORD": pg.adminPassword],
            cwd: dir, timeout: 60)
    }

    /// `add-gate` and a sandbox configured as that gate.
    func addGate(_ name: String, settings: [String: String] = [:]) throws -> Sandbox {
        let passwordFile = dir + "/\(name).pw"
        let r = try admin(["building", "add-gate", name, "--password-file", passwordFile, "--json"])
        guard r.status == 0 else { throw E2EError("add-gate \(name) failed: \(r)") }
        let out = try JSON.object(r.stdout)
        guard let role = out["role"] as? String, out["gate"] as? String == name else { throw E2EError("add-gate printed \(r.stdout)") }
        var all = settings
        all["venue.gate"] = name
        all["venue.gates"] = "lobby, car, side, \(name)"
        all["building.database"] = pg.url(user: role)
        all["building.password_file"] = passwordFile
        return try Sandbox(settings: all)
    }

    /// One `kiosk sync --json` at a gate.
    @discardableResult
    func sync(_ gate: String, now: String? = nil) throws -> RunResult {
        try self[gate].run(["sync", "--json"], now: now, timeout: 90)
    }

    /// Every gate synced until nothing moves (adopted check-outs take a second round).
    func converge(now: String? = nil) throws {
        for _ in 0..<3 {
            for name in gates.keys.sorted() {
                let r = try sync(name, now: now)
                guard r.status == 0 else { throw E2EError("sync at \(name) failed: \(r)") }
            }
        }
    }

    /// (count, max seq) of a gate's events as PostgreSQL holds them.
    func serverEvents(_ gate: String) throws -> (count: Int, max: Int) {
        let out = try pg.psql("SELECT count(*) || ' ' || COALESCE(max(seq), 0) FROM kiosk.event WHERE gate = '\(gate)'")
        let parts = out.split(separator: " ").compactMap { Int($0) }
        guard parts.count == 2 else { throw E2EError("unexpected: \(out)") }
        return (parts[0], parts[1])
    }

    /// The newest seq of a gate's own log.
    func localHead(_ gate: String) throws -> Int {
        Int(try self[gate].sql("SELECT COALESCE(MAX(seq), 0) FROM event").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
}

extension RunResult {
    func expectSuccess(_ what: String) throws {
        if status != 0 { throw E2EError("\(what) failed: \(self)") }
    }
}

/// The data rows of a CSV export (BOM and header dropped), sorted.
func exportRows(_ csv: String) -> [String] {
    var lines = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
    if !lines.isEmpty { lines.removeFirst() }
    return lines.sorted()
}
