import Foundation
import VenueCode

/// The venue QR renderers (issue 5): the A4 poster as PDF and as 300-dpi PNG, the QR alone
/// as PNG beside the `qrencode -o` command for the same payload, and the terminal rendering.
/// Ours are timed in process, including writing the file; qrencode as a whole process
/// (which is how it is used). Goals: poster < 150 ms, QR PNG no slower than qrencode,
/// terminal < 2 ms.
struct VenueCodeBench {
    let qrencode: String
    let workDir: String

    static let payload = "https://kiosk.example.vn/c/demo-hq?g=main&t=AbCdEfGhIjK"

    func time(_ runs: Int, _ body: () throws -> Void) throws -> Samples {
        try body()  // warm-up: fonts, code pages
        return Samples(try (0..<runs).map { _ in try Stopwatch.seconds(body) })
    }

    func run() throws -> SuiteResult {
        let poster = Poster(
            venueName: "Tòa nhà Demo Hà Nội", address: "1 Tràng Tiền, Hoàn Kiếm, Hà Nội", gate: "main",
            venueID: "demo-hq", printDate: "2026-11-29", payload: Self.payload)
        let pdf = try time(10) { try Data(try poster.pdf()).write(to: URL(fileURLWithPath: workDir + "/poster.pdf")) }
        let posterPNG = try time(5) { try Data(try poster.png()).write(to: URL(fileURLWithPath: workDir + "/poster.png")) }
        let qr = try time(30) {
            try Data(try QRImage.png(try QRMatrix.encode(Self.payload), scale: 8)).write(to: URL(fileURLWithPath: workDir + "/qr.png"))
        }
        let qrencodeTimes = try time(30) {
            _ = try Spawn.run(
                Command(program: qrencode, arguments: ["-o", workDir + "/qrencode.png", "-s", "8", "-m", "4", "-l", "M", Self.payload]))
        }
        let matrix = try QRMatrix.encode(Self.payload)
        let terminal = try time(200) { _ = try TerminalQR.screen(matrix, title: "Tòa nhà Demo Hà Nội · main", style: .halfBlocks, colour: true, columns: 132, rows: 43) }

        let g1 = "venue poster (A4, QR ≥ 15 cm)"
        let g2 = "QR-only PNG, scale 8"
        let g3 = "terminal rendering (half blocks)"
        let ratio = qr.median / qrencodeTimes.median
        return SuiteResult(
            figures: [
                Figure(id: "venue.poster.pdf", group: g1, label: "kiosk poster PDF", role: .subject, unit: .seconds, samples: pdf),
                Figure(id: "venue.poster.png", group: g1, label: "kiosk poster PNG 300 dpi", role: .reference, unit: .seconds, samples: posterPNG),
                Figure(id: "venue.qr.kiosk", group: g2, label: "kiosk QRImage.png + write", role: .subject, unit: .seconds, samples: qr),
                Figure(id: "venue.qr.qrencode", group: g2, label: "qrencode -o (whole process)", role: .baseline, unit: .seconds, samples: qrencodeTimes),
                Figure(id: "venue.terminal", group: g3, label: "TerminalQR.screen 132×43", role: .reference, unit: .seconds, samples: terminal),
            ],
            goals: [
                Goal(id: "venue.poster.pdf", text: "poster PDF < 150 ms", measured: String(format: "%.1f ms", pdf.median * 1000), value: pdf.median, met: pdf.median < 0.150),
                Goal(id: "venue.poster.png", text: "poster PNG < 150 ms", measured: String(format: "%.1f ms", posterPNG.median * 1000), value: posterPNG.median, met: posterPNG.median < 0.150),
                Goal(id: "venue.qr", text: "QR PNG no slower than qrencode", measured: String(format: "%.2f×", ratio), value: ratio, met: ratio <= 1.0),
                Goal(id: "venue.terminal", text: "terminal rendering < 2 ms", measured: String(format: "%.3f ms", terminal.median * 1000), value: terminal.median, met: terminal.median < 0.002),
            ])
    }
}
