import Foundation
import KioskCore
import Records

/// What is held about one person, as `kiosk privacy find` shows it to the supervisor and
/// `kiosk privacy export` hands it to the person: English keys in JSON, readable text in
/// Vietnamese or English. `full`: the person's own phone unmasked (it is theirs); the id
/// number is as the log keeps it (`id_storage`).
public struct PrivacyDocument: Encodable, Sendable {
    public struct Visit: Encodable, Sendable {
        var code: String
        var gate: String
        var method: String
        var status: String
        var time_in: String
        var time_out: String?
        var name: String
        var id_number: String?
        var phone: String?
        var organisation: String?
        var host: String?
        var purpose: String?
        var address: String?
        var badge: String?
        var temperature: Double?
        var symptoms: Bool?
        var answers: [String: String]?
        var decision: String
        var consent: ConsentRecord?
    }

    public struct Watch: Encodable, Sendable {
        var entry: String
        var action: String
        var note: String?
        var since: String
    }

    public struct Invitation: Encodable, Sendable {
        var id: String
        var name: String
        var host: String
        var valid_from: String
        var valid_until: String
        var revoked: Bool
    }

    public struct Text: Encodable, Sendable {
        var sha256: String
        var version: String
        var language: String
        var channel: String
        var text: String
    }

    var about: String?
    var controller: String
    var contact: String?
    var retention_days: Int
    var written_at: String
    var explanation: [String: String]
    var visits: [Visit]
    var watch_list: [Watch]
    var invitations: [Invitation]
    /// Only in `find`: invitations that share the name but no visit of the person used.
    var same_name_invitations: [Invitation]?
    var consent_texts: [Text]

    public init(_ f: PrivacyFindings, gate: GateService, subject: String?, full: Bool) {
        let cal = gate.calendar
        let c = gate.config
        about = subject
        controller = c.privacy.controller
        contact = c.privacy.contact.isEmpty ? nil : c.privacy.contact
        retention_days = c.records.retentionDays
        written_at = cal.localTimestamp(gate.clock.now())
        explanation = [
            "vi": "Dữ liệu \(c.privacy.controller) đang lưu về bạn: các lượt ra vào (lưu \(c.records.retentionDays) ngày rồi tự động xóa), danh sách cần lưu ý và thư mời nếu có. Bạn có thể yêu cầu sửa hoặc xóa.",
            "en": "The data \(c.privacy.controller) holds about you: your visits (kept \(c.records.retentionDays) days, then erased automatically), watch-list entries and invitations if any. You may ask for corrections or erasure.",
        ]
        visits = f.visits.map { e in
            let answers = ConsentRecord.answers(e.declaration)
            return Visit(
                code: e.code, gate: e.gate, method: e.method.rawValue, status: e.status.rawValue,
                time_in: cal.localTimestamp(e.checkedInAt), time_out: (e.checkedOutAt ?? e.autoClosedAt).map(cal.localTimestamp),
                name: e.details.name, id_number: e.idStorage == .hashed ? nil : e.details.idNumber.map { full ? $0 : Masking.mask($0) },
                phone: e.details.phone.map { full ? $0 : Masking.mask($0) }, organisation: e.details.organisation, host: e.details.host,
                purpose: e.details.purpose, address: e.details.address, badge: e.badge, temperature: e.temperature, symptoms: e.symptoms,
                answers: answers.isEmpty ? nil : answers, decision: e.finalDecision, consent: ConsentRecord(declaration: e.declaration))
        }
        watch_list = f.watch.map { Watch(entry: $0.tag, action: $0.action.rawValue, note: $0.note, since: cal.localTimestamp($0.createdAt)) }
        invitations = f.invitations.map {
            Invitation(id: $0.id, name: $0.name, host: $0.host, valid_from: cal.localTimestamp($0.notBefore),
                       valid_until: cal.localTimestamp($0.expires), revoked: $0.revokedAt != nil)
        }
        same_name_invitations = f.sameName.isEmpty ? nil : f.sameName.map {
            Invitation(id: $0.id, name: $0.name, host: $0.host, valid_from: cal.localTimestamp($0.notBefore),
                       valid_until: cal.localTimestamp($0.expires), revoked: $0.revokedAt != nil)
        }
        consent_texts = f.consentTexts.map { Text(sha256: $0.sha256, version: $0.version, language: $0.language, channel: $0.channel, text: $0.text) }
    }

    /// Readable, one visit a line.
    public func text(_ lang: Language, calendar: VenueCalendar) -> String {
        let vi = lang == .vi
        var out = ""
        if let about { out += (vi ? "Về: " : "About: ") + about + "\n" }
        out += (explanation[lang.rawValue] ?? "") + "\n\n"
        out += (vi ? "Lượt ra vào" : "Visits") + ": \(visits.count)\n"
        for v in visits {
            var cells = [v.time_in + " → " + (v.time_out ?? "…"), v.gate, v.code, v.name.isEmpty ? (vi ? "(đã xóa)" : "(erased)") : v.name]
            cells += [v.id_number, v.phone, v.organisation, v.host.map { (vi ? "gặp " : "visiting ") + $0 }, v.purpose, v.address,
                      v.badge.map { "#" + $0 }].compactMap { $0 }
            if let t = v.temperature { cells.append(L10n.decimal(t, lang) + " °C") }
            if let c = v.consent {
                cells.append((vi ? "cơ sở: " : "basis: ") + c.basis + "/" + c.channel + (c.version.map { " v" + $0 } ?? ""))
            }
            out += "  " + cells.joined(separator: " · ") + "\n"
        }
        out += (vi ? "Danh sách cần lưu ý" : "Watch list") + ": \(watch_list.count)\n"
        for w in watch_list { out += "  \(w.entry) \(w.action) \(w.since)" + (w.note.map { " · " + $0 } ?? "") + "\n" }
        out += (vi ? "Thư mời" : "Invitations") + ": \(invitations.count)\n"
        for i in invitations { out += "  \(i.id.prefix(8)) \(i.name) · \(i.host) · \(i.valid_from) → \(i.valid_until)" + (i.revoked ? (vi ? " · đã thu hồi" : " · revoked") : "") + "\n" }
        if let same = same_name_invitations {
            out += (vi ? "Thư mời trùng tên (có thể của người khác)" : "Invitations with the same name (maybe someone else's)") + ": \(same.count)\n"
            for i in same { out += "  \(i.id.prefix(8)) \(i.name) · \(i.host) · \(i.valid_from) → \(i.valid_until)\n" }
        }
        if !consent_texts.isEmpty {
            out += (vi ? "Văn bản đã đồng ý / được thông báo" : "Texts agreed to or shown") + ":\n"
            for t in consent_texts { out += "  [\(t.channel), \(t.version), sha256 \(t.sha256.prefix(16))…] \(t.text)\n" }
        }
        return out
    }
}
