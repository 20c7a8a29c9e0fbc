import Crypto
import Foundation
import SwiftASN1
import _CryptoExtras

/// A document signer certificate (DSC) and what verification needs from it: the public key,
/// the validity period, the extended key usages and the country.
///
/// Read with SwiftASN1 rather than swift-certificates: real DSCs are signed by their CSCA
/// with RSASSA-PSS or ecdsa-with-SHA1, which swift-certificates refuses to parse at all, and
/// the kiosk never verifies that outer signature (the DSC itself is what is trusted).
public struct SignerCertificate: Sendable {
    public enum Failure: Error, Equatable, Sendable {
        case notACertificate(String)
    }

    public let der: [UInt8]
    /// First 8 bytes of SHA-256 of the DER: the HC1 key id.
    public let kid: [UInt8]
    public let notValidBefore: Date
    public let notValidAfter: Date
    /// SubjectPublicKeyInfo, DER.
    public let publicKeyInfo: [UInt8]
    /// Dotted OIDs of the extended key usage extension (empty: none).
    public let extendedKeyUsages: [String]
    public let country: String?
    public let subjectCommonName: String?
    /// A CA (basicConstraints cA, or keyCertSign): a country's CSCA, which signs DSCs and
    /// never an HC1 itself, so it must not be trusted as a signer.
    public let isCertificateAuthority: Bool

    public init(der: [UInt8]) throws(Failure) {
        do {
            let root = try DER.parse(der)
            guard case .constructed(let certParts) = root.content, let tbs = certParts.first(where: { _ in true }),
                case .constructed(let tbsParts) = tbs.content
            else { throw Failure.notACertificate("not a SEQUENCE") }
            var items = Array(tbsParts)
            if let first = items.first, first.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
                items.removeFirst()
            }
            guard items.count >= 6 else { throw Failure.notACertificate("TBSCertificate too short") }
            let validity = items[3], subject = items[4], spki = items[5]
            guard case .constructed(let times) = validity.content else { throw Failure.notACertificate("no validity") }
            let t = Array(times)
            guard t.count == 2 else { throw Failure.notACertificate("validity is not two times") }
            notValidBefore = try Self.date(t[0])
            notValidAfter = try Self.date(t[1])
            publicKeyInfo = Array(spki.encodedBytes)
            let names = Self.names(subject)
            country = names["2.5.4.6"]
            subjectCommonName = names["2.5.4.3"]
            var ekus: [String] = []
            var authority = false
            for node in items.dropFirst(6) where node.identifier == ASN1Identifier(tagWithNumber: 3, tagClass: .contextSpecific) {
                guard case .constructed(let wrapped) = node.content, let seq = wrapped.first(where: { _ in true }),
                    case .constructed(let extensions) = seq.content
                else { continue }
                for ext in extensions {
                    guard case .constructed(let fields) = ext.content else { continue }
                    let f = Array(fields)
                    guard let idNode = f.first, let oid = try? ASN1ObjectIdentifier(derEncoded: idNode),
                        let valueNode = f.last, case .primitive(let value) = valueNode.content
                    else { continue }
                    switch "\(oid)" {
                    case "2.5.29.37":
                        let eku = try DER.parse(value)
                        guard case .constructed(let oids) = eku.content else { continue }
                        ekus += oids.compactMap { try? ASN1ObjectIdentifier(derEncoded: $0) }.map { "\($0)" }
                    case "2.5.29.19":
                        // BasicConstraints { cA BOOLEAN DEFAULT FALSE, pathLen OPTIONAL }.
                        let bc = try DER.parse(value)
                        if case .constructed(let parts) = bc.content, let first = parts.first(where: { _ in true }),
                            let ca = try? Bool(derEncoded: first), ca
                        {
                            authority = true
                        }
                    case "2.5.29.15":
                        // KeyUsage BIT STRING: bit 5 is keyCertSign.
                        if let bits = try? ASN1BitString(derEncoded: try DER.parse(value)), bits.bytes.count >= 1,
                            bits.bytes[bits.bytes.startIndex] & 0x04 != 0
                        {
                            authority = true
                        }
                    default: continue
                    }
                }
            }
            extendedKeyUsages = ekus
            isCertificateAuthority = authority
        } catch let f as Failure {
            throw f
        } catch {
            throw .notACertificate("\(error)")
        }
        self.der = der
        kid = Array(SHA256.hash(data: der).prefix(8))
        allowed = Self.allowedTypes(extendedKeyUsages)
        p256Key = try? P256.Signing.PublicKey(derRepresentation: publicKeyInfo)
        rsaKey = p256Key == nil ? try? _RSA.Signing.PublicKey(derRepresentation: publicKeyInfo) : nil
    }

    static func date(_ node: ASN1Node) throws -> Date {
        var c = DateComponents()
        c.timeZone = TimeZone(identifier: "UTC")
        if let u = try? UTCTime(derEncoded: node) {
            (c.year, c.month, c.day, c.hour, c.minute, c.second) = (u.year, u.month, u.day, u.hours, u.minutes, u.seconds)
        } else {
            let g = try GeneralizedTime(derEncoded: node)
            (c.year, c.month, c.day, c.hour, c.minute, c.second) = (g.year, g.month, g.day, g.hours, g.minutes, g.seconds)
        }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        guard let d = cal.date(from: c) else { throw Failure.notACertificate("bad time") }
        return d
    }

    /// Attribute values of a Name by dotted OID (first of each).
    static func names(_ name: ASN1Node) -> [String: String] {
        var out: [String: String] = [:]
        guard case .constructed(let rdns) = name.content else { return out }
        for rdn in rdns {
            guard case .constructed(let attributes) = rdn.content else { continue }
            for attribute in attributes {
                guard case .constructed(let pair) = attribute.content else { continue }
                let p = Array(pair)
                guard p.count == 2, let oid = try? ASN1ObjectIdentifier(derEncoded: p[0]),
                    case .primitive(let bytes) = p[1].content
                else { continue }
                let key = "\(oid)"
                if out[key] == nil { out[key] = String(decoding: bytes, as: UTF8.self) }
            }
        }
        return out
    }

    /// Certificate types this DSC may sign (nil: any), from the DGC extended key usages;
    /// the mistaken `1.3.6.1.4.1.0.1847…` variant some issuers used counts too.
    public var allowedTypes: Set<CertificateType>? { allowed }

    static func allowedTypes(_ extendedKeyUsages: [String]) -> Set<CertificateType>? {
        var types = Set<CertificateType>()
        for oid in extendedKeyUsages {
            for prefix in ["1.3.6.1.4.1.1847.2021.1.", "1.3.6.1.4.1.0.1847.2021.1."] where oid.hasPrefix(prefix) {
                switch oid.dropFirst(prefix.count) {
                case "1": types.insert(.test)
                case "2": types.insert(.vaccination)
                case "3": types.insert(.recovery)
                default: break
                }
            }
        }
        // No DGC usage at all says nothing about certificate types.
        return types.isEmpty ? nil : types
    }

    /// Worked out once, like the keys: every verification asks.
    private let allowed: Set<CertificateType>?
    /// Parsed once: a gate verifies many codes against few signers.
    let p256Key: P256.Signing.PublicKey?
    let rsaKey: _RSA.Signing.PublicKey?
}

/// The signer certificates this kiosk trusts, looked up by kid. Several DSCs may share a kid
/// (it is only 8 bytes); verification tries each.
public struct TrustStore: Sendable {
    public private(set) var signers: [SignerCertificate] = []

    public init(_ signers: [SignerCertificate] = []) {
        self.signers = signers
    }

    public func candidates(kid: [UInt8]) -> [SignerCertificate] {
        signers.filter { $0.kid == kid }
    }

    public mutating func add(_ signer: SignerCertificate) {
        if !signers.contains(where: { $0.der == signer.der }) { signers.append(signer) }
    }

    /// Certificates from a file's contents: PEM (one or more blocks), DER, or base64 DER.
    public static func certificates(from data: [UInt8]) -> [SignerCertificate] {
        if let text = String(validating: data, as: UTF8.self) {
            if text.contains("-----BEGIN CERTIFICATE-----") {
                return text.components(separatedBy: "-----BEGIN CERTIFICATE-----").dropFirst().compactMap { block in
                    guard let end = block.range(of: "-----END CERTIFICATE-----") else { return nil }
                    let b64 = block[..<end.lowerBound].filter { !$0.isWhitespace }
                    return Data(base64Encoded: String(b64)).flatMap { try? SignerCertificate(der: Array($0)) }
                }
            }
            let compact = text.filter { !$0.isWhitespace }
            if let der = Data(base64Encoded: compact), let cert = try? SignerCertificate(der: Array(der)) {
                return [cert]
            }
        }
        if let cert = try? SignerCertificate(der: data) { return [cert] }
        return []
    }
}
