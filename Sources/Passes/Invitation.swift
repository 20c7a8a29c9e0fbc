import Crypto
import Foundation

/// A building invitation: who may come in, to see whom, between when, how many times.
public struct Invitation: Equatable, Sendable {
    public var venueID: String
    public var name: String
    public var host: String
    public var purpose: String?
    public var notBefore: Date
    public var expires: Date
    public var issuedAt: Date
    /// 16 random bytes (CWT `cti`): the invitation's identity for uses and revocation.
    public var id: [UInt8]
    /// How many entries it allows.
    public var uses: Int

    public init(venueID: String, name: String, host: String, purpose: String?, notBefore: Date, expires: Date, issuedAt: Date, id: [UInt8], uses: Int) {
        self.venueID = venueID
        self.name = name
        self.host = host
        self.purpose = purpose
        self.notBefore = notBefore
        self.expires = expires
        self.issuedAt = issuedAt
        self.id = id
        self.uses = uses
    }

    /// The id as printed for `kiosk invite revoke`: 32 hex digits.
    public var idHex: String { id.map { String(format: "%02x", $0) }.joined() }

    /// Claims: 1 iss, 4 exp, 5 nbf, 6 iat, 7 cti, and "kiv" for the visitor.
    var claims: CBOR {
        var visitor: [(CBOR, CBOR)] = [(.text("n"), .text(name)), (.text("h"), .text(host)), (.text("u"), .unsigned(UInt64(max(1, uses))))]
        if let purpose { visitor.append((.text("p"), .text(purpose))) }
        return .map([
            (.unsigned(1), .text(venueID)),
            (.unsigned(4), CBORWriter.int(Int64(expires.timeIntervalSince1970))),
            (.unsigned(5), CBORWriter.int(Int64(notBefore.timeIntervalSince1970))),
            (.unsigned(6), CBORWriter.int(Int64(issuedAt.timeIntervalSince1970))),
            (.unsigned(7), .bytes(id)),
            (.text("kiv"), .map(visitor)),
        ])
    }

    init?(claims: CBOR) {
        guard let iss = claims[int: 1]?.string, let exp = claims[int: 4]?.number, let nbf = claims[int: 5]?.number,
            let iat = claims[int: 6]?.number, let cti = claims[int: 7]?.byteString, cti.count == 16,
            let v = claims[text: "kiv"], let name = v[text: "n"]?.string, let host = v[text: "h"]?.string,
            let uses = v[text: "u"]?.int, uses >= 1, uses <= 10_000
        else { return nil }
        self.init(
            venueID: iss, name: name, host: host, purpose: v[text: "p"]?.string,
            notBefore: Date(timeIntervalSince1970: nbf), expires: Date(timeIntervalSince1970: exp),
            issuedAt: Date(timeIntervalSince1970: iat), id: cti, uses: Int(uses))
    }
}

/// Issues and verifies `KIV1:` invitations: Base45(zlib(COSE_Sign1)) signed with the
/// building's Ed25519 key.
public struct InvitationKeys: Sendable {
    let privateKey: Curve25519.Signing.PrivateKey
    public var publicKey: Curve25519.Signing.PublicKey { privateKey.publicKey }

    /// - Parameter seed: 32 secret bytes (derived from the building's key file).
    public init(seed: [UInt8]) throws {
        privateKey = try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
    }

    /// kid: first 8 bytes of SHA-256 of the raw public key.
    public var kid: [UInt8] { Array(SHA256.hash(data: publicKey.rawRepresentation).prefix(8)) }

    public func issue(_ invitation: Invitation) throws -> String {
        let protected = CBORWriter.encode(.map([(.unsigned(1), CBORWriter.int(-8)), (.unsigned(4), .bytes(kid))]))
        let payload = CBORWriter.encode(invitation.claims)
        let toSign = CBORWriter.encode(.array([.text("Signature1"), .bytes(protected), .bytes([]), .bytes(payload)]))
        let signature = try privateKey.signature(for: toSign)
        let cose = CBORWriter.encode(.tagged(18, .array([.bytes(protected), .map([]), .bytes(payload), .bytes(Array(signature))])))
        return "KIV1:" + Base45.encode(Deflate.zlib(cose))
    }
}

/// The outcome of reading a `KIV1:` code, step by step like an HC1.
public struct InvitationResult: Sendable {
    public static let stepNames = ["prefix", "base45", "zlib", "cose", "signature", "validity"]
    public var checks: [String: CheckStatus] = Dictionary(uniqueKeysWithValues: stepNames.map { ($0, .skipped) })
    public var problems: [String] = []
    public var invitation: Invitation?
    public var valid: Bool { Self.stepNames.allSatisfy { checks[$0] == .pass } }

    mutating func fail(_ step: String, _ why: String) {
        checks[step] = .fail
        problems.append("\(step): \(why)")
    }
}

public struct InvitationVerifier: Sendable {
    let publicKey: Curve25519.Signing.PublicKey
    let venueID: String

    public init(publicKey: Curve25519.Signing.PublicKey, venueID: String) {
        self.publicKey = publicKey
        self.venueID = venueID
    }

    public func verify(_ scan: String, at clock: Date) -> InvitationResult {
        var r = InvitationResult()
        guard scan.utf8.count <= ScanKind.maxBytes, scan.hasPrefix("KIV1:") else {
            r.fail("prefix", "does not start with KIV1:")
            return r
        }
        r.checks["prefix"] = .pass
        let compressed: [UInt8]
        do { compressed = try Base45.decode(scan.dropFirst(5).utf8) } catch {
            r.fail("base45", "\(error)")
            return r
        }
        r.checks["base45"] = .pass
        let coseBytes: [UInt8]
        do { coseBytes = try Inflate.zlib(compressed) } catch {
            r.fail("zlib", "\(error)")
            return r
        }
        r.checks["zlib"] = .pass
        let cose: COSESign1
        do {
            cose = try COSESign1(try CBORReader.decode(coseBytes))
            guard let inv = Invitation(claims: try CBORReader.decode(cose.payload)) else {
                throw COSESign1.Failure.notCOSESign1("not an invitation")
            }
            r.invitation = inv
        } catch {
            r.fail("cose", "\(error)")
            return r
        }
        r.checks["cose"] = .pass
        if cose.algorithm == .edDSA, publicKey.isValidSignature(cose.signature, for: cose.signedBytes) {
            r.checks["signature"] = .pass
        } else {
            r.fail("signature", "not signed by this building's key")
            return r
        }
        guard let inv = r.invitation else { return r }
        if inv.venueID != venueID {
            r.fail("validity", "issued for venue \(inv.venueID)")
        } else if clock < inv.notBefore {
            r.fail("validity", "not valid yet")
        } else if clock > inv.expires {
            r.fail("validity", "expired")
        } else {
            r.checks["validity"] = .pass
        }
        return r
    }
}
