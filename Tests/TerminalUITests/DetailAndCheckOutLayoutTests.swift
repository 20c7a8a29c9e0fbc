import Foundation
import Gate
import KioskCore
import Testing
@testable import TerminalUI

/// Issue 22 #15: the F3 candidates' columns did not line up, the "Enter again to check out"
/// overlay blanked the visit's details, and a refused visit's details showed a time in.
@Suite struct DetailAndCheckOutLayoutTests {
    func fill(_ s: Screen, _ name: String, badge: String) {
        s.key(.function(2))
        s.type(name)
        while s.app.form?.focus != .badge { s.key(.tab) }
        s.type(badge)
        s.key(.enter)
    }

    @Test func checkOutCandidatesLineUp() throws {
        let s = try Screen()
        fill(s, "Phạm An", badge: "1")
        fill(s, "Phạm Thị Ngọc Bích Thủy Tiên", badge: "1234")
        let codes = try s.gate.list(day: nil, insideOnly: true, search: nil).map(\.code)
        s.key(.function(3))
        s.type("pham")
        s.key(.enter)
        #expect(s.contains("Chọn người ra về"))
        let g = s.grid
        let columns = codes.compactMap { code -> Int? in
            for r in 0..<g.rows {
                let line = g.line(r)
                if let range = line.range(of: code) { return line.distance(from: line.startIndex, to: range.lowerBound) }
            }
            return nil
        }
        #expect(columns.count == 2 && columns[0] == columns[1], "codes at columns \(columns)")
        let names = ["Phạm An", "Phạm Thị"].compactMap { name -> Int? in
            for r in 0..<g.rows {
                let line = g.line(r)
                if let range = line.range(of: name) { return line.distance(from: line.startIndex, to: range.lowerBound) }
            }
            return nil
        }
        #expect(names.count == 2 && names[0] == names[1], "names at columns \(names) (a longer badge pushed them)")
    }

    @Test func theCheckOutPromptLeavesTheDetailsReadable() throws {
        let s = try Screen()
        fill(s, "Vũ Đức Em", badge: "7")
        s.key(.function(4))
        s.key(.enter)
        #expect(s.app.screen == .visitDetail)
        s.key(.enter)
        #expect(s.contains("Nhấn Enter lần nữa"))
        for value in ["Vũ Đức Em", "Bảo vệ Bình", "trong nhà"] { #expect(s.contains(value), "\(value) hidden by the prompt") }
    }

    @Test func aRefusedVisitHasNoTimeIn() throws {
        let s = try Screen()
        _ = try s.gate.addWatch(name: "Kẻ Xấu", idNumber: nil, phone: nil, action: .deny, note: nil)
        s.key(.function(2))
        s.type("Kẻ Xấu")
        s.key(.enter)
        s.key(.function(4))
        s.key(.tab)
        s.key(.tab)
        s.key(.tab)
        var found = false
        for _ in 0..<3 where !found {
            s.key(.enter)
            found = s.app.screen == .visitDetail
            if !found { s.key(.tab) }
        }
        try #require(found, "\(s.text)")
        let g = s.grid
        let timeIn = try #require((0..<g.rows).map { g.line($0) }.first { $0.contains("Giờ vào") })
        #expect(!timeIn.contains(":"), "a refused visitor never came in: \(timeIn)")
        #expect(s.contains("từ chối · 2026-11-29 08:41"), "\(s.text)")
    }
}
