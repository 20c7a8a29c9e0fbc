import Glibc

/// Keeps a long-running kiosk's resident memory to the code it runs (issue 19).
///
/// When a process first touches a page of a mapped library, Linux maps up to 16 neighbouring
/// pages already in the page cache with it ("fault-around"), and loading the binary and its
/// twenty-odd libraries touches a little of each: the guard terminal had 46 MB of file pages
/// resident for the few MB of code it ever runs. After start-up, `release()` gives those
/// mappings back (`MADV_DONTNEED`) and marks them `MADV_RANDOM`, so from then on a page comes
/// in only when it is run. The bytes stay in the page cache; a page touched again costs one
/// minor fault. This is what the kernel may do to clean file pages at any time under memory
/// pressure, so nothing the process can do changes.
public enum CodePages {
    /// Call it while no other thread is loading a library (at start-up): a library mapped
    /// between reading smaps and the advice would lose its fresh relocations.
    /// Releases every read-only file mapping that holds no copied-on-write page. Mappings
    /// with one (the relocated, then write-protected `.data.rel.ro`) are left whole: dropping
    /// them would bring the file's unrelocated bytes back. Best effort.
    public static func release() {
        for mapping in readOnlyFileMappings() {
            guard let address = UnsafeMutableRawPointer(bitPattern: mapping.start) else { continue }
            _ = madvise(address, mapping.length, MADV_RANDOM)
            _ = madvise(address, mapping.length, MADV_DONTNEED)
        }
    }

    struct Mapping {
        var start: UInt
        var length: Int
    }

    /// From /proc/self/smaps: file mappings without write permission and with no copied
    /// page, in memory (`Anonymous`) or swapped out (`Swap`).
    static func readOnlyFileMappings() -> [Mapping] {
        guard let file = fopen("/proc/self/smaps", "r") else { return [] }
        defer { fclose(file) }
        var out: [Mapping] = []
        var current: Mapping?
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let raw = line {
            let text = String(cString: raw)
            let fields = text.split(separator: " ", omittingEmptySubsequences: true)
            guard let first = fields.first else { continue }
            if first.contains("-"), !first.hasSuffix(":") {
                // A new mapping: start-end perms offset dev inode [path]
                current = nil
                let range = first.split(separator: "-")
                guard fields.count >= 6, fields[5].hasPrefix("/"), fields[1].hasPrefix("r"), !fields[1].contains("w"),
                    range.count == 2, let start = UInt(range[0], radix: 16), let end = UInt(range[1], radix: 16), end > start
                else { continue }
                current = Mapping(start: start, length: Int(end - start))
            } else if first == "Anonymous:", current != nil {
                if fields.count < 2 || fields[1] != "0" { current = nil }
            } else if first == "Swap:", let mapping = current {
                // A copied page swapped out is not counted under Anonymous: dropping it would
                // bring back the file's unrelocated bytes.
                if fields.count >= 2, fields[1] == "0" { out.append(mapping) }
                current = nil
            }
        }
        return out
    }
}
