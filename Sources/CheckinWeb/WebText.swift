import KioskCore

/// The form's words in Vietnamese (default) and English.
enum WebText {
    enum Key {
        case title, intro, name, phone, idNumber, organisation, host, purpose, yes, no, consentTitle, consent
        case submit, switchLanguage, expiredTitle, expired, notFoundTitle, notFound, tooManyTitle, tooMany
        case tooLargeTitle, tooLarge, badFormTitle, badForm, staleTitle, stale, doneTitle, showGuard, waitGuard, waitHostOrGuard, slipAlt, slipSave, slipLater, slipNotYet
        case admitted, seeGuardTitle, seeGuard, fixErrors, required, answerRequired, serverErrorTitle, serverError
        case optional, gateLabel
        case approvalTitle, approvalAsk, approve, refuse, approvedDone, refusedDone, approvedHeld, alreadyDecided, answerExpired
        case visitorLabel, arrivedLabel, approvalInvalid, approvalStale
    }

    static func text(_ key: Key, _ lang: Language, _ args: [String] = []) -> String {
        Template.fill(lang == .vi ? vi(key) : en(key), args)
    }

    static func vi(_ key: Key) -> String {
        switch key {
        case .title: return "Khai báo vào tòa nhà"
        case .intro: return "Điền thông tin rồi đưa mã xác nhận cho bảo vệ ở cổng."
        case .name: return "Họ và tên"
        case .phone: return "Số điện thoại"
        case .idNumber: return "Số CCCD/CMND"
        case .organisation: return "Đơn vị / công ty"
        case .host: return "Gặp ai / bộ phận nào"
        case .purpose: return "Mục đích"
        case .yes: return "Có"
        case .no: return "Không"
        case .consentTitle: return "Đồng ý xử lý dữ liệu cá nhân"
        case .consent: return WebConsent.text(.vi, venue: "{0}", retentionDays: "{1}")
        case .submit: return "Gửi khai báo"
        case .switchLanguage: return "English"
        case .expiredTitle: return "Mã đã thay đổi"
        case .expired: return "Mã QR bạn quét đã được thay mới. Hãy quét lại mã đang hiển thị ở cổng."
        case .notFoundTitle: return "Không tìm thấy"
        case .notFound: return "Trang này không có. Hãy quét lại mã QR ở cổng."
        case .tooManyTitle: return "Gửi quá nhiều lần"
        case .tooMany: return "Bạn đã gửi quá nhiều lần trong một phút. Đợi một lát rồi thử lại."
        case .tooLargeTitle: return "Nội dung quá dài"
        case .tooLarge: return "Thông tin gửi lên quá dài. Rút gọn rồi gửi lại."
        case .badFormTitle: return "Biểu mẫu không đọc được"
        case .badForm: return "Biểu mẫu gửi lên không đọc được. Hãy quét lại mã QR ở cổng và điền lại."
        case .staleTitle: return "Biểu mẫu đã hết hạn"
        case .stale: return "Biểu mẫu này đã cũ hoặc đã được gửi. Hãy quét lại mã QR ở cổng."
        case .doneTitle: return "Đã khai báo"
        case .slipAlt: return "Phiếu vào cổng của bạn, có mã QR để quét khi ra"
        case .slipSave: return "Lưu ảnh phiếu"
        case .slipLater: return "Phiếu vào cổng (sau khi bảo vệ xác nhận)"
        case .slipNotYet: return "Phiếu có sau khi bảo vệ xác nhận cho bạn vào. Đưa mã xác nhận cho bảo vệ."
        case .showGuard: return "Đưa màn hình này cho bảo vệ."
        case .waitGuard: return "Chờ bảo vệ xác nhận: bảo vệ quét mã này."
        case .waitHostOrGuard: return "Chờ xác nhận: người anh/chị cần gặp hoặc bảo vệ sẽ cho vào; đưa mã này ở cổng."
        case .admitted: return "Bạn đã được ghi nhận vào tòa nhà."
        case .seeGuardTitle: return "Cần gặp bảo vệ"
        case .seeGuard: return "Không thể tự khai báo lúc này. Vui lòng gặp bảo vệ ở cổng."
        case .fixErrors: return "Kiểm tra lại các ô được đánh dấu."
        case .required: return "Bắt buộc"
        case .answerRequired: return "Chọn Có hoặc Không."
        case .serverErrorTitle: return "Có lỗi"
        case .serverError: return "Chưa ghi nhận được. Hãy thử lại hoặc gặp bảo vệ ở cổng."
        case .optional: return "không bắt buộc"
        case .gateLabel: return "Cổng {0}"
        case .approvalTitle: return "Khách chờ anh/chị đồng ý"
        case .approvalAsk: return "{0}: khách này đang chờ ở cổng. Anh/chị có đồng ý cho vào không?"
        case .approve: return "Đồng ý cho vào"
        case .refuse: return "Từ chối"
        case .approvedDone: return "Đã đồng ý: bảo vệ cho {0} vào."
        case .refusedDone: return "Đã từ chối: bảo vệ không cho {0} vào."
        case .approvedHeld: return "Anh/chị đã đồng ý, nhưng lúc này khách chưa vào được; bảo vệ sẽ quyết định tại cổng."
        case .alreadyDecided: return "Lượt này đã có quyết định: {0}."
        case .answerExpired: return "Lượt này không còn chờ trả lời."
        case .visitorLabel: return "Khách"
        case .approvalInvalid: return "Liên kết này không hợp lệ hoặc không còn dùng được. Nếu cần, hãy gọi bảo vệ ở cổng."
        case .approvalStale: return "Trang này đã được dùng. Mở lại liên kết trong tin nhắn để xem lượt này."
        case .arrivedLabel: return "Giờ đến"
        }
    }

    static func en(_ key: Key) -> String {
        switch key {
        case .title: return "Building check-in"
        case .intro: return "Fill this in, then show the confirmation to the guard at the gate."
        case .name: return "Full name"
        case .phone: return "Phone number"
        case .idNumber: return "ID card number"
        case .organisation: return "Organisation / company"
        case .host: return "Visiting (person or department)"
        case .purpose: return "Purpose"
        case .yes: return "Yes"
        case .no: return "No"
        case .consentTitle: return "Consent to personal data processing"
        case .consent: return WebConsent.text(.en, venue: "{0}", retentionDays: "{1}")
        case .submit: return "Check in"
        case .switchLanguage: return "Tiếng Việt"
        case .expiredTitle: return "The code has changed"
        case .expired: return "The QR code you scanned has been replaced. Scan the one shown at the gate again."
        case .notFoundTitle: return "Not found"
        case .notFound: return "There is no such page. Scan the QR code at the gate again."
        case .tooManyTitle: return "Too many submissions"
        case .tooMany: return "You sent this form too many times in a minute. Wait a moment and try again."
        case .tooLargeTitle: return "Too long"
        case .tooLarge: return "What was sent is too long. Shorten it and send it again."
        case .badFormTitle: return "The form could not be read"
        case .badForm: return "The form could not be read. Scan the QR code at the gate and fill it in again."
        case .staleTitle: return "The form has expired"
        case .stale: return "This form is old or was already sent. Scan the QR code at the gate again."
        case .doneTitle: return "Checked in"
        case .slipAlt: return "Your entry slip, with the QR to scan when you leave"
        case .slipSave: return "Save the slip picture"
        case .slipLater: return "Your entry slip (once the guard has let you in)"
        case .slipNotYet: return "Your slip is ready once the guard has let you in. Show the guard your confirmation code."
        case .showGuard: return "Show this screen to the guard."
        case .waitGuard: return "Waiting for the guard: they scan this code."
        case .waitHostOrGuard: return "Waiting to be let in: the person you visit or the guard confirms; show this code at the gate."
        case .admitted: return "You are recorded as inside the building."
        case .seeGuardTitle: return "Please see the guard"
        case .seeGuard: return "You cannot check yourself in right now. Please see the guard at the gate."
        case .fixErrors: return "Check the marked fields."
        case .required: return "Required"
        case .answerRequired: return "Choose Yes or No."
        case .serverErrorTitle: return "Something went wrong"
        case .serverError: return "Nothing was recorded. Try again or see the guard at the gate."
        case .optional: return "optional"
        case .gateLabel: return "Gate {0}"
        case .approvalTitle: return "A visitor is waiting for you"
        case .approvalAsk: return "{0}: this visitor is waiting at the gate. Do you let them in?"
        case .approve: return "Let them in"
        case .refuse: return "Refuse"
        case .approvedDone: return "Approved: the guard lets {0} in."
        case .refusedDone: return "Refused: the guard will not let {0} in."
        case .approvedHeld: return "You approved, but the visitor cannot go in at the moment; the guard decides at the gate."
        case .alreadyDecided: return "This visit has been decided: {0}."
        case .answerExpired: return "This visit is no longer waiting for an answer."
        case .visitorLabel: return "Visitor"
        case .approvalInvalid: return "This link is not valid, or no longer. Call the guard at the gate if you need to."
        case .approvalStale: return "This page was used already. Open the link in your message again to see this visit."
        case .arrivedLabel: return "Arrived"
        }
    }
}
