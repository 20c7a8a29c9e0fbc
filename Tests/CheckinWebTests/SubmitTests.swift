import CheckinWeb
import Foundation
import TestSupport
import Gate
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KioskCore
import NIOCore
import Testing

/// Posting the form: one submission per form served, a confirmation the guard scans.
@Suite struct SubmitTests {
    @Test func successIsAPendingVisitWithACodeToShow() async throws {
        let web = try Web()
        try await web.app().test(.router) { client in
            let r = try await Visitor(client: client).submit()
            #expect(r.status == .ok)
            expectLockedDown(r, "confirmation")
            let html = String(buffer: r.body)
            let code = try #require(Page.code(html))
            #expect(code.count == 6)
            #expect(html.contains("Đã khai báo"))
            #expect(html.contains("Chờ bảo vệ xác nhận"))
            #expect(html.contains("<svg"))
            #expect(!html.contains("<?xml"))
            // A shortened name only: a phone left on the desk shows nothing more.
            #expect(html.contains("<strong>Nguyễn V. A.</strong>"))
            #expect(!html.contains("Nguyễn Văn An"))
            #expect(!html.contains("0912345678"))
            #expect(!html.contains("001099012345"))
            #expect(!html.contains("Mặt Trời"))

            let visits = try web.visits()
            #expect(visits.count == 1)
            let v = try #require(visits.first)
            #expect(v.code == code)
            #expect(v.status == .pending)
            #expect(v.method == .selfService)
            #expect(v.details.name == "Nguyễn Văn An")
            #expect(v.details.phone == "0912345678")
            #expect(v.details.organisation == "Công ty Mặt Trời")
            #expect(v.details.host == "Phòng Kế toán")
            #expect(v.details.purpose == "Họp")
            #expect(v.venue == "demo")
            #expect(v.gate == "main")
            #expect(v.checkedInAt == web.clock.now())
            #expect(v.declaration["consent"] == "yes")
            #expect(v.declaration["q1"] == "no")
            #expect(v.declaration["q2"] == "no")
            // Stored as configured (masked by default), never in full.
            #expect(v.details.idNumber != "001099012345")
            #expect(v.idHash != nil)
            #expect(try web.gate.pendingSelfCheckIns().map(\.code) == [code])
            #expect(try web.gate.audit().ok)
        }
    }

    @Test func englishConfirmation() async throws {
        let web = try Web()
        try await web.app().test(.router) { client in
            var s = Submission()
            s.lang = "en"
            let r = try await Visitor(client: client).submit(s, query: "lang=en")
            #expect(r.status == .ok)
            let html = String(buffer: r.body)
            #expect(html.contains("<html lang=\"en\">"))
            #expect(html.contains("Waiting for the guard"))
            #expect(html.contains("Show this screen to the guard."))
        }
    }

    @Test func confirmationQRCarriesKIN() async throws {
        let web = try Web()
        try await web.app().test(.router) { client in
            let html = String(buffer: try await Visitor(client: client).submit().body)
            let code = try #require(Page.code(html))
            #expect(try SVGReader.read(html) == "KIN:" + code)
            #expect(web.gate.confirmationPayload(try #require(try web.gate.visit(code: code))) == "KIN:" + code)
        }
    }

    @Test func autoAdmitRecordsTheVisitorInside() async throws {
        let web = try Web { $0.checkinWeb.mode = .autoAdmit }
        try await web.app().test(.router) { client in
            let r = try await Visitor(client: client).submit()
            #expect(r.status == .ok)
            let html = String(buffer: r.body)
            #expect(html.contains("Bạn đã được ghi nhận vào tòa nhà."))
            #expect(!html.contains("Chờ bảo vệ xác nhận"))
            let code = try #require(Page.code(html))
            let v = try #require(try web.gate.visit(code: code))
            #expect(v.status == .inside)
            #expect(v.method == .selfService)
            #expect(try web.gate.pendingSelfCheckIns().isEmpty)
        }
    }

    @Test func theGateScannedIsTheGateRecorded() async throws {
        let web = try Web()
        try await web.app().test(.router) { client in
            var s = Submission()
            s.gate = "north"
            let r = try await Visitor(client: client).submit(s, query: "g=north")
            #expect(r.status == .ok)
            let code = try #require(Page.code(String(buffer: r.body)))
            #expect(try web.gate.visit(code: code)?.gate == "north")

            // A gate that is not this building's is refused, not recorded at some other gate.
            s.gate = "south"
            s.phone = "0912000111"
            let bad = try await Visitor(client: client).submit(s)
            #expect(bad.status == .notFound)
            expectLockedDown(bad, "POST unknown gate")
        }
        #expect(try web.visits().count == 1)
    }

    @Test func samePhoneAgainIsItsOwnVisitAndNeverShowsAnotherOnesCode() async throws {
        let web = try Web()
        try await web.app().test(.router) { client in
            let v = Visitor(client: client)
            let first = try #require(Page.code(String(buffer: try await v.submit().body)))
            // Sent again from the same phone (written another way), with other details: whoever
            // typed that phone may not be its owner, so the answer is this form's own pending
            // visit, never the earlier code or name, and nothing says one was there (issue 21).
            var s = Submission()
            s.phone = "+84 912 345 678"
            s.name = "Nguyen Van An"
            let again = try await v.submit(s)
            #expect(again.status == .ok)
            let againHTML = String(buffer: again.body)
            let second = try #require(Page.code(againHTML))
            #expect(second != first)
            #expect(!againHTML.contains("Nguyễn") && !againHTML.contains(first))
            #expect(try web.visits().count == 2)

            // The guard confirms the first; the second then cannot also let the same phone in.
            _ = try web.gate.scan("KIN:" + first, guardName: "Bảo vệ An")
            let refused = try web.gate.scan("KIN:" + second, guardName: "Bảo vệ An")
            #expect(refused.checkIn?.alreadyInside?.code == first)
            #expect(try web.visits().filter { $0.status == .inside }.map(\.code) == [first])

            // Once inside, a third submission of that phone looks like any new one.
            let inside = String(buffer: try await v.submit().body)
            let third = try #require(Page.code(inside))
            #expect(![first, second].contains(third))
            #expect(try web.visits().count == 3)
            #expect(try web.gate.audit().ok)
        }
    }

    @Test func samePhoneFromTwoFormsAtOnceIsOneVisitPerForm() async throws {
        // Two tabs (or a resend and the original) racing: each form is its own pending visit,
        // each answered with its own code; only the guard's confirmation lets anyone in. On
        // disk, where reads do not wait for the writer.
        let dir = Web.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let web = try Web.onDisk(dir) { $0.checkinWeb.rateLimit = 1000 }
        try await web.app().test(.router) { client in
            let v = Visitor(client: client)
            for round in 0..<10 {
                var s = Submission()
                s.phone = String(format: "0913%06d", round)
                s.idNumber = String(format: "001099%06d", round)
                let bodies = try await (0..<4).asyncMap { _ in
                    var t = s
                    t.csrf = try await v.csrf()
                    return t.body
                }
                let codes = try await withThrowingTaskGroup(of: String?.self) { group in
                    for b in bodies { group.addTask { Page.code(String(buffer: try await v.post(b).body)) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(Set(codes.compactMap { $0 }).count == 4, "round \(round): \(codes)")
                let confirmed = try codes.compactMap { $0 }.map { try web.gate.confirmSelfCheckIn(code: $0, guardName: "Bảo vệ An") }
                #expect(confirmed.filter { $0.recorded?.status == .inside }.count == 1, "round \(round)")
            }
        }
        #expect(try web.visits().filter { $0.status == .inside }.count == 10)
        #expect(try web.gate.audit().ok)
    }

    @Test func samePhoneAtOnceOnDiskLetsOnlyOneIn() throws {
        // The same race below the server, on a real database where reads do not wait for the
        // writer: the "already inside?" look-up must be in the confirmation's own transaction.
        let dir = Web.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let gate = try Web.onDisk(dir).gate
        for round in 0..<15 {
            let phone = String(format: "0914%06d", round)
            let form = SelfCheckInForm(name: "Lê Văn \(round)", phone: phone, answers: [false, false], consent: true, gate: "north")
            var recorded: [String] = []
            for _ in 0..<4 { if case .recorded(let e) = try gate.selfCheckIn(form) { recorded.append(e.code) } }
            let codes = recorded
            try #require(codes.count == 4)
            let together = Together.run(4) { i in _ = try? gate.confirmSelfCheckIn(code: codes[i], guardName: "Bảo vệ An") }
            #expect(together, "the 4 confirmations must really race")
        }
        let visits = try gate.list(day: nil, insideOnly: true, search: nil)
        #expect(visits.count == 15, "\(visits.count) inside for 15 phones")
        #expect(Set(visits.compactMap(\.details.phone)).count == 15)
        #expect(try gate.audit().ok)
    }

    @Test func csrfTokenWorksOnce() async throws {
        let web = try Web()
        try await web.app().test(.router) { client in
            let v = Visitor(client: client)
            var s = Submission()
            s.csrf = try await v.csrf()
            let first = try await v.post(s.body)
            #expect(first.status == .ok)
            let code = try #require(Page.code(String(buffer: first.body)))
            // The same form sent again (a reload of the confirmation, a double tap), even with
            // another phone: the browser that sent it sees its own confirmation, nothing new.
            s.phone = "0987654321"
            let replay = try await v.post(s.body)
            #expect(replay.status == .ok)
            expectLockedDown(replay, "replay")
            #expect(Page.code(String(buffer: replay.body)) == code)
            #expect(try web.visits().count == 1)

            // A token spent on a refused form produced nothing: sent again, it is stale.
            var bad = Submission()
            bad.csrf = try await v.csrf()
            bad.name = ""
            #expect(try await v.post(bad.body).status == .unprocessableContent)
            bad.name = "Hồ Văn Sáu"
            let stale = try await v.post(bad.body)
            #expect(stale.status == .forbidden)
            let html = String(buffer: stale.body)
            #expect(html.contains("Biểu mẫu đã hết hạn"))
            #expect(Page.code(html) == nil)
            #expect(try web.visits().count == 1)
        }
    }

    @Test func forgedOrMissingCSRFIsRefused() async throws {
        let web = try Web()
        try await web.app().test(.router) { client in
            let v = Visitor(client: client)
            let real = try await v.csrf()
            let parts = real.split(separator: ".").map(String.init)
            #expect(parts.count == 3)
            let now = Int64(web.clock.now().timeIntervalSince1970)
            let forged: [String?] = [
                nil, "", "abc", "1.2.3", "\(now).\(parts[1]).AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                // Another issue time or nonce under the same signature.
                "\(now + 1).\(parts[1]).\(parts[2])", "\(parts[0]).000000000000000000000000.\(parts[2])",
                real + "x", String(repeating: "9", count: 500),
            ]
            for f in forged {
                var s = Submission()
                s.csrf = f
                let r = try await v.post(s.body)
                #expect(r.status == .forbidden, "csrf \(f ?? "missing")")
                expectLockedDown(r, "csrf \(f ?? "missing")")
                #expect(String(buffer: r.body).contains("Biểu mẫu đã hết hạn"))
            }
            // A token from another building's server (another key) is not this one's.
            let other = try Web(key: 8)
            var s = Submission()
            s.csrf = real
            let elsewhere = s.body
            try await other.app().test(.router) { otherClient in
                let response1 = try await Visitor(client: otherClient).post(elsewhere)
                #expect(response1.status == .forbidden)
            }
            #expect(try web.visits().isEmpty)
            #expect(try other.visits().isEmpty)
            // And the untouched real one still works here.
            let response2 = try await v.post(s.body)
            #expect(response2.status == .ok)
        }
        #expect(try web.visits().count == 1)
    }

    @Test func csrfTokenExpiresAfterAnHour() async throws {
        let web = try Web()
        try await web.app().test(.router) { client in
            let v = Visitor(client: client)
            var s = Submission()
            s.csrf = try await v.csrf()
            web.clock.advance(3601)
            let response3 = try await v.post(s.body)
            #expect(response3.status == .forbidden)
            s.csrf = try await v.csrf()
            web.clock.advance(3599)
            let response4 = try await v.post(s.body)
            #expect(response4.status == .ok)
        }
    }

    @Test func aWatchListDenialIsAnsweredLikeAnyOtherSubmission() async throws {
        let web = try Web()
        _ = try web.gate.addWatch(name: nil, idNumber: nil, phone: "0912345678", action: .deny, note: "banned")
        try await web.app().test(.router) { client in
            let v = Visitor(client: client)
            let r = try await v.submit()
            #expect(r.status == .ok)
            expectLockedDown(r, "watch-list deny")
            // Whoever typed that phone cannot tell it is on the list (issue 21): the page is
            // the one every submission gets, with its own code for the guard to scan.
            let html = String(buffer: r.body)
            let code = try #require(Page.code(html))
            #expect(!html.contains("banned"))
            var s = Submission()
            s.phone = "0987000222"
            s.idNumber = "001099077777"
            let other = String(buffer: try await v.submit(s).body)
            #expect(WhoIsInsideTests.shape(html) == WhoIsInsideTests.shape(other))
            // The guard scanning it is shown the denial.
            let scan = try web.gate.scan("KIN:" + code, guardName: "Bảo vệ An")
            #expect(scan.checkIn?.decision.verdict == .deny)
            #expect(scan.checkIn?.decision.reasons.map(\.key) == [.watchDeny])
            #expect(try web.gate.visit(code: code)?.status == .denied)
        }
        // The refusal is on record; nobody denied is waiting to be let in.
        #expect(try web.gate.pendingSelfCheckIns().count == 1)
        #expect(try web.visits().filter { $0.status == .denied }.count == 1)
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for e in self { out.append(try await transform(e)) }
        return out
    }
}

/// Reads the confirmation's inline SVG QR with zbarimg, as a guard's scanner would.
enum SVGReader {
    struct Missing: Error, CustomStringConvertible {
        var description: String { "zbarimg is not installed: run `make test` (it installs zbar-tools)" }
    }

    static func read(_ html: String) throws -> String? {
        let box = try #require(Page.value(of: "viewBox=\"0 0 ", in: html)).split(separator: " ")
        let n = try #require(Int(box[0]))
        let d = try #require(Page.value(of: "<path fill=\"#000000\" d=\"", in: html))
        var dark = Set<Int>()
        // "M<x> <y>h<run>v1h-<run>z" per run of dark modules.
        for run in d.split(separator: "z") {
            let nums = run.split(whereSeparator: { !"0123456789".contains($0) }).compactMap { Int($0) }
            guard nums.count >= 3 else { continue }
            for x in nums[0]..<(nums[0] + nums[2]) { dark.insert(nums[1] * n + x) }
        }
        let scale = 4
        let size = n * scale
        var pgm = Data("P5\n\(size) \(size)\n255\n".utf8)
        for y in 0..<size {
            for x in 0..<size { pgm.append(dark.contains((y / scale) * n + x / scale) ? 0 : 255) }
        }
        let file = NSTemporaryDirectory() + "kiosk-web-qr-\(UUID().uuidString).pgm"
        try pgm.write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        guard let tool = ["/usr/bin/zbarimg", "/usr/local/bin/zbarimg"].first(where: FileManager.default.isExecutableFile) else {
            throw Missing()
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", file]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
