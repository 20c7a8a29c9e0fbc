import ArgumentParser
import Gate
import KioskCore

struct CheckoutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkout", abstract: "Close a visit by its entry code (or KOUT: code) or by badge number.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The entry code, e.g. K7QX4M or KOUT:K7QX4M.") var code: String?
    @Option(help: "The badge number handed back.") var badge: String?

    func validate() throws {
        if (code == nil) == (badge == nil) { throw Context.usage(global, .usageCodeOrBadge) }
    }

    func run() throws {
        let context = try Context.make(global)
        let result: GateService.CheckOutResult
        do {
            result = try code.map { try context.gate.checkOut(code: $0) } ?? context.gate.checkOut(badge: badge ?? "")
        } catch {
            throw context.fail(error)
        }
        writeOut(context.gate.message(for: result) + "\n")
    }
}
