// libFuzzer target: IdentityQR.bhyt (health-insurance card QR: hex UTF-8 name and address,
// dd/mm/yyyy dates, `$` end) on arbitrary text, and the 2024 ID card's shape parser.
import Passes

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    _ = try? IdentityQR.bhyt(text)
    _ = try? IdentityQR.cccd(text)
    _ = ScanKind.classify(text)
    return 0
}
