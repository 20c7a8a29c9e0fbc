/// A COSE_Sign1 message (RFC 9052): protected header bytes, unprotected header map, payload,
/// signature. Accepts tag 18, no tag, and tag 61 (CWT) around tag 18, as issued in the wild.
public struct COSESign1: Sendable {
    public enum Failure: Error, Equatable, Sendable {
        case notCOSESign1(String)
    }

    public enum Algorithm: Equatable, Sendable {
        case es256, ps256, edDSA
        case other(Int64)

        init(_ value: Int64) {
            switch value {
            case -7: self = .es256
            case -37: self = .ps256
            case -8: self = .edDSA
            default: self = .other(value)
            }
        }
    }

    public let protectedBytes: [UInt8]
    public let protected: CBOR
    public let unprotected: CBOR
    public let payload: [UInt8]
    public let signature: [UInt8]

    public init(_ item: CBOR) throws(Failure) {
        var body = item
        if case .tagged(61, let inner) = body { body = inner }
        if case .tagged(18, let inner) = body { body = inner }
        guard case .array(let parts) = body, parts.count == 4 else {
            throw .notCOSESign1("expected an array of 4 items")
        }
        guard case .bytes(let prot) = parts[0] else { throw .notCOSESign1("protected header is not a byte string") }
        guard case .map = parts[1] else { throw .notCOSESign1("unprotected header is not a map") }
        guard case .bytes(let payload) = parts[2] else { throw .notCOSESign1("payload is not a byte string") }
        guard case .bytes(let signature) = parts[3] else { throw .notCOSESign1("signature is not a byte string") }
        protectedBytes = prot
        if prot.isEmpty {
            protected = .map([])
        } else {
            do {
                protected = try CBORReader.decode(prot)
            } catch {
                throw .notCOSESign1("protected header is not CBOR")
            }
            guard case .map = protected else { throw .notCOSESign1("protected header is not a map") }
        }
        unprotected = parts[1]
        self.payload = payload
        self.signature = signature
    }

    /// The algorithm (label 1): protected wins; an unprotected one is accepted because some
    /// issuers left the protected header empty (the test file CO20), and a wrong algorithm
    /// cannot make a bad signature verify.
    public var algorithm: Algorithm? {
        (protected[int: 1] ?? unprotected[int: 1])?.int.map(Algorithm.init)
    }

    /// The key id (label 4): protected wins over unprotected.
    public var kid: [UInt8]? {
        (protected[int: 4] ?? unprotected[int: 4])?.byteString
    }

    /// The bytes that were signed: the Sig_structure of RFC 9052 §4.4.
    public var signedBytes: [UInt8] {
        CBORWriter.encode(.array([.text("Signature1"), .bytes(protectedBytes), .bytes([]), .bytes(payload)]))
    }
}
