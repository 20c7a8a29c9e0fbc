import ArgumentParser
import CheckinWeb
import Foundation
import Gate
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
        let web = WebService()
        web.start(gate: context.gate, host: host, port: port, handleSignals: true) { printError($0) }
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
