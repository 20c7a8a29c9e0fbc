import Testing
@testable import KioskCore

@Suite struct ValidationTests {
    @Test(arguments: [
        ("079203001234", Validation.IdKind.cccd), ("123456789", .cmnd), ("B1234567", .passport),
        ("C7654321", .passport), ("12-34", .unknown), ("abc", .unknown),
    ])
    func idKinds(id: String, kind: Validation.IdKind) {
        #expect(Validation.idKind(id) == kind)
    }

    @Test func phonesAreNormalised() {
        #expect(Validation.normalisePhone("+84 912 345 678") == "0912345678")
        #expect(Validation.normalisePhone("0912.345.678") == "0912345678")
        #expect(Validation.normalisePhone("84912345678") == "0912345678")
        #expect(Validation.isValidPhone("0912345678"))
        #expect(!Validation.isValidPhone("12345"))
    }

    @Test func emptyNameIsRefusedOthersAreWarnings() {
        let empty = VisitorDetails(name: "   \u{1B} ").cleaned()
        #expect(Validation.errors(empty).map(\.key) == [.nameRequired])
        let odd = VisitorDetails(name: "An", idNumber: "12", phone: "999").cleaned()
        #expect(Validation.errors(odd).isEmpty)
        #expect(Validation.warnings(odd, temperature: 38.1).map(\.key) == [.idNumberUnusual, .phoneUnusual, .temperatureHigh])
        #expect(Validation.warnings(odd, temperature: 60).map(\.key).contains(.temperatureImplausible))
    }

    @Test func overlongNameIsRefused() {
        let d = VisitorDetails(name: String(repeating: "A", count: 10_000))
        #expect(Validation.errors(d).map(\.key) == [.fieldTooLong])
    }

    @Test func maskedValuesAreNotWarnedAbout() {
        let d = VisitorDetails(name: "An", idNumber: "********1234", phone: "******5678")
        #expect(Validation.warnings(d, temperature: nil).isEmpty)
    }

    @Test func durations() {
        #expect(DurationText.parse("15m") == 900)
        #expect(DurationText.parse("1h30m") == 5400)
        #expect(DurationText.parse("90s") == 90)
        #expect(DurationText.parse("20") == 1200)
        #expect(DurationText.parse("x") == nil)
        #expect(DurationText.parse("") == nil)
        #expect(DurationText.parse("99d") == nil)
    }
}
