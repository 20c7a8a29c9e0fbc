import Foundation
import Testing

/// `kiosk set-pin` with the PINs piped on stdin, as a script or an installer would.
@Suite("set-pin")
struct SetPinTests {
    func pinPath(_ box: Sandbox) -> String { box.dataDir + "/supervisor.pin" }

    func setPin(_ box: Sandbox, _ lines: String, now: String? = nil) throws -> RunResult {
        try box.run(["set-pin"], now: now, stdin: Data(lines.utf8))
    }

    @Test("set: the PIN is saved as a salted hash, 0600, with nothing on stdout but the success line")
    func set() throws {
        let box = try Sandbox(language: "en")
        let r = try setPin(box, "482913\n482913\n")
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout == "Supervisor PIN saved in \(pinPath(box)).\n", "\(r)")
        #expect(r.stderr.isEmpty, "no prompts when stdin is not a terminal: \(r)")
        #expect(try permissions(pinPath(box)) == 0o600)
        #expect(try permissions(box.dataDir) == 0o700)
        let text = String(decoding: try contents(pinPath(box)), as: UTF8.self)
        #expect(text.hasPrefix("pbkdf2-sha256$"))
        #expect(!text.contains("482913"))
    }

    @Test("change: the right current PIN, then the new one twice; the old PIN no longer works")
    func change() throws {
        let box = try Sandbox(language: "en")
        #expect(try setPin(box, "1234\n1234\n").status == 0)
        let r = try setPin(box, "1234\n5678\n5678\n")
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout == "Supervisor PIN saved in \(pinPath(box)).\n", "\(r)")
        let old = try setPin(box, "1234\n9999\n9999\n")
        #expect(old.status == 1, "\(old)")
        let again = try setPin(box, "5678\n0000\n0000\n")
        #expect(again.status == 0, "\(again)")
    }

    @Test("a wrong current PIN is refused (exit 1), nothing changes, and the third locks for 60 s")
    func wrongCurrentPin() throws {
        let box = try Sandbox(language: "en")
        #expect(try setPin(box, "1234\n1234\n").status == 0)
        let before = try contents(pinPath(box))

        let first = try setPin(box, "1111\n5678\n5678\n")
        #expect(first.status == 1, "\(first)")
        #expect(first.stdout.isEmpty, "\(first)")
        #expect(first.stderr == "Wrong current PIN: nothing changed. 2 tries left before the lock.\n", "\(first)")
        #expect(try contents(pinPath(box)) == before)

        #expect(try setPin(box, "2222\n5678\n5678\n").stderr.contains("1 tries left"))
        let third = try setPin(box, "3333\n5678\n5678\n")
        #expect(third.status == 1, "\(third)")
        #expect(third.stderr == "Too many wrong PINs: locked until 2026-11-29 08:01:00; nothing changed.\n", "\(third)")
        let locked = try setPin(box, "1234\n5678\n5678\n", now: "2026-11-29T08:00:59+07:00")
        #expect(locked.status == 1, "even the right PIN while locked: \(locked)")
        #expect(locked.stderr.contains("locked until"), "\(locked)")
        #expect(try contents(pinPath(box)) == before)

        let after = try setPin(box, "1234\n5678\n5678\n", now: "2026-11-29T08:01:00+07:00")
        #expect(after.status == 0, "the lock ends after 60 s: \(after)")
    }

    @Test("the two new PINs must match; an invalid PIN is refused with what is wrong")
    func mismatchAndInvalid() throws {
        let box = try Sandbox(language: "en")
        let mismatch = try setPin(box, "1234\n1243\n")
        #expect(mismatch.status == 1, "\(mismatch)")
        #expect(mismatch.stderr == "The two new PINs differ: nothing changed.\n", "\(mismatch)")
        #expect(!FileManager.default.fileExists(atPath: pinPath(box)))

        let short = try setPin(box, "123\n123\n")
        #expect(short.status == 1, "\(short)")
        #expect(short.stderr == "The PIN has 3 characters: it needs 4 to 12 digits.\n", "\(short)")
        let letters = try setPin(box, "12ab\n12ab\n")
        #expect(letters.status == 1, "\(letters)")
        #expect(letters.stderr.contains("only the digits 0–9"), "\(letters)")
        #expect(!FileManager.default.fileExists(atPath: pinPath(box)))

        #expect(try setPin(box, "1234\n1234\n").status == 0)
        let changeMismatch = try setPin(box, "1234\n5678\n8765\n")
        #expect(changeMismatch.status == 1, "\(changeMismatch)")
        #expect(try setPin(box, "1234\n4321\n4321\n").status == 0, "the old PIN still holds after a mismatch")
    }

    @Test("input ending early, Windows line ends, Vietnamese messages, usage errors")
    func edges() throws {
        let box = try Sandbox(language: "vi")
        let empty = try setPin(box, "")
        #expect(empty.status == 1, "\(empty)")
        #expect(empty.stderr == "Không đọc được PIN từ đầu vào: không thay đổi gì.\n", "\(empty)")
        let once = try setPin(box, "1234\n")
        #expect(once.status == 1, "\(once)")
        #expect(!FileManager.default.fileExists(atPath: pinPath(box)))

        let crlf = try setPin(box, "1234\r\n1234\r\n")
        #expect(crlf.status == 0, "\(crlf)")
        #expect(crlf.stdout == "Đã lưu PIN giám sát vào \(pinPath(box)).\n", "\(crlf)")
        let noFinalNewline = try setPin(box, "1234\n5678\n5678")
        #expect(noFinalNewline.status == 0, "\(noFinalNewline)")

        let usage = try box.run(["set-pin", "5678"], stdin: Data())
        #expect(usage.status == 2, "\(usage)")
    }

    @Test("a damaged PIN file is reported and can be replaced")
    func damagedFile() throws {
        let box = try Sandbox(language: "en")
        #expect(try setPin(box, "1234\n1234\n").status == 0)
        try "pbkdf2-sha256$oops\n".write(toFile: pinPath(box), atomically: true, encoding: .utf8)
        let r = try setPin(box, "2468\n2468\n")
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr.contains("The PIN file \(pinPath(box)) is damaged"), "\(r)")
        #expect(try setPin(box, "2468\n1357\n1357\n").status == 0)
    }
}
