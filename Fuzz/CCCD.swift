// libFuzzer target: IdentityQR.cccd (chip ID card QR) on arbitrary text, and the scan
// classifier that calls it.
import Passes

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    _ = try? IdentityQR.cccd(text)
    _ = ScanKind.classify(text)
    return 0
}
