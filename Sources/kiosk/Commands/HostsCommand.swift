import ArgumentParser
import Foundation
import Gate
import KioskCore
import Notify
import Records

/// `kiosk hosts`: the directory of people who receive visitors (issue 17).
struct HostsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hosts", abstract: "The host directory: who is told when their visitor arrives.",
        subcommands: [Import.self, List.self, Remove.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a UTF-8 CSV with the header name,department,email,phone,webhook.",
            discussion: "A host already in the directory (same name and department, ignoring case and diacritics) is updated. One bad line imports nothing.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The CSV file.") var file: String

        func run() throws {
            let context = try Context.make(global, autoCheckout: false)
            // Bounded before reading: a wrong path to a huge file must not fill the memory.
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? nil
            guard let size else {
                printError(L10n.text(.hostsFileProblem, context.language, [file, "cannot be read: check the path and permissions"]))
                throw ExitCode(1)
            }
            guard size <= HostDirectoryFile.maxBytes, let data = FileManager.default.contents(atPath: file) else {
                printError(L10n.text(.hostsFileProblem, context.language, [file, "over 4 MiB or unreadable; is it the host directory?"]))
                throw ExitCode(1)
            }
            do {
                let (r, total) = try context.gate.importHosts(csv: data)
                writeOut(L10n.text(.hostsImported, context.language, [String(r.added), String(r.updated), String(r.unchanged), String(total)]) + "\n")
            } catch let e as HostFileRefused {
                printError(L10n.text(.hostsFileProblem, context.language, [TextFolding.terminalSafe(file), e.problem]))
                throw ExitCode(1)
            } catch {
                throw context.fail(error)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the host directory.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "One JSON array.") var json = false

        func run() throws {
            let context = try Context.make(global, autoCheckout: false)
            let hosts: [HostRecord]
            do { hosts = try context.gate.hostDirectory() } catch { throw context.fail(error) }
            if json {
                struct Out: Encodable {
                    var id: Int64, name: String, department: String, email: String?, phone: String?, webhook: String?, updated_at: String
                }
                writeOut(JSONOutput.encode(hosts.map {
                    Out(id: $0.id, name: $0.name, department: $0.department, email: $0.email, phone: $0.phone, webhook: $0.webhook.map(WebhookAddress.redacted),
                        updated_at: context.calendar.localTimestamp($0.updatedAt))
                }) + "\n")
                return
            }
            guard !hosts.isEmpty else { return writeOut(L10n.text(.hostsNone, context.language) + "\n") }
            var out = ""
            for h in hosts {
                var parts = ["#\(h.id)", h.label]
                if let e = h.email { parts.append(e) }
                if let p = h.phone { parts.append(p) }
                if let w = h.webhook { parts.append("webhook " + WebhookAddress.redacted(w)) }
                out += TextFolding.terminalSafe(parts.joined(separator: "  ")) + "\n"
            }
            writeOut(out)
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a host by the number hosts list shows.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: Int64

        func run() throws {
            let context = try Context.make(global, autoCheckout: false)
            do {
                let h = try context.gate.removeHost(id: id)
                writeOut(TextFolding.terminalSafe(L10n.text(.hostRemoved, context.language, [String(id), h.label])) + "\n")
            } catch {
                throw context.fail(error)
            }
        }
    }
}
