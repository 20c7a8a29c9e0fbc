import CheckinWeb
import Foundation
import Gate
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KioskCore
import Logging
import NIOCore
import Records
import Testing

/// A clock the test moves by hand.
final class TestClock: KioskClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    init(_ iso: String) { current = ISOTime.parse(iso)! }
    func now() -> Date { lock.withLock { current } }
    func set(_ iso: String) { lock.withLock { current = ISOTime.parse(iso)! } }
    func set(_ date: Date) { lock.withLock { current = date } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
}

/// A Gate over a private in-memory log (two gates, `main` and `north`) and the check-in
/// server in front of it.
struct Web {
    let gate: GateService
    let clock: TestClock

    /// 08:00 in Hanoi is 01:00 UTC, a multiple of five minutes: the start of a token slot.
    static let morning = "2026-11-29T08:00:00+07:00"

    init(now: String = Web.morning, key: UInt8 = 7, _ adjust: (inout KioskConfig) -> Void = { _ in }) throws {
        var config = KioskConfig()
        let dir = NSTemporaryDirectory() + "kiosk-web-\(UUID().uuidString)"
        config.records.exportDir = dir + "/exports"
        config.records.keyFile = dir + "/kiosk.key"
        config.venue.gates = ["main", "north"]
        adjust(&config)
        clock = TestClock(now)
        gate = GateService(
            config: config, store: try Store(inMemoryNamed: UUID().uuidString), clock: clock,
            hasher: IdHasher(key: Array(repeating: key, count: 32)))
    }

    init(gate: GateService, clock: TestClock) {
        self.gate = gate
        self.clock = clock
    }

    /// A Gate over a real database file in `dir`, opened the way `kiosk serve` opens it.
    static func onDisk(_ dir: String, now: String = Web.morning, _ adjust: (inout KioskConfig) -> Void = { _ in }) throws -> Web {
        var config = KioskConfig()
        config.venue.gates = ["main", "north"]
        config.records.database = dir + "/data/kiosk.sqlite"
        config.records.keyFile = dir + "/data/kiosk.key"
        config.records.exportDir = dir + "/data/exports"
        config.passes.trustDir = dir + "/data/trust"
        adjust(&config)
        let clock = TestClock(now)
        return Web(gate: try GateService.open(config: config, clock: clock), clock: clock)
    }

    static func tempDir() -> String { NSTemporaryDirectory() + "kiosk-web-\(UUID().uuidString)" }

    func app(logger: Logger? = nil) -> some ApplicationProtocol {
        CheckinServer(gate: gate).application(host: "127.0.0.1", port: 0, logger: logger)
    }

    /// Every visit in the log, oldest first.
    func visits() throws -> [Entry] { try gate.list(day: nil, insideOnly: false, search: nil) }
}

/// A visitor's answers; `fields` gives them in the order a browser sends them.
struct Submission {
    var csrf: String?
    /// The venue token the form was served for, sent back as the page's hidden field does.
    var t: String?
    var name: String? = "Nguyễn Văn An"
    var phone: String? = "0912345678"
    var idNumber: String? = "001099012345"
    var organisation: String? = "Công ty Mặt Trời"
    var host: String? = "Phòng Kế toán"
    var purpose: String? = "Họp"
    var answers: [String?] = ["no", "no"]
    var consent: String? = "yes"
    var gate: String? = "main"
    var lang: String? = "vi"

    var fields: [(String, String)] {
        var out: [(String, String)] = []
        func add(_ k: String, _ v: String?) { if let v { out.append((k, v)) } }
        add("csrf", csrf)
        add("g", gate)
        add("t", t)
        add("lang", lang)
        add("name", name)
        add("phone", phone)
        add("id_number", idNumber)
        add("organisation", organisation)
        add("host", host)
        add("purpose", purpose)
        for (i, a) in answers.enumerated() { add("answer_\(i)", a) }
        add("consent", consent)
        return out
    }

    var body: String { Form.encode(fields) }
}

enum Form {
    /// `application/x-www-form-urlencoded` as a browser writes it.
    static func encode(_ fields: [(String, String)]) -> String {
        fields.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case 0x20: out += "+"
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "*"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default: out += String(format: "%%%02X", b)
            }
        }
        return out
    }
}

/// What a test does with the server: get the form, post it, read pages.
struct Visitor {
    let client: any TestClientProtocol
    var venue = "demo"

    static let formType: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    func get(_ path: String) async throws -> TestResponse {
        try await client.execute(uri: path, method: .get)
    }

    /// The form for a gate, with the token a fresh screen code would carry.
    func form(query: String = "") async throws -> TestResponse {
        try await get("/c/\(venue)" + (query.isEmpty ? "" : "?" + query))
    }

    /// A CSRF token from a freshly served form.
    func csrf(query: String = "") async throws -> String {
        let r = try await form(query: query)
        #expect(r.status == .ok, "the form was not served: \(r.status)")
        return try #require(Page.csrf(String(buffer: r.body)))
    }

    func post(_ body: String) async throws -> TestResponse {
        try await client.execute(uri: "/c/\(venue)", method: .post, headers: Self.formType, body: ByteBuffer(string: body))
    }

    func post(bytes: [UInt8]) async throws -> TestResponse {
        try await client.execute(uri: "/c/\(venue)", method: .post, headers: Self.formType, body: ByteBuffer(bytes: bytes))
    }

    /// A freshly served form's CSRF token and venue token, as a browser would send them back.
    func tokens(query: String = "") async throws -> (csrf: String, t: String) {
        let r = try await form(query: query)
        #expect(r.status == .ok, "the form was not served: \(r.status)")
        let html = String(buffer: r.body)
        return (try #require(Page.csrf(html)), Page.value(of: "name=\"t\" value=\"", in: html) ?? "")
    }

    /// GET the form, then POST the submission with its CSRF token (and venue token).
    func submit(_ s: Submission = Submission(), query: String = "") async throws -> TestResponse {
        var s = s
        (s.csrf, s.t) = try await tokens(query: query)
        return try await post(s.body)
    }
}

/// Reading pages the way a test needs to.
enum Page {
    static func csrf(_ html: String) -> String? {
        value(of: "name=\"csrf\" value=\"", in: html)
    }

    /// The entry code on a confirmation page.
    static func code(_ html: String) -> String? {
        value(of: "id=\"code\">", in: html, until: "<")
    }

    static func value(of marker: String, in html: String, until end: Character = "\"") -> String? {
        guard let r = html.range(of: marker) else { return nil }
        return String(html[r.upperBound...].prefix { $0 != end })
    }

    /// The `<div>` (or `<fieldset>`) that holds a field, from its opening tag to its end.
    static func block(of field: String, in html: String) -> String? {
        if field.hasPrefix("answer_") {
            let parts = html.components(separatedBy: "<fieldset")
            return parts.dropFirst().first { $0.contains("name=\"\(field)\"") }.map { "<fieldset" + ($0.components(separatedBy: "</fieldset>").first ?? $0) }
        }
        if field == "consent" {
            guard let r = html.range(of: "<div class=\"consent") else { return nil }
            return String(html[r.lowerBound...]).components(separatedBy: "</div>").first
        }
        guard let r = html.range(of: "<label for=\"\(field)\">") else { return nil }
        let start = html[..<r.lowerBound].range(of: "<div", options: .backwards)?.lowerBound ?? r.lowerBound
        return String(html[start...]).components(separatedBy: "</div>").first
    }

    /// The error shown next to a field, if any.
    static func error(of field: String, in html: String) -> String? {
        guard let block = block(of: field, in: html), let r = block.range(of: "<p class=\"msg\">") else { return nil }
        return String(block[r.upperBound...].prefix { $0 != "<" })
    }

    /// HTML text as the server must write it.
    static func escaped(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }
}

/// What every page must be: headers that lock the page down, no script, no inline style.
func expectLockedDown(_ r: TestResponse, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let csp = r.headers[HTTPField.Name("Content-Security-Policy")!] ?? ""
    #expect(csp.contains("default-src 'self'"), "\(what): CSP is \(csp)", sourceLocation: sourceLocation)
    #expect(r.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff", "\(what)", sourceLocation: sourceLocation)
    #expect(r.headers[HTTPField.Name("X-Frame-Options")!] == "DENY", "\(what)", sourceLocation: sourceLocation)
    #expect(r.headers[HTTPField.Name("Referrer-Policy")!] != nil, "\(what): no Referrer-Policy", sourceLocation: sourceLocation)
    let html = String(buffer: r.body)
    #expect(r.headers[.contentType] == "text/html; charset=utf-8", "\(what): \(r.headers[.contentType] ?? "-")", sourceLocation: sourceLocation)
    #expect(r.headers[.cacheControl] == "no-store", "\(what): Cache-Control \(r.headers[.cacheControl] ?? "-")", sourceLocation: sourceLocation)
    #expect(html.hasPrefix("<!doctype html>"), "\(what): not a page", sourceLocation: sourceLocation)
    #expect(!html.lowercased().contains("<script"), "\(what): has a script", sourceLocation: sourceLocation)
    #expect(!html.lowercased().contains("style="), "\(what): has an inline style", sourceLocation: sourceLocation)
    #expect(!html.lowercased().contains("<style"), "\(what): has a style element", sourceLocation: sourceLocation)
    #expect(!html.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(what): control characters", sourceLocation: sourceLocation)
}

/// Log lines kept in memory, message and metadata, to look for what must not be there.
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var text: String { lock.withLock { lines.joined(separator: "\n") } }

    var logger: Logger {
        var l = Logger(label: "kiosk.web.test") { _ in CaptureHandler(capture: self) }
        l.logLevel = .trace
        return l
    }

    struct CaptureHandler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            let fields = all.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
            capture.append("\(event.level) \(event.source) \(event.message) \(fields) \(event.error.map { "\($0)" } ?? "")")
        }
    }
}
