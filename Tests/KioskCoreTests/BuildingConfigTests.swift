import Foundation
import Testing

@testable import KioskCore

@Suite struct BuildingConfigTests {
    func parse(_ text: String) throws(ConfigError) -> KioskConfig {
        try KioskConfig.parse(text: text, path: "/etc/kiosk/kiosk.conf", baseDirectory: "/srv/kiosk")
    }

    @Test func emptyDatabaseIsAGateAlone() throws {
        let c = try parse("[building]\ndatabase =\n")
        #expect(c.building.database == nil)
        #expect(try parse("").building.database == nil)
    }

    @Test func everyKeyReadsBack() throws {
        let c = try parse("""
            [building]
            database = postgresql://kiosk_gate_lobby@10.0.0.5:5433/tower
            password_file = secrets/lobby.pw
            tls = require
            sync_seconds = 5
            """)
        #expect(c.building.database == BuildingAddress(role: "kiosk_gate_lobby", host: "10.0.0.5", port: 5433, database: "tower"))
        #expect(c.building.passwordFile == "/srv/kiosk/secrets/lobby.pw")
        #expect(c.building.tls == .require)
        #expect(c.building.syncSeconds == 5)
        #expect(try parse("[building]\ndatabase = postgres://r@[::1]/db\n").building.database?.port == 5432)
        #expect(try parse("[building]\ndatabase = postgres://r@[::1]:6000/db\n").building.database?.description == "postgresql://r@[::1]:6000/db")
    }

    @Test(arguments: [
        ("database = mysql://r@h/db", "postgresql://"),
        ("database = postgresql://r:secret@h:5432/db", "password_file"),
        ("database = postgresql://h:5432/db", "role"),
        ("database = postgresql://r@h:99999/db", "port"),
        ("database = postgresql://r@h:5432", "database"),
        ("database = postgresql://r@h:5432/db?sslmode=disable", "options"),
        ("database = postgresql://r@h;rm:5432/db", "host"),
        ("database = postgresql://r@h x:5432/db", "without spaces"),
        ("tls = maybe", "disable, prefer or require"),
        ("sync_seconds = 0", "1 to 3600"),
        ("sync_seconds = 1e9", "1 to 3600"),
        ("colour = blue", "known keys"),
    ])
    func aBadValueNamesTheLineAndWhatToDo(line: String, says: String) {
        do {
            _ = try parse("[building]\n\(line)\n")
            Issue.record("accepted: \(line)")
        } catch {
            #expect(error.line == 2)
            #expect(error.description.contains(says), "\(error.description)")
        }
    }
}
