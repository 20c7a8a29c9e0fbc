// libFuzzer target: HC1Verifier.verify, the whole Base45 → zlib → COSE → CWT → signature →
// validity → key-usage path, at a fixed clock.
//
// Two input shapes, so the fuzzer can reach deep without re-learning Base45 and zlib:
//   - input starting with "HC1:" is the scanned text itself;
//   - anything else is taken as COSE bytes and wrapped as "HC1:" + Base45(zlib(bytes)).
// Trust store: the signer certificates of the fixtures, read from the directory in
// $KIOSK_FUZZ_TRUST (Fuzz/run.sh sets it to Fuzz/corpus/HC1-trust, filled by Fuzz/seed.py);
// empty when unset, so only the "unknown signer" path is reached.
import Foundation
import Passes

let trust: TrustStore = {
    var store = TrustStore()
    guard let dir = ProcessInfo.processInfo.environment["KIOSK_FUZZ_TRUST"],
        let names = try? FileManager.default.contentsOfDirectory(atPath: dir)
    else { return store }
    for name in names.sorted() {
        guard let data = FileManager.default.contents(atPath: dir + "/" + name) else { continue }
        for cert in TrustStore.certificates(from: Array(data)) { store.add(cert) }
    }
    return store
}()
let verifier = HC1Verifier(trust: trust)
// 2021-06-15T12:00:00Z, inside the validity of most fixture certificates.
let clock = Date(timeIntervalSince1970: 1_623_758_400)

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutableRawPointer) -> CInt {
    FileHandle.standardError.write("HC1 fuzz target: \(trust.signers.count) trusted signer certificates\n".data(using: .utf8)!)
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let raw = UnsafeRawBufferPointer(start: start, count: count)
    let scan: String
    if raw.starts(with: "HC1:".utf8) {
        scan = String(decoding: raw, as: UTF8.self)
    } else {
        scan = "HC1:" + Base45.encode(Deflate.zlib(Array(raw)))
    }
    let result = verifier.verify(scan, at: clock)
    _ = result.valid
    return 0
}
