import CheckinWeb
import Crypto
import Foundation
import Gate
import HummingbirdTesting
import KioskCore
import Testing

/// The self check-in form's consent (Law 91/2025): never ticked in advance, and the visit
/// records the hash of the very sentence the visitor ticked, in their language.
@Suite struct ConsentRecordTests {
    static func sha256(_ s: String) -> String { SHA256.hash(data: Array(s.utf8)).map { String(format: "%02x", $0) }.joined() }

    @Test("the box is not pre-ticked; the visit records web-form consent with the shown text's hash, version and language", arguments: ["vi", "en"])
    func recorded(lang: String) async throws {
        let web = try Web { $0.privacy.consentVersion = "2026-02" }
        try await web.app().test(.router) { client in
            let page = String(buffer: try await Visitor(client: client).form(query: "?lang=\(lang)").body)
            let box = try #require(Page.block(of: "consent", in: page))
            #expect(box.contains("type=\"checkbox\"") && !box.contains("checked"), "\(box)")
            var s = Submission()
            s.lang = lang
            let r = try await Visitor(client: client).submit(s, query: "?lang=\(lang)")
            #expect(r.status == .ok)
        }
        let visit = try #require(try web.visits().first)
        let consent = try #require(ConsentRecord(declaration: visit.declaration))
        let language = Language(rawValue: lang) ?? .vi
        let shown = WebConsent.text(language, venue: web.gate.config.venue.name, retentionDays: web.gate.config.records.retentionDays)
        #expect(consent.basis == "consent" && consent.channel == "web-form")
        #expect(consent.version == "2026-02" && consent.language == lang)
        #expect(consent.text_sha256 == Self.sha256(shown))
        let kept = try web.gate.store.consentTexts([Self.sha256(shown)])
        #expect(kept.first?.text == shown)
    }

    @Test("without the tick nothing is recorded")
    func refusedWithoutTick() async throws {
        let web = try Web()
        try await web.app().test(.router) { client in
            var s = Submission()
            s.consent = nil
            let r = try await Visitor(client: client).submit(s)
            #expect(Page.error(of: "consent", in: String(buffer: r.body)) != nil)
        }
        #expect(try web.visits().isEmpty)
    }
}
