import CheckinWeb
import Foundation
import Gate
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KioskCore
import Logging
import Testing

/// What happens after the phone: the guard scans the code, the log stays verifiable, and the
/// server's log never holds what the visitor typed.
@Suite struct GuardConfirmTests {
    @Test func guardScanTurnsPendingIntoInside() async throws {
        let web = try Web()
        let codes: [String] = try await web.app().test(.router) { client in
            let v = Visitor(client: client)
            var codes: [String] = []
            for i in 0..<3 {
                var s = Submission()
                s.name = "Khách \(i)"
                s.phone = "090000000\(i)"
                s.idNumber = "00109900000\(i)"
                codes.append(try #require(Page.code(String(buffer: try await v.submit(s).body))))
            }
            return codes
        }
        #expect(try web.visits().allSatisfy { $0.status == .pending })
        #expect(try web.gate.audit().ok)

        // A pending visitor is not inside: not counted, cannot be checked out.
        #expect(try web.visits().filter { $0.status == .inside }.isEmpty)
        #expect(throws: (any Error).self) { try web.gate.checkOut(code: codes[0]) }

        web.clock.advance(120)
        let outcome = try web.gate.scan("KIN:" + codes[0], guardName: "Bảo vệ An")
        #expect(outcome.report.kind == .selfCheckIn)
        #expect(outcome.checkIn?.recorded?.code == codes[0])
        #expect(outcome.checkIn?.recorded?.status == .inside)
        #expect(outcome.checkIn?.decision.verdict == .admit)
        #expect(try web.gate.visit(code: codes[0])?.status == .inside)
        // Scanned twice: still one visit, still inside, and the guard is told since when.
        let twice = try web.gate.scan("KIN:" + codes[0], guardName: "Bảo vệ An")
        #expect(twice.checkIn?.alreadyInside?.status == .inside)
        #expect(twice.checkIn?.decision.reasons.first?.key == .alreadyInside)
        // Typed in lower case from the screen.
        #expect(try web.gate.confirmSelfCheckIn(code: codes[1].lowercased(), guardName: "Bảo vệ Bình").recorded?.status == .inside)
        #expect(try web.gate.pendingSelfCheckIns().map(\.code) == [codes[2]])
        #expect(try web.gate.audit().ok)

        // Out, then a month later the purge: what is left still verifies.
        #expect(throws: Never.self) { try web.gate.checkOut(code: codes[0]) }
        web.clock.set("2027-01-15T09:00:00+07:00")
        let removed = try web.gate.purge()
        #expect(removed >= 2)
        #expect(try web.gate.audit().ok)
        // And new self check-ins after the purge chain on.
        try await web.app().test(.router) { client in
            var s = Submission()
            s.phone = "0900000099"
            s.idNumber = "001099099999"
            let code = try #require(Page.code(String(buffer: try await Visitor(client: client).submit(s).body)))
            _ = try web.gate.scan("KIN:\(code)", guardName: "Bảo vệ An")
            #expect(try web.gate.visit(code: code)?.status == .inside)
        }
        #expect(try web.gate.audit().ok)
    }

    @Test func unknownKINCodeRecordsNothing() async throws {
        let web = try Web()
        #expect(throws: (any Error).self) { try web.gate.scan("KIN:ABCDEF", guardName: "Bảo vệ An") }
        #expect(throws: (any Error).self) { try web.gate.scan("KIN:<script>", guardName: "Bảo vệ An") }
        #expect(try web.visits().isEmpty)
    }

    @Test func serverLogHoldsNoPersonalData() async throws {
        let web = try Web()
        let capture = LogCapture()
        try await web.app(logger: capture.logger).test(.live) { client in
            let v = Visitor(client: client)
            var s = Submission()
            s.name = "Phạm Thị Quỳnh Hoa"
            s.phone = "0977123456"
            s.idNumber = "079188001234"
            s.organisation = "Bí mật Co"
            let response1 = try await v.submit(s)
            #expect(response1.status == .ok)
            // A refused form and a replay log nothing personal either.
            s.consent = nil
            s.phone = "0977654321"
            let response2 = try await v.submit(s)
            #expect(response2.status == .unprocessableContent)
            let response3 = try await v.post(s.body)
            #expect(response3.status == .forbidden)
        }
        let log = capture.text
        // The capture works: the check-in is in the log, by its code.
        let code = try #require(try web.visits().first?.code)
        #expect(log.contains("self check-in \(code)"))
        for secret in [
            "0977123456", "977123456", "+84977123456", "079188001234", "Phạm Thị Quỳnh Hoa", "Quỳnh", "Pham Thi", "pham thi",
            "Bí mật", "0977654321", "Ph%E1%BA%A1m",
        ] {
            #expect(!log.contains(secret), "the log holds \(secret)")
        }
    }
}
