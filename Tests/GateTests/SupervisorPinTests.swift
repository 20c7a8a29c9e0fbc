import Foundation
import TestSupport
import Testing
import KioskCore
@testable import Gate

/// The supervisor PIN: salted slow hash on disk, three tries, then a 60-second lock that a
/// restart does not clear.
@Suite struct SupervisorPinTests {
    /// A PIN file in a fresh folder (created by `set`), with a clock the test moves.
    struct Box {
        let dir = NSTemporaryDirectory() + "kiosk-pin-\(UUID().uuidString)"
        let clock = TestClock("2026-11-29T08:00:00+07:00")
        var path: String { dir + "/private/supervisor.pin" }
        var pin: SupervisorPin { SupervisorPin(path: path, clock: clock) }
        func text(_ p: String) -> String? { FileManager.default.contents(atPath: p).map { String(decoding: $0, as: UTF8.self) } }
        func remove() { try? FileManager.default.removeItem(atPath: dir) }
    }

    func mode(_ path: String) throws -> Int {
        let attrs = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attrs[.posixPermissions] as? NSNumber).intValue & 0o777
    }

    @Test func setThenCheck() throws {
        let box = Box()
        defer { box.remove() }
        #expect(!box.pin.isSet)
        #expect(box.pin.check("1234") == .notSet)
        try box.pin.set("1234")
        #expect(box.pin.isSet)
        #expect(box.pin.fileProblem == nil)
        #expect(box.pin.check("1234") == .accepted)
        #expect(box.pin.check("4321") == .wrong(remaining: 2))
        #expect(box.pin.check("1234") == .accepted)
        // Longest and shortest PINs, and a PIN that only differs in its last digit.
        try box.pin.set("000000000000")
        #expect(box.pin.check("000000000000") == .accepted)
        #expect(box.pin.check("000000000001") == .wrong(remaining: 2))
        #expect(box.pin.check("1234") == .wrong(remaining: 1), "the old PIN no longer opens")
    }

    @Test func threeWrongLockForSixtySecondsEvenForTheRightPin() throws {
        let box = Box()
        defer { box.remove() }
        try box.pin.set("2580")
        #expect(box.pin.check("0000") == .wrong(remaining: 2))
        #expect(box.pin.check("1111") == .wrong(remaining: 1))
        let until = try #require(ISOTime.parse("2026-11-29T08:01:00+07:00"))
        #expect(box.pin.check("2222") == .locked(until: until))
        #expect(box.pin.check("2580") == .locked(until: until), "locked: even the right PIN is refused")
        box.clock.set("2026-11-29T08:00:59+07:00")
        #expect(box.pin.check("2580") == .locked(until: until))
        #expect(box.pin.check("nonsense") == .locked(until: until), "tries while locked do not extend the lock")
        box.clock.set("2026-11-29T08:01:00+07:00")
        #expect(box.pin.check("2580") == .accepted)
        #expect(box.pin.check("0000") == .wrong(remaining: 2), "the lock's end starts a fresh count")
    }

    @Test func aLockEndedByTheClockGivesThreeNewTries() throws {
        let box = Box()
        defer { box.remove() }
        try box.pin.set("2580")
        for _ in 0..<3 { _ = box.pin.check("0000") }
        box.clock.set("2026-11-29T08:05:00+07:00")
        #expect(box.pin.check("0000") == .wrong(remaining: 2))
        #expect(box.pin.check("0000") == .wrong(remaining: 1))
        #expect(box.pin.check("0000") == .locked(until: try #require(ISOTime.parse("2026-11-29T08:06:00+07:00"))))
    }

    @Test func aRightPinResetsTheCount() throws {
        let box = Box()
        defer { box.remove() }
        try box.pin.set("2580")
        #expect(box.pin.check("0000") == .wrong(remaining: 2))
        #expect(box.pin.check("0000") == .wrong(remaining: 1))
        #expect(box.pin.check("2580") == .accepted)
        #expect(box.pin.check("0000") == .wrong(remaining: 2))
        #expect(box.pin.check("0000") == .wrong(remaining: 1))
    }

    @Test func failuresAndTheLockSurviveARestart() throws {
        let box = Box()
        defer { box.remove() }
        try SupervisorPin(path: box.path, clock: box.clock).set("2580")
        #expect(SupervisorPin(path: box.path, clock: box.clock).check("0000") == .wrong(remaining: 2))
        #expect(SupervisorPin(path: box.path, clock: box.clock).check("0000") == .wrong(remaining: 1))
        let until = try #require(ISOTime.parse("2026-11-29T08:01:00+07:00"))
        #expect(SupervisorPin(path: box.path, clock: box.clock).check("0000") == .locked(until: until))
        let restarted = SupervisorPin(path: box.path, clock: TestClock("2026-11-29T08:00:30+07:00"))
        #expect(restarted.check("2580") == .locked(until: until))
        #expect(try mode(box.path + ".state") == 0o600)
        let later = SupervisorPin(path: box.path, clock: TestClock("2026-11-29T08:01:00+07:00"))
        #expect(later.check("2580") == .accepted)
        #expect(!FileManager.default.fileExists(atPath: box.path + ".state"), "a right PIN clears the count")
    }

    @Test func aClockThatWentBackDoesNotLockForHours() throws {
        let box = Box()
        defer { box.remove() }
        try box.pin.set("2580")
        box.clock.set("2026-11-29T20:00:00+07:00")
        for _ in 0..<3 { _ = box.pin.check("0000") }
        box.clock.set("2026-11-29T08:00:00+07:00")
        let until = try #require(ISOTime.parse("2026-11-29T08:01:00+07:00"))
        #expect(box.pin.check("2580") == .locked(until: until))
        box.clock.set("2026-11-29T08:01:00+07:00")
        #expect(box.pin.check("2580") == .accepted)
    }

    @Test func guessesAtTheSameTimeAreAllCounted() throws {
        let box = Box()
        defer { box.remove() }
        try box.pin.set("2580")
        let pin = box.pin
        #expect(Together.run(3) { _ in _ = pin.check("0000") }, "the 3 guesses must really race")
        #expect(box.pin.check("2580") == .locked(until: try #require(ISOTime.parse("2026-11-29T08:01:00+07:00"))))
    }

    @Test func fileIsPrivateSaltedAndHoldsNoPin() throws {
        let box = Box()
        defer { box.remove() }
        try box.pin.set("97531864")
        #expect(try mode(box.path) == 0o600)
        #expect(try mode(box.dir + "/private") == 0o700)
        let text = try #require(box.text(box.path))
        #expect(!text.contains("97531864"))
        #expect(text.hasSuffix("\n") && text.filter { $0 == "\n" }.count == 1, "one line")
        let parts = text.dropLast().split(separator: "$", omittingEmptySubsequences: false)
        #expect(parts.count == 4)
        #expect(parts.first == "pbkdf2-sha256")
        #expect(parts.count > 1 && parts[1] == "\(SupervisorPin.rounds)")
        #expect(parts.count > 2 && Data(base64Encoded: String(parts[2]))?.count == 16)
        #expect(parts.count > 3 && Data(base64Encoded: String(parts[3]))?.count == 32)
        // The same PIN again gets a new salt, so two kiosks with one PIN do not show it.
        try box.pin.set("97531864")
        let again = try #require(box.text(box.path))
        #expect(again != text)
        #expect(box.pin.check("97531864") == .accepted)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: box.dir + "/private").filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "no temporary files left behind")
    }

    @Test func roundsAreReadFromTheFile() throws {
        let box = Box()
        defer { box.remove() }
        let salt = Array("0123456789abcdef".utf8)
        let hash = try SupervisorPin.derive("4455", salt: salt, rounds: 100_000)
        try FileManager.default.createDirectory(atPath: box.dir + "/private", withIntermediateDirectories: true)
        let line = "pbkdf2-sha256$100000$\(Data(salt).base64EncodedString())$\(Data(hash).base64EncodedString())\n"
        try line.write(toFile: box.path, atomically: true, encoding: .utf8)
        #expect(box.pin.isSet)
        #expect(box.pin.check("4455") == .accepted)
        #expect(box.pin.check("4456") == .wrong(remaining: 2))
    }

    static let damaged: [String] = [
        "",
        "1234\n",
        "pbkdf2-sha256$210000$c2FsdHNhbHRzYWx0c2FsdA==\n",
        "pbkdf2-sha1$210000$c2FsdHNhbHRzYWx0c2FsdA==$" + Data(count: 32).base64EncodedString(),
        "pbkdf2-sha256$lots$c2FsdHNhbHRzYWx0c2FsdA==$" + Data(count: 32).base64EncodedString(),
        "pbkdf2-sha256$999999999999$c2FsdHNhbHRzYWx0c2FsdA==$" + Data(count: 32).base64EncodedString(),
        "pbkdf2-sha256$-5$c2FsdHNhbHRzYWx0c2FsdA==$" + Data(count: 32).base64EncodedString(),
        "pbkdf2-sha256$210000$%%%$" + Data(count: 32).base64EncodedString(),
        "pbkdf2-sha256$210000$c2FsdHNhbHRzYWx0c2FsdA==$c2hvcnQ=",
        "pbkdf2-sha256$210000$c2FsdHNhbHRzYWx0c2FsdA==$" + Data(count: 32).base64EncodedString() + "$extra",
        "\u{FF}\u{FE}garbage",
    ]

    @Test(arguments: damaged)
    func aDamagedFileCountsAsNotSetAndSaysWhy(content: String) throws {
        let box = Box()
        defer { box.remove() }
        try FileManager.default.createDirectory(atPath: box.dir + "/private", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: box.path, contents: Data(content.utf8))
        #expect(!box.pin.isSet)
        #expect(box.pin.check("1234") == .notSet)
        let problem = try #require(box.pin.fileProblem)
        #expect(problem.key == .pinFileDamaged)
        #expect(problem.message(.en).contains(box.path))
        #expect(problem.message(.en).contains("kiosk set-pin"))
        try box.pin.set("1234")
        #expect(box.pin.fileProblem == nil)
        #expect(box.pin.check("1234") == .accepted)
    }

    @Test func anOversizedFileIsNotReadWhole() throws {
        let box = Box()
        defer { box.remove() }
        try FileManager.default.createDirectory(atPath: box.dir + "/private", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: box.path, contents: Data(repeating: UInt8(ascii: "$"), count: 1 << 20))
        #expect(!box.pin.isSet)
        #expect(box.pin.check("1234") == .notSet)
        #expect(box.pin.fileProblem?.args.last == "it is too large to be a PIN file")
    }

    @Test func aDamagedStateFileCountsAsNoFailures() throws {
        let box = Box()
        defer { box.remove() }
        try box.pin.set("2580")
        FileManager.default.createFile(atPath: box.path + ".state", contents: Data("failures=zz\nlocked_until=nan\n\u{1}".utf8))
        #expect(box.pin.check("0000") == .wrong(remaining: 2))
        #expect(box.pin.check("2580") == .accepted)
    }

    @Test(arguments: [
        ("", MessageKey.pinLength), ("123", .pinLength), ("1234567890123", .pinLength), ("12a4", .pinNotDigits),
        (" 1234", .pinNotDigits), ("1234\n", .pinNotDigits), ("١٢٣٤", .pinNotDigits), ("１２３４", .pinNotDigits),
        ("-123", .pinNotDigits),
    ])
    func invalidPinsAreRefusedAndNothingIsWritten(pin: String, key: MessageKey) throws {
        let box = Box()
        defer { box.remove() }
        let e = #expect(throws: SupervisorPinError.self) { try box.pin.set(pin) }
        #expect(e?.key == key)
        #expect(e?.message(.vi).contains("PIN") == true)
        #expect(!FileManager.default.fileExists(atPath: box.path))
    }

    @Test func aPinThatCannotBeSavedSaysWhere() throws {
        let box = Box()
        defer { box.remove() }
        try FileManager.default.createDirectory(atPath: box.dir, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: box.dir + "/private", contents: Data("a file, not a folder".utf8))
        let e = #expect(throws: SupervisorPinError.self) { try box.pin.set("1234") }
        #expect(e?.key == .pinFileUnwritable)
        #expect(e?.message(.en).contains(box.path) == true)
        #expect(box.pin.check("1234") == .notSet)
    }

    @Test func gateServiceUsesTheConfiguredFileAndClock() throws {
        let dir = NSTemporaryDirectory() + "kiosk-pin-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let h = try Harness { $0.ui.pinFile = dir + "/supervisor.pin" }
        #expect(h.gate.supervisorPin.path == dir + "/supervisor.pin")
        try h.gate.supervisorPin.set("8642")
        for _ in 0..<2 { _ = h.gate.supervisorPin.check("0000") }
        #expect(h.gate.supervisorPin.check("0000") == .locked(until: try #require(ISOTime.parse("2026-11-29T08:01:00+07:00"))))
        h.clock.set("2026-11-29T08:01:00+07:00")
        #expect(h.gate.supervisorPin.check("8642") == .accepted)
    }
}
