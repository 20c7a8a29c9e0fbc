// libFuzzer target: IdentityQR.personal (PC-Covid personal QR v1.1) on arbitrary text, and
// the keyboard-layout heuristic the gate runs on unrecognised scans.
import Passes

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    _ = try? IdentityQR.personal(text)
    _ = ScanKind.looksLikeWrongKeyboardLayout(text)
    return 0
}
