import ArgumentParser
import Gate
import KioskCore

extension WatchEntry.Action: ExpressibleByArgument {}

struct WatchlistCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watchlist", abstract: "People to refuse or to alert the guard about.",
        subcommands: [Add.self, Remove.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a person by name, id number and/or phone.")
        @OptionGroup var global: GlobalOptions
        @Option var name: String?
        @Option(name: .customLong("id-number"), help: "Stored only as its keyed hash.") var idNumber: String?
        @Option var phone: String?
        @Option(help: "deny or alert.") var action: WatchEntry.Action = .alert
        @Option var note: String?

        func run() throws {
            let context = try Context.make(global, autoCheckout: false)
            do {
                let id = try context.gate.addWatch(name: name, idNumber: idNumber, phone: phone, action: action, note: note)
                writeOut(L10n.text(.watchAdded, context.language, [String(id)]) + "\n")
            } catch {
                throw context.fail(error)
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an entry by its number.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: Int64

        func run() throws {
            let context = try Context.make(global, autoCheckout: false)
            do {
                try context.gate.removeWatch(id: id)
                writeOut(L10n.text(.watchRemoved, context.language, [String(id)]) + "\n")
            } catch {
                throw context.fail(error)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the watch list (id numbers appear only as hashes).")
        @OptionGroup var global: GlobalOptions
        @Flag var json = false

        func run() throws {
            let context = try Context.make(global, autoCheckout: false)
            let entries: [WatchEntry]
            do { entries = try context.gate.watchList() } catch { throw context.fail(error) }
            if json {
                writeOut(JSONOutput.encode(entries) + "\n")
                return
            }
            var out = ""
            for e in entries {
                var parts = ["#\(e.id)", e.action.rawValue]
                if let n = e.nameFolded { parts.append("name=\(n)") }
                if let h = e.idHash { parts.append("id=\(h.prefix(12))…") }
                if let p = e.phone { parts.append("phone=\(Masking.mask(p))") }
                if let note = e.note { parts.append("(\(note))") }
                out += parts.joined(separator: "  ") + "\n"
            }
            writeOut(out)
        }
    }
}
