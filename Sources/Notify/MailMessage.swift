import Foundation
import KioskCore

/// An RFC 5322 / MIME message: UTF-8 display names and subject as RFC 2047 encoded words, a
/// plain text and an HTML part in base64 (no line over 76 characters, whatever the relay), and
/// a Message-ID made from the outbox key, the same on every attempt.
public struct MailMessage: Equatable, Sendable {
    public var from: String
    public var fromName: String
    public var to: String
    public var toName: String
    public var subject: String
    public var text: String
    public var html: String
    public var messageID: String
    public var date: Date

    public init(from: String, fromName: String, to: String, toName: String, subject: String, text: String, html: String, key: String, date: Date) {
        self.from = from
        self.fromName = fromName
        self.to = to
        self.toName = toName
        self.subject = subject
        self.text = text
        self.html = html
        let domain = from.split(separator: "@").last.map(String.init) ?? "kiosk.invalid"
        messageID = "<\(key)@\(domain)>"
        self.date = date
    }

    /// The DATA of the SMTP conversation, CRLF line ends, before dot-stuffing.
    public var rendered: String {
        let boundary = "=_kiosk_" + String(messageID.filter { $0.isLetter || $0.isNumber }.prefix(24))
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        var lines = [
            "From: " + MailMessage.address(name: fromName, address: from),
            "To: " + MailMessage.address(name: toName, address: to),
            MailMessage.foldHeader(name: "Subject", encodedWords: MailMessage.encodedWords(subject)),
            "Date: " + f.string(from: date),
            "Message-ID: " + messageID,
            "MIME-Version: 1.0",
            "Auto-Submitted: auto-generated",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            "",
            "--" + boundary,
        ]
        lines += MailMessage.part("text/plain", text)
        lines.append("--" + boundary)
        lines += MailMessage.part("text/html", html)
        lines.append("--" + boundary + "--")
        lines.append("")
        return lines.joined(separator: "\r\n")
    }

    static func part(_ type: String, _ body: String) -> [String] {
        let b64 = Data(body.utf8).base64EncodedString()
        var lines = ["Content-Type: \(type); charset=utf-8", "Content-Transfer-Encoding: base64", ""]
        var i = b64.startIndex
        while i < b64.endIndex {
            let j = b64.index(i, offsetBy: 76, limitedBy: b64.endIndex) ?? b64.endIndex
            lines.append(String(b64[i..<j]))
            i = j
        }
        return lines
    }

    /// `"=?UTF-8?B?…?=" <a@b>`, or the bare address when there is no name.
    static func address(name: String, address: String) -> String {
        let clean = TextFolding.clean(name)
        guard !clean.isEmpty else { return "<\(address)>" }
        return encodedWords(clean).joined(separator: " ") + " <\(address)>"
    }

    /// RFC 2047 B encoded words of at most 75 characters each, never splitting a character:
    /// a Vietnamese name arrives with its diacritics in every mail reader.
    static func encodedWords(_ text: String) -> [String] {
        let clean = TextFolding.clean(text)
        if !clean.isEmpty, clean.count <= 60, clean.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == " " || $0 == "." || $0 == "-") }) {
            // Plain ASCII needs no encoding, but stays one "word" to fold at spaces.
            return [clean]
        }
        var words: [String] = []
        var chunk: [UInt8] = []
        // 75 - len("=?UTF-8?B?") - len("?=") = 63 base64 characters: 45 bytes of text.
        for ch in clean {
            let bytes = Array(String(ch).utf8)
            if chunk.count + bytes.count > 45, !chunk.isEmpty {
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words
    }

    /// `Subject: w1` then one continuation line per further word (folding whitespace between
    /// encoded words is ignored by readers, so the text joins up again).
    static func foldHeader(name: String, encodedWords words: [String]) -> String {
        guard let first = words.first else { return name + ": " }
        return ([name + ": " + first] + words.dropFirst().map { " " + $0 }).joined(separator: "\r\n")
    }
}
