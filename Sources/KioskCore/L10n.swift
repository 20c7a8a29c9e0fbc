/// The UI language (`[ui] language`); Vietnamese by default.
public enum Language: String, Codable, Sendable, CaseIterable {
    case vi, en
}

/// Every message the kiosk shows, as a key. Keeping them in one table means both languages
/// stay complete (a test checks that) and lower modules can explain errors without knowing
/// which language the front end uses.
public enum MessageKey: String, Codable, Sendable, CaseIterable {
    case nameRequired, fieldTooLong, idNumberUnusual, phoneUnusual, temperatureHigh,
        temperatureImplausible
    case admitted, alreadyInside, capacityFull, watchDeny, watchAlert, overridden, badgeInUse
    case checkedOut, alreadyCheckedOut, noSuchVisit, noVisitWithBadge, visitWasDenied
    case returningVisitor, autoClosedYesterday
    case dbReadOnly, dbLocked, dbCorrupt, dbCannotOpen, dbFull, dbFailed, dbMoved, dbWrongKey
    case clockBehind, clockBeforeCheckIn
    case exportWritten, exportFailed, unmaskedAudited
    case auditOK, auditBad, auditWrongKey
    case purged
    case invalidDate, invalidRange, invalidMargin, unknownCategory, overrideNeedsReason
    case watchAdded, watchRemoved, watchNotFound, watchNeedsCriterion
    case noConfig, keyFileProblem
    case promptHelp, promptUnknown
    case qrPayloadEmpty, qrPayloadTooLong, qrPayloadInvalid, qrEncoderFailed, renderFailed,
        terminalTooSmall, outputUnwritable, unknownGate
    case inviteAmbiguous, inviteNotFound, inviteRevoked, inviteUsedUp, inviteInvalid, inviteIssued,
        inviteWindow, inviteUsesLeft, inviteIdTooShort
    case passVerified, passUnverified, passDamaged, passUnknownSigner, passExpired, wrongKeyboardLayout,
        unrecognised, selfDeclared, vaccinationIncomplete, testTooOld, testPositive, recoveryNotValid,
        certificateTypeNotAccepted, kindNeedsGuard, temperatureOverLimit, trustImported, trustNothing
    case trustOnlyAuthorities, trustAuthoritiesSkipped, vaccinationDosesUnreadable, testSampleInFuture
    case dbSealRemoved, inviteListUsesLeft, inviteListRevoked
    case usageUsesRange, usageNameRequired, usageTogether, usageOlderThanRange, purgeBuildingMinimum, usageCodeOrBadge, usageDateOrRange,
        usageScaleRange, usageAllGatesPoster, usagePosterFormat
    case pinNotDigits, pinLength, pinFileDamaged, pinFileUnwritable, pinSaved, pinMismatch, pinWrongCurrent,
        pinLockedUntil, pinNoInput, pinAskCurrent, pinAskNew, pinAskAgain
    case privacyBadIdNumber, privacyBadPhone, privacyBadName, privacyEraseBuilding, privacyEraseReason, privacyBadRequestDate, privacyLogNotIntact, outputIsOwnFile
    case phoneRequired, consentRequired, guardConsentRequired, selfCheckInWaiting, selfCheckInConfirmed, selfCheckInNotPending,
        visitPending, selfCheckInExpired
    case inviteExpired, inviteNotYetValid, inviteOtherVenue, inviteBadSignature, inviteNotIssuedHere, inviteNotReceivedYet,
        feverConfirmed, unmaskedWouldReplace, traceUnknownExit, invalidMoment
    case printerRefused, printerUnreachable, printerNotReading, printerClosed, printerOutOfPaper, printerCoverOpen,
        printerNotADevice, printerMissing, printerFailed, printerQueueFull, printerNone, printerOff, slipNotInside,
        slipPrinted, slipQueued, slipWritten, slipUnconfirmed
    case awaitingHost, hostApproved, hostApprovedHeld, hostRefused, hostAwaitingOverride, hostAnswerExpired, hostAlreadyAnswered, hostNotified,
        hostsImported, hostsNone, hostRemoved, hostNoSuch, hostsFileProblem, notifyNothing, notifyPass

    var vi: String {
        switch self {
        case .nameRequired: return "Thiếu họ tên: nhập họ tên khách rồi lưu lại."
        case .fieldTooLong: return "Trường {0} quá dài (tối đa {1} ký tự): rút gọn rồi thử lại."
        case .idNumberUnusual: return "Số giấy tờ không giống CCCD (12 số), CMND (9 số) hay hộ chiếu: kiểm tra lại."
        case .phoneUnusual: return "Số điện thoại không đúng dạng 0xxxxxxxxx hoặc +84…: kiểm tra lại."
        case .temperatureHigh: return "Nhiệt độ {0} °C từ {1} °C trở lên: kiểm tra sức khỏe khách."
        case .temperatureImplausible: return "Nhiệt độ {0} °C không hợp lý: đo lại."
        case .admitted: return "Được vào."
        case .alreadyInside: return "Khách đã ở trong từ {0} (mã {1}): không mở lượt mới."
        case .capacityFull: return "Đã đủ sức chứa ({0}/{1} người bên trong): cần giám sát viên cho phép."
        case .watchDeny: return "Khách thuộc danh sách theo dõi (từ chối): không cho vào, báo giám sát viên."
        case .watchAlert: return "Khách thuộc danh sách theo dõi (cảnh báo): báo giám sát viên."
        case .overridden: return "Giám sát viên {0} cho phép: {1}"
        case .badgeInUse: return "Thẻ khách {0} đang được dùng bởi lượt {1}: chọn thẻ khác."
        case .checkedOut: return "Đã ghi nhận ra về: {0} (mã {1}), lúc {2}."
        case .alreadyCheckedOut: return "Lượt {0} đã ra về lúc {1}: không thay đổi gì."
        case .noSuchVisit: return "Không có lượt nào mã {0}: kiểm tra lại mã."
        case .noVisitWithBadge: return "Không có khách nào bên trong giữ thẻ {0}."
        case .visitWasDenied: return "Lượt {0} đã bị từ chối, không có gì để ra về."
        case .returningVisitor: return "Khách quen: lần trước {0} (mã {1})."
        case .autoClosedYesterday: return "{0} lượt hôm {1} được tự động đóng (không rõ giờ ra)."
        case .dbReadOnly: return "Không ghi được cơ sở dữ liệu {0} (chỉ đọc): kiểm tra quyền ghi của thư mục và tệp."
        case .dbLocked: return "Cơ sở dữ liệu {0} đang bị khóa bởi chương trình khác: thử lại sau ít phút."
        case .dbCorrupt: return "Cơ sở dữ liệu {0} bị hỏng hoặc không phải SQLite: khôi phục từ bản sao lưu, không ghi đè."
        case .dbCannotOpen: return "Không mở được cơ sở dữ liệu {0}: kiểm tra đường dẫn và quyền."
        case .dbFull: return "Hết chỗ trên đĩa khi ghi {0}: giải phóng dung lượng rồi thử lại; chưa có gì bị ghi dở."
        case .dbFailed: return "Lỗi cơ sở dữ liệu ({0}): chưa có gì bị ghi dở; thử lại hoặc báo kỹ thuật."
        case .dbMoved: return "Tệp cơ sở dữ liệu {0} đã bị xóa hoặc thay thế khi kiosk đang chạy: chưa ghi gì; hãy khởi động lại kiosk."
        case .dbWrongKey: return "Nhật ký {0} được niêm phong bằng một tệp khóa khác với [records] key_file của kiosk này: chưa ghi gì. Hãy dùng tệp khóa của tòa nhà (khôi phục từ bản sao lưu)."
        case .clockBehind: return "Đồng hồ đang là {0}, sớm hơn lượt vào gần nhất ({1}): kiểm tra giờ hệ thống."
        case .clockBeforeCheckIn: return "Đồng hồ đang là {0}, sớm hơn giờ vào của lượt {1} ({2}): kiểm tra giờ hệ thống; không thay đổi gì."
        case .exportWritten: return "Đã xuất {0} lượt vào {1}."
        case .exportFailed: return "Không xuất được vào {0}: {1}"
        case .unmaskedAudited: return "Xuất dữ liệu đầy đủ (không che) đã được ghi vào nhật ký."
        case .auditOK: return "Nhật ký toàn vẹn: {0} sự kiện, {1} lượt, chuỗi băm hợp lệ."
        case .auditBad: return "Nhật ký bị sửa: {0}"
        case .auditWrongKey: return "Không kiểm tra được nhật ký: nó được niêm phong bằng khóa khác với tệp khóa {0} (đây không phải dấu hiệu bị sửa). Hãy dùng tệp khóa của tòa nhà, khôi phục từ bản sao lưu, rồi chạy lại kiểm tra."
        case .purged: return "Đã xóa {0} lượt cũ hơn {1} ngày; chuỗi băm vẫn hợp lệ."
        case .invalidDate: return "Ngày không hợp lệ \"{0}\": dùng dạng YYYY-MM-DD."
        case .invalidRange: return "Khoảng ngày không hợp lệ: --from phải trước hoặc bằng --to."
        case .invalidMargin: return "Khoảng đệm không hợp lệ \"{0}\": dùng dạng 15m, 1h hoặc 90s."
        case .unknownCategory: return "Loại khách không có: {0}. Các loại: {1}."
        case .overrideNeedsReason: return "Cho phép vượt quy định cần người cho phép và lý do (--override-by, --reason)."
        case .watchAdded: return "Đã thêm vào danh sách theo dõi (mục {0})."
        case .watchRemoved: return "Đã xóa mục {0} khỏi danh sách theo dõi."
        case .watchNotFound: return "Không có mục {0} trong danh sách theo dõi."
        case .watchNeedsCriterion: return "Cần ít nhất một trong: --name, --id-number, --phone."
        case .noConfig: return "Không tìm thấy kiosk.conf: dùng --config TỆP, biến KIOSK_CONFIG, ./kiosk.conf hoặc /etc/kiosk/kiosk.conf."
        case .keyFileProblem: return "Không dùng được tệp khóa {0}: {1}"
        case .promptHelp: return "Nhập họ tên để cho khách vào, số thẻ hoặc mã ra về để cho khách ra, \"ds\" xem ai đang ở trong, \"q\" để thoát."
        case .promptUnknown: return "Không hiểu lệnh; gõ ? để xem hướng dẫn."
        case .qrPayloadEmpty: return "Nội dung mã QR trống: nhập nội dung cần mã hóa."
        case .qrPayloadTooLong: return "Nội dung dài {0} byte, quá giới hạn {1} byte của mã QR (phiên bản 40, mức sửa lỗi {2}): rút ngắn nội dung."
        case .qrPayloadInvalid: return "Nội dung mã QR chứa ký tự điều khiển: bỏ các ký tự đó."
        case .qrEncoderFailed: return "Không tạo được mã QR ({0}): thử lại hoặc báo kỹ thuật."
        case .renderFailed: return "Không vẽ được {0} ({1}): kiểm tra phông chữ và bộ nhớ."
        case .terminalTooSmall: return "Màn hình quá nhỏ cho mã QR: cần ít nhất {0}×{1} ký tự, hiện có {2}×{3}. Phóng to cửa sổ hoặc giảm cỡ chữ."
        case .outputUnwritable: return "Không ghi được {0}: {1}"
        case .unknownGate: return "Không có cổng {0}; các cổng: {1}."
        case .inviteAmbiguous: return "Nhiều thư mời bắt đầu bằng {0}: nhập thêm ký tự."
        case .inviteNotFound: return "Không có thư mời {0}."
        case .inviteRevoked: return "Thư mời đã bị thu hồi lúc {0}: không cho vào."
        case .inviteUsedUp: return "Thư mời đã dùng hết ({0} lần), lần gần nhất lúc {1}: không cho vào."
        case .inviteInvalid: return "Thư mời không hợp lệ ({0}): không cho vào."
        case .inviteIssued: return "Đã tạo thư mời {0} cho {1}, hiệu lực {2} – {3}, {4} lần."
        case .inviteWindow: return "Thư mời của {0}, gặp {1}: hợp lệ."
        case .inviteUsesLeft: return "Còn {0} lần vào."
        case .inviteIdTooShort: return "Nhập ít nhất 8 chữ số hex đầu của mã thư mời."
        case .passVerified: return "Chứng nhận {0} do {1} cấp: hợp lệ."
        case .passUnverified: return "Không xác thực được mã ({0}): kiểm tra giấy tờ."
        case .passDamaged: return "Mã bị hỏng hoặc không đọc được ({0}): quét lại."
        case .passUnknownSigner: return "Mã do đơn vị chưa được tin cậy ký: không coi là hợp lệ."
        case .passExpired: return "Mã đã hết hạn hoặc chưa có hiệu lực."
        case .wrongKeyboardLayout: return "Máy quét có vẻ đang dùng bàn phím không phải US: chỉnh máy quét sang bố cục US rồi quét lại."
        case .unrecognised: return "Mã không nhận dạng được: không ghi nhận gì."
        case .selfDeclared: return "Thông tin tự khai (không có chữ ký): đối chiếu giấy tờ."
        case .vaccinationIncomplete: return "Chưa tiêm đủ liều ({0}/{1})."
        case .testTooOld: return "Xét nghiệm đã quá {0} giờ."
        case .testPositive: return "Kết quả xét nghiệm không âm tính."
        case .recoveryNotValid: return "Giấy khỏi bệnh không còn hiệu lực."
        case .certificateTypeNotAccepted: return "Không chấp nhận loại chứng nhận {0}."
        case .kindNeedsGuard: return "Loại mã {0} cần bảo vệ xác nhận."
        case .temperatureOverLimit: return "Nhiệt độ {0} °C vượt ngưỡng {1} °C."
        case .trustImported: return "Đã thêm {0} chứng thư vào {1}."
        case .trustNothing: return "Không tìm thấy chứng thư nào trong {0}: dùng PEM, DER, base64 DER hoặc tài liệu DID."
        case .usageUsesRange: return "--uses phải từ 1 đến 1000."
        case .usageNameRequired: return "Cần --name (hoặc --batch TỆP)."
        case .usageTogether: return "{0} và {1} phải dùng cùng nhau."
        case .usageOlderThanRange: return "--older-than phải từ 0 đến 3650 ngày."
        case .purgeBuildingMinimum: return "Cổng thuộc nhật ký tòa nhà giữ dữ liệu ít nhất 1 ngày: dùng --older-than 1 trở lên."
        case .usageCodeOrBadge: return "Cho một MÃ lượt vào, hoặc --badge SỐ (không cả hai)."
        case .usageDateOrRange: return "Dùng --date, hoặc --from và --to, không dùng cả hai."
        case .usageScaleRange: return "--scale phải từ 1 đến 64 điểm ảnh mỗi ô."
        case .usageAllGatesPoster: return "--all-gates làm áp phích: thêm --poster."
        case .usagePosterFormat: return "Áp phích là --format pdf hoặc png."
        case .inviteListUsesLeft: return "còn {0}/{1} lượt"
        case .inviteListRevoked: return "đã thu hồi"
        case .dbSealRemoved: return "Nhật ký {0} đã từng được niêm phong bằng tệp khóa này nhưng dấu niêm phong đã bị gỡ: nhật ký có thể đã bị viết lại. Chưa ghi gì; hãy đối chiếu với bản sao lưu và mã đầu chuỗi trong các tệp xuất."
        case .trustOnlyAuthorities: return "{0} chỉ có {1} chứng thư CSCA (cơ quan cấp): chúng không ký chứng nhận. Hãy nhập chứng thư ký (DSC)."
        case .trustAuthoritiesSkipped: return "Bỏ qua {0} chứng thư CSCA (cơ quan cấp): chỉ chứng thư ký (DSC) được tin cậy."
        case .vaccinationDosesUnreadable: return "Chứng nhận tiêm không ghi rõ mũi thứ mấy trên tổng số mũi: không chấp nhận."
        case .testSampleInFuture: return "Thời điểm lấy mẫu xét nghiệm ({0}) ở tương lai: không chấp nhận."
        case .pinNotDigits: return "PIN chỉ được gồm các chữ số 0–9: nhập lại."
        case .pinLength: return "PIN có {0} ký tự: cần từ 4 đến 12 chữ số."
        case .pinFileDamaged: return "Tệp PIN {0} bị hỏng ({1}): coi như chưa đặt PIN; chạy `kiosk set-pin` để đặt PIN mới."
        case .pinFileUnwritable: return "Không lưu được tệp PIN {0}: {1}"
        case .pinSaved: return "Đã lưu PIN giám sát vào {0}."
        case .pinMismatch: return "Hai lần nhập PIN mới không khớp: không thay đổi gì."
        case .pinWrongCurrent: return "Sai PIN hiện tại: không thay đổi gì. Còn {0} lần thử trước khi bị khóa."
        case .pinLockedUntil: return "Sai PIN quá nhiều lần: khóa đến {0}; không thay đổi gì."
        case .pinNoInput: return "Không đọc được PIN từ đầu vào: không thay đổi gì."
        case .phoneRequired: return "Thiếu số điện thoại: nhập số điện thoại để có thể liên hệ khi cần."
        case .consentRequired: return "Cần đồng ý cho phép ghi nhận thông tin thì mới khai báo được."
        case .privacyBadIdNumber: return "Số giấy tờ \"{0}\" không hợp lệ: cần 6 đến 20 chữ số hoặc chữ cái (dấu cách và dấu chấm được bỏ qua)."
        case .privacyBadPhone: return "Số điện thoại \"{0}\" không hợp lệ."
        case .privacyBadName: return "Tên tìm kiếm cần từ 2 ký tự trở lên."
        case .privacyEraseBuilding: return "Nhật ký này thuộc sổ chung của tòa nhà ([building] database, hoặc đã từng đồng bộ): các cổng khác và máy chủ giữ bản sao mà máy này không xóa được. Chưa xóa gì; xem README, mục \"Personal data (Law 91/2025)\"."
        case .outputIsOwnFile: return "{0} là một tệp của chính kiosk (nhật ký, khóa, PIN, cấu hình): không ghi đè; chọn đường dẫn khác."
        case .privacyLogNotIntact: return "Nhật ký không còn nguyên vẹn ({0}): chưa xóa gì. Chạy kiosk audit và đối chiếu với bản sao lưu trước khi xóa."
        case .privacyEraseReason: return "Cần --reason: lý do xóa (ví dụ: yêu cầu của khách ngày …), tối đa 500 ký tự."
        case .privacyBadRequestDate: return "Ngày nhận yêu cầu \"{0}\" không hợp lệ: dùng YYYY-MM-DD, không sau hôm nay."
        case .guardConsentRequired: return "Khách chưa đồng ý: đọc thông báo dữ liệu cho khách; khách đồng ý thì chọn Có ở \"Đã báo & khách đồng ý\" (phím Space; lệnh: --consent)."
        case .selfCheckInWaiting: return "Đã khai báo: đưa mã này cho bảo vệ để được vào."
        case .selfCheckInConfirmed: return "Khách tự khai báo đã được xác nhận: {0} (mã {1})."
        case .awaitingHost: return "Chờ {0} đồng ý cho vào (đang báo người này)."
        case .hostApprovedHeld: return "{0} đã đồng ý cho {1} (mã {2}), nhưng quy định của cổng chưa cho vào (đủ người?): giám sát viên quyết định (F9)."
        case .hostApproved: return "{0} đã đồng ý: {1} vào được (mã {2})."
        case .hostRefused: return "{0} đã từ chối: không cho {1} vào (mã {2})."
        case .hostAwaitingOverride: return "Lượt {0} đang chờ {1} đồng ý; giám sát viên có thể cho phép (F9, Cho phép lượt vừa bị từ chối)."
        case .hostAnswerExpired: return "Lượt {0} đã hết hạn chờ trả lời."
        case .hostAlreadyAnswered: return "Lượt {0} đã có quyết định: {1}."
        case .hostNotified: return "Đã báo {0}."
        case .hostsImported: return "Danh bạ người tiếp khách: {0} thêm, {1} cập nhật, {2} không đổi ({3} người)."
        case .hostsNone: return "Danh bạ người tiếp khách trống: dùng kiosk hosts import FILE.csv."
        case .hostRemoved: return "Đã xóa #{0} {1} khỏi danh bạ; tin chưa gửi cho người này đã hủy."
        case .hostNoSuch: return "Không có người tiếp khách số {0}: xem kiosk hosts list."
        case .hostsFileProblem: return "{0}: {1}. Chưa nhập gì."
        case .notifyNothing: return "Không có tin nào chờ gửi."
        case .notifyPass: return "Đã gửi {0}, thử lại sau {1}, thất bại {2}, hủy {3}."
        case .selfCheckInNotPending: return "Lượt {0} không chờ xác nhận (đang {1})."
        case .visitPending: return "Lượt {0} chưa được bảo vệ xác nhận: quét mã xác nhận của khách trước."
        case .selfCheckInExpired: return "Mã {0} là khai báo lúc {1}, chưa từng được xác nhận và đã hết hạn: không cho vào bằng mã này; khách khai báo lại hoặc bảo vệ ghi nhận trực tiếp."
        case .pinAskCurrent: return "PIN hiện tại: "
        case .pinAskNew: return "PIN mới (4–12 chữ số): "
        case .pinAskAgain: return "Nhập lại PIN mới: "
        case .inviteExpired: return "Thư mời đã hết hạn: không cho vào."
        case .inviteNotYetValid: return "Thư mời chưa đến thời gian hiệu lực: không cho vào."
        case .inviteOtherVenue: return "Thư mời dành cho địa điểm khác ({0}): không cho vào."
        case .inviteBadSignature: return "Chữ ký của thư mời không đúng: không cho vào."
        case .inviteNotIssuedHere: return "Thư mời không do tòa nhà này cấp: không cho vào."
        case .inviteNotReceivedYet: return "Thư mời thật của tòa nhà, nhưng cổng này chưa nhận được (cấp ở cổng khác, chưa đồng bộ): xem giấy tờ trước khi cho vào."
        case .feverConfirmed: return "Bảo vệ {0} đã xem và xác nhận cho vào."
        case .unmaskedWouldReplace: return "{0} là tệp xuất đã che số: bản đầy đủ không ghi đè lên nó. Chọn tên tệp khác."
        case .printerRefused: return "Máy in {0} từ chối kết nối: kiểm tra máy in đã bật và đúng cổng."
        case .printerUnreachable: return "Không liên lạc được máy in {0} ({1}): kiểm tra cáp mạng và nguồn máy in."
        case .printerNotReading: return "Máy in {0} nhận kết nối nhưng không in: tắt và bật lại máy in."
        case .printerClosed: return "Máy in {0} ngắt kết nối giữa chừng: kiểm tra máy in rồi in lại."
        case .printerOutOfPaper: return "Máy in hết giấy: thay cuộn giấy rồi in lại."
        case .printerCoverOpen: return "Nắp máy in đang mở: đóng nắp rồi in lại."
        case .printerNotADevice: return "{0} không phải là máy in: [printer] device phải là tcp://MÁY:CỔNG hoặc tệp thiết bị như /dev/usb/lp0."
        case .printerMissing: return "Không có máy in tại {0} ({1}): kiểm tra cáp USB và [printer] device."
        case .printerFailed: return "Lỗi khi gửi tới máy in {0}: {1}."
        case .printerQueueFull: return "Hàng đợi máy in đầy: phiếu {0} không được in."
        case .printerNone: return "Chưa cấu hình máy in ([printer] device trống): dùng --output TỆP để lưu phiếu."
        case .printerOff: return "Đã tắt in phiếu ([printer] print_on = never): dùng --output TỆP để lưu phiếu."
        case .slipNotInside: return "Lượt {0} không còn ở trong (trạng thái {1}): chỉ in phiếu cho khách đang ở trong."
        case .slipPrinted: return "Đã in phiếu {0}."
        case .slipQueued: return "Đang in phiếu {0}…"
        case .slipWritten: return "Đã lưu phiếu {0} vào {1}."
        case .slipUnconfirmed: return "Đã gửi phiếu tới máy in {0}, nhưng máy in không báo trạng thái: hãy xem phiếu đã ra chưa."
        case .invalidMoment: return "Thời điểm không hợp lệ \"{0}\": dùng YYYY-MM-DD, 'YYYY-MM-DD HH:MM' hoặc ISO 8601 (2026-12-02T18:00)."
        case .traceUnknownExit: return "(?) = không rõ giờ ra (lượt được tự đóng hoặc còn trong nhà): tính như ở đến lúc tự đóng hoặc đến bây giờ. … = còn trong nhà."
        }
    }

    var en: String {
        switch self {
        case .nameRequired: return "Name is missing: type the visitor's name and save again."
        case .fieldTooLong: return "Field {0} is too long (at most {1} characters): shorten it and try again."
        case .idNumberUnusual: return "The id number does not look like a CCCD (12 digits), CMND (9 digits) or passport: check it."
        case .phoneUnusual: return "The phone number is not of the form 0xxxxxxxxx or +84…: check it."
        case .temperatureHigh: return "Temperature {0} °C is {1} °C or more: check the visitor's health."
        case .temperatureImplausible: return "Temperature {0} °C is not plausible: measure again."
        case .admitted: return "Admitted."
        case .alreadyInside: return "Already inside since {0} (code {1}): no second visit opened."
        case .capacityFull: return "The building is full ({0}/{1} inside): a supervisor must allow it."
        case .watchDeny: return "Visitor is on the watch list (deny): do not admit, call the supervisor."
        case .watchAlert: return "Visitor is on the watch list (alert): inform the supervisor."
        case .overridden: return "Allowed by supervisor {0}: {1}"
        case .badgeInUse: return "Badge {0} is in use by visit {1}: choose another badge."
        case .checkedOut: return "Checked out: {0} (code {1}) at {2}."
        case .alreadyCheckedOut: return "Visit {0} already left at {1}: nothing changed."
        case .noSuchVisit: return "No visit has code {0}: check the code."
        case .noVisitWithBadge: return "Nobody inside holds badge {0}."
        case .visitWasDenied: return "Visit {0} was refused; there is nothing to check out."
        case .returningVisitor: return "Returning visitor: last visit {0} (code {1})."
        case .autoClosedYesterday: return "{0} {0|visit|visits} of {1} {0|was|were} closed automatically (exit time unknown)."
        case .dbReadOnly: return "Cannot write the database {0} (read-only): check the write permissions of the file and its folder."
        case .dbLocked: return "The database {0} is locked by another program: try again in a few minutes."
        case .dbCorrupt: return "The database {0} is damaged or not SQLite: restore it from a backup, do not overwrite it."
        case .dbCannotOpen: return "Cannot open the database {0}: check the path and permissions."
        case .dbFull: return "The disk is full while writing {0}: free some space and try again; nothing was half-written."
        case .dbFailed: return "Database error ({0}): nothing was half-written; try again or call support."
        case .dbMoved: return "The database file {0} was deleted or replaced while the kiosk ran: nothing was recorded; restart the kiosk."
        case .dbWrongKey: return "The log {0} was sealed with a different key file than this kiosk's [records] key_file: nothing was recorded. Use the building's key file (restore it from the backup)."
        case .clockBehind: return "The clock says {0}, earlier than the last check-in ({1}): check the system time."
        case .clockBeforeCheckIn: return "The clock says {0}, earlier than the check-in of visit {1} ({2}): check the system time; nothing was changed."
        case .exportWritten: return "Exported {0} {0|visit|visits} to {1}."
        case .exportFailed: return "Could not export to {0}: {1}"
        case .unmaskedAudited: return "An unmasked export was recorded in the audit log."
        case .auditOK: return "Log intact: {0} {0|event|events}, {1} {1|visit|visits}, hash chain valid."
        case .auditBad: return "The log was tampered with: {0}"
        case .auditWrongKey: return "Cannot check the log: it was sealed with a different key than the key file {0} (this is not a sign of an edit). Use the building's key file, restored from the backup, and run the audit again."
        case .purged: return "Purged {0} {0|visit|visits} older than {1} days; the hash chain is still valid."
        case .invalidDate: return "Invalid date \"{0}\": use YYYY-MM-DD."
        case .invalidRange: return "Invalid date range: --from must be on or before --to."
        case .invalidMargin: return "Invalid margin \"{0}\": use 15m, 1h or 90s."
        case .unknownCategory: return "Unknown category: {0}. Categories: {1}."
        case .overrideNeedsReason: return "An override needs who allows it and why (--override-by, --reason)."
        case .watchAdded: return "Added to the watch list (entry {0})."
        case .watchRemoved: return "Removed entry {0} from the watch list."
        case .watchNotFound: return "There is no watch-list entry {0}."
        case .watchNeedsCriterion: return "Give at least one of --name, --id-number, --phone."
        case .noConfig: return "No kiosk.conf found: use --config FILE, KIOSK_CONFIG, ./kiosk.conf or /etc/kiosk/kiosk.conf."
        case .keyFileProblem: return "Cannot use the key file {0}: {1}"
        case .promptHelp: return "Type a name to check a visitor in, a badge number or check-out code to check out, \"ls\" to see who is inside, \"q\" to quit."
        case .promptUnknown: return "Not understood; type ? for help."
        case .qrPayloadEmpty: return "The QR content is empty: give the text to encode."
        case .qrPayloadTooLong: return "The content is {0} bytes, over the {1}-byte limit of a QR code (version 40, error correction {2}): shorten it."
        case .qrPayloadInvalid: return "The QR content contains control characters: remove them."
        case .qrEncoderFailed: return "The QR code could not be made ({0}): try again or call support."
        case .renderFailed: return "Could not draw the {0} ({1}): check the fonts and memory."
        case .terminalTooSmall: return "The screen is too small for the QR code: it needs at least {0}×{1} characters, it has {2}×{3}. Enlarge the window or use a smaller font."
        case .outputUnwritable: return "Cannot write {0}: {1}"
        case .unknownGate: return "There is no gate {0}; gates: {1}."
        case .inviteAmbiguous: return "Several invitations start with {0}: type more characters."
        case .inviteNotFound: return "There is no invitation {0}."
        case .inviteRevoked: return "The invitation was revoked at {0}: do not admit."
        case .inviteUsedUp: return "The invitation is used up ({0} {0|time|times}), last at {1}: do not admit."
        case .inviteInvalid: return "The invitation is not valid ({0}): do not admit."
        case .inviteIssued: return "Invitation {0} issued for {1}, valid {2} – {3}, {4} {4|entry|entries}."
        case .inviteWindow: return "Invitation of {0} to see {1}: valid."
        case .inviteUsesLeft: return "{0} {0|entry|entries} left."
        case .inviteIdTooShort: return "Give at least the first 8 hex digits of the invitation id."
        case .passVerified: return "{0} certificate issued by {1}: genuine."
        case .passUnverified: return "The code could not be verified ({0}): check the documents."
        case .passDamaged: return "The code is damaged or unreadable ({0}): scan again."
        case .passUnknownSigner: return "The code is signed by an issuer not trusted here: not shown as verified."
        case .passExpired: return "The code has expired or is not valid yet."
        case .wrongKeyboardLayout: return "The scanner seems to use a non-US keyboard layout: set the scanner to the US layout and scan again."
        case .unrecognised: return "Unrecognised code: nothing recorded."
        case .selfDeclared: return "Self-declared details (not signed): check the ID."
        case .vaccinationIncomplete: return "Vaccination not complete ({0}/{1})."
        case .testTooOld: return "The test is older than {0} hours."
        case .testPositive: return "The test result is not negative."
        case .recoveryNotValid: return "The recovery certificate is not valid now."
        case .certificateTypeNotAccepted: return "{0} certificates are not accepted."
        case .kindNeedsGuard: return "A {0} code needs the guard's confirmation."
        case .temperatureOverLimit: return "Temperature {0} °C is over the limit of {1} °C."
        case .trustImported: return "Added {0} {0|certificate|certificates} to {1}."
        case .trustNothing: return "No certificate found in {0}: use PEM, DER, base64 DER or a DID document."
        case .usageUsesRange: return "--uses must be 1 to 1000."
        case .usageNameRequired: return "--name is required (or --batch FILE)."
        case .usageTogether: return "{0} and {1} go together."
        case .usageOlderThanRange: return "--older-than must be 0 to 3650 days."
        case .purgeBuildingMinimum: return "A gate of a building log keeps at least 1 day: use --older-than 1 or more."
        case .usageCodeOrBadge: return "Give either an entry CODE or --badge N."
        case .usageDateOrRange: return "Use --date, or --from and --to, not both."
        case .usageScaleRange: return "--scale must be 1 to 64 pixels per module."
        case .usageAllGatesPoster: return "--all-gates makes posters: add --poster."
        case .usagePosterFormat: return "Posters are --format pdf or png."
        case .inviteListUsesLeft: return "{0} of {1} {1|use|uses} left"
        case .inviteListRevoked: return "revoked"
        case .dbSealRemoved: return "The log {0} was sealed with this key file before, but its seal has been removed: it may have been rewritten. Nothing was recorded; compare it with a backup and the chain heads in the export files."
        case .trustOnlyAuthorities: return "{0} holds only {1} CSCA (authority) certificates: they never sign a certificate. Import the document signers (DSC)."
        case .trustAuthoritiesSkipped: return "Skipped {0} CSCA (authority) certificates: only document signers (DSC) are trusted."
        case .vaccinationDosesUnreadable: return "The vaccination certificate does not say which dose of how many: not accepted."
        case .testSampleInFuture: return "The test's sample time ({0}) is in the future: not accepted."
        case .pinNotDigits: return "The PIN may hold only the digits 0–9: type it again."
        case .pinLength: return "The PIN has {0} characters: it needs 4 to 12 digits."
        case .pinFileDamaged: return "The PIN file {0} is damaged ({1}): the PIN counts as not set; run `kiosk set-pin` to set a new one."
        case .pinFileUnwritable: return "Cannot save the PIN file {0}: {1}"
        case .pinSaved: return "Supervisor PIN saved in {0}."
        case .pinMismatch: return "The two new PINs differ: nothing changed."
        case .pinWrongCurrent: return "Wrong current PIN: nothing changed. {0} tries left before the lock."
        case .pinLockedUntil: return "Too many wrong PINs: locked until {0}; nothing changed."
        case .pinNoInput: return "No PIN could be read from the input: nothing changed."
        case .phoneRequired: return "The phone number is missing: give one so that you can be reached if needed."
        case .consentRequired: return "Consent to record these details is needed to check in."
        case .privacyBadIdNumber: return "The id number \"{0}\" is not valid: give 6 to 20 digits or letters (spaces and dots are ignored)."
        case .privacyBadPhone: return "The phone number \"{0}\" is not valid."
        case .privacyBadName: return "Give at least 2 characters of the name to search for."
        case .privacyEraseBuilding: return "This log is part of a building log ([building] database, or it has synced with one): other gates and the server hold copies this gate cannot erase. Nothing was erased; see the README, \"Personal data (Law 91/2025)\"."
        case .outputIsOwnFile: return "{0} is one of the kiosk's own files (log, key, PIN, config): not overwritten; choose another path."
        case .privacyLogNotIntact: return "The log is not intact ({0}): nothing was erased. Run kiosk audit and compare with a backup before erasing."
        case .privacyEraseReason: return "--reason is needed: why the data is erased (for example: the visitor's request of …), at most 500 characters."
        case .privacyBadRequestDate: return "The request date \"{0}\" is not valid: use YYYY-MM-DD, not after today."
        case .guardConsentRequired: return "The visitor has not agreed yet: read them the data notice; once they agree, set \"Informed and agreed\" to Yes (Space; command line: --consent)."
        case .selfCheckInWaiting: return "Checked in: show this code to the guard to enter."
        case .selfCheckInConfirmed: return "Self check-in confirmed: {0} (code {1})."
        case .awaitingHost: return "Waiting for {0} to approve (they are being told)."
        case .hostApprovedHeld: return "{0} approved {1} (code {2}), but the gate's rules hold them (building full?): a supervisor decides (F9)."
        case .hostApproved: return "{0} approved: {1} may enter (code {2})."
        case .hostRefused: return "{0} refused: {1} may not enter (code {2})."
        case .hostAwaitingOverride: return "Visit {0} is waiting for {1} to approve; a supervisor may let them in (F9, Override the last denial)."
        case .hostAnswerExpired: return "Visit {0} is no longer waiting for an answer."
        case .hostAlreadyAnswered: return "Visit {0} has been decided: {1}."
        case .hostNotified: return "{0} has been told."
        case .hostsImported: return "Host directory: {0} added, {1} updated, {2} unchanged ({3} hosts)."
        case .hostsNone: return "The host directory is empty: use kiosk hosts import FILE.csv."
        case .hostRemoved: return "Removed #{0} {1} from the directory; messages not yet sent to them are cancelled."
        case .hostNoSuch: return "There is no host number {0}: see kiosk hosts list."
        case .hostsFileProblem: return "{0}: {1}. Nothing was imported."
        case .notifyNothing: return "No message is waiting."
        case .notifyPass: return "Sent {0}, to retry {1}, failed {2}, cancelled {3}."
        case .selfCheckInNotPending: return "Visit {0} is not waiting for confirmation (it is {1})."
        case .visitPending: return "Visit {0} has not been confirmed by the guard yet: scan the visitor's confirmation first."
        case .selfCheckInExpired: return "Code {0} is a self check-in from {1} that was never confirmed and has expired: do not admit on it; the visitor checks in again, or check them in yourself."
        case .pinAskCurrent: return "Current PIN: "
        case .pinAskNew: return "New PIN (4–12 digits): "
        case .pinAskAgain: return "New PIN again: "
        case .inviteExpired: return "The invitation has expired: do not admit."
        case .inviteNotYetValid: return "The invitation is not valid yet: do not admit."
        case .inviteOtherVenue: return "The invitation is for another venue ({0}): do not admit."
        case .inviteBadSignature: return "The invitation's signature is wrong: do not admit."
        case .inviteNotIssuedHere: return "The invitation was not issued by this building: do not admit."
        case .inviteNotReceivedYet: return "A genuine invitation of this building that this gate has not received yet (issued at another gate, not synced): check ID before admitting."
        case .feverConfirmed: return "Guard {0} looked and let the visitor in."
        case .unmaskedWouldReplace: return "{0} is a masked export: a full export never replaces it. Choose another file name."
        case .printerRefused: return "The printer at {0} refused the connection: check that it is on and the port is right."
        case .printerUnreachable: return "The printer at {0} does not answer ({1}): check its network cable and power."
        case .printerNotReading: return "The printer at {0} took the connection but is not printing: switch it off and on."
        case .printerClosed: return "The printer at {0} closed the connection mid-slip: check it, then reprint."
        case .printerOutOfPaper: return "The printer is out of paper: load a new roll, then reprint."
        case .printerCoverOpen: return "The printer's cover is open: close it, then reprint."
        case .printerNotADevice: return "{0} is not a printer: [printer] device must be tcp://HOST:PORT or a device file such as /dev/usb/lp0."
        case .printerMissing: return "No printer at {0} ({1}): check the USB cable and [printer] device."
        case .printerFailed: return "Sending to the printer at {0} failed: {1}."
        case .printerQueueFull: return "The printer queue is full: slip {0} was not printed."
        case .printerNone: return "No printer is configured ([printer] device is empty): use --output FILE to save the slip."
        case .printerOff: return "Slip printing is off ([printer] print_on = never): use --output FILE to save the slip."
        case .slipNotInside: return "Visit {0} is not inside (status {1}): slips are printed only for visitors inside."
        case .slipPrinted: return "Printed slip {0}."
        case .slipQueued: return "Printing slip {0}…"
        case .slipWritten: return "Wrote slip {0} to {1}."
        case .slipUnconfirmed: return "The slip went to the printer at {0}, which gives no status: check that it came out."
        case .invalidMoment: return "Invalid time \"{0}\": use YYYY-MM-DD, 'YYYY-MM-DD HH:MM' or ISO 8601 (2026-12-02T18:00)."
        case .traceUnknownExit: return "(?) = exit time unknown (closed automatically, or still inside): counted as inside until the automatic close or now. … = still inside."
        }
    }
}

/// Looks up and fills in messages.
public enum L10n {
    public static func text(_ key: MessageKey, _ language: Language, _ args: [String] = []) -> String {
        var args = args
        switch key {
        case .temperatureHigh, .temperatureImplausible, .temperatureOverLimit:
            args = args.map { decimalSeparator($0, language) }
        case .kindNeedsGuard:
            args = args.enumerated().map { $0.offset == 0 ? method($0.element, language) : $0.element }
        default:
            break
        }
        return Template.fill(language == .vi ? key.vi : key.en, args)
    }

    /// A number as written in the language: `37,5` in Vietnamese, `37.5` in English. Files
    /// (exports, JSON) keep the point; only what people read changes.
    public static func decimalSeparator(_ number: String, _ language: Language) -> String {
        language == .vi ? number.replacingOccurrences(of: ".", with: ",") : number
    }

    /// One decimal in the language's convention (`38,1` / `38.1`).
    public static func decimal(_ value: Double, _ language: Language) -> String {
        decimalSeparator(Validation.format1(value), language)
    }

    /// How a visit came in (`EntryMethod` raw values, `ScanKind` raw values), in words.
    public static func method(_ raw: String, _ language: Language) -> String {
        let names: [String: (String, String)] = [
            "hc1": ("chứng nhận y tế (HC1)", "health certificate (HC1)"),
            "invite": ("thư mời", "invitation"),
            "personal-qr": ("QR cá nhân PC-Covid", "PC-Covid personal QR"),
            "cccd": ("QR căn cước (CCCD)", "ID card QR (CCCD)"),
            "bhyt": ("QR thẻ BHYT", "health-insurance card QR (BHYT)"),
            "manual": ("nhập tay", "manual entry"),
            "self-service": ("tự khai báo", "self check-in"),
        ]
        guard let n = names[raw] else { return raw }
        return language == .vi ? n.0 : n.1
    }

    /// The log's `decision` column in words.
    public static func decision(_ raw: String, _ language: Language) -> String {
        let names: [String: (String, String)] = [
            "admitted": ("cho vào", "admitted"),
            "admitted-alert": ("cho vào, có lưu ý", "admitted with an alert"),
            "denied": ("từ chối", "denied"),
            "overridden": ("giám sát viên cho phép", "allowed by a supervisor"),
            "pending": ("chờ bảo vệ xác nhận", "waiting for the guard"),
            "awaiting-host": ("chờ người tiếp khách đồng ý", "waiting for the host's approval"),
            "refused-by-host": ("người tiếp khách từ chối", "refused by the host"),
            "approved-by-host": ("người tiếp khách đồng ý", "approved by the host"),
        ]
        guard let n = names[raw] else { return raw }
        return language == .vi ? n.0 : n.1
    }

    /// A watch-list note as stored (`#1 deny, #3 alert`) in words.
    public static func watchMatch(_ raw: String, _ language: Language) -> String {
        guard language == .vi else { return raw }
        return raw.replacingOccurrences(of: " deny", with: " từ chối").replacingOccurrences(of: " alert", with: " cảnh báo")
    }

    /// The pass summary the log keeps in a fixed form (`invitation 1a2b3c4d verified`,
    /// `CCCD QR, self-declared`, `HC1 VN vaccination verified`), as a guard reads it.
    public static func passSummary(_ raw: String, _ language: Language) -> String {
        guard language == .vi else { return raw }
        if raw.hasPrefix("invitation "), raw.hasSuffix(" verified") {
            return "Thư mời " + raw.dropFirst(11).dropLast(9) + ": hợp lệ"
        }
        if raw == "CCCD QR, self-declared" { return "QR căn cước (CCCD), tự khai" }
        if raw == "PC-Covid QR, self-declared" { return "QR cá nhân PC-Covid, tự khai" }
        if raw.hasPrefix("HC1 ") {
            var s = "Chứng nhận y tế " + raw.dropFirst(4)
            s = s.replacingOccurrences(of: " not verified: ", with: ": chưa xác thực (")
            if s.contains(": chưa xác thực (") { s += ")" }
            s = s.replacingOccurrences(of: " verified", with: ": đã xác thực")
            for (en, vi) in [("vaccination", "tiêm chủng"), ("test", "xét nghiệm"), ("recovery", "khỏi bệnh")] {
                s = s.replacingOccurrences(of: " \(en)", with: " \(vi)")
            }
            return s
        }
        return raw
    }

    /// How long someone has been inside: `5 phút`, `1 giờ 05` / `5 min`, `1 h 05`.
    public static func duration(minutes: Int, _ language: Language) -> String {
        let m = max(0, minutes)
        let unitMin = language == .vi ? "phút" : "min"
        let unitHour = language == .vi ? "giờ" : "h"
        return m >= 60 ? "\(m / 60) \(unitHour) " + (m % 60 < 10 ? "0" : "") + "\(m % 60)" : "\(m) \(unitMin)"
    }

    /// Field names in the UI language, for messages about a field.
    public static func field(_ name: String, _ language: Language) -> String {
        let vi = [
            "name": "họ tên", "id_number": "số giấy tờ", "phone": "điện thoại",
            "organisation": "đơn vị", "host": "người cần gặp", "purpose": "mục đích", "address": "địa chỉ",
        ]
        return language == .vi ? (vi[name] ?? name) : name
    }
}

/// An error that can explain itself to a guard in either language.
public protocol LocalizedKioskError: Error {
    var key: MessageKey { get }
    var args: [String] { get }
}

extension LocalizedKioskError {
    public func message(_ language: Language) -> String { L10n.text(key, language, args) }
}
