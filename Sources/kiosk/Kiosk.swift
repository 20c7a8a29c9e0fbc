import ArgumentParser
import CKioskVersion
import Foundation
import KioskCore

/// The `kiosk` command: argument parsing and wiring only; the work is in Gate.
@main
struct Kiosk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk",
        abstract: "Building-entry check-in terminal: check visitors in and out, export the day's log.",
        discussion: "Exit status: 0 success, 1 operation refused or failed, 2 bad usage or configuration.",
        version: String(cString: kiosk_version()),
        subcommands: [
            RunCommand.self, CheckinCommand.self, CheckoutCommand.self, ListCommand.self,
            ExportCommand.self, TraceCommand.self, PurgeCommand.self, AuditCommand.self,
            StatsCommand.self, WatchlistCommand.self, VenueQRCommand.self, VerifyCommand.self, ScanCommand.self,
            InviteCommand.self, TrustCommand.self, MaintenanceCommand.self, SetPinCommand.self, ServeCommand.self,
            BuildingCommand.self, SyncCommand.self, PrivacyCommand.self, SlipCommand.self, HostsCommand.self, NotifyCommand.self,
        ],
        defaultSubcommand: RunCommand.self
    )

    /// ArgumentParser reports usage errors as 64; the kiosk promises 2 (see the README).
    static func main() {
        do {
            var command = try parseAsRoot(movingGlobalOptions(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch {
            let code = exitCode(for: error)
            // Usage errors quote what was typed, which may hold escape sequences.
            let message = TextFolding.terminalSafe(fullMessage(for: error))
            if !message.isEmpty {
                if code == .success {
                    print(message)
                } else {
                    FileHandle.standardError.write(Data((message + "\n").utf8))
                }
            }
            if code == .validationFailure { Foundation.exit(2) }
            Foundation.exit(code.rawValue)
        }
    }
}

extension Kiosk {
    /// `kiosk --config FILE checkin …`: the documented form puts `--config` before the
    /// command, but ArgumentParser reads options where the command that declares them is.
    /// A `--config` given before the first command word is moved to the end.
    static func movingGlobalOptions(_ args: [String]) -> [String] {
        var before: [String] = []
        var rest = args
        while let first = rest.first, first.hasPrefix("-"), first != "--" {
            if first == "--config", rest.count >= 2 {
                before += rest.prefix(2)
                rest.removeFirst(2)
            } else if first.hasPrefix("--config=") {
                before.append(first)
                rest.removeFirst()
            } else {
                return args
            }
        }
        guard !before.isEmpty, !rest.isEmpty, !rest.contains("--") else { return args }
        return rest + before
    }
}

/// `--config` is accepted by every subcommand.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The kiosk.conf to use (else $KIOSK_CONFIG, ./kiosk.conf, /etc/kiosk/kiosk.conf).")
    var config: String?
}
