import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One run of an external program with its standard streams tied to files.
struct Command: Sendable {
    var program: String
    var arguments: [String]
    /// Added to (or replacing in) this process's environment.
    var environment: [String: String] = [:]
    var stdin = "/dev/null"
    var stdout = "/dev/null"
    /// Kept so that a failing command can say why.
    var stderr = "/dev/null"

    /// How it reads in the report and in error messages.
    var display: String { ([program] + arguments).joined(separator: " ") }
}

/// Runs programs with `posix_spawn` and `waitpid`, timing from just before the spawn to
/// just after the exit. Foundation's `Process` is avoided: on Linux it waits through a run
/// loop, which adds milliseconds of its own to a 20 ms command.
enum Spawn {
    /// Runs `command` to completion; returns its wall time in seconds. A non-zero exit is a
    /// failure carrying the first lines of its standard error.
    @discardableResult
    static func run(_ command: Command) throws -> Double {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, command.stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, command.stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, command.stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        var env = ProcessInfo.processInfo.environment
        for (k, v) in command.environment { env[k] = v }
        let argv = cStrings([command.program] + command.arguments)
        let envp = cStrings(env.map { "\($0.key)=\($0.value)" })
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }

        var pid: pid_t = 0
        var status: Int32 = 0
        var spawnError: Int32 = 0
        let seconds = Stopwatch.seconds {
            spawnError = posix_spawnp(&pid, command.program, &actions, nil, argv + [nil], envp + [nil])
            if spawnError == 0 {
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            }
        }
        if spawnError != 0 {
            throw BenchFailure("cannot start \(command.program): \(String(cString: strerror(spawnError)))")
        }
        // WIFEXITED / WEXITSTATUS are macros, so they are spelled out.
        let exited = status & 0x7F == 0
        let code = (status >> 8) & 0xFF
        if !exited || code != 0 {
            let why = exited ? "exit status \(code)" : "signal \(status & 0x7F)"
            let errText = (try? String(contentsOfFile: command.stderr, encoding: .utf8)) ?? ""
            let firstLines = errText.split(separator: "\n").prefix(3).joined(separator: " | ")
            throw BenchFailure("\(command.display): \(why)\(firstLines.isEmpty ? "" : ": " + firstLines)")
        }
        return seconds
    }

    /// Runs `command` and returns its standard output as text (for small answers).
    static func output(_ command: Command, scratch: String) throws -> String {
        var c = command
        c.stdout = scratch
        try run(c)
        return (try? String(contentsOfFile: scratch, encoding: .utf8)) ?? ""
    }

    private static func cStrings(_ strings: [String]) -> [UnsafeMutablePointer<CChar>?] {
        strings.map { strdup($0) }
    }
}
