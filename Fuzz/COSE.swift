// libFuzzer target: COSESign1.init on whatever CBOR the bytes decode to, then its derived
// properties (algorithm, kid, Sig_structure) and the CWT payload.
import Passes

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = [UInt8](UnsafeRawBufferPointer(start: start, count: count))
    guard let item = try? CBORReader.decode(bytes), let cose = try? COSESign1(item) else { return 0 }
    _ = cose.algorithm
    _ = cose.kid
    _ = cose.signedBytes
    if let claims = try? CBORReader.decode(cose.payload), let hcert = claims[int: -260]?[int: 1] {
        _ = HealthCertificate(hcert)
    }
    return 0
}
