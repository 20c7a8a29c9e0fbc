import Foundation
import Gate
import KioskCore
import Testing
@testable import TerminalUI

/// The guard's shift after issue 22: a scanner slower than `max_key_gap_ms` typing on a screen
/// without a field ended with an Enter that checked the open visit out, or quit the kiosk.
@Suite struct StrayTypingTests {
    func fill(_ s: Screen, _ name: String) {
        s.key(.function(2))
        s.type(name)
        s.key(.enter)
    }

    @Test func aSlowScanOnTheQuitPromptIsAScanNotAYes() throws {
        let s = try Screen()
        fill(s, "Lê Thị Hoa")
        let code = try #require(try s.gate.list(day: nil, insideOnly: true, search: nil).first?.code)
        s.key(.function(10))
        #expect(s.app.screen == .quit)
        s.type("KOUT:" + code)
        s.key(.enter)
        #expect(!s.app.quitRequested)
        #expect(try s.gate.visit(code: code)?.status == .left)
        // The prompt's own answer still quits.
        s.key(.function(10))
        s.key(.character("y"))
        #expect(s.app.quitRequested)
    }

    @Test func aSlowScanOnAVisitsDetailNeverChecksItOut() throws {
        let s = try Screen()
        fill(s, "Vũ Đức Em")
        s.key(.function(4))
        s.type("vu duc")
        s.key(.enter)
        #expect(s.app.screen == .visitDetail)
        for n in ["001099012501||Trần Một|01011990|Nam|Hà Nội|01012021", "001099012502||Trần Hai|01011990|Nam|Hà Nội|01012021"] {
            s.type(n)
            s.key(.enter)
            s.key(.escape)
        }
        #expect(try s.gate.list(day: nil, insideOnly: true, search: "vu duc em").count == 1, "the open visit was checked out")
        // Typing that is no code is dropped with its Enter; the guard's own Enter still works.
        s.key(.function(4))
        s.type("vu duc")
        s.key(.enter)
        s.type("xyz")
        s.key(.enter)
        #expect(!s.contains("Nhấn Enter lần nữa"))
        s.key(.enter)
        #expect(s.contains("Nhấn Enter lần nữa"))
    }
}
