import Foundation
import Gate
import KioskCore
import Printing
import Records
import TestSupport

/// Visitor slips (issue 16): the time to render one slip into the printer's bytes, beside
/// `qrencode -o` drawing the check-out QR alone (a whole process, as it is used); and the
/// time from the guard's Enter (`GateService.checkIn`) to the slip's last byte at a local
/// stand-in printer, beside the same check-in without a printer. Goals: a slip renders in
/// under 20 ms; the last byte is at the printer within a second of Enter.
struct SlipBench {
    let qrencode: String
    let config: KioskConfig
    let workDir: String
    let runs: Int

    func run() throws -> SuiteResult {
        let slip = Slip(
            venueName: "Tòa nhà Demo Hà Nội", gate: "main", name: "Nguyễn Thị Ngọc Huyền", organisation: "Công ty TNHH Ánh Dương",
            host: "Phòng Kế toán, tầng 12", timeIn: "08:41 29/11/2026", badge: "127", validUntil: "23:59 29/11/2026",
            code: "K7M2QX", notice: ["Thông tin của bạn chỉ dùng để kiểm soát ra vào, lưu 30 ngày rồi tự xóa.", "Used only for entry control."])
        _ = try EscPos.job(slip.bitmap(paper: .mm58))  // warm-up: fontconfig, glyph caches
        let render58 = Samples(try (0..<max(20, runs)).map { _ in try Stopwatch.seconds { _ = try EscPos.job(slip.bitmap(paper: .mm58)) } })
        let render80 = Samples(try (0..<max(20, runs)).map { _ in try Stopwatch.seconds { _ = try EscPos.job(slip.bitmap(paper: .mm80)) } })
        let qrencodeTimes = Samples(try (0..<max(20, runs)).map { _ in
            try Stopwatch.seconds {
                _ = try Spawn.run(Command(program: qrencode, arguments: ["-o", workDir + "/kout.png", "-s", "8", "-m", "4", "-l", "M", slip.checkoutPayload]))
            }
        })

        let (withPrinter, without) = try enterToLastByte()
        let g1 = "one slip rendered to ESC/POS"
        let g2 = "Enter to the slip's last byte at a local printer"
        return SuiteResult(
            figures: [
                Figure(id: "slip.render.58", group: g1, label: "kiosk slip 58 mm → GS v 0 bytes", role: .subject, unit: .seconds, samples: render58),
                Figure(id: "slip.render.80", group: g1, label: "kiosk slip 80 mm → GS v 0 bytes", role: .reference, unit: .seconds, samples: render80),
                Figure(id: "slip.qrencode", group: g1, label: "qrencode -o of the QR alone (whole process)", role: .baseline, unit: .seconds, samples: qrencodeTimes),
                Figure(id: "slip.enter-to-printer", group: g2, label: "checkIn → last byte at the stand-in printer", role: .subject, unit: .seconds, samples: withPrinter),
                Figure(id: "slip.checkin-alone", group: g2, label: "checkIn without a printer", role: .baseline, unit: .seconds, samples: without),
            ],
            goals: [
                Goal(id: "slip.render", text: "one slip renders in < 20 ms", measured: String(format: "%.1f ms", render58.median * 1000),
                    value: render58.median, met: render58.median < 0.020),
                Goal(id: "slip.enter-to-printer", text: "slip at the printer < 1 s after Enter",
                    measured: String(format: "%.1f ms", withPrinter.median * 1000), value: withPrinter.median, met: withPrinter.median < 1),
            ])
    }

    /// Seconds from `checkIn` being called to the cut command arriving at the stand-in, per
    /// visitor; and `checkIn` alone on the same kind of log.
    private func enterToLastByte() throws -> (Samples, Samples) {
        let printer = try StandInPrinter()
        defer { printer.stop() }
        var settings = PrinterSettings()
        settings.device = .tcp(host: "127.0.0.1", port: printer.port)
        var cfg = config
        cfg.printer = settings
        let dir = workDir + "/slip-bench"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hasher = IdHasher(key: Array(repeating: 9, count: 32))
        guard let worker = SlipPrinter(settings: settings, probeEvery: nil) else { throw BenchFailure("no printer") }
        worker.start()
        defer { worker.stop() }
        var gate = GateService(config: cfg, store: try Store(path: dir + "/with.sqlite", chainKey: hasher.chainKey), clock: SystemClock(), hasher: hasher)
        gate.printer = worker
        let plain = GateService(config: config, store: try Store(path: dir + "/without.sqlite", chainKey: hasher.chainKey), clock: SystemClock(), hasher: hasher)
        let cut: [UInt8] = [0x1D, 0x56, 0x01]
        var with: [Double] = [], alone: [Double] = []
        for i in 0..<max(10, runs) {
            let before = printer.received.count
            let request = CheckInRequest(details: VisitorDetails(name: "Khách Số \(i)", organisation: "Công ty \(i)"), guardName: "bench")
            let started = Date()
            guard try gate.checkIn(request).slipJob != nil else { throw BenchFailure("no slip was queued") }
            while true {
                let got = printer.received
                // The cut is the slip's last byte; the status query after it is the kiosk
                // asking whether it printed.
                if got.count > before, Array(got.suffix(3)) == cut || Array(got.suffix(6)) == cut + EscPos.statusQuery(4) { break }
                if Date().timeIntervalSince(started) > 10 { throw BenchFailure("the slip never reached the stand-in printer") }
                usleep(200)
            }
            with.append(Date().timeIntervalSince(started))
            alone.append(try Stopwatch.seconds { _ = try plain.checkIn(request) })
        }
        return (Samples(with), Samples(alone))
    }
}
