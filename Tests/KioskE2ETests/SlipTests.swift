import Foundation
import Printing
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Visitor slips (issue 16) through the built binary: printed to a stand-in network printer,
/// decoded back from the printer's bytes, read by zbarimg and scanned to check out.
@Suite(.serialized) struct SlipTests {
    static func printerBox(_ device: String, _ extra: [String: String] = [:]) throws -> Sandbox {
        var settings = extra
        settings["printer.device"] = device
        return try Sandbox(settings: settings)
    }

    @Test("a check-in prints a slip; its QR, read from the printer's bytes, checks the visitor out")
    func checkInPrintsAScannableSlip() throws {
        let printer = try StandInPrinter()
        defer { printer.stop() }
        let box = try Self.printerBox(printer.url)
        let code = try box.checkin("Nguyễn Thị Hoa", ["--host", "Phòng Kế toán", "--badge", "12", "--org", "Công ty Ánh Dương"])
        let slips = try printer.slips(atLeast: 1, timeout: 5)
        #expect(slips.count == 1)
        #expect(printer.errors.isEmpty, "\(printer.errors)")
        let slip = try #require(slips.first)
        #expect(slip.width == 384)
        let read = try QRReader.read(png: try slip.png())
        #expect(read == ["KOUT:\(code)"])
        // The text the scanner types at the gate.
        let out = try box.run(["scan", try #require(read.first)])
        #expect(out.status == 0, "\(out)")
        #expect(try box.visit(code, date: "2026-11-29")?["status"] as? String == "left")
        // The picture the kiosk renders for a file is the one it printed.
        let png = box.dir + "/slip.png"
        let code2 = try box.checkin("Trần Văn Bình")
        let r = try box.run(["slip", code2, "--format", "png", "--output", png])
        #expect(r.status == 0, "\(r)")
        #expect(try QRReader.read(png: Array(try Data(contentsOf: URL(fileURLWithPath: png)))) == ["KOUT:\(code2)"])
    }

    @Test("a printer that refuses, never reads or hangs up never delays or loses the check-in")
    func brokenPrintersNeverCostACheckIn() throws {
        let refusing = try StandInPrinter.refusingPort()
        let box = try Self.printerBox("tcp://127.0.0.1:\(refusing)")
        let r = try box.run(["checkin", "--name", "Lê Thị Thu"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr.contains("refused the connection"), "\(r)")
        let code = try #require(r.lines.first)
        #expect(try box.visit(code, date: "2026-11-29")?["status"] as? String == "inside")

        let hung = try StandInPrinter(.neverRead)
        defer { hung.stop() }
        let box2 = try Self.printerBox(hung.url)
        let started = Date()
        let p = try BackgroundProcess(box2.binary, ["checkin", "--name", "Phạm Văn Đức", "--config", box2.configPath],
            environment: ["KIOSK_NOW": box2.now])
        // The code is out (and the visit on disk) while the printer still holds the process.
        #expect(p.waitForLines(timeout: 5) { !$0.isEmpty })
        let shown = try #require(p.completeLines.first)
        #expect(try box2.visit(shown, date: "2026-11-29")?["status"] as? String == "inside")
        #expect(p.wait(timeout: 15))
        #expect(Date().timeIntervalSince(started) < 12)
        #expect(p.terminationStatus == 0)
        #expect(p.stderr.contains("not printing"), "\(p.stderr)")

        let quitter = try StandInPrinter(.closeAfter(2000))
        defer { quitter.stop() }
        let box3 = try Self.printerBox(quitter.url)
        let r3 = try box3.run(["checkin", "--name", "Võ Thị Sáu"])
        #expect(r3.status == 0, "\(r3)")
        #expect(r3.stderr.contains("closed the connection"), "\(r3)")

        let empty = try StandInPrinter(.outOfPaper)
        defer { empty.stop() }
        let box4 = try Self.printerBox(empty.url)
        let r4 = try box4.run(["checkin", "--name", "Đỗ Văn Nam"])
        #expect(r4.status == 0, "\(r4)")
        #expect(r4.stderr.contains("out of paper"), "\(r4)")
    }

    @Test("a device printer whose reader goes away mid-slip is said, never a SIGPIPE death")
    func fifoReaderGoingAway() throws {
        let box0 = try Sandbox()
        let fifo = box0.dir + "/lp0"
        #expect(mkfifo(fifo, 0o600) == 0)
        let box = try Self.printerBox(fifo, ["printer.copies": "5"])
        // Reads a little, then hangs up, as an unplugged USB printer does.
        let reader = Thread {
            let fd = open(fifo, O_RDONLY)
            guard fd >= 0 else { return }
            var buf = [UInt8](repeating: 0, count: 100)
            _ = read(fd, &buf, 100)
            close(fd)
        }
        reader.start()
        let r = try box.run(["checkin", "--name", "Phạm Văn Hai"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr.contains("closed the connection"), "\(r)")
        let code = try #require(r.lines.first)
        #expect(try box.visit(code, date: "2026-11-29")?["status"] as? String == "inside")
    }

    @Test("kiosk slip: to the printer (a reprint says so), to files, and only for a visitor inside")
    func slipCommand() throws {
        let printer = try StandInPrinter()
        defer { printer.stop() }
        let box = try Self.printerBox(printer.url, ["printer.print_on": "manual", "printer.paper": "80mm"])
        let code = try box.checkin("Hoàng Thị Lan")
        Thread.sleep(forTimeInterval: 0.5)
        #expect(printer.received.isEmpty, "print_on = manual printed at check-in")
        let first = try box.run(["slip", code])
        #expect(first.status == 0, "\(first)")
        #expect(!first.stdout.contains("reprint"), "\(first)")
        let again = try box.run(["slip", "kout:\(code.lowercased())"])
        #expect(again.status == 0, "\(again)")
        #expect(again.stdout.contains("(reprint)"), "\(again)")
        let slips = try printer.slips(atLeast: 2, timeout: 5)
        #expect(slips.count == 2)
        #expect(slips.allSatisfy { $0.width == 576 })
        #expect(slips[1].height > slips[0].height, "the reprint banner")

        let pdf = box.dir + "/slip.pdf"
        #expect(try box.run(["slip", code, "--format", "pdf", "--output", pdf]).status == 0)
        let text = try Tool.run("pdftotext", [pdf, "-"])
        for word in ["Hoàng", "Lan", code, "REPRINT", "Tòa nhà Demo"] { #expect(text.contains(word), "\(word) in \(text)") }
        let bin = box.dir + "/slip.bin"
        #expect(try box.run(["slip", code, "--format", "escpos", "--output", bin]).status == 0)
        let decoded = try EscPosDecoder.decode(Array(try Data(contentsOf: URL(fileURLWithPath: bin))))
        #expect(decoded.slips.count == 1)

        // Refusals: a visit that left, a code that is no visit, the kiosk's own files.
        #expect(try box.run(["checkout", code]).status == 0)
        let left = try box.run(["slip", code])
        #expect(left.status == 1 && left.stderr.contains("not inside"), "\(left)")
        let unknown = try box.run(["slip", "ZZZZZZ"])
        #expect(unknown.status == 1, "\(unknown)")
        let code2 = try box.checkin("Bùi Văn Tâm")
        let before = try Tool.sha256(file: box.dbPath)
        let own = try box.run(["slip", code2, "--format", "png", "--output", box.dbPath])
        #expect(own.status != 0, "\(own)")
        #expect(try Tool.sha256(file: box.dbPath) == before)
        #expect(try box.run(["slip", code2, "--format", "png"]).status == 2, "--format without --output")
    }

    @Test("print_on = never and no printer: kiosk slip says so, files still work")
    func noPrinting() throws {
        let printer = try StandInPrinter()
        defer { printer.stop() }
        let never = try Self.printerBox(printer.url, ["printer.print_on": "never"])
        let code = try never.checkin("Ngô Thị Mai")
        let r = try never.run(["slip", code])
        #expect(r.status == 1 && r.stderr.contains("print_on = never"), "\(r)")
        Thread.sleep(forTimeInterval: 0.3)
        #expect(printer.received.isEmpty)
        let none = try Sandbox()
        let code2 = try none.checkin("Ngô Văn Hải")
        let r2 = try none.run(["slip", code2])
        #expect(r2.status == 1 && r2.stderr.contains("No printer is configured"), "\(r2)")
        #expect(try none.run(["slip", code2, "--format", "pdf", "--output", none.dir + "/s.pdf"]).status == 0)
    }

    @Test("[printer] mistakes stop start-up with the file and line", arguments: [
        ("printer.device", "ipp://printer/queue"), ("printer.device", "tcp://printer"), ("printer.paper", "57mm"),
        ("printer.print_on", "always"), ("printer.copies", "0"), ("printer.copies", "99"),
    ])
    func configMistakes(key: String, value: String) throws {
        let box = try Sandbox(settings: [key: value])
        let r = try box.run(["list"])
        #expect(r.status == 2, "\(r)")
        #expect(r.stderr.contains("kiosk.conf:") && r.stderr.contains(String(key.split(separator: ".")[1])), "\(r)")
    }

    @Test("the guard terminal prints at check-in, says when the printer is off, and reprints from F4")
    func guardTerminalPrints() throws {
        let printer = try StandInPrinter()
        defer { printer.stop() }
        let s = try GuardSession(language: "en", settings: ["printer.device": printer.url])
        defer { s.close() }
        try s.start()
        try s.waitFor(texts: ["F2Manual"], timeout: 60)
        try s.key("F2")
        try s.type("Nguyễn Văn An")
        try s.key("Enter")
        try s.waitFor(texts: ["ADMIT"])
        let first = try printer.slips(atLeast: 1, timeout: 8)
        #expect(first.count == 1)
        let firstSlip = try #require(first.first)
        let code = try #require(try QRReader.read(png: try firstSlip.png()).first)
        // The printer runs out of paper: the next visitor is still let in at once, and the
        // guard is told, on the status line and in the title bar.
        printer.setBehaviour(.outOfPaper)
        try s.key("F2")
        try s.type("Trần Thị Bé")
        try s.key("Enter")
        try s.waitFor(texts: ["ADMIT", "Trần Thị Bé"], timeout: 5)
        try s.waitFor(texts: ["not printed", "Printer: out of paper"], timeout: 15)
        // Paper loaded: F4, the visitor, P prints the slip that never came out (not a reprint:
        // nothing was printed for her), then the first visitor's again, marked as a reprint.
        printer.setBehaviour(.normal)
        func banner(_ slip: MonoBitmap) -> Bool {
            (0..<min(60, slip.height)).contains { y in (0..<slip.width).allSatisfy { slip[$0, y] } }
        }
        for (search, name, count) in [("tran thi", "Trần Thị Bé", 2), ("nguyen van", "Nguyễn Văn An", 3)] {
            try s.key("F4")
            try s.type(search)
            try s.waitFor(texts: [name], timeout: 5)
            try s.key("Enter")
            try s.waitFor(texts: ["P: print slip"], timeout: 5)
            try s.type("P")
            let slips = try printer.slips(atLeast: count, timeout: 10)
            let screen = try s.capture()
            #expect(slips.count == count, "\(s.describe(screen))\n\(s.logLines().suffix(8))")
            #expect(slips.last.map(banner) == (count == 3), "reprint marking of \(name)")
            try s.key("Escape", "Escape", "Escape")
        }
        // The first visitor's QR scanned at the desk checks them out.
        try s.scan(code)
        try s.waitFor(texts: ["Nguyễn Văn An"], timeout: 10)
        let visits = try s.list()
        #expect(visits.contains { $0["name"] as? String == "Nguyễn Văn An" && $0["status"] as? String == "left" }, "\(visits)")
        #expect(s.logLines().contains { $0.contains("printer: slip") && $0.contains("not printed") }, "\(s.logLines())")
    }
}
