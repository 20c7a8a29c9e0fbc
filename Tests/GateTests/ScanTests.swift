import Foundation
import Testing
import KioskCore
import Records
@testable import Gate
@testable import Passes

@Suite struct ScanTests {
    /// The official DE/1 vector (ES256, vaccination 2/2) with its signer trusted.
    func germanVector() throws -> (prefix: String, cert: SignerCertificate) {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/dcc/DE/1.json")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let ctx = try #require(obj["TESTCTX"] as? [String: Any])
        let b64 = try #require(ctx["CERTIFICATE"] as? String)
        let der = try #require(Data(base64Encoded: b64))
        return (try #require(obj["PREFIX"] as? String), try SignerCertificate(der: Array(der)))
    }

    @Test func genuineVaccinationIsAdmittedRecordedOnce() throws {
        var h = try Harness(now: "2021-06-01T20:00:00+02:00")
        let (prefix, cert) = try germanVector()
        h = Harness(gate: GateService(config: h.gate.config, store: h.gate.store, clock: h.clock, hasher: h.gate.hasher, trust: TrustStore([cert])), clock: h.clock, dir: h.dir)
        let first = try h.gate.scan(prefix + "\r\n", guardName: "An")
        #expect(first.report.valid)
        #expect(first.report.decision.verdict == .admit)
        let visit = try #require(first.checkIn?.recorded)
        #expect(visit.method == .hc1)
        #expect(visit.details.name == "Mustermann Erika")
        #expect(visit.passSummary?.contains("verified") == true)
        let again = try h.gate.scan(prefix, guardName: "An")
        #expect(again.checkIn?.recorded == nil)
        #expect(again.checkIn?.alreadyInside?.code == visit.code)
        #expect(try h.gate.audit().ok)
    }

    @Test func unknownSignerIsNeverVerified() throws {
        let h = try Harness(now: "2021-06-01T20:00:00+02:00")
        let (prefix, _) = try germanVector()
        let r = try h.gate.scan(prefix, guardName: "An")
        #expect(!r.report.valid)
        #expect(r.report.decision.verdict == .deny)
        #expect(r.report.decision.reasons.map(\.key).contains(.passUnknownSigner))
        #expect(r.checkIn == nil)
        let ask = try Harness(now: "2021-06-01T20:00:00+02:00") { $0.policy.unverified = "ask" }
        #expect(ask.gate.verify(prefix).decision.verdict == .check)
    }

    func verified(_ type: CertificateType, _ facts: [String: String]) -> HC1Result {
        var r = HC1Result()
        for s in HC1Result.stepNames { r.checks[s] = .pass }
        var cert = HealthCertificate()
        cert.type = type
        cert.facts = facts
        r.certificate = cert
        r.issuer = "VN"
        return r
    }

    @Test func policyOnVerifiedCertificates() throws {
        let h = try Harness()
        let now = h.clock.now()
        func verdict(_ r: HC1Result) -> (Verdict, MessageKey?) {
            let d = h.gate.hc1Decision(r, at: now)
            return (d.verdict, d.reasons.first?.key)
        }
        #expect(verdict(verified(.vaccination, ["dn": "2", "sd": "2"])) == (.admit, .passVerified))
        #expect(verdict(verified(.vaccination, ["dn": "1", "sd": "2"])) == (.deny, .vaccinationIncomplete))
        #expect(verdict(verified(.test, ["tr": "260415000", "sc": "2026-11-28T10:00:00+07:00"])) == (.admit, .passVerified))
        #expect(verdict(verified(.test, ["tr": "260415000", "sc": "2026-11-25T10:00:00+07:00"])) == (.deny, .testTooOld))
        #expect(verdict(verified(.test, ["tr": "260373001", "sc": "2026-11-28T10:00:00+07:00"])) == (.deny, .testPositive))
        #expect(verdict(verified(.recovery, ["df": "2026-11-01", "du": "2027-04-30"])) == (.admit, .passVerified))
        #expect(verdict(verified(.recovery, ["df": "2026-01-01", "du": "2026-06-30"])) == (.deny, .recoveryNotValid))
        let noTests = try Harness { $0.policy.hc1Types = ["vaccination"] }
        #expect(noTests.gate.hc1Decision(verified(.test, ["tr": "260415000", "sc": "2026-11-28T10:00:00+07:00"]), at: now).reasons.first?.key == .certificateTypeNotAccepted)
        let guardChecks = try Harness { $0.policy.admit = ["invite"] }
        #expect(guardChecks.gate.hc1Decision(verified(.vaccination, ["dn": "3", "sd": "3"]), at: now).verdict == .check)
    }

    @Test func invitationUsesAndRevocation() throws {
        let h = try Harness()
        let now = h.clock.now()
        let (code, record) = try h.gate.issueInvitation(name: "Lê Khách", host: "Phòng IT", purpose: nil, from: now, until: now.addingTimeInterval(3600), uses: 1)
        let first = try h.gate.scan(code, guardName: "An")
        let visit = try #require(first.checkIn?.recorded)
        #expect(visit.method == .invite && visit.details.host == "Phòng IT")
        #expect(try h.gate.scan(code, guardName: "An").checkIn?.alreadyInside?.code == visit.code)
        _ = try h.gate.checkOut(code: visit.code)
        let used = try h.gate.scan(code, guardName: "An")
        #expect(used.checkIn?.recorded == nil)
        #expect(used.checkIn?.decision.reasons.first?.key == .inviteUsedUp)
        #expect(used.checkIn?.decision.reasons.first?.text(.en).contains("08:00") == true)

        let (two, rec2) = try h.gate.issueInvitation(name: "Hai Lần", host: "Kế toán", purpose: nil, from: now, until: now.addingTimeInterval(3600), uses: 2)
        let v1 = try #require(try h.gate.scan(two, guardName: "An").checkIn?.recorded)
        _ = try h.gate.checkOut(code: v1.code)
        #expect(try h.gate.scan(two, guardName: "An").checkIn?.recorded != nil)
        _ = try h.gate.revokeInvitation(String(rec2.id.prefix(8)))
        #expect(throws: RuleViolation.self) { try h.gate.revokeInvitation("zz") }
        _ = record
        #expect(try h.gate.audit().ok)
    }

    @Test func revokedInvitationIsRefused() throws {
        let h = try Harness()
        let now = h.clock.now()
        let (code, record) = try h.gate.issueInvitation(name: "Bị Thu Hồi", host: "IT", purpose: nil, from: now, until: now.addingTimeInterval(3600), uses: 5)
        _ = try h.gate.revokeInvitation(record.id)
        let r = try h.gate.scan(code, guardName: "An")
        #expect(r.checkIn?.recorded == nil)
        #expect(r.checkIn?.decision.reasons.first?.key == .inviteRevoked)
    }

    @Test func identityCodesPrefillAndNeedTheGuard() throws {
        let h = try Harness()
        let r = try h.gate.scan("079203001234|123456789|Nguyễn Văn An|01011990|Nam|1 Tràng Tiền|01012021", guardName: "An")
        #expect(r.report.kind == .cccd)
        #expect(r.report.decision.verdict == .check)
        let v = try #require(r.checkIn?.recorded)
        #expect(v.method == .cccd && v.details.address == nil && v.details.idNumber == "********1234")
        #expect(v.decision == "admitted-alert")
        #expect(v.declaration["self_declared"] == "yes")
        #expect(try h.gate.scan("079203001234|Nguyễn Văn An|01011990|Nam|x|01012021", guardName: "An").checkIn?.alreadyInside?.code == v.code)
        let out = try h.gate.scan("KOUT:" + v.code, guardName: "An")
        guard case .checkedOut? = out.checkOut else { Issue.record("KOUT did not check out"); return }
    }

    @Test func garbageRecordsNothing() throws {
        let h = try Harness()
        for junk in [String(repeating: "9", count: 1 << 20), "\u{1B}[2J\u{1B}]0;pwn\u{7}", "HC1:NCFOXN%TS3DH", "HC1:" + String(repeating: "A", count: 100), "KIV1:zzz", "||||"] {
            let r = try h.gate.scan(junk, guardName: "An")
            #expect(r.checkIn == nil && r.checkOut == nil, "\(junk.prefix(30))")
            #expect(r.report.decision.verdict == .deny)
        }
        #expect(try h.gate.list(day: nil, insideOnly: false, search: nil).isEmpty)
    }
}
