import Foundation
import Glibc

/// Self check-in end to end (issue 6): `kiosk serve` with durable writes, clients doing what
/// a phone does (GET the form, POST it), beside the same clients fetching the stylesheet
/// from the same server (a static page: the server's own ceiling on this machine).
struct WebBench {
    let kiosk: String
    let config: String
    let venue: String
    let workDir: String
    let submissions: Int
    let clients: Int
    /// Hands out ranges of phone numbers, so no two submissions in a run share one.
    let phoneSerial = Serial()

    /// A counter shared by the load runs of one bench.
    final class Serial: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0

        func take(_ count: Int) -> Int {
            lock.withLock {
                defer { next += count + 1 }
                return next
            }
        }
    }

    static let goalRate = 1500.0
    static let goalP99 = 0.050

    func run() throws -> SuiteResult {
        let dir = workDir + "/web"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // The bench config with its own fresh log, the form served, no rate limit in the way.
        var text = try String(contentsOfFile: config, encoding: .utf8)
        for (section, key, value) in [
            ("records", "database", "\(dir)/kiosk.sqlite"), ("records", "export_dir", "\(dir)/exports"),
            ("checkin_web", "rate_limit", "10000"), ("checkin_web", "enabled", "false"), ("ui", "log_file", "\(dir)/kiosk.log"),
        ] {
            text = ConfigEdit.set(text, section: section, key: key, value: value)
        }
        let webConfig = dir + "/kiosk.conf"
        try text.write(toFile: webConfig, atomically: true, encoding: .utf8)
        let port = 20000 + Int(getpid() % 20000)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: kiosk)
        server.arguments = ["serve", "--config", webConfig, "--listen", "127.0.0.1:\(port)"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try server.run()
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        var ready = false
        for _ in 0..<200 where !ready {
            if let c = try? HTTPConnection(port: port), (try? c.send("GET", "/healthz"))?.status == 200 { ready = true } else { usleep(50_000) }
        }
        guard ready else { throw BenchFailure("kiosk serve did not answer on port \(port)") }

        // Warm-up, then the measured runs.
        _ = try load(port: port, count: clients * 5, static: true)
        _ = try load(port: port, count: clients * 5, static: false)
        var staticRates: [Double] = [], formRates: [Double] = [], formLatencies: [Double] = [], staticLatencies: [Double] = []
        for _ in 0..<5 {
            let s = try load(port: port, count: submissions, static: true)
            staticRates.append(s.rate)
            staticLatencies += s.latencies
            let f = try load(port: port, count: submissions, static: false)
            formRates.append(f.rate)
            formLatencies += f.latencies
        }
        let p99 = percentile(formLatencies, 0.99)
        let rate = Samples(formRates).median
        let group = "self check-in, \(clients) clients, durable"
        return SuiteResult(
            figures: [
                Figure(id: "web.submit", group: group, label: "form: GET + POST, recorded (submissions/s)", role: .subject, unit: .perSecond, samples: Samples(formRates)),
                Figure(id: "web.static", group: group, label: "static: GET /c/style.css, same server", role: .baseline, unit: .perSecond, samples: Samples(staticRates)),
            ],
            goals: [
                Goal(id: "web-rate", text: "≥ 1,500 durable submissions/s", measured: Format.value(rate, .perSecond), value: rate, met: rate >= Self.goalRate),
                Goal(id: "web-p99", text: "submission p99 < \(Format.duration(Self.goalP99))", measured: "p99 " + Format.duration(p99), value: p99, met: p99 < Self.goalP99),
            ],
            notes: ["self check-in latency (GET + POST): p50 \(Format.duration(percentile(formLatencies, 0.5))), p99 \(Format.duration(p99)); static GET p99 \(Format.duration(percentile(staticLatencies, 0.99)))"])
    }

    /// `count` submissions (or static GETs) spread over `clients` keep-alive connections.
    func load(port: Int, count: Int, static: Bool) throws -> (rate: Double, latencies: [Double]) {
        /// The workers' shared tally, behind its lock.
        final class Tally: @unchecked Sendable {
            let lock = NSLock()
            var latencies: [Double] = []
            var failure: String?
            var next = 0
        }
        /// A different phone for every submission of the whole run: a phone seen before is
        /// still inside, and its visitor gets "already checked in" instead of a code. (Random
        /// numbers collided: 6,000 draws from 10⁸ meet again about one run in six.)
        let phoneBase = phoneSerial.take(count)
        let tally = Tally()
        let started = DispatchTime.now().uptimeNanoseconds
        Workers.run(clients) { client in
            do {
                let c = try HTTPConnection(port: port, source: "127.0.0.\(2 + client % 250)")
                while true {
                    let i: Int = tally.lock.withLock {
                        tally.next += 1
                        return tally.next
                    }
                    if i > count { break }
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    if `static` {
                        let r = try c.send("GET", "/c/style.css")
                        guard r.status == 200 else { throw BenchFailure("style.css: HTTP \(r.status)") }
                    } else {
                        let form = try c.send("GET", "/c/\(venue)?g=main")
                        guard form.status == 200, let csrf = Self.csrf(form.body) else { throw BenchFailure("form: HTTP \(form.status)") }
                        // A new phone each time: the same phone again would get its waiting visit back, unwritten.
                        let digits = String(phoneBase + i)
                        let phone = "09" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
                        let body = "csrf=\(csrf)&g=main&lang=vi&name=Kh%C3%A1ch+B%E1%BA%A3ng+\(i)&phone=\(phone)&answer_0=no&answer_1=no&consent=yes"
                        let r = try c.send("POST", "/c/\(venue)", body: body)
                        guard r.status == 200, Bytes.find(Self.codeMarker, in: r.body) != nil else {
                            throw BenchFailure("submit: HTTP \(r.status), no confirmation code: \(Self.title(String(decoding: r.body, as: UTF8.self)))")
                        }
                    }
                    let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
                    tally.lock.withLock { tally.latencies.append(dt) }
                }
            } catch {
                tally.lock.withLock { tally.failure = tally.failure ?? "\(error)" }
            }
        }
        if let failure = tally.failure { throw BenchFailure(failure) }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return (Double(count) / seconds, tally.latencies)
    }

    /// The page's title, to say which answer came instead of a confirmation.
    static func title(_ html: String) -> String {
        guard let r = html.range(of: "<title>"), let end = html[r.upperBound...].range(of: "</title>") else { return "(no title)" }
        return String(html[r.upperBound..<end.lowerBound])
    }

    static let codeMarker = Array("id=\"code\"".utf8)

    static func csrf(_ html: [UInt8]) -> String? {
        Bytes.value(after: "name=\"csrf\" value=\"", until: UInt8(ascii: "\""), in: html)
    }

    func percentile(_ values: [Double], _ p: Double) -> Double {
        let s = values.sorted()
        guard !s.isEmpty else { return 0 }
        return s[min(s.count - 1, Int((Double(s.count) * p).rounded(.up)) - 1)]
    }
}
