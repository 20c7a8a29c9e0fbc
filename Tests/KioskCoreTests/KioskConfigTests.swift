import Foundation
import Testing
@testable import KioskCore

@Suite struct KioskConfigTests {
    func parse(_ text: String) throws(ConfigError) -> KioskConfig {
        try KioskConfig.parse(text: text, path: "/etc/kiosk/kiosk.conf", baseDirectory: "/srv/kiosk")
    }

    func error(_ text: String) -> ConfigError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func sampleConfigParsesWithEveryKey() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("kiosk.conf")
        let config = try KioskConfig.load(path: url.path)
        #expect(config.venue.id == "demo-hq")
        #expect(config.venue.name == "Tòa nhà Demo Hà Nội")
        #expect(config.venue.gates == ["main", "north"])
        #expect(config.venue.timeZone.identifier == "Asia/Ho_Chi_Minh")
        #expect(config.records.database.hasSuffix("/data/kiosk.sqlite"))
        #expect(config.records.database.hasPrefix("/"))
        #expect(config.records.autoCheckout == .midnight)
        #expect(config.records.autoExportAt == TimeOfDay("00:05"))
        #expect(config.ui.language == .vi)
    }

    @Test func relativePathsResolveAgainstTheConfigFolder() throws {
        let c = try parse("[records]\ndatabase = data/x.sqlite\nexport_dir = /var/exports\n")
        #expect(c.records.database == "/srv/kiosk/data/x.sqlite")
        #expect(c.records.exportDir == "/var/exports")
    }

    @Test func valuesMayContainHashAndEquals() throws {
        let c = try parse("[venue]\nname = Cổng #2 = phía Bắc\n")
        #expect(c.venue.name == "Cổng #2 = phía Bắc")
    }

    @Test func unknownKeyNamesFileLineAndKey() {
        let e = error("# c\n[venue]\nid = a\ncolour = red\n")
        #expect(e?.description.hasPrefix("/etc/kiosk/kiosk.conf:4: colour: unknown key in [venue]") == true)
    }

    @Test func duplicateKey() {
        let e = error("[venue]\nid = a\n\nid = b\n")
        #expect(e?.line == 4)
        #expect(e?.key == "id")
        #expect(e?.problem.contains("first on line 2") == true)
    }

    @Test(arguments: [
        ("[venue]\ncapacity = many\n", "capacity"), ("[venue]\ntimezone = Mars/Olympus\n", "timezone"),
        ("[ui]\nlanguage = fr\n", "language"), ("[records]\nretention_days = 0\n", "retention_days"),
        ("[records]\nauto_checkout = sometimes\n", "auto_checkout"), ("[records]\nauto_export_at = 25:00\n", "auto_export_at"),
        ("[records]\nid_storage = plain\n", "id_storage"), ("[records]\nkeep_address = maybe\n", "keep_address"),
        ("[venue]\nid = has space\n", "id"), ("[venue]\ngate = west\ngates = main, north\n", "gate"),
    ])
    func badValues(text: String, key: String) {
        let e = error(text)
        #expect(e?.key == key, "\(text)")
        #expect((e?.line ?? 0) > 0)
    }

    @Test func unknownSectionAndStrayLines() {
        #expect(error("[printers]\nx = 1\n")?.key == "[printers]")
        #expect(error("id = x\n")?.problem.contains("outside any section") == true)
        #expect(error("[venue]\njust words\n")?.line == 2)
        #expect(error("[venue\n")?.line == 1)
    }

    @Test func autoCheckoutForms() throws {
        #expect(try parse("[records]\nauto_checkout = after 12h\n").records.autoCheckout == .after(12 * 3600))
        #expect(try parse("[records]\nauto_checkout = off\n").records.autoCheckout == .off)
        #expect(try parse("[records]\nauto_export_at = off\n").records.autoExportAt == nil)
    }
}
