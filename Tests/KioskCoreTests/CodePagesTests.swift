import Foundation
import Testing

@testable import KioskCore

/// `CodePages.release` drops the process's mappings of code pages (issue 19): everything must
/// keep working afterwards, and the file pages resident must go down.
@Suite(.serialized) struct CodePagesTests {
    static func residentFileKB() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        for line in status.split(separator: "\n") where line.hasPrefix("RssFile:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        }
        return 0
    }

    @Test func findsTheCodeOfTheBinaryAndItsLibrariesButNoCopiedPage() {
        let mappings = CodePages.readOnlyFileMappings()
        #expect(mappings.count > 5)
        #expect(mappings.allSatisfy { $0.length > 0 && $0.start % 4096 == 0 })
    }

    @Test func everythingStillWorksAfterTheRelease() {
        let before = Self.residentFileKB()
        CodePages.release()
        let after = Self.residentFileKB()
        #expect(after < before, "resident file pages \(before) kB before, \(after) kB after")
        // Code from the binary, Foundation, ICU and libc, run again from pages given back.
        #expect(TextFolding.foldFully("Nguyễn Văn An") == "nguyen van an")
        #expect("e\u{301}".precomposedStringWithCanonicalMapping == "é")
        #expect(ISOTime.foundationFormat(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(String(format: "%05.1f", 36.55) == "036.5" || String(format: "%05.1f", 36.55) == "036.6")
        #expect(VenueCalendar(timeZone: TimeZone(identifier: "Asia/Ho_Chi_Minh")!).localTime(Date(timeIntervalSince1970: 1_767_225_600)) == "07:00")
    }
}
