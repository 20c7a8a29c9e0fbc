import ArgumentParser
import Foundation
import Gate
import KioskCore

struct InviteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invite", abstract: "Building invitations: issue a signed KIV1 code, revoke one, list them.",
        subcommands: [Issue.self, Revoke.self, List.self], defaultSubcommand: Issue.self)

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue an invitation; prints the KIV1 code (and its QR with --png).")

        @OptionGroup var global: GlobalOptions
        @Option var name: String
        @Option(help: "Person or department visited.") var host: String
        @Option var purpose: String?
        @Option(help: "Valid from: YYYY-MM-DD, 'YYYY-MM-DD HH:MM' (venue time) or ISO 8601 (default: now).") var from: String?
        @Option(help: "Valid until: as --from; a bare day means the end of that day.") var until: String
        @Option(help: "Entries allowed.") var uses = 1
        @Option(help: "Also write the invitation's QR code as a PNG.") var png: String?
        @Flag var json = false

        func validate() throws {
            if !(1...1000).contains(uses) { throw Context.usage(global, .usageUsesRange) }
        }

        func run() throws {
            let context = try Context.make(global, autoCheckout: false)
            let cal = context.calendar
            let start = try from.map { try parseMoment($0, cal, endOfDay: false, context.language) } ?? context.gate.clock.now()
            let end = try parseMoment(until, cal, endOfDay: true, context.language)
            do {
                let (code, record) = try context.gate.issueInvitation(name: name, host: host, purpose: purpose, from: start, until: end, uses: uses)
                if let png {
                    try context.gate.writeFile(try context.gate.venueCodeFile(format: .png, poster: false, gate: context.gate.config.venue.gate, payload: code, scale: 8), to: png)
                }
                if json {
                    struct Out: Encodable {
                        var id: String
                        var code: String
                        var name: String
                        var host: String
                        var from: String
                        var until: String
                        var uses: Int
                    }
                    writeOut(JSONOutput.encode(Out(id: record.id, code: code, name: record.name, host: record.host,
                        from: ISOTime.format(start), until: ISOTime.format(end), uses: record.uses)) + "\n")
                } else {
                    writeOut(code + "\n")
                    writeOut(L10n.text(.inviteIssued, context.language, [record.id, record.name, cal.localTimestamp(start), cal.localTimestamp(end), String(record.uses)]) + "\n")
                }
            } catch {
                throw context.fail(error)
            }
        }

        func parseMoment(_ text: String, _ cal: VenueCalendar, endOfDay: Bool, _ language: Language) throws -> Date {
            if let d = ISOTime.parse(text) { return d }
            if let day = VenueDay(text) { return endOfDay ? cal.interval(of: day).end.addingTimeInterval(-1) : cal.start(of: day) }
            // `2026-12-02 18:00` and ISO 8601's `2026-12-02T18:00` are venue time; with a zone
            // (`2026-12-02T18:00+07:00`, `…Z`) the seconds ISO 8601 lets one leave out are added.
            let parts = text.split(omittingEmptySubsequences: true) { $0 == " " || $0 == "T" }
            if parts.count == 2, let day = VenueDay(String(parts[0])) {
                if let t = TimeOfDay(String(parts[1])) { return cal.date(on: day, at: t) }
                let clock = parts[1]
                if clock.count > 5, TimeOfDay(String(clock.prefix(5))) != nil, let d = ISOTime.parse("\(parts[0])T\(clock.prefix(5)):00\(clock.dropFirst(5))") {
                    return d
                }
            }
            throw Context.usage(L10n.text(.invalidMoment, language, [TextFolding.clean(text)]))
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an invitation by its id (or its first 8+ hex digits).")
        @OptionGroup var global: GlobalOptions
        @Argument var id: String

        func run() throws {
            let context = try Context.make(global, autoCheckout: false)
            do {
                let inv = try context.gate.revokeInvitation(id)
                writeOut("\(inv.id) \(inv.name): \(L10n.text(.inviteListRevoked, context.language))\n")
            } catch {
                throw context.fail(error)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Invitations issued here.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let context = try Context.make(global, autoCheckout: false)
            let cal = context.calendar
            do {
                var out = ""
                // Uses left, not the total: what a guard or host wants to know (issue 22 #15).
                for (inv, left) in try context.gate.invitationsWithUsesLeft() {
                    let state = inv.revokedAt != nil ? L10n.text(.inviteListRevoked, context.language)
                        : L10n.text(.inviteListUsesLeft, context.language, [String(left), String(inv.uses)])
                    out += "\(inv.id.prefix(12))  \(inv.name)  → \(inv.host)  \(cal.localTimestamp(inv.notBefore)) – \(cal.localTimestamp(inv.expires))  \(state)\n"
                }
                writeOut(out)
            } catch {
                throw context.fail(error)
            }
        }
    }
}

struct TrustCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust", abstract: "Signer certificates trusted for HC1 codes ([passes] trust_dir).",
        subcommands: [Import.self, List.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add certificates from PEM, DER, base64 DER or a WHO GDHCN / DID trust list.")
        @OptionGroup var global: GlobalOptions
        @Argument var file: String

        func run() throws {
            let context = try Context.make(global, autoCheckout: false)
            do {
                let result = try context.gate.importTrust(file: file)
                writeOut(L10n.text(.trustImported, context.language, [String(result.added), context.gate.config.passes.trustDir]) + "\n")
                if result.authoritiesSkipped > 0 {
                    writeOut(L10n.text(.trustAuthoritiesSkipped, context.language, [String(result.authoritiesSkipped)]) + "\n")
                }
            } catch {
                throw context.fail(error)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issuer country, kid, validity and usage of each certificate.")
        @OptionGroup var global: GlobalOptions
        @Flag var json = false

        func run() throws {
            let context = try Context.make(global, autoCheckout: false)
            struct Row: Encodable {
                var country: String?
                var subject: String?
                var kid: String
                var not_before: String
                var not_after: String
                var usage: [String]
            }
            let rows = context.gate.trust.signers.map { s in
                Row(country: s.country, subject: s.subjectCommonName, kid: Data(s.kid).base64EncodedString(),
                    not_before: ISOTime.format(s.notValidBefore), not_after: ISOTime.format(s.notValidAfter),
                    usage: s.allowedTypes.map { $0.map(\.rawValue).sorted() } ?? ["any"])
            }
            if json {
                writeOut(JSONOutput.encode(rows) + "\n")
                return
            }
            // Country and subject come from the certificate: cleaned like every other input.
            writeOut(rows.map { "\(TextFolding.clean($0.country ?? "??"))  \($0.kid)  \($0.not_before.prefix(10)) – \($0.not_after.prefix(10))  \($0.usage.joined(separator: ","))  \(TextFolding.clean($0.subject ?? ""))" }.joined(separator: "\n") + (rows.isEmpty ? "" : "\n"))
        }
    }
}
