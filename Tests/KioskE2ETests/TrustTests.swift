import Foundation
import Testing

/// `kiosk trust import` from each accepted form, `kiosk trust list --json`, and verification
/// with the imported signers only (no `--cert`): a code from an unknown signer is never valid.
@Suite("trust import and list")
struct TrustTests {
    /// A signer certificate of a fixture and what `trust list` must say about it (validity
    /// read from the certificates with `openssl x509 -dates` when the test was written).
    struct Signer {
        var vector: String
        var country: String
        var notBefore: String
        var notAfter: String
        var usage: [String]
    }

    static let de = Signer(vector: "DE/1.json", country: "DE", notBefore: "2021-04-27T09:31:22Z", notAfter: "2022-04-30T09:31:22Z", usage: ["any"])
    static let ch = Signer(vector: "CH/1.json", country: "CH", notBefore: "2021-05-14T12:50:22Z", notAfter: "2024-05-14T12:50:22Z", usage: ["any"])
    static let ie = Signer(
        vector: "IE/1.json", country: "IE", notBefore: "2021-06-01T16:37:13Z", notAfter: "2025-05-25T10:00:00Z",
        usage: ["recovery", "test", "vaccination"])
    static let nl = Signer(
        vector: "NL/216-NL-test+wrong_key.json", country: "NL", notBefore: "2021-04-26T08:57:35Z", notAfter: "2032-04-23T08:57:35Z",
        usage: ["vaccination"])

    /// The HC1 kid of a DER file: base64 of the first 8 bytes of its SHA-256 (coreutils).
    static func kid(derFile: String) throws -> String {
        let hex = Array(try Tool.sha256(file: derFile).prefix(16))
        var bytes: [UInt8] = []
        for i in stride(from: 0, to: 16, by: 2) { bytes.append(UInt8(String(hex[i...i + 1]), radix: 16)!) }
        return Data(bytes).base64EncodedString()
    }

    static func pem(_ der: Data) -> String {
        "-----BEGIN CERTIFICATE-----\n" + der.base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
            + "\n-----END CERTIFICATE-----\n"
    }

    private func importOK(_ box: Sandbox, _ path: String, added: Int = 1) throws {
        let r = try box.run(["trust", "import", path])
        #expect(r.status == 0, "\(path): \(r)")
        #expect(r.stdout.contains("Added \(added) "), "\(path): \(r)")
    }

    @Test("PEM, DER, base64 DER and a DID trust list import; list --json shows country, kid, validity, usage; verify uses them")
    func importListVerify() throws {
        let box = try Sandbox(language: "en")
        let deV = try DCCVector.load(Self.de.vector), chV = try DCCVector.load(Self.ch.vector)
        let ieV = try DCCVector.load(Self.ie.vector), nlV = try DCCVector.load(Self.nl.vector)

        // Before any import: nothing is trusted, so nothing verifies.
        let empty = try box.run(["trust", "list", "--json"])
        #expect(empty.status == 0, "\(empty)")
        #expect(try JSON.array(empty.stdout).isEmpty, "\(empty)")
        let before = try box.verify(deV, withCertificate: false)
        #expect(before.json["valid"] as? Bool == false, "\(before.result)")
        #expect((before.json["checks"] as? [String: String])?["signature"] == "fail")
        #expect(before.result.status == 1)

        // One file of each form.
        var derFiles: [String: String] = [:]
        for (signer, v) in [(Self.de, deV), (Self.ch, chV), (Self.ie, ieV), (Self.nl, nlV)] {
            let path = box.dir + "/\(signer.country).der"
            try v.certificateDER().write(to: URL(fileURLWithPath: path))
            derFiles[signer.country] = path
        }
        let pem = box.dir + "/de.pem"
        try Self.pem(try deV.certificateDER()).write(toFile: pem, atomically: true, encoding: .utf8)
        try importOK(box, pem)
        try importOK(box, derFiles["CH"]!)
        let b64 = box.dir + "/ie.b64"
        // Base64 broken over lines, as it is often mailed.
        try (try ieV.certificateDER()).base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed])
            .write(toFile: b64, atomically: true, encoding: .utf8)
        try importOK(box, b64)
        let did = box.dir + "/trustlist.json"
        let doc: [String: Any] = [
            "id": "did:web:tng-cdn.who.int:trustlist",
            "verificationMethod": [["id": "did:web:x#nl", "type": "JsonWebKey2020", "publicKeyJwk": ["x5c": [nlV.certificate!]]]],
        ]
        try JSONSerialization.data(withJSONObject: doc).write(to: URL(fileURLWithPath: did))
        try importOK(box, did)

        let list = try box.run(["trust", "list", "--json"])
        #expect(list.status == 0, "\(list)")
        let rows = try JSON.array(list.stdout)
        #expect(rows.count == 4, "\(list)")
        for signer in [Self.de, Self.ch, Self.ie, Self.nl] {
            let kid = try Self.kid(derFile: derFiles[signer.country]!)
            let row = try #require(rows.first { $0["kid"] as? String == kid }, "\(signer.country): no row with kid \(kid) in \(list.stdout)")
            #expect(row["country"] as? String == signer.country, "\(row)")
            #expect(row["not_before"] as? String == signer.notBefore, "\(row)")
            #expect(row["not_after"] as? String == signer.notAfter, "\(row)")
            #expect((row["usage"] as? [String])?.sorted() == signer.usage, "\(row)")
        }
        // The plain list names the same.
        let text = try box.run(["trust", "list"])
        #expect(text.lines.count == 4, "\(text)")
        for c in ["DE", "CH", "IE", "NL"] { #expect(text.lines.contains { $0.hasPrefix(c + " ") }, "\(text)") }

        // Importing again adds nothing.
        try importOK(box, pem, added: 0)
        try importOK(box, did, added: 0)
        #expect(try JSON.array(try box.run(["trust", "list", "--json"]).stdout).count == 4)

        // Now the signatures verify without --cert: ES256 and PS256.
        for v in [deV, chV] {
            let (r, json) = try box.verify(v, withCertificate: false)
            #expect(json["valid"] as? Bool == true, "\(v.file): \(r)")
            #expect(json["decision"] as? String == "admit", "\(v.file): \(r)")
            #expect(r.status == 0)
        }
        let ie = try box.verify(ieV, withCertificate: false)
        #expect((ie.json["checks"] as? [String: String])?["signature"] == "pass", "\(ie.result)")
        // The NL signer may sign vaccinations only; this is a test certificate.
        let nl = try box.verify(nlV, withCertificate: false)
        let nlChecks = nl.json["checks"] as? [String: String]
        #expect(nlChecks?["signature"] == "pass", "\(nl.result)")
        #expect(nlChecks?["key-usage"] == "fail", "\(nl.result)")
        #expect(nl.json["valid"] as? Bool == false)
        #expect(nl.result.status == 1)

        // A signer that was not imported: never valid.
        let at = try box.verify(try DCCVector.load("AT/1.json"), withCertificate: false)
        #expect(at.json["valid"] as? Bool == false, "\(at.result)")
        #expect((at.json["checks"] as? [String: String])?["signature"] == "fail", "\(at.result)")
        #expect(at.json["decision"] as? String == "deny")
        #expect(at.result.status == 1)
    }

    @Test("an unknown signer is never valid, also when the policy asks the guard")
    func unknownSignerAsk() throws {
        let box = try Sandbox(language: "en", settings: ["policy.unverified": "ask"])
        for file in ["DE/1.json", "CH/1.json", "common/CO3.json"] {
            let (r, json) = try box.verify(try DCCVector.load(file), withCertificate: false)
            #expect(json["valid"] as? Bool == false, "\(file): \(r)")
            #expect((json["checks"] as? [String: String])?["signature"] == "fail", "\(file): \(r)")
            #expect(json["decision"] as? String == "check", "\(file): policy ask: \(r)")
            #expect(r.status == 0)
        }
        // Trusting one certificate does not make another signer's code genuine.
        let de = try DCCVector.load("DE/1.json")
        let path = box.dir + "/de.der"
        try de.certificateDER().write(to: URL(fileURLWithPath: path))
        try importOK(box, path)
        let ch = try box.verify(try DCCVector.load("CH/1.json"), withCertificate: false)
        #expect(ch.json["valid"] as? Bool == false, "\(ch.result)")
        // Nor does a certificate given with --cert that is not the signer.
        let other = try DCCVector.load("common/CO3.json")
        let otherCert = box.dir + "/co3.b64"
        try other.certificate!.write(toFile: otherCert, atomically: true, encoding: .utf8)
        var args = ["verify", "--json", "--cert", otherCert]
        if let clock = try DCCVector.load("AT/1.json").clock { args += ["--at", clock] }
        let at = try box.run(args + [try DCCVector.load("AT/1.json").prefix])
        #expect(try JSON.object(at.stdout)["valid"] as? Bool == false, "\(at)")
    }

    @Test("a file with no certificate is refused with a message; nothing is added")
    func importNothing() throws {
        let box = try Sandbox(language: "en")
        let junk = box.dir + "/junk.json"
        try #"{"verificationMethod":[{"publicKeyJwk":{"x5c":["bm90IGEgY2VydA=="]}}]}"#.write(toFile: junk, atomically: true, encoding: .utf8)
        for path in [junk, box.configPath] {
            let r = try box.run(["trust", "import", path])
            #expect(r.status == 1, "\(r)")
            #expect(r.stderr.contains("No certificate found"), "\(r)")
        }
        let missing = try box.run(["trust", "import", box.dir + "/missing.pem"])
        #expect(missing.status != 0, "\(missing)")
        #expect(try JSON.array(try box.run(["trust", "list", "--json"]).stdout).isEmpty)
    }
}
