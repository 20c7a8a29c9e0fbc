import Foundation
import Testing

/// Issue 21 #5: numbers from input that trapped the binary (signal 4 on an Int conversion)
/// are refused with a message; the log stays intact and other visits go on.
@Suite("absurd numbers")
struct AbsurdNumbersTests {
    @Test("--temperature that is no decimal number is bad usage, not a crash", arguments: ["inf", "-inf", "nan", "1e300", "-1e300", "0x24", "3.6e1", "36.8.1", "warm"])
    func temperatureNotANumber(_ value: String) throws {
        let box = try Sandbox(language: "en")
        let r = try box.run(["checkin", "--name", "Nguyen Van An", "--temperature=" + value])
        #expect(r.status == 2, "\(value): \(r)")
        #expect(r.stderr.contains("--temperature"), "\(value): \(r)")
        #expect(r.stdout.isEmpty, "\(value): \(r)")
        #expect(try JSON.array(try box.run(["list", "--json"]).stdout).isEmpty)
    }

    @Test("--temperature outside 30-45 °C is refused with a message, nothing recorded", arguments: ["29.9", "45.1", "0", "99"])
    func temperatureRefused(_ value: String) throws {
        let box = try Sandbox(language: "en")
        let r = try box.run(["checkin", "--name", "Nguyen Van An", "--temperature=" + value])
        #expect(r.status == 1, "\(value): \(r)")
        #expect(r.stderr.contains("not plausible"), "\(value): \(r)")
        #expect(r.stdout.isEmpty, "\(value): \(r)")
        let list = try box.run(["list", "--json"])
        #expect(try JSON.array(list.stdout).isEmpty, "\(list)")
        #expect(try box.run(["audit"]).status == 0)
    }

    @Test("a plausible fever is still recorded")
    func plausibleRecorded() throws {
        let box = try Sandbox(language: "en")
        let r = try box.run(["checkin", "--name", "Nguyen Van An", "--temperature", "38.1"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("38.1"), "\(r)")
        // A decimal comma, as on the guard's form.
        #expect(try box.run(["checkin", "--name", "Tran Thi B", "--temperature", "36,8"]).status == 0)
    }

    @Test("a batch line with 1e300 is refused and the batch goes on")
    func batchGoesOn() throws {
        let box = try Sandbox(language: "en")
        let lines = [
            #"{"name": "Mot", "temperature": 36.6}"#,
            #"{"name": "Hai", "temperature": 1e300}"#,
            #"{"name": "Ba", "temperature": -1e300}"#,
            #"{"name": "Bon"}"#,
        ].joined(separator: "\n") + "\n"
        let r = try box.run(["checkin", "--batch", "-"], stdin: Data(lines.utf8))
        #expect(r.status == 1, "\(r)")
        #expect(r.lines.count == 2, "\(r)")
        #expect(r.stderr.contains("line 2") && r.stderr.contains("line 3"), "\(r)")
        let names = try JSON.array(try box.run(["list", "--json"]).stdout).compactMap { $0["name"] as? String }
        #expect(names == ["Mot", "Bon"])
        #expect(try box.run(["audit"]).status == 0)
    }

    @Test("trace --margin with an enormous number is a usage error", arguments: ["999999999999999d", "99999999999999999999m", "9223372036854775807h", "8d", "153722867280912931m"])
    func hugeMargin(_ margin: String) throws {
        let box = try Sandbox(language: "en")
        let code = try box.checkin("Nguyen Van An")
        let r = try box.run(["trace", code, "--margin", margin])
        #expect(r.status == 2, "\(margin): \(r)")
        #expect(!r.stderr.isEmpty, "\(r)")
    }

    @Test("purge --older-than with an enormous number is a usage error, nothing purged")
    func hugeRetention() throws {
        let box = try Sandbox(language: "en")
        _ = try box.checkin("Nguyen Van An")
        let r = try box.run(["purge", "--older-than", "9223372036854775807"])
        #expect(r.status == 2, "\(r)")
        #expect(try JSON.array(try box.run(["list", "--json"]).stdout).count == 1)
    }

    @Test("a batch line with a field of the wrong type or an unknown field is refused, not half-recorded")
    func batchFieldTypes() throws {
        let box = try Sandbox(language: "en")
        let lines = [
            #"{"name": "Dung", "temperature": "36.8"}"#,
            #"{"name": "Sai", "badge": 123}"#,
            #"{"name": "Typo", "tempreature": 36.6}"#,
            #"{"name": "Bool", "temperature": true}"#,
            #"{"name": "Tot", "badge": "12", "temperature": 36.6, "category": null}"#,
        ].joined(separator: "\n") + "\n"
        let r = try box.run(["checkin", "--batch", "-"], stdin: Data(lines.utf8))
        #expect(r.status == 1, "\(r)")
        #expect(r.lines.count == 1, "\(r)")
        for n in 1...4 { #expect(r.stderr.contains("line \(n): "), "\(r)") }
        #expect(r.stderr.contains("must be a number") && r.stderr.contains("must be text") && r.stderr.contains("unknown field"), "\(r)")
        let visits = try JSON.array(try box.run(["list", "--json"]).stdout)
        #expect(visits.compactMap { $0["name"] as? String } == ["Tot"])
    }
}
