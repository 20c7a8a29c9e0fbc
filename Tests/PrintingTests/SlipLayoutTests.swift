import Foundation
import KioskCore
@testable import Printing
import Testing
import TestSupport
import VenueCode

/// A slip with every field, for layout tests.
func sampleSlip(name: String = "Nguyễn Thị Minh Khai", code: String = "K7M2QX", reprint: String? = nil) -> Slip {
    Slip(
        venueName: "Tòa nhà Demo", gate: "main", name: name, organisation: "Công ty TNHH Ánh Dương",
        host: "Phòng Kế toán", timeIn: "08:41 29/11/2026", badge: "12", validUntil: "23:59 29/11/2026", code: code,
        notice: ["Thông tin của bạn chỉ dùng để kiểm soát ra vào, lưu 30 ngày rồi tự xóa.", "Used only for entry control."],
        reprintedAt: reprint)
}

/// zbarimg's reading of a PNG.
func zbar(_ png: [UInt8]) throws -> [String] { try QRReader.read(png: png) }

@Suite struct SlipLayoutTests {
    @Test(arguments: PrinterSettings.Paper.allCases)
    func widthIsThePapersAndInkStaysInsideTheMargins(paper: PrinterSettings.Paper) throws {
        let bitmap = try sampleSlip().bitmap(paper: paper)
        #expect(bitmap.width == paper.dots)
        #expect(bitmap.height > 300)
        let ink = try #require(bitmap.inkColumns)
        #expect(ink.lowerBound >= 4)
        #expect(ink.upperBound <= paper.dots - 5)
    }

    @Test(arguments: PrinterSettings.Paper.allCases)
    func theCheckOutQRReadsBack(paper: PrinterSettings.Paper) throws {
        let png = try sampleSlip(code: "AB12CD").png(paper: paper)
        #expect(try zbar(png) == ["KOUT:AB12CD"])
    }

    @Test func longestNamesWithStackedMarksWrapInsideThePaper() throws {
        // 200 characters (the most a name may have), Vietnamese letters with two marks each,
        // and one "word" with no space at all: wrapped, never cut off at the edge.
        let words = Array(repeating: "Nguyễn Thị Ngọc Huyền Trần Đặng", count: 7).joined(separator: " ")
        let longName = String(words.prefix(200))
        let stacked = String(repeating: "ẫ̀̃", count: 60)
        let noSpaces = String(repeating: "Ữ", count: 200)
        // The review's name from the phone form: 100 emoji sequences of six faces each.
        let emoji = String(repeating: Array(repeating: "\u{1F600}", count: 6).joined(separator: "\u{200D}"), count: 100)
        let short = try sampleSlip().bitmap(paper: .mm58)
        for name in [longName, stacked, noSpaces, emoji] {
            let bitmap = try sampleSlip(name: name).bitmap(paper: .mm58)
            let ink = try #require(bitmap.inkColumns)
            #expect(ink.upperBound <= bitmap.width - 5, "ink past the paper for \(name.prefix(20))…")
            #expect(bitmap.height > short.height, "the name took more lines")
            #expect(bitmap.height < 2000, "a name never makes a roll of paper")
            #expect(try zbar(bitmap.png()) == ["KOUT:K7M2QX"])
        }
    }

    @Test func wrappingNeverSplitsALetterFromItsMarks() {
        let text = String(repeating: "a\u{0302}\u{0301}\u{0323}", count: 30) + " Nguyễn"
        let lines = TextDocument.wrap(text, width: 50) { Double($0.count) * 7 }
        #expect(lines.count > 1)
        #expect(lines.joined() == text.replacingOccurrences(of: " ", with: ""))
        for line in lines {
            let first = line.unicodeScalars.first.map { $0.properties.canonicalCombiningClass.rawValue } ?? 0
            #expect(first == 0, "a line starts with a lone mark")
        }
    }

    @Test func aReprintSaysSoAcrossTheTop() throws {
        let plain = try sampleSlip().bitmap(paper: .mm58)
        let again = try sampleSlip(reprint: "09:15 29/11/2026").bitmap(paper: .mm58)
        #expect(again.height > plain.height)
        // The banner is ink from edge to edge at the top.
        let row = (0..<again.height).first { y in (0..<again.width).allSatisfy { again[$0, y] } }
        #expect(row != nil && row! < 40)
        #expect((0..<plain.height).first { y in (0..<plain.width).allSatisfy { plain[$0, y] } } == nil)
    }

    @Test func pdfCarriesTheTextAsText() throws {
        let pdf = try sampleSlip(reprint: "09:15 29/11/2026").pdf(paper: .mm80)
        #expect(pdf.starts(with: Array("%PDF".utf8)))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("slip-\(UUID().uuidString).pdf").path
        try Data(pdf).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
        p.arguments = [path, "-"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        // Words, not the whole name: it may wrap.
        for word in ["Nguyễn", "Thị", "Minh", "Khai", "Ánh", "Dương"] { #expect(text.contains(word)) }
        #expect(text.contains("REPRINT"))
        #expect(text.contains("K7M2QX"))
    }
}

@Suite struct EscPosTests {
    @Test func rasterRoundTripsDotForDotWithOneCutPerCopy() throws {
        let bitmap = try sampleSlip().bitmap(paper: .mm58)
        let bytes = EscPos.job(bitmap, copies: 2)
        #expect(bytes.starts(with: [0x1B, 0x40]))
        #expect(bytes.suffix(3) == [0x1D, 0x56, 0x01])
        let decoded = try EscPosDecoder.decode(bytes)
        #expect(decoded.slips == [bitmap, bitmap])
        #expect(decoded.uncutRows == 0)
    }

    @Test func bandsStayWithinWhatACheapPrinterBuffers() throws {
        let bitmap = try sampleSlip(name: String(repeating: "Nguyễn Văn A ", count: 15)).bitmap(paper: .mm80)
        let bytes = EscPos.job(bitmap)
        var i = 0, bands = 0
        while let (command, length) = try EscPosDecoder.command(at: bytes[i...]) {
            if case .raster(_, let rows) = command {
                #expect(rows <= 256)
                bands += 1
            }
            i += length
            if i == bytes.count { break }
        }
        #expect(bands == (bitmap.height + 255) / 256)
    }

    @Test func theDecoderRefusesWhatThePrinterWouldNotUnderstand() {
        #expect(throws: EscPosDecoder.Failure.self) { try EscPosDecoder.decode([0x1B, 0x40, 0x41]) }
        #expect(throws: EscPosDecoder.Failure.self) { try EscPosDecoder.decode([0x1D, 0x76, 0x30, 0, 2, 0, 10, 0, 1, 2]) }
        let cut = try? EscPosDecoder.decode([0x1D, 0x76, 0x30, 0, 1, 0, 1, 0, 0xFF])
        #expect(cut?.uncutRows == 1)
        #expect(cut?.slips.isEmpty == true)
    }

    @Test func statusBytesAreReadOnlyWhenTheyLookLikeStatus() {
        #expect(EscPos.Status.paper(0x72)?.outOfPaper == true)
        #expect(EscPos.Status.paper(0x1E)?.paperLow == true)
        #expect(EscPos.Status.paper(0x12)?.outOfPaper == false)
        #expect(EscPos.Status.paper(0xFF) == nil)
        #expect(EscPos.Status.offlineCause(0x16)?.coverOpen == true)
    }
}
