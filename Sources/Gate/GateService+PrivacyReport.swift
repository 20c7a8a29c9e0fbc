import Foundation
import KioskCore
import Notify
import Records

/// One titled part of the processing record.
public struct ReportSection: Sendable, Equatable {
    public var title: String
    public var lines: [String]
}

/// Deadlines for answering a request. Working days skip Saturday and Sunday; public holidays
/// are not known to the kiosk, so a deadline over Tết is earlier than the law's, never later.
public enum RequestDeadlines {
    /// Acknowledge a request within 2 working days.
    public static let acknowledgeWorkingDays = 2
    /// Hand over the data within 72 hours (3 days) of an access request.
    public static let accessDays = 3
    /// Erase within 20 days of an erasure request.
    public static let erasureDays = 20

    public static func acknowledgeBy(_ received: VenueDay, calendar: VenueCalendar) -> VenueDay {
        var day = received
        var left = acknowledgeWorkingDays
        while left > 0 {
            day = calendar.day(adding: 1, to: day)
            let weekday = Calendar(identifier: .gregorian).component(.weekday, from: calendar.start(of: day).addingTimeInterval(12 * 3600))
            if weekday != 1 && weekday != 7 { left -= 1 }
        }
        return day
    }

    /// Never before the acknowledgement is due (3 days after a Thursday is a Sunday).
    public static func answerBy(_ kind: PrivacyRequest.Kind, _ received: VenueDay, calendar: VenueCalendar) -> VenueDay {
        max(calendar.day(adding: kind == .erasure ? erasureDays : accessDays, to: received), acknowledgeBy(received, calendar: calendar))
    }
}

extension GateService {
    /// The processing record for the impact assessment (Law 91/2025), from the configuration
    /// and the log as they are now. Vietnamese or English.
    public func privacyReport(_ lang: Language) throws -> [ReportSection] {
        let vi = lang == .vi
        func l(_ v: String, _ e: String) -> String { vi ? v : e }
        let c = config
        let p = c.privacy
        let now = clock.now()
        let stats = try store.privacyStats()
        var out: [ReportSection] = []

        out.append(ReportSection(title: l("Hồ sơ hoạt động xử lý dữ liệu cá nhân", "Record of personal data processing"), lines: [
            l("Lập lúc", "Written at") + ": " + calendar.localTimestamp(now) + " (" + c.venue.timeZone.identifier + ")",
            l("Bên kiểm soát và xử lý", "Controller and processor") + ": " + p.controller,
            l("Địa điểm", "Venue") + ": " + c.venue.name + (c.venue.address.isEmpty ? "" : ", " + c.venue.address) + " (" + c.venue.id + ")",
            l("Cổng", "Gates") + ": " + c.venue.gates.joined(separator: ", "),
            l("Liên hệ về dữ liệu cá nhân", "Contact for personal data") + ": " + (p.contact.isEmpty ? l("chưa cấu hình ([privacy] contact)", "not configured ([privacy] contact)") : p.contact),
            l("Căn cứ: Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15, Nghị định 356/2025/NĐ-CP.", "Under: Law 91/2025/QH15 on personal data protection, Decree 356/2025/ND-CP."),
        ]))

        out.append(ReportSection(title: l("Mục đích", "Purposes"), lines: [
            l("Kiểm soát người ra vào tòa nhà (ai đang ở trong, thẻ khách, danh sách cần lưu ý).", "Controlling entry to the building (who is inside, visitor badges, the watch list)."),
            l("Truy vết tiếp xúc khi cơ quan y tế yêu cầu.", "Tracing contacts when health authorities ask."),
            l("Không dùng cho mục đích khác; không quảng cáo, không bán, không chuyển ra nước ngoài.", "Used for nothing else: no marketing, no sale, no transfer abroad."),
        ]))

        let idStored: String = switch c.records.idStorage {
        case .full: l("lưu đầy đủ", "kept in full")
        case .masked: l("chỉ lưu 4 ký tự cuối", "only the last 4 characters kept")
        case .hashed: l("không lưu, chỉ mã băm có khóa", "not kept, only its keyed hash")
        }
        out.append(ReportSection(title: l("Dữ liệu thu thập", "Data collected"), lines: [
            l("Họ tên; đơn vị; người cần gặp; mục đích; số thẻ khách; giờ vào, giờ ra; cổng; bảo vệ ghi nhận.", "Name; organisation; person visited; purpose; badge number; times in and out; gate; the guard who recorded it."),
            l("Số giấy tờ (CCCD, căn cước, CMND, hộ chiếu, mã thẻ BHYT)", "ID number (CCCD, căn cước, CMND, passport, BHYT card number)") + ": " + idStored
                + l("; mã băm HMAC-SHA256 có khóa để nhận ra khách quay lại.", "; an HMAC-SHA256 keyed hash to recognise a returning visitor."),
            l("Số điện thoại (khách tự khai báo bắt buộc).", "Phone number (required for self check-in)."),
            l("Dữ liệu sức khỏe (dữ liệu nhạy cảm): nhiệt độ, triệu chứng, câu trả lời khai báo y tế, tóm tắt chứng nhận y tế (HC1).", "Health data (sensitive): temperature, symptoms, health declaration answers, a health certificate's summary (HC1)."),
            c.records.keepAddress ? l("Địa chỉ thường trú (keep_address = true).", "Residence address (keep_address = true).")
                : l("Địa chỉ: không lưu (keep_address = false).", "Address: not kept (keep_address = false)."),
            l("Từ mã QR căn cước 2024 chỉ đọc số, số cũ, họ tên, ngày sinh, giới tính, nơi cư trú, ngày cấp, và chỉ lưu những gì nêu trên; tên cha mẹ, số đã hủy bị bỏ ngay khi đọc. Ngày sinh và giới tính không được lưu.", "From the 2024 ID card's QR only number, old number, name, birth date, sex, residence and issue date are read, and only what is listed above is kept; parents' names and cancelled numbers are dropped at parsing. Birth date and sex are never stored."),
            l("Nguồn: bảo vệ nhập, mã QR khách đưa (căn cước, BHYT, PC-Covid, HC1, thư mời), khách tự khai báo trên điện thoại.", "Sources: typed by the guard, QR codes visitors show (ID card, BHYT, PC-Covid, HC1, invitation), the visitor's own phone form."),
        ]))

        var basis: [String] = []
        if p.basis == .consent {
            basis.append(l("Cơ sở: sự đồng ý của khách (cụ thể cho mục đích, không đánh dấu sẵn, có bằng chứng).", "Basis: the visitor's consent (specific to the purpose, never pre-ticked, provable)."))
            basis.append(p.guardConsent == .ask
                ? l("Bảo vệ hỏi và đánh dấu \"Khách đã được thông báo và đồng ý\" (guard_consent = ask).", "The guard asks and ticks \"Visitor informed and agreed\" (guard_consent = ask).")
                : l("Bảo vệ ghi nhận sau khi khách được thông báo (guard_consent = notice).", "The guard records the visitor after the notice is given (guard_consent = notice)."))
        } else {
            basis.append(l("Cơ sở: ", "Basis: ") + p.basis.rawValue + " — " + p.basisReference)
        }
        basis.append(l("Phiên bản văn bản", "Text version") + ": " + p.consentVersion)
        basis.append(l("Mỗi lượt vào ghi: cơ sở, kênh, mã SHA-256 của đúng văn bản đã hiển thị, phiên bản, thời điểm.", "Every visit records: basis, channel, SHA-256 of the exact text shown, version, time."))
        for (key, n) in stats.byBasis.sorted(by: { $0.key < $1.key }) {
            basis.append("  " + key + ": " + String(n) + l(" lượt", " visits"))
        }
        for t in try store.allConsentTexts() {
            basis.append("  [" + t.channel + ", " + t.language + ", " + t.version + ", sha256 " + String(t.sha256.prefix(16)) + "…] " + t.text)
        }
        out.append(ReportSection(title: l("Cơ sở pháp lý và sự đồng ý", "Legal basis and consent"), lines: basis))

        out.append(ReportSection(title: l("Thời hạn lưu trữ", "Retention"), lines: [
            l("Lưu \(c.records.retentionDays) ngày (retention_days), sau đó tự động xóa mỗi ngày; khách đang ở trong không bị xóa.", "Kept \(c.records.retentionDays) days (retention_days), then erased automatically every day; visitors still inside are kept."),
            l("Lượt vào đang lưu", "Visits held") + ": " + String(stats.visits) + (stats.oldest.map { l(", cũ nhất ", ", oldest ") + calendar.localTimestamp($0) } ?? ""),
            l("Lần xóa theo thời hạn gần nhất", "Last retention purge") + ": " + (stats.lastPurge.map(calendar.localTimestamp) ?? l("chưa có", "none yet")),
        ]))

        func mode(_ path: String) -> String {
            guard let a = try? FileManager.default.attributesOfItem(atPath: path), let m = a[.posixPermissions] as? NSNumber else { return l("chưa có", "not present") }
            return String(format: "%04o", m.intValue)
        }
        var storage = [
            l("Cơ sở dữ liệu", "Database") + ": " + c.records.database + " (" + l("quyền", "mode") + " " + mode(c.records.database) + ")",
            l("Thư mục xuất", "Export folder") + ": " + c.records.exportDir + " (" + l("quyền", "mode") + " " + mode(c.records.exportDir) + ")",
            l("Tệp khóa", "Key file") + ": " + c.records.keyFile + " (" + l("quyền", "mode") + " " + mode(c.records.keyFile) + ")",
            l("Tệp tạo với quyền 0600 trong thư mục 0700; chỉ trên máy này, không cần Internet.", "Files are created 0600 in 0700 folders; on this machine only, no Internet needed."),
            l("Màn hình và bản xuất che số giấy tờ và số điện thoại (********2345).", "Screens and exports mask id numbers and phones (********2345)."),
            l("Sổ ghi có chuỗi băm có khóa (HMAC-SHA256): sửa, xóa, chèn đều bị kiosk audit phát hiện.", "The log is a keyed hash chain (HMAC-SHA256): an edit, deletion or insertion is found by kiosk audit."),
            l("Khi xóa: secure_delete của SQLite và checkpoint TRUNCATE làm mất hẳn dữ liệu trong tệp và WAL.", "On erasure: SQLite's secure_delete and a TRUNCATE checkpoint remove the bytes from the file and the WAL."),
        ]
        if let db = c.building.database {
            storage.append(l("Sổ chung của tòa nhà (PostgreSQL)", "Building log (PostgreSQL)") + ": " + db.description + ", TLS " + c.building.tls.rawValue)
        }
        out.append(ReportSection(title: l("Nơi lưu và biện pháp bảo vệ", "Where it is kept and how it is protected"), lines: storage))

        var recipients: [String] = []
        let exports = try store.exportEvents()
        let unmasked = exports.filter { ($0.payload["unmasked"] as? Bool) == true }
        recipients.append(l("Bản xuất (đã che)", "Exports (masked)") + ": " + String(exports.count - unmasked.count))
        recipients.append(l("Bản xuất đầy đủ (không che)", "Full (unmasked) exports") + ": " + String(unmasked.count))
        for e in unmasked {
            recipients.append("  " + calendar.localTimestamp(e.at) + " · " + l("người yêu cầu", "asked by") + " " + ((e.payload["by"] as? String) ?? "?")
                + " · " + ((e.payload["file"] as? String) ?? "-") + " · " + String((e.payload["rows"] as? NSNumber)?.intValue ?? 0) + l(" dòng", " rows"))
        }
        if c.building.database != nil {
            recipients.append(l("Các cổng khác của tòa nhà qua sổ chung.", "The building's other gates, through the building log."))
        }
        // Hosts told of their visitors (issue 17): what goes, and through which systems.
        let outbox = try store.outboxSummary()
        if c.notify.emailEnabled || !outbox.webhooks.isEmpty || !outbox.sent.isEmpty {
            recipients.append(l("Người tiếp khách (theo danh bạ kiosk hosts) được báo khi khách đến: họ tên, đơn vị, mục đích, cổng, giờ đến; không bao giờ số giấy tờ, số điện thoại hay dữ liệu sức khỏe.",
                "Hosts (from the kiosk hosts directory) are told when their visitor arrives: name, organisation, purpose, gate, time; never id numbers, phones or health data."))
            if let relay = c.notify.smtp {
                recipients.append("  " + l("Thư điện tử qua máy chủ thư", "E-mail through the mail relay") + ": " + relay.description
                    + " (TLS " + c.notify.tls.rawValue + ")" + l(", đã gửi ", ", sent ") + String(outbox.sent[.email] ?? 0))
            }
            var webhookHosts: [String] = []
            for url in outbox.webhooks {
                let host = String(WebhookAddress.redacted(url).dropLast(2))
                if !webhookHosts.contains(host) { webhookHosts.append(host) }
            }
            if !webhookHosts.isEmpty {
                recipients.append("  " + l("Webhook (hệ thống nhắn tin nội bộ)", "Webhooks (the company's chat systems)") + ": " + webhookHosts.joined(separator: ", ")
                    + l(", đã gửi ", ", sent ") + String(outbox.sent[.webhook] ?? 0))
            }
            if c.notify.approval == .walkIns {
                recipients.append("  " + l("Khách vãng lai chờ người tiếp khách đồng ý qua liên kết tới ", "Walk-ins wait for the host's yes through a link to ") + (c.checkinWeb.publicURL ?? "-"))
            }
        }
        recipients.append(l("Cơ quan y tế khi có yêu cầu truy vết (kiosk trace).", "Health authorities when they ask for contact tracing (kiosk trace)."))
        out.append(ReportSection(title: l("Người nhận dữ liệu", "Who received the data"), lines: recipients))

        var requests: [String] = []
        let all = try store.privacyRequests()
        if all.isEmpty { requests.append(l("Chưa có yêu cầu nào.", "No requests yet.")) }
        for r in all.reversed() { requests.append(requestLine(r, lang)) }
        out.append(ReportSection(title: l("Yêu cầu của chủ thể dữ liệu", "Requests from data subjects"), lines: requests))
        return out
    }

    /// One request with its deadlines and whether it was answered in time.
    public func requestLine(_ r: PrivacyRequest, _ lang: Language) -> String {
        let vi = lang == .vi
        let received = VenueDay(r.receivedDay) ?? calendar.day(of: r.recordedAt)
        let ack = RequestDeadlines.acknowledgeBy(received, calendar: calendar)
        let due = RequestDeadlines.answerBy(r.kind, received, calendar: calendar)
        let answered = r.answeredAt.map { calendar.day(of: $0) }
        let onTime = answered.map { $0 <= due } ?? false
        let kind = r.kind == .erasure ? (vi ? "xóa" : "erasure") : (vi ? "xem/nhận bản sao" : "access")
        let state = answered == nil ? (vi ? "chưa trả lời" : "not answered")
            : onTime ? (vi ? "đúng hạn" : "on time") : (vi ? "TRỄ HẠN" : "LATE")
        return "#\(r.id) \(kind) · \(r.subject) · " + (vi ? "nhận " : "received ") + r.receivedDay
            + " · " + (vi ? "xác nhận trước " : "acknowledge by ") + ack.description
            + " · " + (vi ? "hạn " : "due ") + due.description
            + " · " + (vi ? "trả lời " : "answered ") + (r.answeredAt.map(calendar.localTimestamp) ?? "-")
            + " · \(state) · " + String(r.visits) + (vi ? " lượt" : " visits") + (r.reason.map { " · " + $0 } ?? "")
    }
}
