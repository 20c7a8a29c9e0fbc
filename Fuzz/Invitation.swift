// libFuzzer target: InvitationVerifier.verify (KIV1: building invitations), with a fixed
// test key and clock. Like Fuzz/HC1.swift, input starting with "KIV1:" is the scanned text
// and anything else is COSE bytes wrapped as "KIV1:" + Base45(zlib(bytes)).
// With $KIOSK_FUZZ_WRITE_SEEDS set to a directory, LLVMFuzzerInitialize first writes a few
// genuinely signed invitations there (both shapes); Fuzz/run.sh does this with -runs=0.
import Foundation
import Passes

let keys = try! InvitationKeys(seed: [UInt8](repeating: 0x42, count: 32))
let verifier = InvitationVerifier(publicKey: keys.publicKey, venueID: "fuzz-venue")
// 2024-03-01T09:00:00Z
let clock = Date(timeIntervalSince1970: 1_709_283_600)

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutableRawPointer) -> CInt {
    guard let dir = ProcessInfo.processInfo.environment["KIOSK_FUZZ_WRITE_SEEDS"] else { return 0 }
    let samples = [
        Invitation(venueID: "fuzz-venue", name: "Nguyễn Văn An", host: "Trần Thị Bích", purpose: "Họp",
                   notBefore: clock - 3600, expires: clock + 3600, issuedAt: clock - 7200,
                   id: Array(repeating: 1, count: 16), uses: 1),
        Invitation(venueID: "fuzz-venue", name: "LE MINH TUAN", host: "Reception", purpose: nil,
                   notBefore: clock + 3600, expires: clock + 86400, issuedAt: clock,
                   id: Array(0..<16), uses: 5),
        Invitation(venueID: "other-venue", name: "A", host: "B", purpose: nil,
                   notBefore: clock - 86400, expires: clock - 3600, issuedAt: clock - 86400,
                   id: Array(repeating: 0xff, count: 16), uses: 10_000),
    ]
    for (i, inv) in samples.enumerated() {
        guard let code = try? keys.issue(inv) else { continue }
        _ = FileManager.default.createFile(atPath: "\(dir)/seed-invite-\(i)-text", contents: Data(code.utf8))
        // The COSE bytes under the text: undo Base45 and zlib.
        if let z = try? Base45.decode(code.dropFirst(5).utf8), let cose = try? Inflate.zlib(z) {
            _ = FileManager.default.createFile(atPath: "\(dir)/seed-invite-\(i)-cose", contents: Data(cose))
        }
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let raw = UnsafeRawBufferPointer(start: start, count: count)
    let scan: String
    if raw.starts(with: "KIV1:".utf8) {
        scan = String(decoding: raw, as: UTF8.self)
    } else {
        scan = "KIV1:" + Base45.encode(Deflate.zlib(Array(raw)))
    }
    _ = verifier.verify(scan, at: clock).valid
    return 0
}
