import Foundation
import KioskCore
import Records

/// What a host is told, in Vietnamese and English: the visitor's name, organisation and
/// purpose, the gate and the time, and (for a walk-in waiting for them) the approval link.
/// Never the id number, phone, temperature or answers: those stay at the gate.
public struct HostMessage: Equatable, Sendable {
    public var kind: OutboxItem.Kind
    public var building: String
    public var hostLabel: String
    public var visitorName: String
    public var organisation: String?
    public var purpose: String?
    public var gate: String
    public var arrivedAt: Date
    /// `14:05`, in the venue's zone.
    public var localTime: String
    /// ISO 8601 with the venue's offset, for machines.
    public var isoTime: String
    public var approvalURL: String?
    /// The idempotency key (outbox key).
    public var key: String

    public init(item: OutboxItem, visit: Entry, config: KioskConfig, approvalURL: String?) {
        kind = item.kind
        building = config.venue.name
        hostLabel = item.hostName
        visitorName = visit.details.name
        organisation = visit.details.organisation.flatMap { $0.isEmpty ? nil : $0 }
        purpose = visit.details.purpose.flatMap { $0.isEmpty ? nil : $0 }
        gate = visit.gate
        arrivedAt = visit.checkedInAt
        localTime = config.calendar.slipTimestamp(visit.checkedInAt)
        let f = ISO8601DateFormatter()
        f.timeZone = config.venue.timeZone
        f.formatOptions = [.withInternetDateTime]
        isoTime = f.string(from: visit.checkedInAt)
        self.approvalURL = approvalURL
        key = item.key
    }

    public var subject: String {
        switch kind {
        case .arrival: "Khách của anh/chị đã đến: \(visitorName) / Your visitor has arrived"
        case .approval: "Khách chờ anh/chị đồng ý: \(visitorName) / Your visitor is waiting for your approval"
        }
    }

    /// The facts, one per line, as `label: value` pairs in one language.
    private func facts(_ vi: Bool) -> [(String, String)] {
        var list: [(String, String)] = [(vi ? "Khách" : "Visitor", visitorName)]
        if let organisation { list.append((vi ? "Đơn vị" : "Organisation", organisation)) }
        if let purpose { list.append((vi ? "Mục đích" : "Purpose", purpose)) }
        list.append((vi ? "Cổng" : "Gate", gate))
        list.append((vi ? "Giờ đến" : "Arrived", localTime))
        return list
    }

    private func lead(_ vi: Bool) -> String {
        switch (kind, vi) {
        case (.arrival, true): "Khách của anh/chị đã đến \(building)."
        case (.arrival, false): "Your visitor has arrived at \(building)."
        case (.approval, true): "Khách đang chờ ở cổng \(building). Anh/chị có đồng ý cho vào không?"
        case (.approval, false): "A visitor is waiting at the gate of \(building). Do you let them in?"
        }
    }

    private func linkLine(_ vi: Bool) -> String? {
        guard let approvalURL else { return nil }
        return (vi ? "Đồng ý hoặc từ chối: " + approvalURL : "Approve or refuse: " + approvalURL + "&lang=en")
    }

    public var plainText: String {
        var lines: [String] = []
        for vi in [true, false] {
            lines.append(lead(vi))
            lines.append("")
            for (label, value) in facts(vi) { lines.append("\(label): \(value)") }
            if let link = linkLine(vi) { lines.append(""); lines.append(link) }
            lines.append("")
            if vi { lines.append("-- ") ; lines.append("") }
        }
        lines.append(footer)
        return lines.joined(separator: "\r\n")
    }

    private var footer: String {
        "Tin nhắn tự động từ máy kiosk của \(building); đừng trả lời thư này. / An automatic message from the check-in kiosk of \(building); do not reply."
    }

    public var html: String {
        func esc(_ s: String) -> String { HostMessage.escapeHTML(s) }
        var out = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body style=\"font-family:sans-serif\">"
        for vi in [true, false] {
            out += "<div lang=\"\(vi ? "vi" : "en")\"><p>\(esc(lead(vi)))</p><table>"
            for (label, value) in facts(vi) { out += "<tr><th align=\"left\">\(esc(label))</th><td>\(esc(value))</td></tr>" }
            out += "</table>"
            if let approvalURL {
                out += "<p><a href=\"\(esc(approvalURL + (vi ? "" : "&lang=en")))\">\(esc(vi ? "Đồng ý hoặc từ chối" : "Approve or refuse"))</a></p>"
            }
            out += "</div><hr>"
        }
        out += "<p style=\"color:#666\">\(esc(footer))</p></body></html>"
        return out
    }

    /// The webhook's JSON: `text` (what Mattermost, Rocket.Chat, Slack and Teams incoming
    /// webhooks show) plus the same facts as fields, and the idempotency key.
    public var webhookJSON: Data {
        var text = lead(true) + " / " + lead(false) + "\n"
        text += facts(false).enumerated().map { i, pair in "\(facts(true)[i].0) / \(pair.0): \(pair.1)" }.joined(separator: "\n")
        if let approvalURL { text += "\n" + "Đồng ý hoặc từ chối / Approve or refuse: " + approvalURL }
        var visitor: [String: Any] = ["name": visitorName]
        if let organisation { visitor["organisation"] = organisation }
        if let purpose { visitor["purpose"] = purpose }
        var body: [String: Any] = [
            "text": text,
            "event": kind == .arrival ? "visitor.arrived" : "visitor.awaiting_approval",
            "idempotency_key": key,
            "building": building,
            "host": hostLabel,
            "gate": gate,
            "time": isoTime,
            "visitor": visitor,
        ]
        if let approvalURL { body["approval_url"] = approvalURL }
        return (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }

    static func escapeHTML(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                if ch.value < 0x20 || ch.value == 0x7F { out += " " } else { out.unicodeScalars.append(ch) }
            }
        }
        return out
    }
}
