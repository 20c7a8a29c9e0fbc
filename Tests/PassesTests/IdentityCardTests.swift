import Foundation
import Testing
@testable import Passes

/// The ID card's QR (2021 CCCD and 2024 căn cước) and the BHYT card's QR, in every shape the
/// issue names, and hostile input that must come out "not this format".
@Suite("Identity codes: ID cards of 2021 and 2024, BHYT")
struct IdentityCardTests {
    static let hoaAddress = "Số 5, Phường Bến Nghé, Quận 1, TP Hồ Chí Minh"

    @Test("the 2021 card's 7 and 6 fields")
    func card2021() throws {
        let seven = try IdentityQR.cccd("079203001234|123456789|Nguyễn Văn An|01011990|Nam|1 Tràng Tiền, Hà Nội|01012021")
        #expect(seven == IdentityDetails(
            idNumber: "079203001234", oldIdNumber: "123456789", name: "Nguyễn Văn An", dateOfBirth: "1990-01-01",
            sex: "Nam", address: "1 Tràng Tiền, Hà Nội", issueDate: "2021-01-01"))
        let six = try IdentityQR.cccd("079203001234|Nguyễn Văn An|01011990|Nam|1 Tràng Tiền, Hà Nội|01012021")
        #expect(six.oldIdNumber == nil && six.name == "Nguyễn Văn An" && six.issueDate == "2021-01-01")
    }

    @Test("the 2024 card with parents' names: kept what the visit needs, relatives dropped", arguments: [
        "001099012345|123456789|Lê Thị Hoa|15082015|Nữ|\(hoaAddress)|20082024|Lê Văn Bình|Trần Thị Cúc",
        "001099012345|123456789|Lê Thị Hoa|15082015|Nữ|\(hoaAddress)|20082024|Lê Văn Bình|Trần Thị Cúc|",
        "001099012345|123456789|Lê Thị Hoa|15082015|Nữ|\(hoaAddress)|20082024|Lê Văn Bình|Trần Thị Cúc\r",
        // A cancelled 12-digit number among the fields, anywhere after the holder's.
        "001099012345|123456789|Lê Thị Hoa|15082015|Nữ|\(hoaAddress)|20082024|001087654321|Lê Văn Bình|Trần Thị Cúc",
        "001099012345|001087654321|123456789|Lê Thị Hoa|15082015|Nữ|\(hoaAddress)|20082024|Lê Văn Bình|Trần Thị Cúc",
        // Parents before the residence: they do not read like one, even named like a street.
        "001099012345|123456789|Lê Thị Hoa|15082015|Nữ|Lê Văn Bình|Trần Thị Cúc|\(hoaAddress)|20082024",
        "001099012345|123456789|Lê Thị Hoa|15082015|Nữ|Đường Văn Bình|Trần Thị Cúc|\(hoaAddress)|20082024",
    ])
    func card2024(_ scan: String) throws {
        let d = try IdentityQR.cccd(scan)
        #expect(d.idNumber == "001099012345")
        #expect(d.oldIdNumber == "123456789")
        #expect(d.name == "Lê Thị Hoa")
        #expect(d.dateOfBirth == "2015-08-15")
        #expect(d.sex == "Nữ")
        #expect(d.address == Self.hoaAddress)
        #expect(d.issueDate == "2024-08-20")
        let everything = "\(d)"
        #expect(!everything.contains("Bình") && !everything.contains("Cúc") && !everything.contains("001087654321"))
        #expect(ScanKind.classify(scan) == .cccd)
    }

    @Test("empty fields: no old number, no sex, no residence")
    func emptyFields() throws {
        let d = try IdentityQR.cccd("001099012345||Phạm Minh|02031988|||15072024||")
        #expect(d.name == "Phạm Minh" && d.dateOfBirth == "1988-03-02" && d.sex == nil && d.address == nil && d.oldIdNumber == nil)
        #expect(d.issueDate == "2024-07-15")
    }

    static func hex(_ s: String) -> String { s.utf8.map { String(format: "%02x", $0) }.joined() }

    @Test("BHYT: hex name and address decoded, plain text accepted, validity read, hospital dropped")
    func bhyt() throws {
        let scan = "HS4010120878811|\(Self.hex("Nguyễn Văn An"))|01/01/1990|1|\(Self.hex("1 Tràng Tiền, Hà Nội"))|01 - 024|01/01/2026|31/12/2026|15/01/2026|-|4|$"
        let d = try IdentityQR.bhyt(scan)
        #expect(d == IdentityDetails(
            idNumber: "HS4010120878811", oldIdNumber: nil, name: "Nguyễn Văn An", dateOfBirth: "1990-01-01", sex: "Nam",
            address: "1 Tràng Tiền, Hà Nội", issueDate: nil, validUntil: "2026-12-31"))
        #expect(ScanKind.classify(scan) == .bhyt)
        #expect(ScanKind.classify(scan + "\r") == .bhyt)
        let plain = try IdentityQR.bhyt("GD4797915373512|Trần Thị Bình|15/07/1985|2|$")
        #expect(plain.name == "Trần Thị Bình" && plain.sex == "Nữ" && plain.dateOfBirth == "1985-07-15")
        let yearOnly = try IdentityQR.bhyt("GD4797915373512|\(Self.hex("Vũ Đức"))|1960|1|$")
        #expect(yearOnly.name == "Vũ Đức" && yearOnly.dateOfBirth == nil)
    }

    @Test("hostile or broken codes are not identity codes", arguments: [
        "", "|", "||||||", "079203001234", "07920300123|123456789|Nguyễn Văn An|01011990|Nam|x|01012021",
        "079203001234|123456789|Nguyễn Văn An|31021990|Nam|x|01012021",
        "079203001234|123456789|1234|01011990|Nam|x|01012021",
        "079203001234|123456789|\u{1B}[2J|01011990|Nam|x|01012021",
        "079203001234|" + Array(repeating: "Nguyễn", count: 10_000).joined(separator: "|") + "|01011990",
        "HS4010120878811|4e67zz|01/01/1990|1|$", "HS4010120878811|c328|01/01/1990|1|$",
        "HS4010120878811|\(hex("A\u{1B}[31mB"))|01/01/1990|1|$", "HS4010120878811|\(hex("Nguyễn"))|01/01/1990|1|",
        "HS401012087881|\(hex("Nguyễn"))|01/01/1990|1|$", "HS4010120878811|\(hex("Nguyễn"))|1990-01-01|1|$",
        "HS4010120878811|\(hex("Nguyễn"))|01/01/1990|3|$",
        "HS4010120878811|" + Array(repeating: "41", count: 10_000).joined(separator: "|") + "|$",
    ])
    func hostile(_ scan: String) {
        #expect(throws: IdentityQR.Failure.notThisFormat) { try IdentityQR.cccd(scan) }
        #expect(throws: IdentityQR.Failure.notThisFormat) { try IdentityQR.bhyt(scan) }
        #expect(ScanKind.classify(scan) != .cccd && ScanKind.classify(scan) != .bhyt)
    }

    @Test("a control character anywhere makes it not an identity code (a trailing CR or LF is the scanner's)")
    func controlsRefused() throws {
        for scan in ["079203001234|123456789|Nguyễn\u{1B}Văn An|01011990|Nam|1 Tràng Tiền, Hà Nội|01012021",
                     "079203001234|123456789|Nguyễn Văn An|01011990|Nam|1 Tràng Tiền\u{07}, Hà Nội|01012021",
                     "GD4797915373512|Trần\u{9B}Thị Bình|15/07/1985|2|$"] {
            #expect(throws: IdentityQR.Failure.notThisFormat) { try IdentityQR.cccd(scan) }
            #expect(throws: IdentityQR.Failure.notThisFormat) { try IdentityQR.bhyt(scan) }
        }
        #expect(try IdentityQR.cccd("079203001234|123456789|Nguyễn Văn An|01011990|Nam|x|01012021\r\n").name == "Nguyễn Văn An")
    }
}
