import Foundation
import Testing

/// Exit statuses: 0 success, 1 refused or failed, 2 bad usage or configuration.
@Suite("exit statuses")
struct ExitStatusTests {
    @Test("bad usage exits 2 with a message on stderr", arguments: [
        ["checkin"],
        ["checkin", "--name", "X", "--colour", "red"],
        ["checkin", "--name", "X", "--temperature", "warm"],
        ["checkin", "--name", "X", "--app", "maybe"],
        ["checkin", "--name", "X", "--override-by", "Boss"],
        ["checkout"],
        ["checkout", "ABCDEF", "--badge", "3"],
        ["list", "--format", "xml"],
        ["list", "--date", "tomorrow"],
        ["stats", "--date", "2026-13-01"],
        ["trace"],
        ["watchlist", "add", "--name", "X", "--action", "shoot"],
        ["watchlist", "remove", "first"],
        ["fly"],
    ])
    func usage(args: [String]) throws {
        let box = try Sandbox(language: "en")
        let r = try box.run(args)
        #expect(r.status == 2, "\(args): \(r)")
        #expect(r.stdout.isEmpty, "\(r)")
        #expect(!r.stderr.isEmpty, "\(r)")
    }

    @Test("missing --name names the option")
    func missingName() throws {
        let box = try Sandbox(language: "en")
        let r = try box.run(["checkin", "--phone", "0912345678"])
        #expect(r.status == 2, "\(r)")
        #expect(r.stderr.contains("--name is required"), "\(r)")
    }

    @Test("an unknown option names the option")
    func unknownOption() throws {
        let box = try Sandbox(language: "en")
        let r = try box.run(["list", "--everything"])
        #expect(r.status == 2, "\(r)")
        #expect(r.stderr.contains("Unknown option '--everything'"), "\(r)")
    }

    @Test("a bad KIOSK_NOW is a usage error")
    func badNow() throws {
        let box = try Sandbox(language: "en")
        let r = try box.run(["list"], now: "yesterday")
        #expect(r.status == 2, "\(r)")
        #expect(r.stderr.contains("KIOSK_NOW=yesterday"), "\(r)")
    }

    @Test("--help exits 0 and documents the exit statuses")
    func help() throws {
        let box = try Sandbox(language: "en")
        let r = try ProcessRunner.run(box.binary, ["--help"])
        #expect(r.status == 0, "\(r)")
        let flowing = r.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flowing.contains("Exit status: 0 success, 1 operation refused or failed, 2 bad usage or configuration."), "\(r)")
        for command in ["checkin", "checkout", "list", "export", "trace", "purge", "audit", "stats", "watchlist"] {
            #expect(r.stdout.contains(command), "\(command) is listed")
        }
    }

    /// The issue documents `kiosk [--config FILE] <command>`.
    @Test("--config before the command is accepted")
    func configBeforeCommand() throws {
        let box = try Sandbox(language: "en")
        let r = try ProcessRunner.run(box.binary, ["--config", box.configPath, "checkin", "--name", "Root Option"],
            environment: ["KIOSK_NOW": defaultNow])
        #expect(r.status == 0, "\(r)")
        #expect(FileManager.default.fileExists(atPath: box.dbPath))
    }
}
