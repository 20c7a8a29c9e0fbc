import Foundation
import Testing

/// `kiosk verify --json` on official EU DCC test files: the output follows the contract of
/// issue 4, every step agrees with the file's `EXPECTED*` flags, the exit status follows the
/// decision, and nothing is recorded.
@Suite("verify --json contract")
struct VerifyContractTests {
    /// A sample covering each step and each quirk the design names.
    static let sample = [
        "DE/1.json",  // ES256, valid
        "CH/1.json",  // PS256 (protected alg -37), vaccination
        "CH/2.json",  // PS256, test
        "common/CO1.json",  // PS256, RSA 2048
        "common/CO2.json",  // PS256, RSA 3072
        "common/CO3.json",  // ES256
        "common/CO18.json",  // kid protected only
        "common/CO19.json",  // kid unprotected only
        "common/CO20.json",  // empty protected header, kid unprotected
        "common/CO21.json",  // protected kid right, unprotected wrong: protected wins
        "common/CO22.json",  // protected kid wrong: not verified
        "common/CO23.json",  // unprotected kid wrong, no protected kid
        "common/CO28.json",  // CWT tag 61 around COSE tag 18
        "common/CO5.json",  // signature cryptographically invalid
        "common/CBO1.json",  // CBOR structure wrong
        "common/CO16.json",  // clock before iat
        "common/CO17.json",  // clock after exp
        "common/CO6.json",  // EKU test, DGC vaccination
        "common/CO10.json",  // EKU recovery, DGC vaccination
        "common/CO13.json",  // EKU vaccination, DGC vaccination
        "common/CO15.json",  // no EKU: any type
        "NL/216-NL-test+wrong_key.json",  // EKU vaccination, DGC test
        "common/B1.json",  // Base45 broken
        "common/Z1.json",  // compression broken
        "common/Z2.json",  // not compressed
    ]

    static let contractKeys = ["format", "valid", "checks", "decision", "reasons"]

    @Test("each step agrees with the file's flags and the JSON follows the contract", arguments: sample)
    func vector(_ file: String) throws {
        let v = try DCCVector.load(file)
        #expect(!v.expected.isEmpty, "\(file) has no flag to check")
        let box = try Sandbox(language: "en")
        let (r, json) = try box.verify(v)
        #expect(!r.timedOut)
        for key in Self.contractKeys { #expect(json[key] != nil, "\(file): no \(key) in \(r.stdout)") }
        #expect(json["format"] as? String == "hc1", "\(r)")

        let checks = try #require(json["checks"] as? [String: String], "\(r)")
        #expect(Set(checks.keys) == hc1Steps, "\(file): checks \(checks.keys.sorted())")
        for (step, status) in checks { #expect(["pass", "fail", "skipped"].contains(status), "\(file) \(step)=\(status)") }
        for (step, want) in v.expected {
            #expect(checks[step] == (want ? "pass" : "fail"), "\(file): \(step) should \(want ? "pass" : "fail"), got \(checks[step] ?? "nil"); \(r.stdout)")
        }
        // Valid means every step passed, and after the first failing decoding step nothing is
        // pretended to have been checked.
        let valid = try #require(json["valid"] as? Bool)
        #expect(valid == checks.values.allSatisfy { $0 == "pass" }, "\(file): valid=\(valid) but \(checks)")
        let order = ["prefix", "base45", "zlib", "cose"]
        if let firstFail = order.firstIndex(where: { checks[$0] == "fail" }) {
            for later in order[(firstFail + 1)...] + ["signature", "validity", "key-usage"] {
                #expect(checks[later] == "skipped", "\(file): \(later) after a failed \(order[firstFail]) is \(checks[later] ?? "nil")")
            }
        }

        let decision = try #require(json["decision"] as? String)
        #expect(["admit", "check", "deny"].contains(decision), "\(decision)")
        let reasons = try #require(json["reasons"] as? [String])
        #expect(!reasons.isEmpty && reasons.allSatisfy { !$0.isEmpty }, "\(file): no reasons: \(r.stdout)")
        // Not genuine never admits.
        if !valid { #expect(decision != "admit", "\(file): an unverified code admitted: \(r.stdout)") }
        // The exit status follows the decision.
        #expect(r.status == (decision == "deny" ? 1 : 0), "\(file): decision \(decision) but \(r)")

        // A decoded certificate says who it is and what it is.
        if checks["cose"] == "pass" {
            #expect((json["issuer"] as? String)?.count == 2, "\(file): issuer \(String(describing: json["issuer"]))")
            let holder = try #require(json["holder"] as? [String: Any], "\(file): no holder")
            let name = try #require(holder["name"] as? String)
            #expect(!name.isEmpty)
            if let fn = v.familyName { #expect(name.contains(fn), "\(file): holder \(name) lacks \(fn)") }
            if let gn = v.givenName { #expect(name.contains(gn), "\(file): holder \(name) lacks \(gn)") }
            if let dob = v.dateOfBirth { #expect(holder["dob"] as? String == dob, "\(file): dob \(String(describing: holder["dob"]))") }
            let cert = try #require(json["certificate"] as? [String: Any], "\(file): no certificate")
            #expect(["vaccination", "test", "recovery"].contains(cert["type"] as? String ?? ""), "\(file): \(cert)")
        } else {
            #expect(isNull(json["holder"]) && isNull(json["certificate"]), "\(file): a damaged code named a holder: \(r.stdout)")
        }
    }

    @Test("DE/1 (ES256) and CH/1 (PS256): every step passes, holder and facts shown, admitted")
    func validVectorsInDetail() throws {
        let box = try Sandbox(language: "en")
        let de = try box.verify(try DCCVector.load("DE/1.json"))
        #expect(de.result.status == 0, "\(de.result)")
        #expect(de.json["valid"] as? Bool == true)
        #expect(de.json["decision"] as? String == "admit")
        #expect(de.json["issuer"] as? String == "DE")
        let deHolder = try #require(de.json["holder"] as? [String: Any])
        #expect(deHolder["name"] as? String == "Mustermann Erika")
        #expect(deHolder["dob"] as? String == "1964-08-12")
        let deCert = try #require(de.json["certificate"] as? [String: Any])
        #expect(deCert["type"] as? String == "vaccination")
        #expect(deCert["mp"] as? String == "EU/1/20/1507")
        #expect("\(deCert["dn"] ?? "")" == "2" && "\(deCert["sd"] ?? "")" == "2", "\(deCert)")

        let ch = try box.verify(try DCCVector.load("CH/1.json"))
        #expect(ch.result.status == 0, "\(ch.result)")
        #expect(ch.json["valid"] as? Bool == true, "PS256 must verify: \(ch.result)")
        #expect(ch.json["issuer"] as? String == "CH")
        #expect((ch.json["checks"] as? [String: String])?["signature"] == "pass")
    }

    @Test("an incomplete vaccination is genuine but denied, exit 1")
    func genuineButDenied() throws {
        // CO1: a valid RSA signature on dose 1 of 2; the sample policy wants a complete series.
        let box = try Sandbox(language: "en")
        let (r, json) = try box.verify(try DCCVector.load("common/CO1.json"))
        #expect(json["valid"] as? Bool == true, "\(r)")
        #expect(json["decision"] as? String == "deny")
        #expect(r.status == 1)
        #expect(reasonsText(json).contains("1/2"), "\(r)")
        // With the check switched off the same code admits, exit 0.
        let lax = try Sandbox(language: "en", settings: ["policy.vaccination_complete": "false"])
        let l = try lax.verify(try DCCVector.load("common/CO1.json"))
        #expect(l.json["decision"] as? String == "admit", "\(l.result)")
        #expect(l.result.status == 0)
    }

    @Test("a wrong or missing context prefix (HC2:, HL0:, none) is not taken for an HC1")
    func wrongPrefix() throws {
        let box = try Sandbox(language: "en")
        for file in ["common/H1.json", "common/H2.json", "common/H3.json"] {
            let v = try DCCVector.load(file)
            #expect(v.expected["prefix"] == false)
            let (r, json) = try box.verify(v)
            #expect(r.status == 1, "\(file): \(r)")
            #expect(json["valid"] as? Bool == false)
            #expect(json["decision"] as? String == "deny")
            #expect(json["format"] as? String != "hc1" || (json["checks"] as? [String: String])?["prefix"] == "fail", "\(file): \(r)")
            #expect(isNull(json["holder"]))
        }
    }

    @Test("verify records nothing, whatever it verifies")
    func recordsNothing() throws {
        let box = try Sandbox(language: "en")
        let before = try box.auditedEvents()
        for file in ["DE/1.json", "CH/1.json", "common/CO5.json", "common/B1.json"] {
            _ = try box.verify(try DCCVector.load(file))
        }
        for text in ["079203001234|123456789|Nguyễn Văn An|01011990|Nam|1 Tràng Tiền, Hà Nội|01012021", "KOUT:ABCDEF", "hello"] {
            _ = try box.run(["verify", text, "--json"])
        }
        let invite = try box.invite(until: "2026-11-30")
        let before2 = try box.auditedEvents()
        #expect(before2 == before + 1, "issuing the invitation is the only event")
        let code = try #require(invite["code"] as? String)
        let v = try box.run(["verify", code, "--json"])
        #expect(v.status == 0, "\(v)")
        #expect(try JSON.object(v.stdout)["valid"] as? Bool == true)
        // The invitation is still unused: a scan after verify admits it.
        #expect(try box.list().isEmpty)
        #expect(try box.visitCount() == 0)
        #expect(try box.auditedEvents() == before2)
        let s = try box.scan(code)
        #expect(s.result.status == 0 && s.json["decision"] as? String == "admit", "\(s.result)")
    }

    @Test("plain-text verify: verdict, holder and steps, same exit status")
    func plainText() throws {
        let box = try Sandbox(language: "en")
        let v = try DCCVector.load("DE/1.json")
        let path = box.dir + "/de.pem"
        try v.certificate!.write(toFile: path, atomically: true, encoding: .utf8)
        let ok = try box.run(["verify", "--at", v.clock!, "--cert", path, v.prefix])
        #expect(ok.status == 0, "\(ok)")
        #expect(ok.stdout.contains("ADMIT") && ok.stdout.contains("Mustermann Erika"), "\(ok)")
        #expect(ok.stdout.contains("signature pass"), "\(ok)")
        let bad = try box.run(["verify", "--at", v.clock!, "--cert", path, "HC1:" + String(v.prefix.dropFirst(4).dropLast(9))])
        #expect(bad.status == 1, "\(bad)")
        #expect(bad.stdout.contains("DENY"), "\(bad)")
    }

    @Test("bad --at and --cert are usage errors naming the value")
    func badOptions() throws {
        let box = try Sandbox(language: "en")
        let v = try DCCVector.load("DE/1.json")
        let at = try box.run(["verify", "--at", "yesterday", v.prefix])
        #expect(at.status == 2, "\(at)")
        #expect(at.stderr.contains("yesterday"), "\(at)")
        let junk = box.dir + "/junk.txt"
        try "not a certificate".write(toFile: junk, atomically: true, encoding: .utf8)
        let cert = try box.run(["verify", "--cert", junk, v.prefix])
        #expect(cert.status == 2, "\(cert)")
        #expect(cert.stderr.contains("junk.txt"), "\(cert)")
        let missing = try box.run(["verify", "--cert", box.dir + "/nope.pem", v.prefix])
        #expect(missing.status == 2, "\(missing)")
    }
}
