import Foundation

/// Counts newline bytes of a file in large reads: a benchmark's output is checked for the
/// right number of rows before its time is believed.
enum LineCount {
    static func of(_ path: String) throws -> Int {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw BenchFailure("\(path): no output written") }
        defer { try? handle.close() }
        var lines = 0
        while let chunk = try handle.read(upToCount: 1 << 22), !chunk.isEmpty {
            chunk.withUnsafeBytes { raw in
                for b in raw where b == 0x0A { lines += 1 }
            }
        }
        return lines
    }
}
