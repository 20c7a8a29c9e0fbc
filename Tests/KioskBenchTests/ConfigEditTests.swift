import Testing

@testable import KioskBench

/// The web bench once rewrote `[building] database =` along with `[records] database =`, so
/// `kiosk serve` refused its config and the self check-in figure could not be measured.
@Suite struct ConfigEditTests {
    let sample = """
        [records]
        database = data/kiosk.sqlite
        # database = old.sqlite

        [building]
        database =
        """

    @Test func setsTheKeyOnlyInItsSection() {
        let out = ConfigEdit.set(sample, section: "records", key: "database", value: "/tmp/x.sqlite")
        #expect(out.contains("[records]\ndatabase = /tmp/x.sqlite\n# database = old.sqlite"))
        #expect(out.hasSuffix("[building]\ndatabase ="))
    }

    @Test func addsAMissingKeyToItsSectionOrAMissingSection() {
        let added = ConfigEdit.set(sample, section: "building", key: "gate", value: "b")
        #expect(added.hasSuffix("[building]\ndatabase =\ngate = b"))
        let section = ConfigEdit.set(sample, section: "ui", key: "log_file", value: "l")
        #expect(section.hasSuffix("[ui]\nlog_file = l"))
    }
}
