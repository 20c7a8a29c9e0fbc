import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Real, local receivers for the host notifications: an SMTP server and a webhook (HTTP/HTTPS)
// endpoint, each a small Python script (Tests/Receivers/*.py, standard library only) in its own
// process and its own folder /tmp/kiosk-rcv-XXXXXX (mode 0700), gone again after `shutdown()`
// (also run by `deinit`, so a failing test still stops its receiver).
//
// Why processes and not in-process listeners: a test can stop one (the port then refuses, as a
// relay that is down does), suspend it (connections hang, as a stuck relay's do) and restart it on
// the same port, and the kiosk's client meets a real TLS stack (Python's ssl/OpenSSL).
//
// What the receivers record lives in the folder: <n>.eml + <n>.json per accepted mail,
// commands.log (every SMTP command line, AUTH secrets as ***), <n>.json per webhook request.
// The scripts are found next to this file (../Receivers, via #filePath) or in
// $KIOSK_RECEIVERS_DIR.

/// Why a receiver could not start, with what its script wrote to stderr.
public struct LocalReceiverFailure: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

// MARK: - SMTP

/// A real SMTP server on 127.0.0.1 (see Tests/Receivers/smtp_receiver.py).
///
/// Why `@unchecked Sendable`: the only mutable state is the script's process, held by `runner`
/// under its lock; everything else is constant after `start`.
public final class SMTPReceiver: @unchecked Sendable {
    public typealias Failure = LocalReceiverFailure

    public let host = "127.0.0.1"
    /// Fixed for the receiver's life: `restart()` binds the same port again.
    public let port: Int
    /// The receiver's folder: messages, commands.log, the certificate and the script's output.
    public let folder: String
    /// The self-signed certificate (PEM, CN=localhost, SAN DNS:localhost + IP:127.0.0.1) when
    /// started with `tls: true`: give it to the client as its CA file.
    public let certificateFile: String?
    public let mode: String
    public let requireTLS: Bool
    private let runner: ReceiverRunner

    private init(runner: ReceiverRunner, certificateFile: String?, mode: String, requireTLS: Bool) {
        (self.runner, port, folder) = (runner, runner.port, runner.folder)
        (self.certificateFile, self.mode, self.requireTLS) = (certificateFile, mode, requireTLS)
    }

    deinit { shutdown() }

    /// Starts a receiver on a free port.
    /// - Parameters:
    ///   - mode: "accept", "refuse" (554 to RCPT), "tempfail" (451 to RCPT) or
    ///     "refuse-then-accept:N" (451 after DATA for the first N messages of each run).
    ///   - tls: offer STARTTLS with a fresh self-signed certificate (`certificateFile`).
    ///   - requireTLS: MAIL before STARTTLS gets `530 Must issue a STARTTLS command first`
    ///     (implies `tls`).
    ///   - auth: offer AUTH PLAIN LOGIN (after STARTTLS when `requireTLS`); MAIL before AUTH
    ///     gets `530 Authentication required`, wrong credentials 535.
    public static func start(mode: String = "accept", tls: Bool = false, requireTLS: Bool = false,
                             auth: (user: String, password: String)? = nil) throws -> SMTPReceiver {
        let withTLS = tls || requireTLS
        var arguments = ["--mode", mode]
        if requireTLS { arguments.append("--require-tls") }
        if let auth { arguments += ["--auth", "\(auth.user):\(auth.password)"] }
        let runner = try ReceiverRunner(script: "smtp_receiver.py", arguments: arguments, tls: withTLS)
        try runner.launch()
        return SMTPReceiver(runner: runner, certificateFile: withTLS ? runner.certificateFile : nil,
                            mode: mode, requireTLS: requireTLS)
    }

    /// Every accepted message so far, in the order received.
    public func messages() -> [ReceivedMail] {
        runner.numberedFiles(ext: "eml").compactMap { number, path in
            guard let data = FileManager.default.contents(atPath: path),
                  let metaData = FileManager.default.contents(atPath: folder + "/\(number).json"),
                  let meta = try? JSONDecoder().decode(MailMeta.self, from: metaData)
            else { return nil }
            return ReceivedMail(number: number, data: data, meta: meta)
        }
    }

    /// Polls until at least `count` messages are there or `timeout` seconds have passed; returns
    /// what is there (check the count).
    public func waitForMessages(count: Int, timeout: Double = 10) -> [ReceivedMail] {
        var found = messages()
        let deadline = Date().addingTimeInterval(timeout)
        while found.count < count && Date() < deadline {
            usleep(50_000)
            found = messages()
        }
        return found
    }

    /// Every command line received on any connection, in order (AUTH secrets as `***`; the DATA
    /// content is not a command).
    public func commands() -> [String] {
        guard let data = FileManager.default.contents(atPath: folder + "/commands.log") else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    public var isRunning: Bool { runner.isRunning }
    /// SIGTERM and wait: the port refuses connections afterwards ("relay down").
    public func stop() { runner.stop() }
    /// Starts the receiver again on the same port, same folder and options (messages keep their
    /// numbers; a refuse-then-accept count starts again). Stops it first if it runs.
    public func restart() throws { try runner.relaunch() }
    /// SIGSTOP: connections are accepted by the kernel but never answered ("relay hangs").
    public func suspend() { runner.suspend() }
    public func resume() { runner.resume() }
    /// Stops the receiver and deletes its folder. Idempotent.
    public func shutdown() { runner.shutdown() }

    fileprivate struct MailMeta: Decodable {
        let mailFrom: String
        let rcptTo: [String]
        let tls: Bool
        let authUser: String?
        let helo: String?

        enum CodingKeys: String, CodingKey {
            case mailFrom = "mail_from", rcptTo = "rcpt_to", tls, authUser = "auth_user", helo
        }
    }
}

/// One message as the SMTP receiver accepted it.
public struct ReceivedMail: Sendable {
    /// The receiver's number for it (1, 2, ...; the file name).
    public let number: Int
    /// The DATA bytes after dot-unstuffing, CRLF line ends kept.
    public let data: Data
    /// `data` as text (UTF-8; invalid bytes replaced).
    public let raw: String
    /// The envelope: MAIL FROM (empty for the null sender <>) and RCPT TOs.
    public let mailFrom: String
    public let rcptTo: [String]
    /// Whether the message came after STARTTLS.
    public let tls: Bool
    /// Who authenticated the session, if anyone.
    public let authUser: String?
    /// The EHLO/HELO argument.
    public let helo: String?

    /// The header fields in order, unfolded: (name as written, raw value with leading and trailing
    /// white space trimmed).
    public let headerFields: [(name: String, value: String)]
    /// Everything after the blank line that ends the header.
    public let body: String

    fileprivate init(number: Int, data: Data, meta: SMTPReceiver.MailMeta) {
        self.number = number
        self.data = data
        raw = String(decoding: data, as: UTF8.self)
        (mailFrom, rcptTo, tls, authUser, helo) = (meta.mailFrom, meta.rcptTo, meta.tls, meta.authUser, meta.helo)
        (headerFields, body) = Self.parse(data)
    }

    /// The first header field called `name` (case-insensitive), unfolded, still encoded.
    public func header(_ name: String) -> String? {
        headerFields.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// All header fields called `name` (e.g. "Received"), unfolded, still encoded.
    public func headers(named name: String) -> [String] {
        headerFields.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    /// The header field with its RFC 2047 encoded-words (=?UTF-8?B?...?=, =?UTF-8?Q?...?=)
    /// decoded; white space between adjacent encoded-words dropped, as the RFC says.
    public func decodedHeader(_ name: String) -> String? {
        header(name).map(Self.decodeEncodedWords)
    }

    /// Splits the header off at the first empty line, unfolding continuation lines (a CRLF
    /// followed by white space is removed, the white space kept, RFC 5322 2.2.3).
    private static func parse(_ data: Data) -> ([(name: String, value: String)], String) {
        var fields: [(name: String, value: String)] = []
        var current: String? = nil
        var bodyStart = data.endIndex
        var lineStart = data.startIndex
        func finish() {
            guard let line = current else { return }
            current = nil
            guard let colon = line.firstIndex(of: ":") else { return }
            let name = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
            let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            fields.append((name, value))
        }
        while lineStart < data.endIndex {
            let newline = data[lineStart...].firstIndex(of: 0x0A)
            let lineEnd = newline ?? data.endIndex
            var bytes = data[lineStart..<lineEnd]
            if bytes.last == 0x0D { bytes = bytes.dropLast() }
            let next = newline.map { data.index(after: $0) } ?? data.endIndex
            if bytes.isEmpty {  // the blank line
                bodyStart = next
                break
            }
            let line = String(decoding: bytes, as: UTF8.self)
            if let first = bytes.first, first == 0x20 || first == 0x09, current != nil {
                current? += line
            } else {
                finish()
                current = line
            }
            lineStart = next
        }
        finish()
        let body = bodyStart < data.endIndex ? String(decoding: data[bodyStart...], as: UTF8.self) : ""
        return (fields, body)
    }

    /// Decodes RFC 2047 encoded-words in `text`. Adjacent encoded-words in the same charset are
    /// joined as bytes before decoding, so a character split across two words survives.
    public static func decodeEncodedWords(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var pending: (charset: String, bytes: [UInt8])? = nil
        var gap = String.UnicodeScalarView()  // white space after an encoded-word
        func flush() {
            guard let p = pending else { return }
            out.append(contentsOf: decodeCharset(p.bytes, p.charset).unicodeScalars)
            pending = nil
        }
        var i = 0
        while i < scalars.count {
            if let (charset, bytes, end) = encodedWord(scalars, at: i) {
                if let p = pending, p.charset == charset {
                    pending = (charset, p.bytes + bytes)
                } else {
                    flush()
                    pending = (charset, bytes)
                }
                gap = String.UnicodeScalarView()
                i = end
                continue
            }
            let c = scalars[i]
            if pending != nil {
                if c == " " || c == "\t" || c == "\r" || c == "\n" {
                    gap.append(c)
                } else {
                    flush()
                    out.append(contentsOf: gap)
                    gap = String.UnicodeScalarView()
                    out.append(c)
                }
            } else {
                out.append(c)
            }
            i += 1
        }
        flush()
        out.append(contentsOf: gap)
        return String(out)
    }

    /// `=?charset?B|Q?text?=` starting at `start`: (lower-cased charset without RFC 2231
    /// language, decoded bytes, index after `?=`), or nil if it is not a well-formed word.
    private static func encodedWord(_ s: [Unicode.Scalar], at start: Int) -> (String, [UInt8], Int)? {
        guard start + 1 < s.count, s[start] == "=", s[start + 1] == "?" else { return nil }
        func isBreak(_ c: Unicode.Scalar) -> Bool { c == "?" || c == " " || c == "\t" || c == "\r" || c == "\n" }
        var i = start + 2
        let charsetStart = i
        while i < s.count, !isBreak(s[i]) { i += 1 }
        guard i < s.count, s[i] == "?", i > charsetStart else { return nil }
        var charset = String(String.UnicodeScalarView(s[charsetStart..<i])).lowercased()
        if let star = charset.firstIndex(of: "*") { charset = String(charset[..<star]) }
        i += 1
        guard i + 1 < s.count, s[i + 1] == "?" else { return nil }
        let encoding = s[i]
        i += 2
        let textStart = i
        while i < s.count, !isBreak(s[i]) { i += 1 }
        guard i + 1 < s.count, s[i] == "?", s[i + 1] == "=" else { return nil }
        let encoded = Array(s[textStart..<i])
        let end = i + 2
        switch encoding {
        case "B", "b":
            var text = String(String.UnicodeScalarView(encoded))
            while text.count % 4 != 0 { text += "=" }
            guard let data = Data(base64Encoded: text) else { return nil }
            return (charset, Array(data), end)
        case "Q", "q":
            var bytes: [UInt8] = []
            var j = 0
            while j < encoded.count {
                let c = encoded[j]
                if c == "_" {
                    bytes.append(0x20)
                } else if c == "=", j + 2 < encoded.count,
                          let hi = hexValue(encoded[j + 1]), let lo = hexValue(encoded[j + 2]) {
                    bytes.append(hi << 4 | lo)
                    j += 2
                } else {
                    bytes.append(contentsOf: Array(String(c).utf8))
                }
                j += 1
            }
            return (charset, bytes, end)
        default:
            return nil
        }
    }

    private static func hexValue(_ c: Unicode.Scalar) -> UInt8? {
        switch c {
        case "0"..."9": return UInt8(c.value - 48)
        case "A"..."F": return UInt8(c.value - 55)
        case "a"..."f": return UInt8(c.value - 87)
        default: return nil
        }
    }

    private static func decodeCharset(_ bytes: [UInt8], _ charset: String) -> String {
        switch charset {
        case "iso-8859-1", "latin1", "l1":
            return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        case "us-ascii", "ascii":
            return String(decoding: bytes, as: UTF8.self)
        case "windows-1252", "cp1252":
            return String(data: Data(bytes), encoding: .windowsCP1252) ?? String(decoding: bytes, as: UTF8.self)
        default:  // utf-8 and anything unknown
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}

// MARK: - HTTP

/// A real webhook endpoint on 127.0.0.1, http or https (see Tests/Receivers/http_receiver.py):
/// records every POST/PUT/PATCH, answers `status` (or 500 to the first `failFirst` requests of
/// each run, then `status`), GET /health → 200.
public final class HTTPReceiver: @unchecked Sendable {
    public typealias Failure = LocalReceiverFailure

    public let host = "127.0.0.1"
    public let port: Int
    public let folder: String
    /// The self-signed certificate (PEM) when started with `tls: true`: the client's CA file.
    public let certificateFile: String?
    public let tls: Bool
    private let runner: ReceiverRunner

    private init(runner: ReceiverRunner, tls: Bool) {
        (self.runner, port, folder, self.tls) = (runner, runner.port, runner.folder, tls)
        certificateFile = tls ? runner.certificateFile : nil
    }

    deinit { shutdown() }

    public static func start(status: Int = 200, failFirst: Int = 0, tls: Bool = false) throws -> HTTPReceiver {
        let runner = try ReceiverRunner(
            script: "http_receiver.py", arguments: ["--status", "\(status)", "--fail-first", "\(failFirst)"], tls: tls)
        try runner.launch()
        return HTTPReceiver(runner: runner, tls: tls)
    }

    /// `http(s)://127.0.0.1:PORT/path` (the certificate also names `localhost`).
    public func url(path: String = "/hook", host: String? = nil) -> String {
        "\(tls ? "https" : "http")://\(host ?? self.host):\(port)\(path.hasPrefix("/") ? path : "/" + path)"
    }

    /// Every request recorded so far, in order (including those answered with 500).
    public func requests() -> [ReceivedRequest] {
        runner.numberedFiles(ext: "json").compactMap { number, path in
            guard let data = FileManager.default.contents(atPath: path),
                  let record = try? JSONDecoder().decode(RequestRecord.self, from: data)
            else { return nil }
            return ReceivedRequest(number: number, record: record)
        }
    }

    /// Polls until at least `count` requests are there or `timeout` seconds have passed.
    public func waitForRequests(count: Int, timeout: Double = 10) -> [ReceivedRequest] {
        var found = requests()
        let deadline = Date().addingTimeInterval(timeout)
        while found.count < count && Date() < deadline {
            usleep(50_000)
            found = requests()
        }
        return found
    }

    public var isRunning: Bool { runner.isRunning }
    public func stop() { runner.stop() }
    public func restart() throws { try runner.relaunch() }
    public func suspend() { runner.suspend() }
    public func resume() { runner.resume() }
    public func shutdown() { runner.shutdown() }

    fileprivate struct RequestRecord: Decodable {
        let method: String?
        let path: String
        let headers: [String: String]
        let body: String
        let status: Int?
    }
}

/// One request as the webhook receiver recorded it.
public struct ReceivedRequest: Sendable {
    public let number: Int
    public let method: String
    /// The request target as sent (path and query).
    public let path: String
    /// Header names lower-cased; repeated headers joined with ", ".
    public let headers: [String: String]
    /// The body as text (UTF-8; a chunked body already de-chunked).
    public let body: String
    /// What the receiver answered (200, the configured status, or 500 while failing first).
    public let status: Int

    fileprivate init(number: Int, record: HTTPReceiver.RequestRecord) {
        self.number = number
        method = record.method ?? "POST"
        (path, body, status) = (record.path, record.body, record.status ?? 0)
        headers = Dictionary(record.headers.map { ($0.key.lowercased(), $0.value) }) { "\($0), \($1)" }
    }

    /// A header by name, any case.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The body parsed by JSONSerialization (dictionaries, arrays, NSNumber...), nil if not JSON.
    public func jsonObject() -> Any? {
        try? JSONSerialization.jsonObject(with: Data(body.utf8), options: [.fragmentsAllowed])
    }

    /// The body as a Sendable JSON tree, nil if not JSON: `request.json?["event"]?.string`.
    public var json: ReceivedJSON? { try? JSONDecoder().decode(ReceivedJSON.self, from: Data(body.utf8)) }
}

/// A JSON value (booleans stay booleans, numbers are Doubles).
public enum ReceivedJSON: Sendable, Equatable, Decodable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([ReceivedJSON])
    case object([String: ReceivedJSON])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([ReceivedJSON].self) { self = .array(a) }
        else { self = .object(try c.decode([String: ReceivedJSON].self)) }
    }

    public subscript(key: String) -> ReceivedJSON? {
        if case .object(let o) = self { return o[key] } else { return nil }
    }

    public subscript(index: Int) -> ReceivedJSON? {
        if case .array(let a) = self, a.indices.contains(index) { return a[index] } else { return nil }
    }

    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    public var number: Double? { if case .number(let n) = self { return n } else { return nil } }
    public var int: Int? { number.flatMap { Int(exactly: $0) } }
    public var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var array: [ReceivedJSON]? { if case .array(let a) = self { return a } else { return nil } }
    public var object: [String: ReceivedJSON]? { if case .object(let o) = self { return o } else { return nil } }
    public var isNull: Bool { self == .null }

    public var description: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return "\(b)"
        case .number(let n): return Int(exactly: n).map(String.init) ?? "\(n)"
        case .string(let s): return "\"\(s)\""
        case .array(let a): return "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .object(let o): return "{" + o.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}"
        }
    }
}

// MARK: - The script's process

/// One receiver script: its folder, its process, its port.
final class ReceiverRunner: @unchecked Sendable {
    let script: String
    let arguments: [String]
    let folder: String
    let certificateFile: String
    let keyFile: String
    private(set) var port = 0
    private let lock = NSRecursiveLock()
    private var process: Process?
    private var suspended = false
    private var isShutDown = false

    private var stdoutFile: String { folder + "/receiver.stdout" }
    private var stderrFile: String { folder + "/receiver.stderr" }

    /// Makes the folder (and the certificate when `tls`); `launch()` starts the script.
    init(script: String, arguments: [String], tls: Bool) throws {
        let scriptPath = try Self.locate(script)
        var template = Array("/tmp/kiosk-rcv-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress, mkdtemp(base) != nil else { return nil }
            return String(cString: base)
        }
        guard let folder = made else {
            throw LocalReceiverFailure("mkdtemp /tmp/kiosk-rcv-XXXXXX: \(String(cString: strerror(errno)))")
        }
        chmod(folder, 0o700)
        self.folder = folder
        self.script = scriptPath
        certificateFile = folder + "/cert.pem"
        keyFile = folder + "/key.pem"
        self.arguments = arguments + (tls ? ["--tls-cert", certificateFile, "--tls-key", keyFile] : [])
        // From here on `deinit` removes the folder if a later step throws.
        if tls { try makeCertificate() }
    }

    deinit { shutdown() }

    var isRunning: Bool {
        lock.lock(); defer { lock.unlock() }
        return process?.isRunning ?? false
    }

    /// The first start: port 0, the script picks a free one.
    func launch() throws {
        lock.lock(); defer { lock.unlock() }
        try run(port: 0, retryBindFor: 0)
    }

    /// Stops the script if it runs and starts it again on the same port; the port may still be
    /// held (an old connection in TIME_WAIT, a slow exit), so binding is retried for 5 s.
    func relaunch() throws {
        lock.lock(); defer { lock.unlock() }
        guard !isShutDown else { throw LocalReceiverFailure("restart(): the receiver in \(folder) was shut down") }
        stop()
        try run(port: port, retryBindFor: 5)
    }

    func stop() {
        lock.lock(); defer { lock.unlock() }
        guard let process else { return }
        self.process = nil
        let pid = process.processIdentifier
        if process.isRunning {
            if suspended { kill(pid, SIGCONT) }
            kill(pid, SIGTERM)
            if !Self.waitUntil(5, { !process.isRunning }) {
                kill(pid, SIGKILL)
                _ = Self.waitUntil(5, { !process.isRunning })
            }
        }
        suspended = false
    }

    func suspend() {
        lock.lock(); defer { lock.unlock() }
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGSTOP)
        suspended = true
    }

    func resume() {
        lock.lock(); defer { lock.unlock() }
        guard let process, suspended else { return }
        kill(process.processIdentifier, SIGCONT)
        suspended = false
    }

    func shutdown() {
        lock.lock(); defer { lock.unlock() }
        guard !isShutDown else { return }
        isShutDown = true
        stop()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// (n, path) of the files `<n>.<ext>` in the folder, by n (the scripts' temporary files
    /// start with a dot and never match).
    func numberedFiles(ext: String) -> [(Int, String)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.compactMap { name -> (Int, String)? in
            guard name.hasSuffix("." + ext), let n = Int(name.dropLast(ext.count + 1)), n > 0 else { return nil }
            return (n, folder + "/" + name)
        }.sorted { $0.0 < $1.0 }
    }

    // MARK: Internals (called under the lock)

    private func run(port wanted: Int, retryBindFor window: TimeInterval) throws {
        let started = Date()
        while true {
            let (process, outcome) = try spawnAndReadPort(wanted)
            switch outcome {
            case .port(let port):
                (self.process, self.port) = (process, port)
                return
            case .exited(let status, let stderr):
                let busy = status == 98 || stderr.contains("Address already in use")
                if busy && Date().timeIntervalSince(started) < window {
                    usleep(100_000)
                    continue
                }
                throw LocalReceiverFailure(
                    "\(Self.name(script)) exited with status \(status) before it listened"
                        + (wanted > 0 ? " (port \(wanted))" : "") + "\n--- its stderr ---\n\(stderr)")
            case .timedOut(let stderr):
                throw LocalReceiverFailure(
                    "\(Self.name(script)) printed no `PORT n` line within 10 s\n--- its stderr ---\n\(stderr)")
            }
        }
    }

    private enum Outcome { case port(Int), exited(Int32, String), timedOut(String) }

    /// Starts the script with stdout and stderr in files (nothing to drain, nothing to block on)
    /// and waits up to 10 s for its `PORT n` line.
    private func spawnAndReadPort(_ port: Int) throws -> (Process, Outcome) {
        let fm = FileManager.default
        guard fm.createFile(atPath: stdoutFile, contents: nil), fm.createFile(atPath: stderrFile, contents: nil),
              let out = FileHandle(forWritingAtPath: stdoutFile), let err = FileHandle(forWritingAtPath: stderrFile)
        else { throw LocalReceiverFailure("could not create \(stdoutFile) / \(stderrFile)") }
        defer { try? out.close(); try? err.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--dir", folder, "--port", "\(port)", "--exit-with-parent"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        environment["PYTHONUNBUFFERED"] = "1"
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch {
            throw LocalReceiverFailure("could not run /usr/bin/env python3 \(script): \(error)")
        }
        let deadline = Date().addingTimeInterval(10)
        while true {
            if let text = readText(stdoutFile), let line = text.split(separator: "\n").first(where: { $0.hasPrefix("PORT ") }),
               text.contains("\n"), let port = Int(line.dropFirst(5).trimmingCharacters(in: .whitespaces)), port > 0 {
                return (process, .port(port))
            }
            if !process.isRunning {
                return (process, .exited(process.terminationStatus, readText(stderrFile) ?? ""))
            }
            if Date() > deadline {
                kill(process.processIdentifier, SIGKILL)
                _ = Self.waitUntil(5) { !process.isRunning }
                return (process, .timedOut(readText(stderrFile) ?? ""))
            }
            usleep(20_000)
        }
    }

    private func makeCertificate() throws {
        let log = folder + "/openssl.log"
        guard FileManager.default.createFile(atPath: log, contents: nil), let handle = FileHandle(forWritingAtPath: log)
        else { throw LocalReceiverFailure("could not create \(log)") }
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", keyFile, "-out", certificateFile,
        ]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        do { try process.run() } catch { throw LocalReceiverFailure("could not run openssl: \(error)") }
        guard Self.waitUntil(60, { !process.isRunning }) else {
            kill(process.processIdentifier, SIGKILL)
            throw LocalReceiverFailure("openssl req did not finish within 60 s")
        }
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: certificateFile) else {
            throw LocalReceiverFailure("openssl req failed (exit \(process.terminationStatus)): \(readText(log) ?? "")")
        }
    }

    private func readText(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    private static func name(_ script: String) -> String { (script as NSString).lastPathComponent }

    /// $KIOSK_RECEIVERS_DIR, else Tests/Receivers next to this file's folder.
    private static func locate(_ script: String) throws -> String {
        var candidates: [String] = []
        if let dir = ProcessInfo.processInfo.environment["KIOSK_RECEIVERS_DIR"], !dir.isEmpty {
            candidates.append(dir + "/" + script)
        }
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        candidates.append(here.deletingLastPathComponent().appendingPathComponent("Receivers/" + script).path)
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw LocalReceiverFailure("\(script) not found (looked at \(candidates.joined(separator: ", ")))")
        }
        return found
    }

    private static func waitUntil(_ seconds: TimeInterval, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }
}
