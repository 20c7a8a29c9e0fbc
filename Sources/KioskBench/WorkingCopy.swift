import Foundation
import Gate

/// The copy of the cached database the CLI runs against. The runs write to it (each export
/// adds its chain event), so the cache itself is never opened by them and stays the same.
enum WorkingCopy {
    static func make(of source: String, at destination: String) throws {
        let fm = FileManager.default
        try SecureFiles.makeDirectory((destination as NSString).deletingLastPathComponent)
        for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: destination + suffix) }
        try fm.copyItem(atPath: source, toPath: destination)
    }
}
