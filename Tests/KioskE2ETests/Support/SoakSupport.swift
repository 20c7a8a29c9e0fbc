import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Pieces of the soak (SoakTests): a reader that follows the guard terminal's log line by
/// line, the process's memory, a small seeded random source, and the spreadsheet check.

/// Follows a growing log file: each call returns the next line that matches, and keeps
/// every line read so far for the end-of-day counts.
final class LogFollower {
    let path: String
    private(set) var lines: [String] = []
    private var offset: UInt64 = 0
    private var partial = Data()
    private var next = 0

    init(path: String) { self.path = path }

    private func readMore() {
        guard let h = FileHandle(forReadingAtPath: path) else { return }
        defer { try? h.close() }
        try? h.seek(toOffset: offset)
        let data = h.readDataToEndOfFile()
        offset += UInt64(data.count)
        partial.append(data)
        while let nl = partial.firstIndex(of: 0x0A) {
            lines.append(String(decoding: partial[partial.startIndex..<nl], as: UTF8.self))
            partial.removeSubrange(partial.startIndex...nl)
        }
    }

    /// The first line after the last one returned that satisfies `match`; lines passed over
    /// stay in `lines`. Fails with the newest lines after `timeout`.
    func next(_ what: String, timeout: TimeInterval = 20, _ match: (String) -> Bool) throws -> String {
        let end = Date().addingTimeInterval(timeout)
        while true {
            readMore()
            while next < lines.count {
                let line = lines[next]
                next += 1
                if match(line) { return line }
            }
            guard Date() < end else {
                throw E2EError("no log line for \(what) within \(Int(timeout)) s; last lines:\n" + lines.suffix(10).joined(separator: "\n"))
            }
            usleep(5_000)
        }
    }

    /// Every line so far, after reading what is new.
    func all() -> [String] {
        readMore()
        return lines
    }
}

/// Resident memory of a process from /proc/PID/status, in KiB.
struct MemorySample: CustomStringConvertible {
    let afterActions: Int
    let rss: Int
    let anonymous: Int

    static func of(_ pid: pid_t, afterActions: Int) throws -> MemorySample {
        let text = String(decoding: try contents("/proc/\(pid)/status"), as: UTF8.self)
        func field(_ name: String) throws -> Int {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }),
                let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
            else { throw E2EError("no \(name) in /proc/\(pid)/status") }
            return kib
        }
        return MemorySample(afterActions: afterActions, rss: try field("VmRSS"), anonymous: try field("RssAnon"))
    }

    var description: String { "after \(afterActions): VmRSS \(rss) KiB, RssAnon \(anonymous) KiB" }
}

/// SplitMix64: the soak's day is the same on every run, so a failure can be replayed.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Vietnamese names with every kind of diacritic, for the visitors typed and submitted.
enum VietnameseNames {
    static let family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
    static let middle = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Thu", "Xuân", "Mỹ", "Bảo"]
    static let given = [
        "An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương", "Khánh", "Lan",
        "Linh", "Long", "Mai", "Nam", "Nga", "Phương", "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Việt", "Yến", "Đạt", "Ánh", "Ngữ",
    ]

    static func make(_ rng: inout SeededRandom) -> String {
        "\(family.randomElement(using: &rng)!) \(middle.randomElement(using: &rng)!) \(given.randomElement(using: &rng)!)"
    }
}

/// RFC 4180 CSV as the kiosk writes it (UTF-8 BOM, CRLF, quoted fields with "" inside).
enum CSVText {
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        chars.append("\n")
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count && chars[i + 1] == "\"" {
                        field.append("\"")
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field)
                field = ""
            } else if c == "\n" || c == "\r\n" || c == "\r" {
                row.append(field)
                field = ""
                if row != [""] { rows.append(row) }
                row = []
            } else {
                field.append(c)
            }
            i += 1
        }
        return rows
    }
}

/// LibreOffice headless, as a supervisor's spreadsheet: converts an export to .xlsx and reads
/// the cells back (Tests/Soak/xlsx_cells.py, no LibreOffice involved in the reading).
enum Spreadsheet {
    /// Converts `csv` to xlsx in `outDir` with `soffice --headless --convert-to xlsx`, importing
    /// it as the Text Import dialog is set for a UTF-8 file (comma, ", Unicode UTF-8 = 76).
    /// Without `--infilter` a headless LibreOffice 7.4 reads it in the "system" character set
    /// (Windows-1252) in spite of the BOM, and the Vietnamese comes out as mojibake.
    /// Returns the cells of the first sheet.
    static func roundTrip(_ csv: String, outDir: String, profile: String) throws -> [[String]] {
        let soffice = try Tool.path("soffice")
        try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
        let r = try ProcessRunner.run(
            soffice,
            ["-env:UserInstallation=file://" + profile, "--headless", "--norestore", "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", outDir, csv],
            timeout: 300)
        let xlsx = outDir + "/" + URL(fileURLWithPath: csv).deletingPathExtension().lastPathComponent + ".xlsx"
        guard r.status == 0, FileManager.default.fileExists(atPath: xlsx) else {
            throw E2EError("soffice --convert-to xlsx \(csv) made no \(xlsx): \(r)")
        }
        guard let root = KioskBinary.packageRoot() else { throw E2EError("cannot find the package root") }
        let cells = try ProcessRunner.run(try Tool.path("python3"), [root + "/Tests/Soak/xlsx_cells.py", xlsx], timeout: 120)
        guard cells.status == 0 else { throw E2EError("reading \(xlsx) failed: \(cells)") }
        guard let rows = try JSONSerialization.jsonObject(with: cells.stdoutData) as? [[String]] else {
            throw E2EError("xlsx_cells.py printed no rows: \(cells.stdout.prefix(300))")
        }
        return rows
    }
}
