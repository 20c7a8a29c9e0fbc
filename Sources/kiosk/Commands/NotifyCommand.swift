import ArgumentParser
import Foundation
import Gate
import KioskCore
import Notify
import Records

/// `kiosk notify`: the outbox of messages to hosts (issue 17).
struct NotifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify", abstract: "Messages to hosts: deliver what is due, or show what waits and why.",
        subcommands: [Run.self, Status.self])

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deliver every message due now, once (the guard terminal and kiosk serve do this all the time).",
            discussion: "Exit status 0 even when a receiver is down: the message waits and is retried; kiosk notify status says why.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let context = try Context.make(global, autoCheckout: false)
            let gate = context.gate
            let notifier = Notifier(store: gate.store, config: gate.config, clock: gate.clock, links: gate.approvalLink)
            do {
                let r = try notifier.runOnce()
                writeOut(L10n.text(.notifyPass, context.language, [String(r.sent), String(r.retrying), String(r.failed), String(r.cancelled)]) + "\n")
                if let e = r.lastError { printError(TextFolding.terminalSafe(e)) }
            } catch {
                throw context.fail(error)
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "What waits, what failed and why, and what went today.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "One JSON array.") var json = false

        func run() throws {
            let context = try Context.make(global, autoCheckout: false)
            let items: [OutboxItem]
            do { items = try context.gate.outboxStatus() } catch { throw context.fail(error) }
            let cal = context.calendar
            if json {
                struct Out: Encodable {
                    var id: Int64, key: String, visit: String, kind: String, channel: String, host: String, recipient: String
                    var state: String, attempts: Int, created_at: String, next_attempt_at: String?, done_at: String?, last_error: String?
                }
                writeOut(JSONOutput.encode(items.map {
                    Out(id: $0.id, key: $0.key, visit: $0.visitCode, kind: $0.kind.rawValue, channel: $0.channel.rawValue, host: $0.hostName,
                        recipient: $0.channel == .webhook ? WebhookAddress.redacted($0.recipient) : $0.recipient,
                        state: $0.state.rawValue, attempts: $0.attempts, created_at: cal.localTimestamp($0.createdAt),
                        next_attempt_at: $0.state == .waiting ? cal.localTimestamp($0.nextAttemptAt) : nil,
                        done_at: $0.doneAt.map(cal.localTimestamp), last_error: $0.lastError)
                }) + "\n")
                return
            }
            guard !items.isEmpty else { return writeOut(L10n.text(.notifyNothing, context.language) + "\n") }
            var out = ""
            for i in items {
                let recipient = i.channel == .webhook ? WebhookAddress.redacted(i.recipient) : i.recipient
                var line = "\(i.state.rawValue)  \(cal.localTime(i.createdAt))  \(i.visitCode)  \(i.kind.rawValue)  \(i.channel.rawValue) \(recipient)  \(i.hostName)  attempts=\(i.attempts)"
                if i.state == .waiting { line += "  next=\(cal.localTime(i.nextAttemptAt))" }
                if let e = i.lastError { line += "  — \(e)" }
                out += TextFolding.terminalSafe(line) + "\n"
            }
            writeOut(out)
        }
    }
}
