import Foundation

/// A private tmux server for one test, to drive and read a terminal program as a guard's
/// screen shows it.
///
/// tmux's server daemonises but keeps a descriptor Foundation's `Process` watches, so a
/// plain `Process` running `tmux new-session` would not return until the session ends.
/// Every call therefore goes through bash, which closes descriptors above 2 first.
struct Tmux {
    let socket = "kiosk-e2e-\(UUID().uuidString.prefix(8))"

    @discardableResult
    func run(_ args: [String], timeout: TimeInterval = 20) throws -> RunResult {
        let script = #"for fd in $(ls /proc/$$/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null; done; exec tmux "$@""#
        return try ProcessRunner.run(try Tool.path("bash"), ["-c", script, "bash", "-L", socket] + args, timeout: timeout)
    }

    /// Starts a detached session running `command` (a shell command line) in a window of the
    /// given size, with a UTF-8 locale so block characters are drawn as such.
    func start(_ command: String, columns: Int = 200, rows: Int = 80) throws {
        _ = try Tool.path("tmux")
        let r = try run(["new-session", "-d", "-s", "main", "-x", "\(columns)", "-y", "\(rows)", "env", "LANG=C.UTF-8", "sh", "-c", command])
        guard r.status == 0 else { throw E2EError("tmux new-session failed: \(r)") }
    }

    /// The visible screen as lines of text.
    func capture() throws -> [String] {
        try run(["capture-pane", "-p", "-t", "main"]).stdout.components(separatedBy: "\n")
    }

    /// Captures until `ready` holds or `timeout` passes; returns the last capture.
    func waitFor(timeout: TimeInterval = 10, _ ready: ([String]) -> Bool) throws -> [String] {
        let end = Date().addingTimeInterval(timeout)
        var screen = try capture()
        while !ready(screen) && Date() < end {
            Thread.sleep(forTimeInterval: 0.1)
            screen = try capture()
        }
        return screen
    }

    /// Ends the server and what runs in it. `kill-server` alone is not enough: the server
    /// inherits the test runner's blocked signals, so the SIGTERM it sends itself never
    /// arrives; the pane's processes are killed first, then the server with SIGKILL.
    func kill() {
        let pids = (try? run(["list-panes", "-a", "-F", "#{pane_pid}"]))?.stdout.split(separator: "\n").compactMap { Int32($0) } ?? []
        let server = (try? run(["display-message", "-p", "#{pid}"]))?.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        for pid in pids {
            // The pane's shell and its children (the kiosk).
            _ = try? ProcessRunner.run(try Tool.path("bash"), ["-c", "pkill -KILL -P \(pid); kill -KILL \(pid)"], timeout: 5)
        }
        _ = try? run(["kill-server"], timeout: 5)
        if let server, let pid = Int32(server), pid > 1 { Foundation.kill(pid, SIGKILL) }
    }
}
