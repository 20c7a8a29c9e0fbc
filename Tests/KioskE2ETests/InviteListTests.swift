import Foundation
import Testing

/// Issue 22 #15: `kiosk invite list` showed the total uses (`×3`) where the uses left matter.
@Suite("invite list")
struct InviteListTests {
    @Test func showsUsesLeftAndRevocationInTheConfiguredLanguage() throws {
        let box = try Sandbox(language: "en")
        let issued = try box.run(["invite", "--name", "Lê Văn Khách", "--host", "Phòng IT", "--until", "2026-11-30", "--uses", "3"])
        #expect(issued.status == 0, "\(issued)")
        let code = try #require(issued.lines.first { $0.hasPrefix("KIV1:") })
        #expect(try box.run(["scan", code]).status == 0)
        let list = try box.run(["invite", "list"])
        #expect(list.stdout.contains("2 of 3 uses left"), "\(list)")
        #expect(!list.stdout.contains("×3"), "\(list)")
        let vi = try Sandbox(language: "vi")
        let other = try vi.run(["invite", "--name", "Khách", "--host", "IT", "--until", "2026-11-30"])
        let id = try #require(other.lines.dropFirst().first?.split(separator: " ").first { $0.count >= 8 && $0.allSatisfy(\.isHexDigit) })
        let revoked = try vi.run(["invite", "revoke", String(id)])
        #expect(revoked.stdout.contains("đã thu hồi"), "\(revoked)")
        #expect(try vi.run(["invite", "list"]).stdout.contains("đã thu hồi"))
    }
}
