import KioskCore

/// Plausible visitors of a Hanoi office building: Vietnamese names with their diacritics,
/// CCCD numbers, mobile numbers, organisations, hosts and purposes. Realistic text matters to
/// the figures: multi-byte UTF-8 in every name, folding for search, commas that force CSV
/// quoting, masked numbers.
///
/// A visitor is derived from a person number alone, so the same person comes back with the
/// same name, id and phone (returning visitors), and numbers below `distinctNames` all get
/// different names.
struct VietnameseVisitors {
    static let families = [
        "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
        "Hồ", "Ngô", "Dương", "Lý",
    ]
    static let middles = [
        "Văn", "Thị", "Minh", "Ngọc", "Thanh", "Đức", "Hữu", "Quang", "Thu", "Hoài", "Gia", "Bảo",
        "Xuân", "Kim",
    ]
    static let givens = [
        "An", "Anh", "Bình", "Châu", "Cường", "Dũng", "Duy", "Giang", "Hà", "Hải", "Hạnh", "Hiếu",
        "Hoa", "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Ngọc",
        "Phong", "Phương", "Quân", "Quyên", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Trung", "Tuấn",
        "Tú", "Vy", "Yến", "Đạt", "Ánh",
    ]
    static let organisations = [
        "Tập đoàn Công nghiệp – Viễn thông Quân đội (Viettel)", "Ngân hàng TMCP Ngoại thương Việt Nam",
        "FPT Software", "VNPT Hà Nội", "Công ty TNHH Xây dựng, Thương mại An Phát",
        "Giao Hàng Tiết Kiệm", "Grab Việt Nam", "Bưu điện Hà Nội", "Công ty CP Thang máy Thiên Nam",
        "Công ty TNHH Điện lạnh Hòa Phát", "Trường Đại học Bách khoa Hà Nội", "Sở Y tế Hà Nội",
        "Công ty Luật TNHH Minh Đức", "Shopee Express", "Công ty CP Vệ sinh công nghiệp Sạch Xanh",
    ]
    static let hosts = [
        "Phòng Hành chính – chị Lan", "Phòng Kế toán", "anh Tuấn, Phòng IT", "Ban Giám đốc",
        "Phòng Nhân sự – chị Hương", "Lễ tân tầng 3", "Phòng Kinh doanh", "Ban Quản lý tòa nhà",
    ]
    static let purposes = [
        "Họp", "Giao hàng", "Phỏng vấn", "Sửa chữa điều hòa", "Bảo trì thang máy", "Nộp hồ sơ",
        "Làm việc với phòng Nhân sự", "Khách của Ban Giám đốc", "Lắp đặt mạng, camera", "Kiểm tra PCCC",
    ]
    /// Province prefixes of CCCD numbers: Hà Nội, Hải Phòng, Đà Nẵng, TP.HCM, Nghệ An, Thanh Hóa.
    static let provinces = ["001", "031", "048", "079", "040", "038"]
    static let categories = ["visitor", "visitor", "visitor", "contractor", "delivery", "staff"]

    /// How many people get pairwise different names.
    static var distinctNames: Int { families.count * middles.count * givens.count }

    /// The fields a guard would type for person `n`, before the Gate cleans them.
    static func details(person n: Int) -> VisitorDetails {
        var rng = SplitMix64(seed: UInt64(n) &* 0x2545_F491_4F6C_DD1D)
        return VisitorDetails(
            name: name(n), idNumber: idNumber(n, &rng), phone: phone(n),
            organisation: Int.random(in: 0..<10, using: &rng) < 7 ? organisations.randomElement(using: &rng) : nil,
            host: Int.random(in: 0..<10, using: &rng) < 8 ? hosts.randomElement(using: &rng) : nil,
            purpose: purposes.randomElement(using: &rng))
    }

    /// Family, middle and given name picked by mixed radix over a stride that is coprime with
    /// the number of combinations, so consecutive people do not share a family name.
    static func name(_ n: Int) -> String {
        let k = (n &* 7_919) % distinctNames
        let given = givens[k % givens.count]
        let middle = middles[(k / givens.count) % middles.count]
        let family = families[k / (givens.count * middles.count)]
        return "\(family) \(middle) \(given)"
    }

    /// A 12-digit CCCD whose last six digits come from the person number, so they differ.
    static func idNumber(_ n: Int, _ rng: inout SplitMix64) -> String {
        let province = provinces.randomElement(using: &rng)!
        let century = Int.random(in: 0...3, using: &rng)
        let year = Int.random(in: 60...99, using: &rng) % 100
        return province + String(century) + pad(year, 2) + pad(n % 1_000_000, 6)
    }

    /// A Viettel/Vina/Mobi-looking mobile number, distinct per person below 10⁸.
    static func phone(_ n: Int) -> String {
        let prefixes = ["09", "03", "08", "07"]
        return prefixes[n % prefixes.count] + pad((n &* 2_654_435_761) % 100_000_000, 8)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}
