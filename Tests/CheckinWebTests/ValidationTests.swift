import CheckinWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KioskCore
import Testing

/// The form's rules are the guard's form's rules; a refusal shows each problem next to its
/// field, keeps what the visitor typed, and records nothing.
@Suite struct ValidationTests {
    /// Posts `s` and checks the 422 page: exactly `errors` marked, the rest of the input kept.
    func refused(_ web: Web, _ s: Submission, errors: [String: String], lang: Language = .vi) async throws -> String {
        let html = try await web.app().test(.router) { client in
            let r = try await Visitor(client: client).submit(s)
            #expect(r.status == .unprocessableContent, "\(errors.keys.sorted())")
            expectLockedDown(r, "422 \(errors.keys.sorted())")
            return String(buffer: r.body)
        }
        #expect(html.contains(Page.escaped(lang == .vi ? "Kiểm tra lại các ô được đánh dấu." : "Check the marked fields.")))
        for field in ["name", "phone", "id_number", "organisation", "host", "purpose", "answer_0", "answer_1", "consent"] {
            let shown = Page.error(of: field, in: html)
            if let want = errors[field] {
                #expect(shown == Page.escaped(want), "\(field): \(shown ?? "no message")")
                #expect(Page.block(of: field, in: html)?.contains("err") == true, "\(field) not marked")
            } else {
                #expect(shown == nil, "\(field) wrongly marked: \(shown ?? "")")
            }
        }
        // What was typed comes back, escaped, in its field.
        let typed: [(String, String?)] = [
            ("name", s.name), ("phone", s.phone), ("id_number", s.idNumber), ("organisation", s.organisation),
            ("host", s.host), ("purpose", s.purpose),
        ]
        for (field, value) in typed {
            #expect(html.contains("name=\"\(field)\" value=\"\(Page.escaped(TextFolding.clean(value ?? "")))\""), "\(field) not kept")
        }
        for (i, a) in s.answers.enumerated() {
            for choice in ["yes", "no"] {
                let checked = html.contains("name=\"answer_\(i)\" value=\"\(choice)\" checked")
                #expect(checked == (a == choice), "answer_\(i)=\(choice)")
            }
        }
        #expect(html.contains("name=\"consent\" value=\"yes\" checked") == (s.consent == "yes"))
        // A new form token, so the corrected form can be sent.
        #expect(Page.csrf(html) != nil && Page.csrf(html) != s.csrf)
        #expect(html.contains("name=\"g\" value=\"\(s.gate ?? "main")\""))
        #expect(try web.visits().isEmpty)
        #expect(try web.gate.audit().events == 0)
        return html
    }

    static func text(_ key: MessageKey, _ args: [String] = [], _ lang: Language = .vi) -> String { Reason(key, args).text(lang) }

    @Test func missingName() async throws {
        var s = Submission()
        s.name = "   "
        s.organisation = "Công ty \"A&B\" <Ltd>"
        _ = try await refused(try Web(), s, errors: ["name": Self.text(.nameRequired)])
        s.name = nil
        _ = try await refused(try Web(), s, errors: ["name": Self.text(.nameRequired)])
    }

    @Test func missingPhone() async throws {
        var s = Submission()
        s.phone = ""
        _ = try await refused(try Web(), s, errors: ["phone": Self.text(.phoneRequired)])
        s.phone = nil
        _ = try await refused(try Web(), s, errors: ["phone": Self.text(.phoneRequired)])
    }

    @Test func badPhone() async throws {
        for phone in ["12345", "0912 345 67", "abc0912345678", "+84 912"] {
            var s = Submission()
            s.phone = phone
            _ = try await refused(try Web(), s, errors: ["phone": Self.text(.phoneUnusual)])
        }
    }

    @Test func oddIdNumber() async throws {
        for id in ["12AB", "0010990123", "<b>1</b>"] {
            var s = Submission()
            s.idNumber = id
            _ = try await refused(try Web(), s, errors: ["id_number": Self.text(.idNumberUnusual)])
        }
    }

    @Test func unansweredQuestion() async throws {
        var s = Submission()
        s.answers = ["yes", nil]
        _ = try await refused(try Web(), s, errors: ["answer_1": "Chọn Có hoặc Không."])
        s.answers = ["maybe", "no"]
        _ = try await refused(try Web(), s, errors: ["answer_0": "Chọn Có hoặc Không."])
    }

    @Test func noConsent() async throws {
        var s = Submission()
        s.consent = nil
        _ = try await refused(try Web(), s, errors: ["consent": Self.text(.consentRequired)])
        s.consent = "no"
        _ = try await refused(try Web(), s, errors: ["consent": Self.text(.consentRequired)])
    }

    @Test func everythingWrongAtOnceInEnglish() async throws {
        var s = Submission()
        s.lang = "en"
        s.name = ""
        s.phone = "12"
        s.idNumber = "X"
        s.answers = [nil, nil]
        s.consent = nil
        s.host = "<i>Mr. O'Brien</i> & co"
        s.purpose = "\"quoted\""
        let html = try await refused(
            try Web(), s,
            errors: [
                "name": Self.text(.nameRequired, [], .en), "phone": Self.text(.phoneUnusual, [], .en),
                "id_number": Self.text(.idNumberUnusual, [], .en), "answer_0": "Choose Yes or No.",
                "answer_1": "Choose Yes or No.", "consent": Self.text(.consentRequired, [], .en),
            ], lang: .en)
        #expect(html.contains("<html lang=\"en\">"))
        #expect(!html.contains("<i>"))
    }

    @Test func aFixedFormGoesThrough() async throws {
        let web = try Web()
        try await web.app().test(.router) { client in
            let v = Visitor(client: client)
            var s = Submission()
            s.consent = nil
            let first = try await v.submit(s)
            #expect(first.status == .unprocessableContent)
            // The re-rendered form's own token sends the corrected answers.
            s.csrf = Page.csrf(String(buffer: first.body))
            s.consent = "yes"
            let second = try await v.post(s.body)
            #expect(second.status == .ok)
            #expect(Page.code(String(buffer: second.body)) != nil)
        }
        #expect(try web.visits().count == 1)
    }

    @Test func tooLongNameIsRefusedWithTheTooLongMessage() async throws {
        var s = Submission()
        s.name = String(repeating: "a", count: 10_000)
        let html = try await refused(try Web(), s, errors: ["name": Self.text(.fieldTooLong, [L10nField.name, "200"])])
        #expect(Page.error(of: "name", in: html)?.contains("200") == true)
    }
}
