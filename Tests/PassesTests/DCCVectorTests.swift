import Foundation
import KioskCore
import Testing
@testable import Passes

/// The EU DCC official test files (Tests/Fixtures/dcc, Apache-2.0): every `EXPECTED*` flag a
/// verifier can check is compared with the matching step, at the file's clock, with the
/// file's signer certificate.
@Suite struct DCCVectorTests {
    struct Vector {
        var file: String
        var prefix: String
        var certificate: [UInt8]?
        var clock: Date?
        var expected: [String: Bool]
        var cbor: [UInt8]?
    }

    static let flagToStep = [
        "EXPECTEDUNPREFIX": "prefix", "EXPECTEDB45DECODE": "base45", "EXPECTEDCOMPRESSION": "zlib",
        "EXPECTEDDECODE": "cose", "EXPECTEDVERIFY": "signature", "EXPECTEDEXPIRATIONCHECK": "validity",
        "EXPTECTEDEXPIRED": "validity", "EXPECTEDKEYUSAGE": "key-usage",
    ]

    /// Vectors whose flags cannot be checked as written, each with the reason.
    static let skipped: [String: String] = [:]

    static func fixtures() -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/dcc").path
    }

    static func hex(_ s: String) -> [UInt8]? {
        let chars = Array(s.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        var i = 0
        while i < chars.count {
            guard let b = UInt8(String(decoding: chars[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            out.append(b)
            i += 2
        }
        return out
    }

    static func vectors() throws -> [Vector] {
        let root = fixtures()
        let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") }.sorted() ?? []
        return try files.compactMap { name in
            let data = try Data(contentsOf: URL(fileURLWithPath: root + "/" + name))
            guard let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
            guard let prefix = obj["PREFIX"] as? String else { return nil }
            let ctx = obj["TESTCTX"] as? [String: Any] ?? [:]
            let cert = (ctx["CERTIFICATE"] as? String).flatMap { Data(base64Encoded: $0.filter { !$0.isWhitespace }) }.map(Array.init)
            let clockText = (ctx["VALIDATIONCLOCK"] ?? ctx["validationClockInstant"]) as? String
            var expected: [String: Bool] = [:]
            for (k, v) in obj["EXPECTEDRESULTS"] as? [String: Any] ?? [:] {
                if let b = v as? Bool, flagToStep[k] != nil { expected[k] = b }
            }
            return Vector(
                file: name, prefix: prefix, certificate: cert, clock: clockText.flatMap(parseClock),
                expected: expected, cbor: (obj["CBOR"] as? String).flatMap(hex))
        }
    }

    static func parseClock(_ s: String) -> Date? { ISOTime.parse(s) }

    /// Map order is free in the upstream files: compare with every map's pairs sorted by the
    /// encoding of their keys.
    static func normalised(_ item: CBOR) -> CBOR {
        switch item {
        case .array(let a): return .array(a.map(normalised))
        case .map(let m):
            return .map(m.map { (normalised($0.0), normalised($0.1)) }.sorted {
                CBORWriter.encode($0.0).lexicographicallyPrecedes(CBORWriter.encode($1.0))
            })
        case .tagged(let t, let x): return .tagged(t, normalised(x))
        default: return item
        }
    }

    @Test func everyVectorAgreesWithItsFlags() throws {
        let vectors = try Self.vectors()
        #expect(vectors.count >= 400, "fixtures missing: \(Self.fixtures())")
        var disagreements: [String] = []
        var checked = 0
        for v in vectors where Self.skipped[v.file] == nil {
            var trust = TrustStore()
            if let der = v.certificate, let signer = try? SignerCertificate(der: der) { trust.add(signer) }
            let result = HC1Verifier(trust: trust).verify(v.prefix, at: v.clock ?? Date())
            for (flag, want) in v.expected {
                guard let step = Self.flagToStep[flag] else { continue }
                var got = result.checks[step] == .pass
                // DECODE also promises the payload equals the file's CBOR.
                if flag == "EXPECTEDDECODE", got, let cbor = v.cbor, let expected = try? CBORReader.decode(cbor, maxDepth: 64) {
                    // Some files give the whole CWT claims, others the hcert alone.
                    let mine = result.hcert.map(Self.normalised)
                    got = mine == Self.normalised(expected) || mine == expected[int: -260]?[int: 1].map(Self.normalised)
                }
                checked += 1
                if got != want {
                    disagreements.append("\(v.file) \(flag)=\(want) got \(result.checks[step]!.rawValue) \(result.problems)")
                }
            }
        }
        #expect(checked > 2000)
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements:\n\(disagreements.joined(separator: "\n"))")
    }

    /// Issue 20 #7: key usage was reported `skipped` where a pass was expected. With the
    /// signer of the file trusted, every vector that states a key-usage result gets a verdict
    /// (a signer without extended key usage may sign every type: pass), never `skipped`.
    @Test func keyUsageIsNeverSkippedWhereAResultIsExpected() throws {
        var skipped: [String] = []
        var checked = 0
        for v in try Self.vectors() where v.expected["EXPECTEDKEYUSAGE"] != nil {
            var trust = TrustStore()
            if let der = v.certificate, let signer = try? SignerCertificate(der: der) { trust.add(signer) }
            let result = HC1Verifier(trust: trust).verify(v.prefix, at: v.clock ?? Date())
            checked += 1
            if result.checks["key-usage"] == .skipped { skipped.append(v.file) }
            if let signer = result.signer, signer.allowedTypes == nil, result.certificate?.type != nil {
                #expect(result.checks["key-usage"] == .pass, "\(v.file): a signer without extended key usage may sign every type")
            }
        }
        #expect(checked > 300)
        #expect(skipped.isEmpty, "\(skipped)")
    }
}
