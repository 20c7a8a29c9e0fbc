import Foundation
import GRDB
import KioskCore
@testable import Records

/// A visit as a test writes it; the store allocates the code.
func sampleEntry(
    _ name: String, at: Date, idNumber: String? = nil, phone: String? = nil, badge: String? = nil,
    decision: String = "admitted", method: EntryMethod = .manual
) -> Entry {
    Entry(
        code: "", venue: "demo", gate: "main", category: "visitor", method: method, status: .inside,
        checkedInAt: at, details: VisitorDetails(name: name, idNumber: idNumber, phone: phone, organisation: "Công ty ABC", host: "Phòng IT"),
        idStorage: .full, idHash: idNumber.map { "h-" + $0 }, badge: badge, temperature: 36.6,
        decision: decision, reasons: [decision], guardName: "An")
}

let hanoi = TimeZone(identifier: "Asia/Ho_Chi_Minh")!

func at(_ iso: String) -> Date { ISOTime.parse(iso)! }

/// A temporary folder removed when the test ends.
final class TempDir {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "kiosk-records-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

extension Store {
    /// Raw SQL for tests that play the attacker.
    func tamper(_ sql: String) throws {
        try writer.writeWithoutTransaction { db in try db.execute(sql: sql) }
    }
}

/// The chain key of file databases in these tests (a building's would come from its key file).
let testKey = ChainKey(Array(repeating: 7, count: 32))
