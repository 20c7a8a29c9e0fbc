import Foundation
import KioskCore
import Records

/// Reads the host directory's CSV (`name,department,email,phone,webhook`, UTF-8, as exported
/// from a spreadsheet). All or nothing: one bad row refuses the file with its line, so a half
/// imported directory never tells some hosts and silently not others.
public enum HostDirectoryFile {
    public static let header = ["name", "department", "email", "phone", "webhook"]
    /// A building's staff list fits in far less; a larger file is a mistake (the wrong file).
    public static let maxBytes = 4 << 20
    public static let maxRows = 20_000

    public struct Problem: Error, Equatable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { line > 0 ? "line \(line): \(message)" : message }
    }

    public static func parse(_ data: Data) throws(Problem) -> [HostRecord] {
        guard data.count <= maxBytes else { throw Problem(line: 0, message: "the file is over \(maxBytes >> 20) MiB; is it the host directory?") }
        guard var text = String(data: data, encoding: .utf8) else {
            throw Problem(line: 0, message: "the file is not UTF-8 text; save it as \"CSV UTF-8\"")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let records = try split(text)
        guard let first = records.first else { throw Problem(line: 0, message: "the file is empty; the first line must be " + header.joined(separator: ",")) }
        let names = first.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard names == header else {
            throw Problem(line: first.line, message: "the first line must be exactly " + header.joined(separator: ",") + " (found " + String(names.joined(separator: ",").prefix(120)) + ")")
        }
        guard records.count - 1 <= maxRows else { throw Problem(line: 0, message: "more than \(maxRows) hosts; split the file") }
        var hosts: [HostRecord] = []
        var seen: [String: Int] = [:]
        for r in records.dropFirst() {
            if r.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            guard r.fields.count == header.count else {
                throw Problem(line: r.line, message: "expected \(header.count) fields (\(header.joined(separator: ","))), found \(r.fields.count); quote a value that contains a comma")
            }
            func field(_ i: Int) -> String { TextFolding.clean(r.fields[i]) }
            let name = field(0), department = field(1), email = field(2), phone = field(3), webhook = field(4)
            guard !name.isEmpty else { throw Problem(line: r.line, message: "the name is empty") }
            for (label, value) in [("name", name), ("department", department)] where value.count > 120 {
                throw Problem(line: r.line, message: "the \(label) is over 120 characters")
            }
            guard email.isEmpty || NotifySettings.isPlausibleAddress(email) else {
                throw Problem(line: r.line, message: "\"\(email.prefix(80))\" is not an e-mail address")
            }
            guard email.allSatisfy(\.isASCII) else {
                throw Problem(line: r.line, message: "\"\(email.prefix(80))\": only ASCII e-mail addresses can be delivered (write the domain in its xn-- form)")
            }
            var normalisedPhone: String?
            if !phone.isEmpty {
                let p = Validation.normalisePhone(phone)
                guard Validation.isValidPhone(p) else { throw Problem(line: r.line, message: "\"\(phone.prefix(40))\" is not a phone number") }
                normalisedPhone = p
            }
            // Shown by host only, also here: the whole address is the channel's secret.
            guard webhook.isEmpty || (NotifySettings.isPlausibleWebhook(webhook) && WebhookAddress.isUsable(webhook)) else {
                throw Problem(line: r.line, message: "the webhook \(WebhookAddress.redacted(webhook)) must be http(s)://HOST[:PORT]/PATH with an ASCII host, a port from 1 to 65535 and no user:password@")
            }
            let key = TextFolding.fold(name) + "\u{0}" + TextFolding.fold(department)
            if let earlier = seen[key] {
                throw Problem(line: r.line, message: "\(name) (\(department)) is already on line \(earlier)")
            }
            seen[key] = r.line
            hosts.append(HostRecord(
                name: name, department: department, email: email.isEmpty ? nil : email, phone: normalisedPhone,
                webhook: webhook.isEmpty ? nil : webhook))
        }
        return hosts
    }

    /// RFC 4180 records with the line each starts on: quoted fields may hold commas, quotes
    /// (doubled) and line breaks.
    static func split(_ text: String) throws(Problem) -> [(line: Int, fields: [String])] {
        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = [], field = "", inQuotes = false, quotedField = false
        var line = 1, recordLine = 1
        var chars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return chars.next()
        }
        func endRecord() {
            fields.append(field)
            records.append((recordLine, fields))
            fields = []
            field = ""
            quotedField = false
        }
        while let c = next() {
            if inQuotes {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; pending = n }
                    } else {
                        inQuotes = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !quotedField:
                inQuotes = true
                quotedField = true
            case ",":
                fields.append(field)
                field = ""
                quotedField = false
            case "\r":
                continue
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            default:
                if quotedField { throw Problem(line: line, message: "text after a closing quote; double a quote inside a quoted value (\"\")") }
                field.unicodeScalars.append(c)
            }
        }
        if inQuotes { throw Problem(line: recordLine, message: "a quoted value is never closed") }
        if !field.isEmpty || !fields.isEmpty || quotedField { endRecord() }
        return records
    }
}
