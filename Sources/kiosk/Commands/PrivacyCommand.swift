import ArgumentParser
import Foundation
import Gate
import KioskCore
import VenueCode

extension Language: ExpressibleByArgument {}

/// `kiosk privacy …`: the visitor's rights under Law 91/2025 (find, hand over, erase), the
/// requests answered, the processing record, and the notice the guard gives.
struct PrivacyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacy", abstract: "Personal data (Law 91/2025): find, export or erase one person's data; requests; the processing record.",
        subcommands: [Find.self, Export.self, Erase.self, Requests.self, Report.self, Notice.self])

    /// Who the request is about: exactly one of the keys.
    struct Person: ParsableArguments {
        @Option(name: .customLong("id-number"), help: "ID card, CMND, passport or BHYT number (spaces and dots ignored).") var idNumber: String?
        @Option(help: "Phone number.") var phone: String?

        var subject: PrivacySubject { PrivacySubject(idNumber: idNumber, phone: phone) }
        var given: Int { [idNumber, phone].compactMap { $0 }.count }
    }

    /// "1 visit", "2 visits" (English; Vietnamese has no plural).
    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    static func who(_ by: String?) -> String {
        let env = ProcessInfo.processInfo.environment
        return by ?? env["KIOSK_GUARD"] ?? env["USER"] ?? "supervisor"
    }

    struct Find: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every visit, watch-list entry and invitation about a person.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var person: Person
        @Option(help: "Part of the name (diacritics and case ignored).") var name: String?
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            if person.given + (name == nil ? 0 : 1) != 1 {
                throw Context.usage("give exactly one of --id-number, --phone or --name")
            }
        }

        func run() throws {
            let context = try Context.make(global, autoCheckout: false)
            let found: PrivacyFindings
            do {
                var subject = person.subject
                subject.name = name
                found = try context.gate.privacyFind(subject)
            } catch {
                throw context.fail(error)
            }
            let doc = PrivacyDocument(found, gate: context.gate, subject: nil, full: false)
            if json {
                writeOut(JSONOutput.encode(doc) + "\n")
            } else {
                writeOut(doc.text(context.language, calendar: context.calendar))
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hand a person what is held about them (an access request); the request is recorded in the chain, not the data.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var person: Person
        @Option(help: "FILE (written 0600), or - for standard output (default).") var output: String?
        @Option(help: "json (English keys) or text (readable, in --lang).") var format: String = "json"
        @Option(help: "vi or en for the text format (default: [ui] language).") var lang: Language?
        @Option(name: .customLong("request-date"), help: "The day the request arrived, YYYY-MM-DD (default: today).") var requestDate: String?
        @Option(help: "Who answers the request (default: $KIOSK_GUARD or the login name).") var by: String?

        func validate() throws {
            if person.given != 1 { throw Context.usage("give exactly one of --id-number or --phone") }
            if !["json", "text"].contains(format) { throw Context.usage("--format \(TextFolding.clean(String(format.prefix(20)))): expected json or text") }
        }

        func run() throws {
            let context = try Context.make(global, autoCheckout: false)
            do {
                let found = try context.gate.privacyAccess(person.subject, receivedDay: requestDate)
                let doc = PrivacyDocument(found, gate: context.gate, subject: person.subject.shown, full: true)
                let body = format == "json" ? JSONOutput.encode(doc) + "\n" : doc.text(lang ?? context.language, calendar: context.calendar)
                // Recorded as answered only once the answer is written.
                var file: String?
                if let output, output != "-" {
                    try context.refuseOwnFile(output)
                    try SecureFiles.writeAtomically(Array(body.utf8), to: output)
                    file = URL(fileURLWithPath: output).standardizedFileURL.path
                } else {
                    writeOut(body)
                }
                try context.gate.recordAccessAnswered(person.subject, visits: found.visits.count, by: PrivacyCommand.who(by), receivedDay: requestDate, file: file)
                if let output, output != "-" {
                    writeOut((context.language == .vi ? "Đã ghi \(found.visits.count) lượt vào \(output)" : "Wrote \(PrivacyCommand.count(found.visits.count, "visit")) to \(output)") + "\n")
                }
            } catch let e as ExitCode {
                throw e
            } catch {
                throw context.fail(error)
            }
        }
    }

    struct Erase: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a person's data from every visit (bytes gone from the file and WAL; the chain still verifies).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var person: Person
        @Option(name: .customLong("code"), help: "A visit to erase by its entry code (repeatable): visits found with privacy find --name that carry no number.") var codes: [String] = []
        @Option(help: "Why (the request), recorded in the chain; not the requester's personal data.") var reason: String?
        @Option(name: .customLong("request-date"), help: "The day the request arrived, YYYY-MM-DD (default: today).") var requestDate: String?
        @Option(help: "Who carries it out (default: $KIOSK_GUARD or the login name).") var by: String?
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            if person.given + (codes.isEmpty ? 0 : 1) != 1 { throw Context.usage("give exactly one of --id-number, --phone or --code (repeatable)") }
            if reason == nil { throw Context.usage("--reason is needed: why the data is erased (it is recorded in the chain)") }
        }

        func run() throws {
            let context = try Context.make(global)
            let report: ErasureReport
            do {
                var subject = person.subject
                subject.codes = codes
                report = try context.gate.privacyErase(subject, reason: reason ?? "", by: PrivacyCommand.who(by), receivedDay: requestDate)
            } catch {
                throw context.fail(error)
            }
            let vi = context.language == .vi
            if json {
                struct Out: Encodable {
                    var erased: [String]
                    var still_open: [String]
                    var watch_list_kept: [Int64]
                    var invitations_erased: [String]
                    var invitations_same_name_kept: [String]
                    var wipe_pending: Bool
                    var exports_rewritten: [[String: String]]
                    var exports_elsewhere: [String]
                    var request: Int64
                }
                writeOut(JSONOutput.encode(Out(
                    erased: report.erased, still_open: report.open, watch_list_kept: report.watch.map(\.id),
                    invitations_erased: report.invitations.map(\.id), invitations_same_name_kept: report.sameName.map(\.id),
                    wipe_pending: report.wipePending,
                    exports_rewritten: report.rewritten.map { ["file": $0.path, "rows_removed": String($0.removed), "sha256": $0.sha256] },
                    exports_elsewhere: report.elsewhere, request: report.requestID)) + "\n")
            } else {
                var out = report.erased.isEmpty && !report.open.isEmpty
                    ? (vi ? "Chưa xóa được gì: người này còn lượt vào đang mở (yêu cầu #\(report.requestID) ghi nhận là chưa trả lời).\n"
                          : "Nothing erased yet: this person has a visit still open (request #\(report.requestID) is recorded as not yet answered).\n")
                    : report.erased.isEmpty
                    ? (vi ? "Không có lượt vào nào của người này để xóa; không thay đổi lượt nào, chỉ ghi nhận yêu cầu #\(report.requestID).\n"
                          : "No visit of this person to erase; no visit changed, request #\(report.requestID) recorded.\n")
                    : (vi ? "Đã xóa dữ liệu cá nhân của \(report.erased.count) lượt vào: \(report.erased.joined(separator: ", ")) (yêu cầu #\(report.requestID)).\n"
                          : "Erased the personal data of \(PrivacyCommand.count(report.erased.count, "visit")): \(report.erased.joined(separator: ", ")) (request #\(report.requestID)).\n")
                if !report.open.isEmpty {
                    out += vi ? "Chưa xóa \(report.open.count) lượt còn mở (đang ở trong hoặc chờ xác nhận): \(report.open.joined(separator: ", ")); cho ra rồi chạy lại.\n"
                              : "Not erased, still open (inside or waiting): \(report.open.joined(separator: ", ")); check out and run again.\n"
                }
                for f in report.rewritten {
                    out += vi ? "Đã viết lại \(f.path): bỏ \(f.removed) dòng, sha256 mới \(f.sha256).\n" : "Rewrote \(f.path): \(PrivacyCommand.count(f.removed, "row")) removed, new sha256 \(f.sha256).\n"
                }
                for f in report.elsewhere {
                    out += vi ? "Tệp ngoài export_dir vẫn chứa lượt vào đã xóa: \(f) — xóa hoặc sửa bằng tay.\n" : "A file outside export_dir still holds erased visits: \(f) — remove or edit it by hand.\n"
                }
                if !report.watch.isEmpty {
                    let tags = report.watch.map(\.tag).joined(separator: ", ")
                    out += vi ? "Danh sách cần lưu ý có \(report.watch.count) mục về người này (\(tags)): yêu cầu xóa không xóa mục này; gỡ bằng kiosk watchlist remove nếu không còn cần.\n"
                              : "The watch list has \(report.watch.count) entries about this person (\(tags)): an erasure request does not remove them; use kiosk watchlist remove if no longer needed.\n"
                }
                if report.wipePending {
                    out += vi ? "Một chương trình khác đang đọc nhật ký: dữ liệu đã xóa khỏi các bảng, phần còn trong tệp sẽ được xóa hẳn ở lần bảo trì tới (trong một phút khi kiosk đang chạy, hoặc kiosk maintenance).\n"
                              : "Another program is reading the log: the data is gone from the tables; its bytes are wiped from the file at the next maintenance (within a minute while the kiosk runs, or kiosk maintenance).\n"
                }
                if !report.sameName.isEmpty {
                    let ids = report.sameName.map { String($0.id.prefix(8)) }.joined(separator: ", ")
                    out += vi ? "Thư mời trùng tên nhưng không có lượt vào nào của người này dùng: \(ids) — không xóa; kiểm tra và thu hồi nếu đúng là của họ.\n"
                              : "Invitations with the same name that none of this person's visits used: \(ids) — not erased; check them and revoke if they are theirs.\n"
                }
                if !report.invitations.isEmpty {
                    let ids = report.invitations.map { String($0.id.prefix(8)) }.joined(separator: ", ")
                    out += vi ? "Đã xóa thư mời đứng tên người này: \(ids) (không còn dùng để vào được).\n"
                              : "Erased the invitations in this person's name: \(ids) (they no longer admit).\n"
                }
                writeOut(out)
            }
        }
    }

    struct Requests: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Access and erasure requests with their deadlines (acknowledge in 2 working days, erase in 20 days).")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let context = try Context.make(global, autoCheckout: false)
            let gate = context.gate
            let all: [PrivacyRequest]
            do { all = try gate.privacyRequests() } catch { throw context.fail(error) }
            if json {
                struct Out: Encodable {
                    var id: Int64, kind: String, subject: String, received: String, acknowledge_by: String, due: String
                    var answered_at: String?, on_time: Bool, by: String, reason: String?, visits: Int, outcome: String
                }
                let cal = gate.calendar
                let rows = all.map { r -> Out in
                    let received = VenueDay(r.receivedDay) ?? cal.day(of: r.recordedAt)
                    let due = RequestDeadlines.answerBy(r.kind, received, calendar: cal)
                    return Out(
                        id: r.id, kind: r.kind.rawValue, subject: r.subject, received: r.receivedDay,
                        acknowledge_by: RequestDeadlines.acknowledgeBy(received, calendar: cal).description, due: due.description,
                        answered_at: r.answeredAt.map(ISOTime.format), on_time: r.answeredAt.map { cal.day(of: $0) <= due } ?? false,
                        by: r.by, reason: r.reason, visits: r.visits, outcome: r.outcome)
                }
                writeOut(JSONOutput.encode(rows) + "\n")
            } else if all.isEmpty {
                writeOut(context.language == .vi ? "Chưa có yêu cầu nào.\n" : "No requests yet.\n")
            } else {
                writeOut(all.map { gate.requestLine($0, context.language) }.joined(separator: "\n") + "\n")
            }
        }
    }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The processing record for the impact assessment, from the configuration and the log.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "text or pdf.") var format: String = "text"
        @Option(help: "vi (default) or en.") var lang: Language = .vi
        @Option(help: "FILE (written 0600); default: standard output (a PDF only when it is not a terminal).") var output: String?

        func validate() throws {
            if !["text", "pdf"].contains(format) { throw Context.usage("--format \(TextFolding.clean(String(format.prefix(20)))): expected text or pdf") }
        }

        func run() throws {
            let context = try Context.make(global, autoCheckout: false)
            do {
                let sections = try context.gate.privacyReport(lang)
                let bytes: [UInt8]
                if format == "pdf" {
                    if output == nil || output == "-", isatty(STDOUT_FILENO) == 1 {
                        throw Context.usage("a PDF is not for the terminal: give --output FILE or redirect standard output")
                    }
                    bytes = try TextDocument(
                        title: sections.first?.title ?? "kiosk", sections: sections.map { TextDocument.Section(title: $0.title, lines: $0.lines) }
                    ).pdf()
                } else {
                    let text = sections.map { s in ([s.title, String(repeating: "=", count: min(60, s.title.count))] + s.lines).joined(separator: "\n") }
                        .joined(separator: "\n\n") + "\n"
                    bytes = Array(TextFolding.terminalSafe(text).utf8)
                }
                if let output, output != "-" {
                    try context.refuseOwnFile(output)
                    try SecureFiles.writeAtomically(bytes, to: output)
                } else {
                    writeOutBytes(bytes)
                }
            } catch let e as ExitCode {
                throw e
            } catch {
                throw context.fail(error)
            }
        }
    }

    struct Notice: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The data notice the guard reads out or posts at the desk (its hash is recorded with each visit).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "vi or en (default: [ui] language).") var lang: Language?

        func run() throws {
            let context = try Context.make(global, autoCheckout: false)
            writeOut(context.gate.privacyNotice(lang) + "\n")
        }
    }
}
