import Foundation
import Testing

/// `kiosk venue-qr` end to end, read back by real readers: zbarimg on the files we write, on
/// the PDF poster rasterised by pdftoppm, and on a picture of the terminal rendering captured
/// from tmux, exactly as a guard's monitor shows it.
@Suite(.serialized) struct VenueQRTests {
    static let payloads = [
        "https://kiosk.example.vn/c/demo-hq?g=main",
        "Tòa nhà Demo Hà Nội — Cổng phía Bắc, số 1 Tràng Tiền",
        "https://kiosk.example.vn/c/demo-hq?g=main&t=" + String(repeating: "AbC123", count: 120),
    ]

    func zbar(_ file: String) throws -> String {
        let r = try ProcessRunner.run("/usr/bin/zbarimg", ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", file], timeout: 60)
        guard r.status == 0 else { throw E2EError("zbarimg could not read \(file) (install zbar-tools with make test): \(r)") }
        var text = r.stdout
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    @Test func filesFromTheSampleConfigAreReadBack() throws {
        let box = try Sandbox()
        let png = box.dir + "/qr.png", pdf = box.dir + "/poster.pdf", posterPNG = box.dir + "/poster.png"
        #expect(try box.run(["venue-qr", "--format", "png", "--output", png]).status == 0)
        #expect(try box.run(["venue-qr", "--poster", "--output", pdf]).status == 0)
        #expect(try box.run(["venue-qr", "--poster", "--format", "png", "--output", posterPNG]).status == 0)
        let svg = try box.run(["venue-qr", "--format", "svg", "--output", box.dir + "/qr.svg"])
        #expect(svg.status == 0, "\(svg)")
        #expect(String(decoding: try contents(box.dir + "/qr.svg"), as: UTF8.self).hasPrefix("<?xml"))
        // On screen the code carries a token; a poster does not (poster_token = none).
        let screen = try zbar(png)
        #expect(screen.hasPrefix("http://kiosk.local:8080/c/demo-hq?g=main&t="), "\(screen)")
        #expect(try zbar(posterPNG) == "http://kiosk.local:8080/c/demo-hq?g=main")
        let raster = box.dir + "/poster-page"
        let r = try ProcessRunner.run("/usr/bin/pdftoppm", ["-r", "120", "-png", "-singlefile", pdf, raster])
        #expect(r.status == 0, "\(r)")
        #expect(try zbar(raster + ".png") == "http://kiosk.local:8080/c/demo-hq?g=main")
        let text = try ProcessRunner.run("/usr/bin/pdftotext", ["-enc", "UTF-8", pdf, "-"])
        #expect(text.stdout.precomposedStringWithCanonicalMapping.contains("Tòa nhà Demo Hà Nội"), "\(text)")
        // Same slot, same token: the token is stable within token_minutes.
        #expect(try box.run(["venue-qr", "--format", "png", "--output", png]).status == 0)
        #expect(try zbar(png) == screen)
        let later = try box.run(["venue-qr", "--format", "png", "--output", png], now: "2026-11-29T08:10:00+07:00")
        #expect(later.status == 0)
        #expect(try zbar(png) != screen)
    }

    @Test func allGatesWritesOnePosterEach() throws {
        let box = try Sandbox()
        let r = try box.run(["venue-qr", "--poster", "--all-gates", "--output", box.dir + "/posters"])
        #expect(r.status == 0, "\(r)")
        for gate in ["main", "north"] {
            let pdf = box.dir + "/posters/poster-demo-hq-\(gate).pdf"
            let raster = box.dir + "/p-\(gate)"
            #expect(try ProcessRunner.run("/usr/bin/pdftoppm", ["-r", "100", "-png", "-singlefile", pdf, raster]).status == 0)
            #expect(try zbar(raster + ".png") == "http://kiosk.local:8080/c/demo-hq?g=\(gate)")
        }
    }

    @Test func badInputGetsAClearMessageAndNoFile() throws {
        let box = try Sandbox()
        let tooLong = try box.run(["venue-qr", "--payload", String(repeating: "x", count: 3000)])
        #expect(tooLong.status == 1)
        #expect(tooLong.stderr.contains("2331"), "\(tooLong)")
        let unwritable = try box.run(["venue-qr", "--format", "png", "--output", "/proc/kiosk/qr.png"])
        #expect(unwritable.status == 1)
        #expect(unwritable.stderr.contains("/proc/kiosk/qr.png"), "\(unwritable)")
        let small = try box.run(["venue-qr"], env: ["COLUMNS": "30", "LINES": "12"])
        #expect(small.status == 1)
        #expect(small.stderr.contains("30×12"), "\(small)")
        #expect(try box.run(["venue-qr", "--gate", "west"]).status == 1)
        #expect(try box.run(["venue-qr", "--poster", "--format", "svg"]).status == 2)
        // A failed write leaves nothing behind in the target folder.
        let dir = box.dir + "/out"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        #expect(try box.run(["venue-qr", "--payload", String(repeating: "y", count: 2500), "--format", "png", "--output", dir + "/x.png"]).status == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test(arguments: payloads)
    func terminalRenderingInTmuxIsReadBack(payload: String) throws {
        let box = try Sandbox()
        let tmux = Tmux()
        let payloadFile = box.dir + "/payload.txt"
        try payload.write(toFile: payloadFile, atomically: true, encoding: .utf8)
        try tmux.start("KIOSK_NOW=\(defaultNow) '\(box.binary)' venue-qr --config '\(box.configPath)' --payload \"$(cat '\(payloadFile)')\"; sleep 60")
        defer { tmux.kill() }
        let screen = try tmux.waitFor { lines in lines.contains { $0.contains("Tòa nhà") } && lines.contains { $0.contains("█") } }
        // The code's rows: from the first line with a block character through the quiet zone.
        let codeLines = screen.drop { !$0.contains(where: { "█▀▄".contains($0) }) }
        #expect(!codeLines.isEmpty, "nothing drawn: \(screen.joined(separator: "\n"))")
        // Blank rows around it stand for the quiet zone the capture trims.
        let blank = Array(repeating: "", count: 4)
        let cells = (blank + Array(codeLines) + blank).map { Array($0) }
        let width = cells.map(\.count).max() ?? 0
        let px = 4
        var image = Data("P5\n\(width * px) \(cells.count * 2 * px)\n255\n".utf8)
        for moduleRow in 0..<(cells.count * 2) {
            let line = moduleRow / 2 < cells.count ? cells[moduleRow / 2] : []
            var row = [UInt8]()
            for x in 0..<width {
                let c: Character = x < line.count ? line[x] : " "
                let dark = moduleRow % 2 == 0 ? (c == "█" || c == "▀") : (c == "█" || c == "▄")
                row += Array(repeating: dark ? 0 : 255, count: px)
            }
            for _ in 0..<px { image.append(contentsOf: row) }
        }
        let file = box.dir + "/screen.pgm"
        try image.write(to: URL(fileURLWithPath: file))
        #expect(try zbar(file) == payload)
    }
}
