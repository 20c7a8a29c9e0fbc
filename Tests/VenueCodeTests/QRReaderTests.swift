import Foundation
import Testing
import KioskCore
@testable import VenueCode

/// Everything we draw must be read back, exactly, by readers no one here wrote.
@Suite struct QRReaderTests {
    static let payloads = [
        "https://kiosk.example.vn/c/demo-hq?g=main&t=AbCdEfGhIjK",
        "Tòa nhà Demo Hà Nội — Cổng phía Bắc, Đường Nguyễn Trãi",
        "https://kiosk.example.vn/c/" + String(repeating: "x", count: 900) + "?t=Z",
    ]

    @Test(arguments: payloads)
    func pngIsReadBackByZbar(payload: String) throws {
        let file = Readers.temp("qr.png")
        try Data(try QRImage.png(try QRMatrix.encode(payload), scale: 6)).write(to: URL(fileURLWithPath: file))
        #expect(try Readers.zbar(file) == payload)
    }

    @Test(arguments: payloads)
    func terminalHalfBlocksAreReadBack(payload: String) throws {
        let m = try QRMatrix.encode(payload)
        #expect(try Readers.zbar(try picture(of: TerminalQR.lines(m, style: .halfBlocks), style: .halfBlocks)) == payload)
    }

    @Test func asciiFallbackIsReadBack() throws {
        let payload = Self.payloads[0]
        let m = try QRMatrix.encode(payload)
        let lines = TerminalQR.lines(m, style: .ascii)
        #expect(lines.allSatisfy { $0.allSatisfy { $0 == "#" || $0 == " " } })
        #expect(try Readers.zbar(try picture(of: lines, style: .ascii)) == payload)
    }

    @Test func posterPDFIsReadBackAndHasTheVenueName() throws {
        let poster = Poster(
            venueName: "Tòa nhà Demo Hà Nội", address: "1 Tràng Tiền, Hoàn Kiếm", gate: "north",
            venueID: "demo-hq", printDate: "2026-11-29", payload: Self.payloads[0])
        let pdf = Readers.temp("poster.pdf")
        try Data(try poster.pdf()).write(to: URL(fileURLWithPath: pdf))
        let text = try Readers.run("pdftotext", ["-enc", "UTF-8", pdf, "-"])
        let extracted = String(decoding: text.out, as: UTF8.self).precomposedStringWithCanonicalMapping
        #expect(extracted.contains("Tòa nhà Demo Hà Nội"))
        #expect(extracted.contains("Quét mã QR để khai báo khi vào cổng"))
        #expect(extracted.contains("Scan to check in"))
        #expect(extracted.contains("north"))
        let prefix = (pdf as NSString).deletingPathExtension
        let raster = try Readers.run("pdftoppm", ["-r", "100", "-gray", "-singlefile", pdf, prefix])
        #expect(raster.status == 0, "\(raster.err)")
        #expect(try Readers.zbar(prefix + ".pgm") == Self.payloads[0])
        // The symbol is at least 15 cm wide on the page: measure the dark modules' extent in
        // the middle band of the 100-dpi raster.
        let image = try #require(Readers.readPGM(try Data(contentsOf: URL(fileURLWithPath: prefix + ".pgm"))))
        #expect(image.width == 827)
        let row = image.height / 2
        let darks = (0..<image.width).filter { image.pixels[row * image.width + $0] < 128 }
        let span = try #require(darks.last) - (try #require(darks.first)) + 1
        #expect(Double(span) >= 150 / 25.4 * 100 * 0.97, "symbol spans \(span) px at 100 dpi")
    }

    @Test func posterPNGIsA4At300DPIAndReadBack() throws {
        let poster = Poster(venueName: "Tòa nhà Demo", address: "", gate: "main", venueID: "demo", printDate: "2026-11-29", payload: Self.payloads[1])
        let bytes = try poster.png()
        // IHDR: width and height big-endian at bytes 16..23.
        let w = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }
        let h = bytes[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(w == 2480 && h == 3508)
        let file = Readers.temp("poster.png")
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        #expect(try Readers.zbar(file) == Self.payloads[1])
    }

    /// Turns character cells back into modules, as a camera would see the screen.
    func picture(of lines: [String], style: TerminalQR.Style) throws -> String {
        let cells = lines.map { Array($0) }
        let px = 4
        let columns = cells.map(\.count).max() ?? 0
        let moduleRows = style == .halfBlocks ? cells.count * 2 : cells.count
        let moduleCols = style == .halfBlocks ? columns : columns / 2
        func dark(_ mx: Int, _ my: Int) -> Bool {
            switch style {
            case .halfBlocks:
                let row = cells[my / 2]
                guard mx < row.count else { return false }
                let c = row[mx]
                return my % 2 == 0 ? (c == "█" || c == "▀") : (c == "█" || c == "▄")
            case .ascii:
                let row = cells[my]
                return 2 * mx < row.count && row[2 * mx] == "#"
            }
        }
        let file = Readers.temp("screen.pgm")
        try Readers.pgm(width: moduleCols * px, height: moduleRows * px) { x, y in dark(x / px, y / px) }
            .write(to: URL(fileURLWithPath: file))
        return file
    }
}

@Suite struct QRMatrixTests {
    @Test func tooLongNamesTheLimit() {
        let long = String(repeating: "a", count: 3000)
        #expect(throws: VenueCodeError.payloadTooLong(bytes: 3000, limit: 2331, level: .medium)) { try QRMatrix.encode(long) }
        let e = VenueCodeError.payloadTooLong(bytes: 3000, limit: 2331, level: .medium)
        #expect(e.message(.en).contains("2331"))
        // Multi-byte text counts bytes, not characters.
        let viet = String(repeating: "Đ", count: 1200)
        #expect(throws: VenueCodeError.payloadTooLong(bytes: 2400, limit: 2331, level: .medium)) { try QRMatrix.encode(viet) }
    }

    @Test func emptyAndControlPayloadsAreRefused() {
        #expect(throws: VenueCodeError.emptyPayload) { try QRMatrix.encode("") }
        #expect(throws: VenueCodeError.invalidPayload) { try QRMatrix.encode("a\u{0}b") }
        #expect(throws: VenueCodeError.invalidPayload) { try QRMatrix.encode("\u{1B}[2J") }
    }

    @Test func sizesGrowWithThePayload() throws {
        let small = try QRMatrix.encode("https://x.vn/c/a")
        let big = try QRMatrix.encode(String(repeating: "x", count: 500))
        #expect(small.size == 17 + 4 * small.version)
        #expect(big.version > small.version)
        #expect(TerminalQR.size(of: small, style: .halfBlocks) == (small.size + 8, (small.size + 9) / 2))
    }

    @Test func screenSaysHowLargeItMustBe() throws {
        let m = try QRMatrix.encode(String(repeating: "x", count: 300))
        let need = TerminalQR.size(of: m, style: .halfBlocks)
        #expect(throws: VenueCodeError.terminalTooSmall(needColumns: need.columns, needRows: need.rows + 2, columns: 40, rows: 20)) {
            try TerminalQR.screen(m, title: "Demo", style: .halfBlocks, colour: true, columns: 40, rows: 20)
        }
        let screen = try TerminalQR.screen(m, title: "Demo", style: .halfBlocks, colour: true, columns: 200, rows: 80)
        #expect(screen.contains("\u{1B}[30;47m"))
        #expect(screen.components(separatedBy: "\n").count - 1 == need.rows + 2)
    }

    @Test func svgHasOnePathAndTheQuietZone() throws {
        let m = try QRMatrix.encode("https://x.vn/c/a")
        let svg = SVGQR.render(m, scale: 10)
        let n = m.size + 8
        #expect(svg.contains("viewBox=\"0 0 \(n) \(n)\""))
        #expect(svg.contains("width=\"\(n * 10)\""))
        #expect(svg.components(separatedBy: "<path").count == 2)
        #expect(svg.contains("M4 4h7"))  // the top-left finder pattern starts inside the quiet zone
    }
}

@Suite struct VenueTokenTests {
    let token = VenueToken(secret: Array(repeating: 9, count: 32), venueID: "demo-hq", slotMinutes: 5)

    @Test func currentAndPreviousSlotOnly() {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)  // a slot boundary
        let code = token.token(at: t0)
        #expect(code.count == 11)
        #expect(token.accepts(code, at: t0))
        #expect(token.accepts(code, at: t0.addingTimeInterval(299)))
        #expect(token.accepts(code, at: t0.addingTimeInterval(300)))
        #expect(token.accepts(code, at: t0.addingTimeInterval(599)))
        #expect(!token.accepts(code, at: t0.addingTimeInterval(600)))
        #expect(!token.accepts(code, at: t0.addingTimeInterval(-1)))
        #expect(!token.accepts("AAAAAAAAAAA", at: t0))
        #expect(!token.accepts("", at: t0))
    }

    @Test func tokensDependOnSecretVenueAndKind() {
        let other = VenueToken(secret: Array(repeating: 8, count: 32), venueID: "demo-hq", slotMinutes: 5)
        let otherVenue = VenueToken(secret: Array(repeating: 9, count: 32), venueID: "other", slotMinutes: 5)
        #expect(token.token(forSlot: 1) != other.token(forSlot: 1))
        #expect(token.token(forSlot: 1) != otherVenue.token(forSlot: 1))
        #expect(token.token(forSlot: 1) != token.dailyToken(dayNumber: 1))
        #expect(VenuePayload.url(base: "https://x/c/a", token: "T") == "https://x/c/a?t=T")
        #expect(VenuePayload.url(base: "https://x/c/a?g=main", token: "T") == "https://x/c/a?g=main&t=T")
        #expect(VenuePayload.url(base: "https://x/c/a", token: nil) == "https://x/c/a")
    }
}
