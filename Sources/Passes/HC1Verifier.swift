import Crypto
import Foundation
import _CryptoExtras

/// The outcome of one verification step.
public enum CheckStatus: String, Sendable, Codable {
    case pass, fail, skipped
}

/// Everything learnt from an `HC1:` scan, step by step. A step that cannot run because an
/// earlier one failed is `skipped`, so a reader sees exactly where a code broke.
public struct HC1Result: Sendable {
    public static let stepNames = ["prefix", "base45", "zlib", "cose", "signature", "validity", "key-usage"]

    public var checks: [String: CheckStatus] = initialChecks
    /// Every step skipped, built once: each verification starts from a copy (issue 19).
    static let initialChecks = Dictionary(uniqueKeysWithValues: stepNames.map { ($0, CheckStatus.skipped) })
    /// Why steps failed, in order, in plain English for logs and the JSON contract.
    public var problems: [String] = []
    public var issuer: String?
    public var issuedAt: Date?
    public var expiresAt: Date?
    public var kid: [UInt8]?
    public var algorithm: COSESign1.Algorithm?
    public var certificate: HealthCertificate?
    /// The raw hcert item, for comparisons with upstream test files.
    public var hcert: CBOR?
    public var signer: SignerCertificate?

    /// Genuine: every step passed.
    public var valid: Bool { Self.stepNames.allSatisfy { checks[$0] == .pass } }

    mutating func fail(_ step: String, _ why: String) {
        checks[step] = .fail
        problems.append("\(step): \(why)")
    }
}

/// Offline verification of EU Digital COVID Certificates (and Vietnam's vaccine passport):
/// Base45 → zlib → COSE_Sign1 → CWT → signature by a trusted DSC → validity → key usage.
public struct HC1Verifier: Sendable {
    public static let maxScanBytes = 8 * 1024
    public let trust: TrustStore

    public init(trust: TrustStore) { self.trust = trust }

    public func verify(_ scan: String, at clock: Date) -> HC1Result {
        var r = HC1Result()
        guard scan.utf8.count <= Self.maxScanBytes else {
            r.fail("prefix", "longer than \(Self.maxScanBytes) bytes")
            return r
        }
        guard scan.hasPrefix("HC1:") else {
            r.fail("prefix", "does not start with HC1:")
            return r
        }
        r.checks["prefix"] = .pass
        let compressed: [UInt8]
        do {
            compressed = try Base45.decode(scan.dropFirst(4).utf8)
            r.checks["base45"] = .pass
        } catch {
            r.fail("base45", "\(error)")
            return r
        }
        let coseBytes: [UInt8]
        do {
            coseBytes = try Inflate.zlib(compressed)
            r.checks["zlib"] = .pass
        } catch {
            r.fail("zlib", "\(error)")
            return r
        }
        let cose: COSESign1
        let claims: CBOR
        do {
            cose = try COSESign1(try CBORReader.decode(coseBytes))
            claims = try CBORReader.decode(cose.payload)
            guard case .map = claims else { throw COSESign1.Failure.notCOSESign1("CWT payload is not a map") }
            guard let hcert = claims[int: -260]?[int: 1], case .map = hcert else {
                throw COSESign1.Failure.notCOSESign1("no health certificate (claim -260/1)")
            }
            r.hcert = hcert
            r.certificate = HealthCertificate(hcert)
            r.issuer = claims[int: 1]?.string
            r.issuedAt = claims[int: 6]?.number.map { Date(timeIntervalSince1970: $0) }
            r.expiresAt = claims[int: 4]?.number.map { Date(timeIntervalSince1970: $0) }
            r.kid = cose.kid
            r.algorithm = cose.algorithm
            r.checks["cose"] = .pass
        } catch {
            r.fail("cose", "\(error)")
            return r
        }

        // Signature: try every trusted DSC with this kid.
        if let kid = cose.kid {
            let candidates = trust.candidates(kid: kid)
            if candidates.isEmpty {
                r.fail("signature", "no trusted signer certificate has kid \(Data(kid).base64EncodedString())")
            } else if let good = candidates.first(where: { Self.signatureValid(cose, $0) }) {
                r.signer = good
                r.checks["signature"] = .pass
            } else {
                r.signer = candidates.first
                r.fail("signature", "the signature does not verify with the signer certificate")
            }
        } else {
            r.fail("signature", "no key id (kid) in the COSE headers")
        }

        // Validity at the clock.
        var validity: [String] = []
        if let iat = r.issuedAt {
            if iat > clock { validity.append("issued in the future") }
        } else {
            validity.append("no issue time (iat)")
        }
        if let exp = r.expiresAt {
            if clock > exp { validity.append("expired") }
        } else {
            validity.append("no expiry (exp)")
        }
        if let dsc = r.signer {
            if clock < dsc.notValidBefore || clock > dsc.notValidAfter { validity.append("signer certificate not valid at this time") }
            if let exp = r.expiresAt, exp > dsc.notValidAfter { validity.append("expires after the signer certificate") }
        }
        if validity.isEmpty { r.checks["validity"] = .pass } else { r.fail("validity", validity.joined(separator: "; ")) }

        // Key usage: may this DSC sign this type of certificate?
        if let signer = r.signer, let type = r.certificate?.type {
            if let allowed = signer.allowedTypes, !allowed.contains(type) {
                r.fail("key-usage", "the signer may not sign \(type.rawValue) certificates")
            } else {
                r.checks["key-usage"] = .pass
            }
        } else if r.signer != nil {
            r.fail("key-usage", "the certificate has no vaccination, test or recovery entry")
        }
        return r
    }

    static func signatureValid(_ cose: COSESign1, _ signer: SignerCertificate) -> Bool {
        let data = cose.signedBytes
        switch cose.algorithm {
        case .es256?:
            guard let pub = signer.p256Key,
                let sig = try? P256.Signing.ECDSASignature(rawRepresentation: cose.signature)
            else { return false }
            return pub.isValidSignature(sig, for: SHA256.hash(data: data))
        case .ps256?:
            guard let pub = signer.rsaKey else { return false }
            let sig = _RSA.Signing.RSASignature(rawRepresentation: cose.signature)
            return pub.isValidSignature(sig, for: SHA256.hash(data: data), padding: .PSS)
        default:
            return false
        }
    }
}
