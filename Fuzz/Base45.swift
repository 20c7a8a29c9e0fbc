// libFuzzer target: Base45.decode (RFC 9285) on arbitrary text, then Base45.encode of
// whatever decoded.
import Passes

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    if let bytes = try? Base45.decode(text) {
        _ = Base45.encode(bytes)
    }
    return 0
}
