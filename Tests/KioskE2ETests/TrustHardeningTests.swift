import Foundation
import Testing

/// Issue 21 #9 and #12: a certificate's fields never reach the terminal raw, and a trust
/// list's CSCAs never become HC1 signers.
@Suite("trust hardening")
struct TrustHardeningTests {
    static func fixture(_ name: String) throws -> String {
        guard let root = KioskBinary.packageRoot() else { throw E2EError("cannot find the package root") }
        return root + "/Tests/Fixtures/trust/" + name
    }

    @Test("trust list prints no escape sequence from a certificate's country or subject")
    func escapesNeverPrinted() throws {
        let box = try Sandbox(language: "en")
        let r = try box.run(["trust", "import", try Self.fixture("escape-subject.pem")])
        #expect(r.status == 0, "\(r)")
        for args in [["trust", "list"], ["trust", "list", "--json"]] {
            let list = try box.run(args)
            #expect(list.status == 0, "\(list)")
            #expect(!list.stdoutData.contains(escByte) && !list.stderrData.contains(escByte), "\(args): \(list)")
            #expect(!list.stdoutData.contains(0x07), "\(args): \(list)")
            #expect(list.stdout.contains("[2J"), "the country is shown, defused: \(list)")
        }
    }

    @Test("a trust list's x5c adds its DSC only; a CSCA is never a signer")
    func onlyDocumentSigners() throws {
        let box = try Sandbox(language: "en")
        let r = try box.run(["trust", "import", try Self.fixture("trustlist-dsc-csca.json")])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("Added 1 "), "\(r)")
        let rows = try JSON.array(try box.run(["trust", "list", "--json"]).stdout)
        #expect(rows.count == 1, "\(rows)")
        #expect((rows.first?["subject"] as? String) == "Test DSC VN", "\(rows)")
    }

    @Test("a PEM bundle with a CSCA adds the DSC and says the CSCA was skipped")
    func bundleSkipsAuthority() throws {
        let box = try Sandbox(language: "en")
        let r = try box.run(["trust", "import", try Self.fixture("csca-and-dsc.pem")])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("Added 1 "), "\(r)")
        #expect(r.stdout.contains("Skipped 1 CSCA"), "\(r)")
        let rows = try JSON.array(try box.run(["trust", "list", "--json"]).stdout)
        #expect(rows.map { $0["subject"] as? String } == ["Test DSC VN"], "\(rows)")
    }

    @Test("a file holding only a CSCA is refused with a message")
    func onlyAuthorityRefused() throws {
        let box = try Sandbox(language: "en")
        let pem = try String(contentsOfFile: try Self.fixture("csca-and-dsc.pem"), encoding: .utf8)
        let csca = box.dir + "/csca.pem"
        let first = pem.components(separatedBy: "-----END CERTIFICATE-----")[0] + "-----END CERTIFICATE-----\n"
        try first.write(toFile: csca, atomically: true, encoding: .utf8)
        let r = try box.run(["trust", "import", csca])
        #expect(r.status == 1, "\(r)")
        #expect(r.stderr.contains("CSCA"), "\(r)")
        #expect(try JSON.array(try box.run(["trust", "list", "--json"]).stdout).isEmpty)
    }

    @Test("usage errors quote what was typed without its escape sequences")
    func usageErrorsDefused() throws {
        let box = try Sandbox(language: "en")
        let r = try box.run(["list", "--day", "\u{1b}[2J2026"])
        #expect(r.status == 2, "\(r)")
        #expect(!r.stderrData.contains(escByte) && !r.stdoutData.contains(escByte), "\(r)")
        let bad = try box.run(["checkin", "--name", "A", "--\u{1b}]0;x\u{07}"])
        #expect(bad.status == 2, "\(bad)")
        #expect(!bad.stderrData.contains(escByte) && !bad.stderrData.contains(0x07), "\(bad)")
    }
}

extension TrustHardeningTests {
    @Test("a CSCA put in the trust folder by hand is not a signer")
    func authorityInTheFolderIgnored() throws {
        let box = try Sandbox(language: "en")
        let pem = try String(contentsOfFile: try Self.fixture("csca-and-dsc.pem"), encoding: .utf8)
        let trustDir = box.dataDir + "/trust"
        try FileManager.default.createDirectory(atPath: trustDir, withIntermediateDirectories: true)
        try pem.write(toFile: trustDir + "/by-hand.pem", atomically: true, encoding: .utf8)
        let rows = try JSON.array(try box.run(["trust", "list", "--json"]).stdout)
        #expect(rows.map { $0["subject"] as? String } == ["Test DSC VN"], "\(rows)")
    }
}
