// libFuzzer target: Inflate.zlib (bounded zlib inflate) on arbitrary bytes, with the default
// 64 KiB ceiling and a tiny one.
import Passes

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = [UInt8](UnsafeRawBufferPointer(start: start, count: count))
    _ = try? Inflate.zlib(bytes)
    _ = try? Inflate.zlib(bytes, limit: 100)
    return 0
}
