import ArgumentParser
import CheckinWeb
import Building
import Foundation
import Gate
import TerminalUI
import KioskCore

/// `kiosk serve`: the visitor's self check-in form alone, without the guard terminal.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the self check-in form ([checkin_web] listen) until SIGTERM.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "HOST:PORT to listen on instead of [checkin_web] listen.") var listen: String?

    func run() throws {
        let context = try Context.make(global, autoCheckout: false)
        var host: String?
        var port: Int?
        if let listen {
            let parts = listen.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, let p = Int(parts[1]), (0...65535).contains(p) else {
                throw Context.usage("--listen \(listen): expected HOST:PORT such as 0.0.0.0:8080")
            }
            host = String(parts[0])
            port = p
        }
        // Alone at a gate, serve runs the daily jobs the guard terminal would run.
        let jobs = DailyJobs(gate: context.gate) { printError($0) }
        jobs.start()
        // And the building log, as the terminal would; its state changes go to stderr (the
        // journal under systemd), once each.
        let worker: SyncWorker?
        do {
            let last = LastSaid()
            worker = try context.gate.makeBuildingWorker { status in
                let line: String
                switch status.link {
                case .starting: return
                case .online: line = "building: online"
                case .offline(let since, let why): line = "building: offline since \(ISOTime.format(since)) (\(why)); \(status.waiting) event(s) waiting"
                case .refused(let why): line = "building: \(why)"
                }
                if last.swap(line) != line { printError(line) }
            }
        } catch {
            printError("building: \(error.description)")
            throw ExitCode(1)
        }
        worker?.start()
        defer { worker?.stop() }
        // The outbox's worker: hosts are told, and asked, from here when no terminal runs.
        var gate = context.gate
        let notifier = gate.makeNotifier()
        gate.notifier = notifier
        notifier.start()
        defer { notifier.stop() }
        let web = WebService()
        web.start(gate: gate, host: host, port: port, handleSignals: true) { printError($0) }
        let c = context.gate.config.checkinWeb
        writeOut("kiosk serve: http://\(host ?? c.host):\(port ?? c.port)/c/\(context.gate.config.venue.id)\n")
        web.wait()
        jobs.stop()
        if let problem = web.problem {
            printError("kiosk serve: \(problem)")
            throw ExitCode(1)
        }
    }
}

