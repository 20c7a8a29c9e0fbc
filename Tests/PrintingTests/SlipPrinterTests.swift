import Foundation
import Glibc
import KioskCore
@testable import Printing
import Testing
import TestSupport

/// The printer's worker against a stand-in network printer behaving as real ones do.
@Suite struct SlipPrinterTests {
    func printer(_ device: String, deadline: Double = 2) throws -> SlipPrinter {
        var settings = PrinterSettings()
        settings.device = try PrinterSettings.Device.parse(device).get()
        let p = try #require(SlipPrinter(settings: settings, deadline: deadline, probeEvery: nil))
        p.start()
        return p
    }

    @Test func aSlipReachesThePrinterDotForDot() throws {
        let standIn = try StandInPrinter()
        defer { standIn.stop() }
        let p = try printer(standIn.url)
        defer { p.stop() }
        let slip = sampleSlip()
        let job = p.submit(slip)
        #expect(p.outcome(of: job, timeout: 5) == .printed)
        let slips = try standIn.slips(atLeast: 1, timeout: 2)
        #expect(slips == [try slip.bitmap(paper: .mm58)])
        #expect(standIn.errors.isEmpty)
        #expect(p.status.printed == 1)
        #expect(p.status.state == .ready)
    }

    @Test func aRefusedConnectionFailsAtOnce() throws {
        let port = try StandInPrinter.refusingPort()
        let p = try printer("tcp://127.0.0.1:\(port)")
        defer { p.stop() }
        let started = Date()
        let job = p.submit(sampleSlip())
        #expect(p.outcome(of: job, timeout: 5) == .failed(.refused(device: "tcp://127.0.0.1:\(port)")))
        #expect(Date().timeIntervalSince(started) < 2)
        #expect(p.status.lastFailure?.code == "K7M2QX")
        if case .failing = p.status.state {} else { Issue.record("state is \(p.status.state)") }
    }

    @Test func aPrinterThatNeverReadsIsGivenUpOnByTheDeadline() throws {
        let standIn = try StandInPrinter(.neverRead)
        defer { standIn.stop() }
        let p = try printer(standIn.url, deadline: 1.5)
        defer { p.stop() }
        let started = Date()
        let job = p.submit(sampleSlip())
        #expect(p.outcome(of: job, timeout: 6) == .failed(.notReading(device: standIn.url)))
        #expect(Date().timeIntervalSince(started) < 4)
    }

    @Test func aPrinterHangingUpMidSlipIsSaidSo() throws {
        let standIn = try StandInPrinter(.closeAfter(1500))
        defer { standIn.stop() }
        let p = try printer(standIn.url)
        defer { p.stop() }
        let job = p.submit(sampleSlip())
        #expect(p.outcome(of: job, timeout: 6) == .failed(.closed(device: standIn.url)))
    }

    @Test func anImageCutOffMidJobIsCompletedBeforeTheNextSlip() throws {
        // The printer hangs up 5,000 bytes into the first slip and comes back: its interpreter
        // is still inside that image. The next job must finish it first, or the printer reads
        // the status query and the new slip as dots and never answers.
        let standIn = try StandInPrinter(.closeAfter(5000))
        defer { standIn.stop() }
        let p = try printer(standIn.url)
        defer { p.stop() }
        let first = p.submit(sampleSlip(code: "FIRST1"))
        #expect(p.outcome(of: first, timeout: 6) == .failed(.closed(device: standIn.url)))
        standIn.setBehaviour(.normal)
        let second = p.submit(sampleSlip(code: "SECOND"))
        #expect(p.outcome(of: second, timeout: 8) == .printed)
        #expect(standIn.errors.isEmpty, "\(standIn.errors)")
        let slips = try standIn.slips(atLeast: 1, timeout: 2)
        #expect(slips.count == 1)
        // One piece of paper: the stub of the first, blank rows, the whole second slip.
        if let paper = slips.last {
            #expect(try QRReader.read(png: paper.png()) == ["KOUT:SECOND"])
            #expect(paper.height > (try sampleSlip(code: "SECOND").bitmap(paper: .mm58)).height)
        }
    }

    @Test func outOfPaperAndAnOpenCoverPrintNothing() throws {
        for (behaviour, error) in [(StandInPrinter.Behaviour.outOfPaper, PrintingError.outOfPaper), (.coverOpen, .coverOpen)] {
            let standIn = try StandInPrinter(behaviour)
            defer { standIn.stop() }
            let p = try printer(standIn.url)
            defer { p.stop() }
            let job = p.submit(sampleSlip())
            #expect(p.outcome(of: job, timeout: 5) == .failed(error))
            // Only status queries were sent: a slip that cannot print is not left in the buffer.
            #expect(try EscPosDecoder.decode(standIn.received).slips.isEmpty)
            #expect(!standIn.received.contains(0x76))
        }
    }

    @Test func paperLowPrintsAndSaysSo() throws {
        let standIn = try StandInPrinter(.paperLow)
        defer { standIn.stop() }
        let p = try printer(standIn.url)
        defer { p.stop() }
        #expect(p.outcome(of: p.submit(sampleSlip()), timeout: 5) == .printed)
        #expect(p.status.paperLow)
    }

    @Test func aPrinterWithoutStatusGetsTheSlipUnconfirmed() throws {
        let standIn = try StandInPrinter(.silent)
        defer { standIn.stop() }
        let p = try printer(standIn.url)
        defer { p.stop() }
        #expect(p.outcome(of: p.submit(sampleSlip()), timeout: 6) == .unconfirmed)
        #expect(p.status.unconfirmed)
        #expect(try standIn.slips(atLeast: 1, timeout: 2).count == 1)
    }

    @Test func deviceFilesMustBeDevices() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("printer-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let regular = dir + "/kiosk.sqlite"
        try Data("precious".utf8).write(to: URL(fileURLWithPath: regular))
        let p1 = try printer(regular)
        #expect(p1.outcome(of: p1.submit(sampleSlip()), timeout: 5) == .failed(.notADevice(regular)))
        p1.stop()
        #expect(try String(contentsOfFile: regular, encoding: .utf8) == "precious")
        let p2 = try printer(dir + "/lp0")
        if case .failed(.missing)? = p2.outcome(of: p2.submit(sampleSlip()), timeout: 5) {} else { Issue.record("a missing device is not said") }
        p2.stop()
        // A FIFO with nobody reading: missing; with a reader: the slip arrives.
        let fifo = dir + "/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let p3 = try printer(fifo)
        defer { p3.stop() }
        if case .failed(.missing)? = p3.outcome(of: p3.submit(sampleSlip()), timeout: 5) {} else { Issue.record("an unread FIFO is not said") }
        // Opened without waiting for a writer (a blocking open would wait for the kiosk).
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        #expect(reader >= 0)
        defer { close(reader) }
        let job = p3.submit(sampleSlip())
        var got: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        let until = Date().addingTimeInterval(5)
        while Date() < until, got.count < 3 || Array(got.suffix(3)) != [0x1D, 0x56, 0x01] {
            var p = pollfd(fd: reader, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 200) > 0 else { continue }
            let n = chunk.withUnsafeMutableBytes { read(reader, $0.baseAddress, $0.count) }
            if n > 0 { got += chunk[..<n] }
        }
        // A FIFO cannot answer status: sent, not confirmed.
        #expect(p3.outcome(of: job, timeout: 5) == .unconfirmed)
        #expect(try EscPosDecoder.decode(got).slips.count == 1)
    }

    @Test func aFullQueueRefusesInsteadOfPrintingAMorningsSlipsLater() throws {
        let standIn = try StandInPrinter(.neverRead)
        defer { standIn.stop() }
        let p = try printer(standIn.url, deadline: 30)
        defer { p.stop(timeout: 0.1) }
        var last = 0
        for i in 0...SlipPrinter.maxQueue { last = p.submit(sampleSlip(code: String(format: "Q%05d", i))) }
        #expect(p.outcome(of: last, timeout: 1) == .failed(.queueFull(code: String(format: "Q%05d", SlipPrinter.maxQueue))))
    }

    @Test func somethingThatIsNoPrinterIsSaidSo() throws {
        // A web server on the printer's address answers "HTTP/1.1 400": not "out of paper".
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 } }
        listen(fd, 4)
        defer { close(fd) }
        let port = Int(UInt16(bigEndian: addr.sin_port))
        let server = Thread {
            let c = accept(fd, nil, nil)
            guard c >= 0 else { return }
            var buf = [UInt8](repeating: 0, count: 64)
            _ = read(c, &buf, 64)
            let answer = Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8)
            _ = answer.withUnsafeBytes { send(c, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            usleep(300_000)
            close(c)
        }
        server.start()
        let p = try printer("tcp://127.0.0.1:\(port)")
        defer { p.stop() }
        guard case .failed(.failed(_, let why))? = p.outcome(of: p.submit(sampleSlip()), timeout: 6) else {
            Issue.record("not refused as a non-printer")
            return
        }
        #expect(why.contains("ESC/POS"))
    }

    @Test func aSlowPrinterIsWaitedForWhileItMoves() throws {
        // Five copies at the pace of a cheap printer take longer than the deadline, and print.
        let standIn = try StandInPrinter(.slow(bytesPerSecond: 60_000))
        defer { standIn.stop() }
        var settings = PrinterSettings()
        settings.device = try PrinterSettings.Device.parse(standIn.url).get()
        settings.copies = 5
        let p = try #require(SlipPrinter(settings: settings, deadline: 1.5, probeEvery: nil))
        p.start()
        defer { p.stop() }
        let job = p.submit(sampleSlip())
        #expect(p.outcome(of: job, stall: 3) == .printed)
        #expect(try standIn.slips(atLeast: 5, timeout: 2).count == 5)
    }

    @Test func aSlowPrinterStillEmptyingItsBufferIsNotCalledDead() throws {
        // One slip fits in the socket buffers at once; at 12 KB/s the printer needs about three
        // seconds to read it, three times the deadline: the answer comes, late, and counts.
        let standIn = try StandInPrinter(.slow(bytesPerSecond: 12_000))
        defer { standIn.stop() }
        let p = try printer(standIn.url, deadline: 1)
        defer { p.stop() }
        let job = p.submit(sampleSlip())
        #expect(p.outcome(of: job, stall: 2) == .printed)
    }

    @Test func devicesParseOrSayWhy() throws {
        #expect(try PrinterSettings.Device.parse("tcp://10.0.0.9:9100").get() == .tcp(host: "10.0.0.9", port: 9100))
        #expect(try PrinterSettings.Device.parse("tcp://[fe80::1]:9100").get() == .tcp(host: "fe80::1", port: 9100))
        #expect(try PrinterSettings.Device.parse("/dev/usb/lp0").get() == .file("/dev/usb/lp0"))
        for bad in ["tcp://printer", "tcp://:9100", "tcp://host:0", "tcp://host:99999", "ipp://host/q", "tcp://a b:9100", "/dev/x\u{1B}"] {
            if case .success = PrinterSettings.Device.parse(bad) { Issue.record("\(bad) accepted") }
        }
    }
}
