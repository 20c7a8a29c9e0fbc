import Foundation
import Testing
import KioskCore
@testable import Gate
@testable import Passes

/// Issue 21 #10: dose numbers must be integers and both present; a sample from the future is
/// not a fresh test.
@Suite struct HC1PolicyStrictnessTests {
    func verified(_ type: CertificateType, _ hcert: CBOR) -> HC1Result {
        var r = HC1Result()
        for s in HC1Result.stepNames { r.checks[s] = .pass }
        var cert = HealthCertificate(hcert)
        cert.type = type
        r.certificate = cert
        r.issuer = "VN"
        return r
    }

    func vaccination(dn: CBOR?, sd: CBOR?) -> CBOR {
        var entry: [(CBOR, CBOR)] = [(.text("tg"), .text("840539006")), (.text("dt"), .text("2021-06-01"))]
        if let dn { entry.append((.text("dn"), dn)) }
        if let sd { entry.append((.text("sd"), sd)) }
        return .map([(.text("v"), .array([.map(entry)]))])
    }

    func key(_ h: Harness, _ r: HC1Result) -> (Verdict, MessageKey?) {
        let d = h.gate.hc1Decision(r, at: h.clock.now())
        return (d.verdict, d.reasons.first?.key)
    }

    @Test func dosesAsFloatsAreNotComplete() throws {
        let h = try Harness()
        #expect(key(h, verified(.vaccination, vaccination(dn: .double(1.0), sd: .double(2.0)))) == (.deny, .vaccinationDosesUnreadable))
        #expect(key(h, verified(.vaccination, vaccination(dn: .double(2.0), sd: .double(2.0)))) == (.deny, .vaccinationDosesUnreadable))
        #expect(key(h, verified(.vaccination, vaccination(dn: .text("2"), sd: .text("2")))) == (.deny, .vaccinationDosesUnreadable))
        // Integers keep working, both ways.
        #expect(key(h, verified(.vaccination, vaccination(dn: .unsigned(1), sd: .unsigned(2)))) == (.deny, .vaccinationIncomplete))
        #expect(key(h, verified(.vaccination, vaccination(dn: .unsigned(2), sd: .unsigned(2)))) == (.admit, .passVerified))
        #expect(key(h, verified(.vaccination, vaccination(dn: .unsigned(3), sd: .unsigned(2)))) == (.admit, .passVerified))
    }

    @Test func missingOrZeroDosesAreNotComplete() throws {
        let h = try Harness()
        #expect(key(h, verified(.vaccination, vaccination(dn: nil, sd: nil))) == (.deny, .vaccinationDosesUnreadable))
        #expect(key(h, verified(.vaccination, vaccination(dn: .unsigned(2), sd: nil))) == (.deny, .vaccinationDosesUnreadable))
        #expect(key(h, verified(.vaccination, vaccination(dn: nil, sd: .unsigned(2)))) == (.deny, .vaccinationDosesUnreadable))
        #expect(key(h, verified(.vaccination, vaccination(dn: .unsigned(0), sd: .unsigned(0)))) == (.deny, .vaccinationDosesUnreadable))
        // Not asked for: a building that does not require completeness admits.
        let lax = try Harness { $0.policy.vaccinationComplete = false }
        #expect(key(lax, verified(.vaccination, vaccination(dn: nil, sd: nil))) == (.admit, .passVerified))
    }

    @Test func aSampleFromTheFutureIsRefused() throws {
        let h = try Harness()
        let now = h.clock.now()
        func test(sampled: Date) -> HC1Result {
            verified(.test, .map([(.text("t"), .array([.map([(.text("tr"), .text("260415000")), (.text("sc"), .text(ISOTime.format(sampled)))])]))]))
        }
        #expect(key(h, test(sampled: now.addingTimeInterval(86400))) == (.deny, .testSampleInFuture))
        #expect(key(h, test(sampled: now.addingTimeInterval(3600))) == (.deny, .testSampleInFuture))
        // A laboratory clock a few minutes ahead is tolerated; an hour-old sample is fresh.
        #expect(key(h, test(sampled: now.addingTimeInterval(120))) == (.admit, .passVerified))
        #expect(key(h, test(sampled: now.addingTimeInterval(-3600))) == (.admit, .passVerified))
        let reason = try #require(h.gate.hc1Decision(test(sampled: now.addingTimeInterval(86400)), at: now).reasons.first)
        #expect(!reason.text(.vi).contains("{0}"))
    }
}
