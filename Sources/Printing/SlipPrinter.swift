import Foundation
import Glibc
import KioskCore

/// The slip printer as a guard sees it, for the title bar and `kiosk slip`.
public struct PrinterStatus: Equatable, Sendable {
    public enum State: Equatable, Sendable {
        /// Nothing tried yet since start.
        case unknown
        case ready
        case printing
        /// The last job or look failed: why.
        case failing(PrintingError)
    }

    public var state = State.unknown
    /// The roll's near-end sensor, when the printer answers it.
    public var paperLow = false
    /// Slips waiting, the one being printed included.
    public var waiting = 0
    /// The most recent slip that did not print, numbered so a screen says each once.
    public var lastFailure: (number: Int, code: String, error: PrintingError)?
    public var printed = 0
    /// The printer answers no status query: slips are sent unconfirmed.
    public var unconfirmed = false
    /// Visits whose last slip did not print and that have not had one since, oldest first:
    /// what the guard still owes a visitor, however many failures came in a row.
    public var notPrinted: [String] = []

    public init() {}

    mutating func owe(_ code: String) {
        notPrinted.removeAll { $0 == code }
        notPrinted.append(code)
        if notPrinted.count > 50 { notPrinted.removeFirst(notPrinted.count - 50) }
    }

    public static func == (a: PrinterStatus, b: PrinterStatus) -> Bool {
        a.state == b.state && a.paperLow == b.paperLow && a.waiting == b.waiting && a.printed == b.printed
            && a.lastFailure?.number == b.lastFailure?.number && a.unconfirmed == b.unconfirmed && a.notPrinted == b.notPrinted
    }
}

/// What became of one slip.
public enum SlipOutcome: Equatable, Sendable {
    /// The printer read all of it and said so (its status answer came after the last byte).
    case printed
    /// All of it was sent, but this printer answers no status query: nobody can tell whether
    /// it printed (out of paper, hung) until someone looks.
    case unconfirmed
    case failed(PrintingError)
}

/// Prints slips on a thread of its own, one job at a time, each bounded by `deadline`
/// seconds: a check-in is on disk and shown before its slip is even drawn, and a printer that
/// is off, unplugged, out of paper or hung costs the worker a few seconds, never the gate.
/// Started and stopped by the front end (guard terminal, one-shot commands); Gate submits.
public final class SlipPrinter: @unchecked Sendable {
    public let settings: PrinterSettings
    public let device: PrinterSettings.Device
    private let deadline: Double
    private let condition = NSCondition()
    private var queue: [(id: Int, slip: Slip, done: @Sendable (SlipOutcome) -> Void)] = []
    private var outcomes: [Int: SlipOutcome] = [:]
    private var nextID = 1
    private var failures = 0
    private var current = PrinterStatus()
    private var stopping = false
    private var running = false
    private var finished = false
    /// Whether this printer has answered a status query since start: one that did and then
    /// stops answering is not reading, one that never did simply has no status to give.
    private var answersStatus = false
    /// When the job in progress last moved (a write got through): a caller waiting for a slow
    /// printer waits while it moves, not a fixed time.
    private var progressAt = Deadline.now()
    /// The last job stopped part-way through a raster image: the printer is still counting its
    /// bytes, and the next job first completes that image with blank rows.
    private var cutShort = false
    private let onChange: @Sendable (PrinterStatus) -> Void
    /// Jobs waiting beyond this are refused (a printer that is off for an hour must not print
    /// a morning's slips when it comes back).
    public static let maxQueue = 20
    /// How often an idle worker looks at the printer, so the title bar is right before the
    /// next visitor (nil: only when printing).
    private let probeEvery: Double?

    /// - Parameters:
    ///   - deadline: seconds a job may take, connection included.
    ///   - probeEvery: seconds between status looks while idle.
    public init?(settings: PrinterSettings, deadline: Double = 5, probeEvery: Double? = 30,
                 onChange: @escaping @Sendable (PrinterStatus) -> Void = { _ in }) {
        // `print_on = never` sends nothing, so nothing looks at a printer either.
        guard let device = settings.device, settings.printOn != .never else { return nil }
        self.settings = settings
        self.device = device
        self.deadline = deadline
        self.probeEvery = probeEvery
        self.onChange = onChange
    }

    public var status: PrinterStatus { condition.withLock { current } }

    public func start() {
        condition.withLock {
            guard !running else { return }
            running = true
            let thread = Thread { [self] in loop() }
            thread.name = "slip-printer"
            thread.start()
        }
    }

    /// Stops after the job in progress, waiting at most `timeout` for it.
    public func stop(timeout: TimeInterval = 1) {
        condition.lock()
        stopping = true
        condition.broadcast()
        let until = Date().addingTimeInterval(timeout)
        while running, !finished, condition.wait(until: until) {}
        // Jobs never started end as failures, so nobody waits for them.
        let dropped = finished ? queue : Array(queue.dropFirst())
        queue.removeAll { job in dropped.contains { $0.id == job.id } }
        let error = PrintingError.failed(device: device.description, why: "the kiosk stopped before printing it")
        for job in dropped { outcomes[job.id] = .failed(error) }
        condition.broadcast()
        condition.unlock()
        for job in dropped { job.done(.failed(error)) }
    }

    /// Whether a slip of this visit is waiting or printing (a second request is a reprint).
    public func isQueued(code: String) -> Bool {
        condition.withLock { queue.contains { $0.slip.code == code } }
    }

    /// Queues a slip; `done` is called on the worker's thread with what became of it.
    @discardableResult
    public func submit(_ slip: Slip, done: @escaping @Sendable (SlipOutcome) -> Void = { _ in }) -> Int {
        condition.lock()
        let id = nextID
        nextID += 1
        if queue.count >= Self.maxQueue {
            let error = PrintingError.queueFull(code: slip.code)
            outcomes[id] = .failed(error)
            failures += 1
            current.lastFailure = (failures, slip.code, error)
            current.state = .failing(error)
            current.owe(slip.code)
            let snapshot = current
            condition.unlock()
            done(.failed(error))
            onChange(snapshot)
            return id
        }
        queue.append((id, slip, done))
        current.waiting = queue.count
        let snapshot = current
        condition.broadcast()
        condition.unlock()
        onChange(snapshot)
        return id
    }

    /// Waits until job `id` is done or `timeout` passes; nil if still waiting.
    public func outcome(of id: Int, timeout: TimeInterval) -> SlipOutcome? {
        condition.lock()
        defer { condition.unlock() }
        let until = Date().addingTimeInterval(timeout)
        while outcomes[id] == nil, condition.wait(until: until) {}
        return outcomes[id]
    }

    /// Waits for job `id` for as long as the printer keeps taking bytes, giving up once nothing
    /// has moved for `stall` seconds (a one-shot command's wait before it exits).
    public func outcome(of id: Int, stall: TimeInterval) -> SlipOutcome? {
        condition.lock()
        defer { condition.unlock() }
        while outcomes[id] == nil {
            let quiet = Deadline.now() - progressAt
            if quiet >= stall { break }
            _ = condition.wait(until: Date().addingTimeInterval(min(0.2, stall - quiet)))
        }
        return outcomes[id]
    }

    /// Seconds a caller should allow for one job, queueing aside.
    public var jobDeadline: Double { deadline }

    private func loop() {
        // A FIFO or device whose reader went away raises SIGPIPE on this thread; blocked, the
        // write fails with EPIPE instead and the process (the guard's screen) lives on.
        var pipe = sigset_t()
        sigemptyset(&pipe)
        sigaddset(&pipe, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipe, nil)
        var lastLook = -Double.infinity
        while true {
            condition.lock()
            while queue.isEmpty, !stopping {
                if let every = probeEvery {
                    let wait = lastLook + every - Deadline.now()
                    if wait <= 0 { break }
                    _ = condition.wait(until: Date().addingTimeInterval(wait))
                } else {
                    condition.wait()
                }
            }
            if stopping {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let job = queue.first
            if job != nil {
                current.state = .printing
                progressAt = Deadline.now()
            }
            condition.unlock()
            guard let job else {
                lastLook = Deadline.now()
                look()
                continue
            }
            let outcome = print(job.slip)
            lastLook = Deadline.now()
            condition.lock()
            queue.removeFirst()
            outcomes[job.id] = outcome
            // Outcomes are looked up once, soon after: keep the last few hundred.
            if outcomes.count > 500, let oldest = outcomes.keys.min() { outcomes[oldest] = nil }
            current.waiting = queue.count
            switch outcome {
            case .printed, .unconfirmed:
                current.state = .ready
                current.printed += 1
                current.unconfirmed = outcome == .unconfirmed
                current.notPrinted.removeAll { $0 == job.slip.code }
            case .failed(let e):
                current.state = .failing(e)
                failures += 1
                current.lastFailure = (failures, job.slip.code, e)
                current.owe(job.slip.code)
            }
            let snapshot = current
            condition.broadcast()
            condition.unlock()
            job.done(outcome)
            onChange(snapshot)
        }
    }

    /// A status look while idle: connect, ask, hang up.
    private func look() {
        let before = status
        var next = before
        do {
            let connection = try PrinterConnection.open(device, deadline: Deadline(seconds: deadline))
            try finishCutShortImage(connection)
            let paper = try check(connection)
            next.state = .ready
            next.paperLow = paper.paperLow
        } catch {
            next.state = .failing(error)
        }
        condition.withLock {
            current.state = current.state == .printing ? current.state : next.state
            current.paperLow = next.paperLow
            next = current
        }
        if next != before { onChange(next) }
    }

    /// Asks the printer about its paper and cover; throws when it cannot print now.
    private func check(_ c: PrinterConnection) throws(PrintingError) -> EscPos.Status {
        var result = EscPos.Status()
        // A printer answers in milliseconds; one that never has gets a second and a half to
        // show it can, one that has answered before the whole deadline.
        let wait: Int32 = answersStatus ? Int32(deadline * 1000) : 1500
        switch try c.status(2, millis: wait) {
        case .closed: throw .closed(device: c.label)
        case .silent:
            if answersStatus { throw .notReading(device: c.label) }
            return result
        case .byte(let b):
            answersStatus = true
            if let s = EscPos.Status.offlineCause(b) {
                if s.coverOpen { throw .coverOpen }
                if s.outOfPaper { throw .outOfPaper }
            }
        }
        if case .byte(let b) = try c.status(4, millis: Int32(deadline * 1000)), let s = EscPos.Status.paper(b) {
            if s.outOfPaper { throw .outOfPaper }
            result.paperLow = s.paperLow
        }
        return result
    }

    /// A printer left inside a raster image by a job that was cut off reads everything that
    /// follows as dots, status queries included: blank rows (NULs) finish that image before
    /// anything else is said to it.
    private func finishCutShortImage(_ c: PrinterConnection) throws(PrintingError) {
        guard cutShort else { return }
        try c.send(EscPos.finishCutShortImage, stall: deadline)
        cutShort = false
    }

    /// Draws the slip and sends it; the outcome says whether it reached the printer.
    private func print(_ slip: Slip) -> SlipOutcome {
        let connectBy = Deadline(seconds: deadline)
        do {
            let bytes = EscPos.job(try slip.bitmap(paper: settings.paper), copies: settings.copies)
            let connection = try PrinterConnection.open(device, deadline: connectBy)
            try finishCutShortImage(connection)
            let paper = try check(connection)
            condition.withLock { current.paperLow = paper.paperLow }
            // From the first raster byte until the printer confirms the end, the job counts as
            // cut short: the kernel may have taken bytes the printer never read.
            cutShort = true
            try connection.send(bytes, stall: deadline) { condition.withLock { progressAt = Deadline.now() } }
            guard answersStatus else {
                try connection.drained(stall: deadline)
                cutShort = false
                return .unconfirmed
            }
            // Answered after the whole slip: the printer has read it all. A slow printer still
            // draining its buffer is waited for while the bytes keep moving.
            switch try connection.status(4, stall: deadline, progress: { condition.withLock { progressAt = Deadline.now() } }) {
            case .closed: throw PrintingError.closed(device: connection.label)
            case .silent: throw PrintingError.notReading(device: connection.label)
            case .byte(let b):
                cutShort = false
                if let s = EscPos.Status.paper(b) {
                    condition.withLock { current.paperLow = s.paperLow }
                    if s.outOfPaper { throw PrintingError.outOfPaper }
                }
            }
            return .printed
        } catch let e as PrintingError {
            return .failed(e)
        } catch {
            return .failed(.failed(device: device.description, why: "\(error)"))
        }
    }

    /// Waits for every slip queued so far, for as long as the printer keeps taking bytes (a
    /// line prompt or one-shot command about to exit); true when none is left.
    @discardableResult
    public func drain(stall: TimeInterval) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !queue.isEmpty {
            let quiet = Deadline.now() - progressAt
            if quiet >= stall { return false }
            _ = condition.wait(until: Date().addingTimeInterval(min(0.2, stall - quiet)))
        }
        return true
    }

    /// Visits no longer owed a slip (they left, or were closed): the front end says which.
    public func forgive(_ codes: [String]) {
        guard !codes.isEmpty else { return }
        let snapshot: PrinterStatus = condition.withLock {
            current.notPrinted.removeAll { codes.contains($0) }
            return current
        }
        onChange(snapshot)
    }
}
