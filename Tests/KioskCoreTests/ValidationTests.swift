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

/// Issue 21 #5: checked arithmetic on every number typed.
@Suite struct AbsurdNumberParsingTests {
    @Test func durationsNeverOverflow() {
        #expect(DurationText.parse("999999999999999d") == nil)
        #expect(DurationText.parse("9223372036854775807s") == nil)
        #expect(DurationText.parse("99999999999999999999m") == nil)
        #expect(DurationText.parse("153722867280912931m") == nil)
        #expect(DurationText.parse("6d23h59m60s") == DurationText.maximum)
        #expect(DurationText.parse("7d1s") == nil)
        #expect(DurationText.parse("2h30m") == 9000)
        #expect(DurationText.parse("15") == 900)
    }

    @Test func temperaturesAreParsedFiniteAndRefusedWhenImplausible() {
        #expect(Validation.parseTemperature("36,8") == 36.8)
        #expect(Validation.parseTemperature(" 37.5 ") == 37.5)
        for text in ["inf", "-inf", "nan", "infinity", "", "abc", "1e99999"] {
            #expect(Validation.parseTemperature(text) == nil, "\(text)")
        }
        for t in [Double.infinity, -.infinity, .nan, 1e300, -1e300, 29.99, 45.01, 0] {
            #expect(Validation.temperatureRefusal(t)?.key == .temperatureImplausible, "\(t)")
        }
        for t in [30.0, 36.6, 37.5, 42, 45] { #expect(Validation.temperatureRefusal(t) == nil, "\(t)") }
        // Warnings never trap on any Double.
        for t in [Double.infinity, .nan, 1e300, -1e300, Double.greatestFiniteMagnitude] {
            let w = Validation.warnings(VisitorDetails(name: "A"), temperature: t)
            #expect(w.first?.key == .temperatureImplausible, "\(t)")
        }
    }
}
