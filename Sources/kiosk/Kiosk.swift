import ArgumentParser
import Foundation
import KioskCore

/// The `kiosk` command: argument parsing and wiring only; the work is in Gate.
@main
struct Kiosk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk",
        abstract: "Building-entry check-in terminal: check visitors in and out, export the day's log.",
        discussion: "Exit status: 0 success, 1 operation refused or failed, 2 bad usage or configuration.",
        subcommands: [
            RunCommand.self, CheckinCommand.self, CheckoutCommand.self, ListCommand.self,
            ExportCommand.self, TraceCommand.self, PurgeCommand.self, AuditCommand.self,
            StatsCommand.self, WatchlistCommand.self, VenueQRCommand.self, MaintenanceCommand.self,
        ],
        defaultSubcommand: RunCommand.self
    )

    /// ArgumentParser reports usage errors as 64; the kiosk promises 2 (see the README).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
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

/// `--config` is accepted by every subcommand.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The kiosk.conf to use (else $KIOSK_CONFIG, ./kiosk.conf, /etc/kiosk/kiosk.conf).")
    var config: String?
}
