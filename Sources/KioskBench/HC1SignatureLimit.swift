import Crypto
import _CryptoExtras
import Foundation
import Passes

/// The real limit of HC1 verification on this machine (issue 19): the same vectors'
/// signature checks alone, through the same BoringSSL calls the verifier makes, with each
/// key parsed, each Sig_structure built and each signature decoded beforehand. Everything the
/// full verification does beyond this (Base45, zlib, CBOR, COSE, trust lookup, validity,
/// policy) is its own overhead.
struct HC1SignatureLimit {
    enum Check {
        case es256(P256.Signing.PublicKey, P256.Signing.ECDSASignature, [UInt8])
        case ps256(_RSA.Signing.PublicKey, _RSA.Signing.RSASignature, [UInt8])

        func verify() -> Bool {
            switch self {
            case .es256(let key, let signature, let message):
                key.isValidSignature(signature, for: SHA256.hash(data: message))
            case .ps256(let key, let signature, let message):
                key.isValidSignature(signature, for: SHA256.hash(data: message), padding: .PSS)
            }
        }
    }

    let checks: [Check]

    /// Prepares the checks of `vectors`, each with the key of the certificate it verifies with.
    init(_ vectors: [HC1Bench.Vector]) throws {
        var checks: [Check] = []
        for v in vectors {
            let cose = try COSESign1(try CBORReader.decode(try Inflate.zlib(try Base45.decode(String(v.prefix.dropFirst(4))))))
            let message = cose.signedBytes
            switch cose.algorithm {
            case .es256?:
                checks.append(.es256(
                    try P256.Signing.PublicKey(derRepresentation: v.signer.publicKeyInfo),
                    try P256.Signing.ECDSASignature(rawRepresentation: cose.signature), message))
            case .ps256?:
                checks.append(.ps256(
                    try _RSA.Signing.PublicKey(derRepresentation: v.signer.publicKeyInfo),
                    _RSA.Signing.RSASignature(rawRepresentation: cose.signature), message))
            default:
                throw BenchFailure("an HC1 vector with algorithm \(String(describing: cose.algorithm)) verified")
            }
        }
        guard checks.allSatisfy({ $0.verify() }) else { throw BenchFailure("a prepared signature check failed") }
        self.checks = checks
    }
}
