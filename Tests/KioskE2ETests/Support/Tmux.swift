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

    func kill() { _ = try? run(["kill-server"]) }
}
