import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The guard terminal (`kiosk --config FILE` on a TTY) in a private tmux server, driven and
/// read as the guard sees it. The pane runs a small shell script that records `stty -a`
/// before and after the kiosk and its exit status, so a test can tell that the terminal was
/// put back on every way out.
final class GuardSession {
    let box: Sandbox
    let tmux = Tmux()
    /// `[ui] log_file`, set explicitly so the test reads the file the kiosk writes.
    let logPath: String
    var sttyBeforePath: String { box.dir + "/stty.before" }
    var sttyAfterPath: String { box.dir + "/stty.after" }
    var statusPath: String { box.dir + "/status" }
    /// When the last keyboard scan was sent: see `settle()`.
    private var lastScan = Date.distantPast

    /// - Parameters:
    ///   - settings: kiosk.conf values as `"section.key": "value"` (see `Sandbox.rewrite`).
    init(language: String = "vi", settings: [String: String] = [:]) throws {
        var all = settings
        // Relative to the config's folder, like the sample's data/kiosk.log.
        all["ui.log_file"] = "guard.log"
        box = try Sandbox(language: language, settings: all)
        logPath = box.dir + "/guard.log"
    }

    deinit { close() }

    /// Starts the kiosk in a `columns`×`rows` pane. `term` overrides the pane's TERM; `env`
    /// adds variables (e.g. KIOSK_NOW) for the kiosk only.
    func start(columns: Int = 100, rows: Int = 30, term: String? = nil, env: [String: String] = [:]) throws {
        var script = "cd '\(box.dir)' || exit 1\n"
        if let term { script += "TERM='\(term)'; export TERM\n" }
        let vars = env.sorted { $0.key < $1.key }.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
        script += """
            stty -a > '\(sttyBeforePath)'
            \(vars.isEmpty ? "" : "env \(vars) ")'\(box.binary)' --config '\(box.configPath)'
            st=$?
            stty -a > '\(sttyAfterPath)'
            echo "$st" > '\(statusPath).tmp' && mv '\(statusPath).tmp' '\(statusPath)'
            echo "EXIT=$st"
            exec sleep 600

            """
        let path = box.dir + "/run.sh"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        try tmux.start("sh '\(path)'", columns: columns, rows: rows)
    }

    /// Ends the session, and with it the kiosk (SIGHUP) and the tmux server. `kill-server`
    /// alone is not enough: it is a SIGTERM the server sends itself, and a server started
    /// from the test runner inherits its blocked signals, so it would live on with the kiosk
    /// (whose serial reader could then open a later test's reused pty and eat its keys).
    func close() {
        _ = try? tmux.run(["kill-session", "-t", "main"])
        tmux.kill()
    }

    // MARK: Reading the screen

    func capture() throws -> [String] { try tmux.capture() }

    /// A capture as text for failure messages, with the log's last lines.
    func describe(_ screen: [String]) -> String {
        var lines = screen
        while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
        let log = logLines().suffix(8).joined(separator: "\n")
        return "\n--- screen:\n" + lines.joined(separator: "\n") + "\n--- end of screen\n--- \(logPath) (last lines):\n" + log
    }

    /// Polls the pane until `ready` holds; fails the test with the last screen on timeout.
    @discardableResult
    func waitFor(
        _ what: String, timeout: TimeInterval = 30, sourceLocation: SourceLocation = #_sourceLocation,
        _ ready: ([String]) -> Bool
    ) throws -> [String] {
        let end = Date().addingTimeInterval(timeout)
        var screen = try capture()
        var exitedAt: Date?
        while !ready(screen) && Date() < end {
            // The kiosk is gone (a config error, a crash): what it printed is on the screen.
            if FileManager.default.fileExists(atPath: statusPath) {
                let since = exitedAt ?? Date()
                exitedAt = since
                if Date().timeIntervalSince(since) > 2 { break }
            }
            Thread.sleep(forTimeInterval: 0.1)
            screen = try capture()
        }
        let why = exitedAt != nil ? "the kiosk exited while waiting for \(what)" : "timed out after \(Int(timeout)) s waiting for \(what)"
        let done = ready(screen)
        try #require(done, "\(why)\(describe(screen))", sourceLocation: sourceLocation)
        return screen
    }

    /// Waits until every text is on the screen (each anywhere).
    @discardableResult
    func waitFor(
        texts: [String], timeout: TimeInterval = 30, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [String] {
        try waitFor(texts.map { "\"\($0)\"" }.joined(separator: " and "), timeout: timeout, sourceLocation: sourceLocation) { screen in
            texts.allSatisfy { t in screen.contains { $0.contains(t) } }
        }
    }

    // MARK: Keys

    /// A person reacts to a scan after far more than `max_key_gap_ms`; an Enter right after a
    /// scan's own Enter is swallowed as its CR LF pair, so keys wait a person's moment.
    private func settle() {
        let wait = lastScan.addingTimeInterval(0.3).timeIntervalSinceNow
        if wait > 0 { Thread.sleep(forTimeInterval: wait) }
    }

    /// tmux key names: "F2", "Enter", "Escape", "BSpace", "Tab", "Left", "M-0"…
    func key(_ names: String..., pause: TimeInterval = 0.1) throws {
        settle()
        for name in names {
            let r = try tmux.run(["send-keys", "-t", "main", name])
            guard r.status == 0 else { throw E2EError("tmux send-keys \(name) failed: \(r)") }
            Thread.sleep(forTimeInterval: pause)
        }
    }

    /// Types like a person: one key at a time, well over `max_key_gap_ms` apart.
    func type(_ text: String, pause: TimeInterval = 0.1) throws {
        settle()
        for c in text {
            let r = try tmux.run(["send-keys", "-t", "main", "-l", String(c)])
            guard r.status == 0 else { throw E2EError("tmux send-keys -l \(c) failed: \(r)") }
            Thread.sleep(forTimeInterval: pause)
        }
    }

    /// A keyboard-wedge scanner: the whole code and Enter in one burst.
    func scan(_ code: String) throws {
        let r = try tmux.run(["send-keys", "-t", "main", "-l", code, ";", "send-keys", "-t", "main", "Enter"])
        guard r.status == 0 else { throw E2EError("tmux send-keys of a \(code.count)-character scan failed: \(r)") }
        lastScan = Date()
    }

    func resize(columns: Int, rows: Int) throws {
        let r = try tmux.run(["resize-window", "-t", "main", "-x", "\(columns)", "-y", "\(rows)"])
        guard r.status == 0 else { throw E2EError("tmux resize-window failed: \(r)") }
    }

    // MARK: What the kiosk left behind

    func logLines() -> [String] {
        guard let data = FileManager.default.contents(atPath: logPath) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// Polls the log until `ready` holds; fails the test with the log and screen on timeout.
    @discardableResult
    func waitForLog(
        _ what: String, timeout: TimeInterval = 30, sourceLocation: SourceLocation = #_sourceLocation,
        _ ready: ([String]) -> Bool
    ) throws -> [String] {
        let end = Date().addingTimeInterval(timeout)
        var lines = logLines()
        while !ready(lines) && Date() < end {
            Thread.sleep(forTimeInterval: 0.1)
            lines = logLines()
        }
        let screen = (try? capture()) ?? []
        let done = ready(lines)
        try #require(
            done, "timed out after \(Int(timeout)) s waiting for \(what) in the log; whole log:\n\(lines.joined(separator: "\n"))\(describe(screen))",
            sourceLocation: sourceLocation)
        return lines
    }

    /// The kiosk's pid, from its `start … pid=N` log line (checked against /proc).
    func kioskPID(sourceLocation: SourceLocation = #_sourceLocation) throws -> pid_t {
        let lines = try waitForLog("the start line", sourceLocation: sourceLocation) { $0.contains { $0.contains(" start ") } }
        let start = try #require(lines.first { $0.contains(" start ") }, sourceLocation: sourceLocation)
        let field = try #require(start.split(separator: " ").first { $0.hasPrefix("pid=") }, "no pid in \(start)", sourceLocation: sourceLocation)
        let pid = try #require(pid_t(field.dropFirst(4)), "bad pid in \(start)", sourceLocation: sourceLocation)
        let cmdline = String(decoding: (try? contents("/proc/\(pid)/cmdline")) ?? Data(), as: UTF8.self)
        try #require(cmdline.contains("kiosk"), "pid \(pid) from the log is not the kiosk: \(cmdline)", sourceLocation: sourceLocation)
        return pid
    }

    /// The kiosk's exit status as the pane's shell saw it.
    func exitStatus(timeout: TimeInterval = 30, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int32 {
        let end = Date().addingTimeInterval(timeout)
        while !FileManager.default.fileExists(atPath: statusPath) && Date() < end { Thread.sleep(forTimeInterval: 0.1) }
        let screen = (try? capture()) ?? []
        let text = String(decoding: (try? contents(statusPath)) ?? Data(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return try #require(Int32(text), "the kiosk did not exit within \(Int(timeout)) s\(describe(screen))", sourceLocation: sourceLocation)
    }

    /// `stty -a` of the pane before the kiosk started and after it ended.
    func stty() throws -> (before: String, after: String) {
        (String(decoding: try contents(sttyBeforePath), as: UTF8.self), String(decoding: try contents(sttyAfterPath), as: UTF8.self))
    }

    /// `kiosk list --json` of today on the real clock (the pane's kiosk is not pinned).
    func list(extra: [String] = []) throws -> [[String: Any]] {
        let r = try ProcessRunner.run(box.binary, ["list", "--json"] + extra + ["--config", box.configPath])
        guard r.status == 0 else { throw E2EError("list failed: \(r)") }
        return try JSON.array(r.stdout)
    }
}

/// Whether any line of a screen contains `text`.
func onScreen(_ screen: [String], _ text: String) -> Bool {
    screen.contains { $0.contains(text) }
}

/// A pseudo-terminal pair standing in for a serial scanner: the kiosk opens `path` (the
/// slave) as `[scanner] device`; the test writes scans to the master. The slave stays open
/// here too, so lines written before the kiosk opens it wait in the queue instead of being lost.
final class PseudoTerminal {
    let master: Int32
    let slave: Int32
    let path: String

    init() throws {
        // posix_openpt and friends need _XOPEN_SOURCE, which the Glibc module is not built
        // with; they are plain exported functions, so look them up.
        typealias IntFn = @convention(c) (Int32) -> Int32
        typealias NameFn = @convention(c) (Int32, UnsafeMutablePointer<CChar>?, Int) -> Int32
        func symbol<T>(_ name: String, as: T.Type) throws -> T {
            guard let p = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { throw E2EError("no \(name) in libc") }
            return unsafeBitCast(p, to: T.self)
        }
        let openpt = try symbol("posix_openpt", as: IntFn.self)
        let grant = try symbol("grantpt", as: IntFn.self)
        let unlock = try symbol("unlockpt", as: IntFn.self)
        let ptsname = try symbol("ptsname_r", as: NameFn.self)
        master = openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { throw E2EError("posix_openpt failed: errno \(errno)") }
        guard grant(master) == 0, unlock(master) == 0 else {
            close(master)
            throw E2EError("grantpt/unlockpt failed: errno \(errno)")
        }
        var name = [CChar](repeating: 0, count: 256)
        guard ptsname(master, &name, name.count) == 0 else {
            close(master)
            throw E2EError("ptsname_r failed: errno \(errno)")
        }
        path = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        slave = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard slave >= 0 else {
            close(master)
            throw E2EError("cannot open \(path): errno \(errno)")
        }
        // Raw like a scanner's port: CR stays CR, nothing echoes back.
        var t = termios()
        if tcgetattr(slave, &t) == 0 {
            cfmakeraw(&t)
            _ = tcsetattr(slave, TCSANOW, &t)
        }
    }

    deinit {
        close(slave)
        close(master)
    }

    /// One scan as a scanner sends it: the text and CR LF.
    func send(_ line: String) throws {
        let bytes = Array((line + "\r\n").utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw E2EError("writing to the pty master failed: errno \(errno)") }
            done += n
        }
    }
}

/// Reads a QR code drawn with text characters (half blocks `█▀▄`, or `##` per module) back
/// with zbarimg, as a phone would read it off the guard's monitor.
enum ScreenQR {
    /// The rows of the code: the longest run of rows made only of code characters (and at
    /// least one dark one); the title and footer around it are text and end the run.
    static func codeRows(_ screen: [String], ascii: Bool) -> [String] {
        let ink: Set<Character> = ascii ? ["#"] : ["█", "▀", "▄"]
        func isCodeRow(_ line: String) -> Bool { line.contains(where: ink.contains) && line.allSatisfy { $0 == " " || ink.contains($0) } }
        var best: Range<Int> = 0..<0
        var i = 0
        while i < screen.count {
            guard isCodeRow(screen[i]) else {
                i += 1
                continue
            }
            var j = i
            while j < screen.count && isCodeRow(screen[j]) { j += 1 }
            if j - i > best.count { best = i..<j }
            i = j
        }
        return Array(screen[best])
    }

    /// Draws the rows as a PGM picture (blank margins stand for the quiet zone the capture
    /// trims) and decodes it; the payload, or an error saying what zbarimg said.
    static func decode(_ rows: [String], ascii: Bool, scratch: String) throws -> String {
        let blank = Array(repeating: "", count: ascii ? 8 : 4)
        let cells = (blank + rows + blank).map { Array($0) }
        let width = (cells.map(\.count).max() ?? 0) + (ascii ? 16 : 8)
        let px = 4
        // Half blocks: a cell is two modules high. ASCII: a cell is half a module wide.
        let cellWidth = px, cellHeight = ascii ? 2 * px : 2 * px
        var image = Data("P5\n\(width * cellWidth) \(cells.count * cellHeight)\n255\n".utf8)
        for y in 0..<(cells.count * cellHeight) {
            let line = cells[y / cellHeight]
            let lowerHalf = (y % cellHeight) >= cellHeight / 2
            var row = [UInt8]()
            row.reserveCapacity(width * cellWidth)
            for x in 0..<width {
                let c: Character = x < line.count ? line[x] : " "
                let dark: Bool
                if ascii {
                    dark = c == "#"
                } else {
                    dark = c == "█" || (lowerHalf ? c == "▄" : c == "▀")
                }
                row += Array(repeating: dark ? 0 : 255, count: cellWidth)
            }
            image.append(contentsOf: row)
        }
        let file = scratch + "/screen-\(UUID().uuidString.prefix(8)).pgm"
        try image.write(to: URL(fileURLWithPath: file))
        let r = try ProcessRunner.run(try Tool.path("zbarimg"), ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", file], timeout: 60)
        guard r.status == 0 else { throw E2EError("zbarimg could not read the code drawn on screen (\(file)): \(r)") }
        var text = r.stdout
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
