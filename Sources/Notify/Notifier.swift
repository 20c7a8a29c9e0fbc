import Foundation
import Glibc
import KioskCore
import Records

/// The outbox's worker: delivers waiting messages with retries and backoff, on its own thread,
/// so a dead relay or webhook costs the guard nothing. Started by the front ends that run all
/// day (the guard terminal, `kiosk serve`); `kiosk notify run` makes one pass.
///
/// Why `@unchecked Sendable`: the mutable state (`stopping`, `woken`, `thread`, `lastPass`) is
/// touched only under `condition`; the rest is immutable.
public final class Notifier: @unchecked Sendable {
    private let store: Store
    private let config: KioskConfig
    private let clock: any KioskClock
    private let links: ApprovalLink
    private let condition = NSCondition()
    private var stopping = false
    private var woken = false
    private var thread: Thread?
    private var lastPass = PassReport()

    /// What one pass did.
    public struct PassReport: Equatable, Sendable {
        public var sent = 0
        public var retrying = 0
        public var failed = 0
        public var cancelled = 0
        /// The latest reason an attempt failed, for a status line.
        public var lastError: String?
        public init() {}
    }

    public init(store: Store, config: KioskConfig, clock: any KioskClock, links: ApprovalLink) {
        self.store = store
        self.config = config
        self.clock = clock
        self.links = links
    }

    deinit { stop() }

    /// Starts the worker thread (once).
    public func start() {
        condition.lock()
        defer { condition.unlock() }
        guard thread == nil, !stopping else { return }
        let t = Thread { [weak self] in self?.loop() }
        t.name = "kiosk-notify"
        thread = t
        t.start()
    }

    /// Asks the worker to look now (a check-in just queued a message).
    public func wake() {
        condition.lock()
        woken = true
        condition.signal()
        condition.unlock()
    }

    /// Stops the worker; an attempt under way finishes (bounded by its timeouts) first.
    public func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    /// The last pass's figures.
    public var lastReport: PassReport {
        condition.lock()
        defer { condition.unlock() }
        return lastPass
    }

    /// Why hosts are not being reached, while messages wait because of it: the latest failed
    /// attempt's reason, until a message goes through or nothing waits any more. The guard
    /// terminal's title shows it (a walk-in waits for a host who was never asked otherwise).
    public var trouble: String? {
        condition.lock()
        defer { condition.unlock() }
        return currentTrouble
    }
    private var currentTrouble: String?

    private var isStopping: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopping
    }

    private func setTrouble(_ text: String?) {
        condition.lock()
        currentTrouble = text
        condition.unlock()
    }

    private func loop() {
        // A peer hanging up mid-write must cost an error, not the process (see NetStream).
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        while true {
            condition.lock()
            if stopping { condition.unlock(); return }
            condition.unlock()
            let report = (try? runOnce()) ?? PassReport()
            condition.lock()
            lastPass = report
            // Every 2 s at most: messages are queued by other processes too (kiosk checkin),
            // and a due retry is a cheap indexed query away.
            if !stopping && !woken { _ = condition.wait(until: Date().addingTimeInterval(2)) }
            woken = false
            let done = stopping
            condition.unlock()
            if done { return }
        }
    }

    /// Delivers every message due now, one attempt each.
    @discardableResult
    public func runOnce() throws -> PassReport {
        var report = PassReport()
        // A read first: most passes find nothing due, and a write every two seconds would
        // cost an fsync each and keep the WAL growing all day.
        guard let due = try store.nextNotificationDue() else {
            setTrouble(nil)
            return report
        }
        guard due <= clock.now() else { return report }
        // One message claimed at a time, for longer than one delivery may take (60 s): a
        // second worker (the terminal and kiosk serve on one database) can never take a
        // message this one is still sending. At most 50 a pass, so stop() is heard.
        for _ in 0..<50 {
            let (items, expired) = try store.claimDueNotifications(now: clock.now(), limit: 1, lease: 120)
            report.failed += expired
            guard let item = items.first else { break }
            if isStopping { break }
            let result = deliver(item)
            if case .failed(let reason, _, _, _) = result { report.lastError = reason }
            switch try store.recordDelivery(id: item.id, result, at: clock.now(), maxRefusals: config.notify.maxRefusals) {
            case .sent: report.sent += 1
            case .cancelled: report.cancelled += 1
            case .failed: report.failed += 1
            case .waiting: report.retrying += 1
            }
        }
        if let e = report.lastError { setTrouble(e) } else if report.sent > 0 { setTrouble(nil) }
        return report
    }

    func deliver(_ item: OutboxItem) -> DeliveryResult {
        let visit: Entry?
        do {
            visit = try store.read { tx in try tx.visit(code: item.visitCode) }
        } catch {
            return .failed(reason: "the log could not be read: \(error)", refused: false, final: false, retryAt: retryAt(item))
        }
        guard let visit, !visit.details.name.isEmpty else {
            return .cancelled(reason: "the visit was erased before the message went out")
        }
        if item.kind == .approval, visit.status != .pending {
            return .cancelled(reason: "the visit was decided (\(visit.finalDecision)) before the message went out")
        }
        let message = HostMessage(item: item, visit: visit, config: config, approvalURL: item.kind == .approval ? links.url(code: visit.code) : nil)
        do {
            switch item.channel {
            case .email:
                guard let relay = config.notify.smtp, config.notify.emailEnabled else {
                    return .failed(reason: "no mail relay: set [notify] smtp and from", refused: true, final: true, retryAt: retryAt(item))
                }
                let mail = MailMessage(
                    from: config.notify.from, fromName: config.venue.name, to: item.recipient, toName: item.hostName,
                    subject: message.subject, text: message.plainText, html: message.html, key: item.key, date: clock.now())
                let client = SMTPClient(relay: relay, tls: config.notify.tls, caFile: config.notify.caFile, login: try login(), heloName: Notifier.heloName)
                try client.send(mail)
            case .webhook:
                try WebhookClient(caFile: config.notify.caFile).post(message.webhookJSON, to: item.recipient, idempotencyKey: item.key)
            }
            return .sent
        } catch let e as DeliveryError {
            return .failed(reason: e.reason, refused: e.refused, final: e.configuration, retryAt: retryAt(item))
        } catch {
            return .failed(reason: "\(error)", refused: false, final: false, retryAt: retryAt(item))
        }
    }

    /// The first retry after `retry_seconds`, each later one twice as late, at most 30 minutes.
    func retryAt(_ item: OutboxItem) -> Date {
        let base = Double(config.notify.retrySeconds)
        let delay = min(1800, base * pow(2, Double(min(item.attempts, 20))))
        return clock.now().addingTimeInterval(delay)
    }

    /// `[notify] login_file`: `user:password` on one line, or the user and the password on two.
    /// Refused unless only its owner can read it: a mail password readable by every account
    /// on the box is a password given away.
    func login() throws(DeliveryError) -> (user: String, password: String)? {
        guard let path = config.notify.loginFile else { return nil }
        var st = stat()
        guard stat(path, &st) == 0 else { throw DeliveryError("login_file \(path) cannot be read: \(String(cString: strerror(errno)))", refused: true, configuration: true) }
        guard st.st_mode & 0o077 == 0 else {
            throw DeliveryError("login_file \(path) is readable by others; chmod 600 it", refused: true, configuration: true)
        }
        guard st.st_size <= 4096, let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw DeliveryError("login_file \(path) cannot be read as UTF-8 text", refused: true)
        }
        let lines = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
        if lines.count >= 2 { return (lines[0], lines[1]) }
        if let line = lines.first, let colon = line.firstIndex(of: ":") {
            return (String(line[..<colon]), String(line[line.index(after: colon)...]))
        }
        throw DeliveryError("login_file \(path): write user:password on one line", refused: true)
    }

    static var heloName: String {
        var buf = [CChar](repeating: 0, count: 256)
        guard gethostname(&buf, buf.count - 1) == 0 else { return "kiosk" }
        let name = String(cString: buf)
        return name.isEmpty || !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) ? "kiosk" : name
    }
}
