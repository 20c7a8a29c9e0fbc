import Crypto
import Foundation
import Testing
@testable import Passes

@Suite struct InvitationTests {
    let keys = try! InvitationKeys(seed: Array(repeating: 3, count: 32))
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func invitation(uses: Int = 1) -> Invitation {
        Invitation(
            venueID: "demo-hq", name: "Nguyễn Văn Khách", host: "Phòng IT", purpose: "Họp", notBefore: t0,
            expires: t0.addingTimeInterval(8 * 3600), issuedAt: t0.addingTimeInterval(-60),
            id: Array(repeating: 0xAB, count: 16), uses: uses)
    }

    var verifier: InvitationVerifier { InvitationVerifier(publicKey: keys.publicKey, venueID: "demo-hq") }

    @Test func issuedInvitationVerifiesInsideItsWindow() throws {
        let code = try keys.issue(invitation(uses: 3))
        #expect(code.hasPrefix("KIV1:"))
        #expect(ScanKind.classify(code) == .invite)
        let r = verifier.verify(code, at: t0.addingTimeInterval(3600))
        #expect(r.valid, "\(r.problems)")
        #expect(r.invitation == invitation(uses: 3))
        #expect(r.invitation?.idHex == String(repeating: "ab", count: 16))
    }

    @Test func outsideTheWindowOrAnotherVenueFailsValidity() throws {
        let code = try keys.issue(invitation())
        #expect(verifier.verify(code, at: t0.addingTimeInterval(-1)).checks["validity"] == .fail)
        #expect(verifier.verify(code, at: t0.addingTimeInterval(8 * 3600 + 1)).checks["validity"] == .fail)
        let other = InvitationVerifier(publicKey: keys.publicKey, venueID: "other")
        #expect(other.verify(code, at: t0).checks["validity"] == .fail)
    }

    @Test func wrongKeyFailsTheSignature() throws {
        let other = try InvitationKeys(seed: Array(repeating: 4, count: 32))
        let forged = try other.issue(invitation())
        let r = verifier.verify(forged, at: t0)
        #expect(r.checks["signature"] == .fail)
        #expect(!r.valid)
    }

    @Test func everySingleByteFlipIsRejected() throws {
        let code = try keys.issue(invitation())
        let chars = Array(code.utf8)
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)
        var accepted: [Int] = []
        for i in 5..<chars.count {
            var copy = chars
            let at = alphabet.firstIndex(of: copy[i]) ?? 0
            copy[i] = alphabet[(at + 7) % alphabet.count]
            if verifier.verify(String(decoding: copy, as: UTF8.self), at: t0).valid { accepted.append(i) }
        }
        #expect(accepted.isEmpty, "flips accepted at \(accepted)")
    }
}

@Suite struct IdentityQRTests {
    @Test func cccdSevenAndSixFields() throws {
        let seven = try IdentityQR.cccd("079203001234|123456789|Nguyễn Văn An|01011990|Nam|1 Tràng Tiền, Hà Nội|15032021")
        #expect(seven.idNumber == "079203001234" && seven.oldIdNumber == "123456789")
        #expect(seven.name == "Nguyễn Văn An" && seven.dateOfBirth == "1990-01-01" && seven.issueDate == "2021-03-15")
        #expect(seven.address == "1 Tràng Tiền, Hà Nội" && seven.sex == "Nam")
        let six = try IdentityQR.cccd("079203001234|Trần Thị Bình|31121985|Nữ|Huế|01012022")
        #expect(six.oldIdNumber == nil && six.name == "Trần Thị Bình" && six.dateOfBirth == "1985-12-31")
        #expect(ScanKind.classify("079203001234|Trần Thị Bình|31121985|Nữ|Huế|01012022") == .cccd)
    }

    @Test(arguments: [
        "07920300123|123456789|An|01011990|Nam|x|01012021",  // 11 digits
        "079203001234|123456789|An|32011990|Nam|x|01012021",  // no 32nd
        "079203001234|123456789||01011990|Nam|x|01012021",  // no name
        "079203001234|An|01011990",  // too few fields
    ])
    func badCCCDIsNotCCCD(text: String) {
        #expect(throws: IdentityQR.Failure.notThisFormat) { try IdentityQR.cccd(text) }
    }

    @Test func personalQRWithMaskedIdAndControlCharacters() throws {
        // An escape sequence is an attack, not a name (issue 15): not this format.
        #expect(throws: IdentityQR.Failure.notThisFormat) { try IdentityQR.personal("0012********|NGUYEN VAN\u{1B}[31m B|1990-01-01|1|abc|x") }
        let p = try IdentityQR.personal("0012********|NGUYEN VAN B|1990-01-01|1|abc|x")
        #expect(p.idNumber == "0012********")
        #expect(p.name == "NGUYEN VAN B")
        #expect(p.dateOfBirth == "1990-01-01")
        #expect(ScanKind.classify("0012********|NGUYEN VAN B|1990-01-01|1|abc|x") == .personalQR)
        #expect(throws: IdentityQR.Failure.notThisFormat) { try IdentityQR.personal("a|b") }
        #expect(throws: IdentityQR.Failure.notThisFormat) { try IdentityQR.personal("001234567|AN|1990-13-01") }
    }

    @Test func classificationNeverTrustsTheShape() {
        #expect(ScanKind.classify(String(repeating: "1", count: 1 << 20)) == .unknown)
        #expect(ScanKind.classify("HC1:" + String(repeating: "A", count: 9000)) == .unknown)
        #expect(ScanKind.classify("\u{1B}[2J") == .unknown)
        #expect(ScanKind.classify("kout:ABC234") == .checkout)
        #expect(ScanKind.looksLikeWrongKeyboardLayout("HC1Ö" + String(repeating: "6BF", count: 20)))
        #expect(ScanKind.looksLikeWrongKeyboardLayout("HC1:" + String(repeating: "6bf", count: 20)))
        #expect(!ScanKind.looksLikeWrongKeyboardLayout("HC1:" + String(repeating: "6BF", count: 20)))
    }
}
