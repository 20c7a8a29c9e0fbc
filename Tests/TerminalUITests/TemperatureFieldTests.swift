import Foundation
import Gate
import KioskCore
import Testing
@testable import TerminalUI

/// Issue 21 #5: `inf` or `1e99` in the temperature field killed the guard terminal while it
/// drew the warning. The form now draws every value, refuses to save what no thermometer
/// shows, and keeps the guard in the form.
@Suite struct TemperatureFieldTests {
    func typeTemperature(_ s: Screen, _ value: String) {
        s.key(.function(2))
        s.type("Nguyễn Văn An")
        while s.app.form?.focus != .temperature { s.key(.tab) }
        s.type(value)
    }

    @Test(arguments: ["inf", "1e99", "nan", "-inf", "9e9", "99", "abc", "29,9", "0x24", "3.6e1"])
    func anAbsurdTemperatureIsDrawnAndRefused(_ value: String) throws {
        let s = try Screen()
        typeTemperature(s, value)
        // Drawing the inline warning must not trap.
        #expect(s.contains("không hợp lý"), "\(value)")
        s.key(.enter)
        #expect(s.app.screen == .manual, "\(value)")
        #expect(s.app.form?.focus == .temperature, "\(value)")
        #expect(try s.gate.list(day: nil, insideOnly: false, search: nil).isEmpty, "\(value)")
        // Corrected, it saves.
        for _ in 0..<8 { s.key(.backspace) }
        s.type("36,8")
        s.key(.enter)
        #expect(s.app.screen == .main, "\(value)")
        let v = try #require(try s.gate.list(day: nil, insideOnly: false, search: nil).first)
        #expect(v.temperature == 36.8)
    }

    @Test func theDetailViewOfAnAbsurdStoredValueDoesNotTrap() {
        #expect(Validation.format1(.infinity) == "inf")
        #expect(Validation.format1(1e300) == "1e+300")
        #expect(Validation.format1(.nan) == "NaN")
        #expect(Validation.format1(36.849) == "36.8")
        #expect(Validation.format1(-0.05) == "-0.1")
    }
}
