import Foundation
import Gate
import KioskCore
import Testing
import TerminalUI

/// Issue 21 #1: the PIN unlocks the supervisor screen it was typed for; any way of leaving
/// that screen locks it again, not only Esc.
@Suite struct SupervisorLockTests {
    /// Unlocks F9 with the PIN and checks the menu is open.
    func unlock(_ s: Screen) throws {
        try s.gate.supervisorPin.set("2468")
        s.key(.function(9))
        s.type("2468")
        s.key(.enter)
        #expect(s.app.screen == .supervisor)
    }

    /// F9 again must ask for the PIN.
    func expectLocked(_ s: Screen, _ how: Comment) {
        s.key(.function(9))
        #expect(s.app.screen == .pin(next: .supervisor), how)
        #expect(!s.contains("Kiểm tra tính toàn vẹn"), how)
        s.key(.escape)
    }

    @Test func aScanOnTheSupervisorScreenLocksIt() throws {
        let s = try Screen()
        try unlock(s)
        s.scan("ZZZZNOTACODE99")
        expectLocked(s, "after an unreadable scan")
    }

    @Test func aCheckOutScanOnTheSupervisorScreenLocksIt() throws {
        let s = try Screen()
        s.key(.function(2))
        s.type("Lê Thị Hoa")
        s.key(.enter)
        let code = try #require(try s.gate.list(day: nil, insideOnly: true, search: nil).first?.code)
        try unlock(s)
        s.scan("KOUT:" + code)
        expectLocked(s, "after a check-out scan")
    }

    @Test func anIdentityScanThenASavedFormLocksIt() throws {
        let s = try Screen()
        try unlock(s)
        s.scan("001099012399||Quách Tĩnh|01011999|Nam|Hà Nội|01012021")
        #expect(s.app.screen == .manual)
        s.key(.enter)
        expectLocked(s, "after a CCCD scan and a saved form")
    }

    @Test func everyFunctionKeyThatLeavesLocksIt() throws {
        for fkey in [1, 2, 3, 4, 5, 7, 10] {
            let s = try Screen()
            try unlock(s)
            s.key(.function(fkey))
            s.key(.escape)
            expectLocked(s, "after F\(fkey)")
        }
    }

    @Test func aPinAcceptedAfterTheGuardLeftDoesNotOpenTheMenu() throws {
        let s = try Screen()
        try s.gate.supervisorPin.set("2468")
        let runner = SlowRunner()
        runner.gateForRelease = s.gate
        let app = TerminalApp(gate: s.gate, runner: runner, guardName: "Bảo vệ", capabilities: TerminalCapabilities(colour: true, unicode: true))
        runner.release()
        app.collect()
        app.handle(.key(.function(9)))
        for c in "2468" { app.handle(.key(.character(c))) }
        app.handle(.key(.enter))
        // The slow PIN check is still running when a scan takes the guard home.
        app.handle(.scan("ZZZZNOTACODE99"))
        runner.release()
        app.collect()
        #expect(app.screen == .main)
        app.handle(.key(.function(9)))
        #expect(app.screen == .pin(next: .supervisor))
    }
}
