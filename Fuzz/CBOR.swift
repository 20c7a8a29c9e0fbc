// libFuzzer target: CBORReader.decode on arbitrary bytes (default depth limit and a deep one),
// then CBORWriter.encode of what was read.
import Passes

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = [UInt8](UnsafeRawBufferPointer(start: start, count: count))
    if let item = try? CBORReader.decode(bytes) {
        _ = CBORWriter.encode(item)
        _ = item[int: 1]
        _ = item[text: "v"]
    }
    _ = try? CBORReader.decode(bytes, maxDepth: 64)
    return 0
}
