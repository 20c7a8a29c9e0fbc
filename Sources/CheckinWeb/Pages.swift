import Foundation
import Gate
import KioskCore

/// The pages a phone sees. Everything interpolated is escaped.
struct Pages {
    let gate: GateService
    let slipLinks: SlipLinks
    let hostList: HostList
    let formCache = FormPageCache()

    init(gate: GateService) {
        self.gate = gate
        slipLinks = SlipLinks(key: gate.hasher.derivedKey("slip-picture"))
        hostList = HostList(gate: gate)
    }

    var config: KioskConfig { gate.config }

    func t(_ k: WebText.Key, _ lang: Language, _ args: [String] = []) -> String { WebText.text(k, lang, args) }

    /// The consent sentence exactly as the form shows it (the visit records its hash).
    func consentText(_ lang: Language) -> String {
        WebConsent.text(lang, venue: config.venue.name, retentionDays: config.records.retentionDays)
    }

    /// A short page with a title and one message (expired code, too many submissions, …).
    func message(_ title: WebText.Key, _ body: WebText.Key, _ lang: Language, extra: String = "") -> String {
        HTML.page(title: t(title, lang), lang: lang.rawValue, body: """
            <h1>\(HTML.escape(t(title, lang)))</h1>
            <p class="venue">\(HTML.escape(config.venue.name))</p>
            <p class="bad">\(HTML.escape(t(body, lang)))</p>\(extra)
            """)
    }

    struct FormState {
        var values: [String: String] = [:]
        var errors: [String: String] = [:]
    }

    /// The empty form (a phone's GET), from the cache when this language, gate, code and
    /// host list have been built before.
    func emptyForm(venue: String, token: String?, gateName: String, csrf: String, lang: Language) -> String {
        let key = FormPageCache.Key(lang: lang, gateName: gateName, token: token, hosts: hostList.generation)
        return formCache.page(key, csrf: csrf) { form(venue: venue, token: token, gateName: gateName, csrf: $0, lang: lang) }
    }

    func form(venue: String, token: String?, gateName: String, csrf: String, lang: Language, state: FormState = FormState()) -> String {
        func field(_ name: String, _ label: WebText.Key, type: String = "text", required: Bool = false, extra: String = "") -> String {
            let err = state.errors[name]
            return """
                <div\(err != nil ? " class=\"err\"" : "")><label for="\(name)">\(HTML.escape(t(label, lang)))\(required ? " <span class=\"req\">*</span>" : " <small>(\(HTML.escape(t(.optional, lang))))</small>")</label>
                <input type="\(type)" id="\(name)" name="\(name)" value="\(HTML.escape(state.values[name] ?? ""))" maxlength="200"\(required ? " required" : "")\(extra)>\(err.map { "<p class=\"msg\">\(HTML.escape($0))</p>" } ?? "")</div>
                """
        }
        var questions = ""
        for (i, q) in config.checkinWeb.questions.enumerated() {
            let name = "answer_\(i)"
            let v = state.values[name]
            let err = state.errors[name]
            questions += """
                <fieldset\(err != nil ? " class=\"err\"" : "")><legend>\(HTML.escape(q))</legend>
                <label class="choice"><input type="radio" name="\(name)" value="yes"\(v == "yes" ? " checked" : "") required> \(HTML.escape(t(.yes, lang)))</label>
                <label class="choice"><input type="radio" name="\(name)" value="no"\(v == "no" ? " checked" : "")> \(HTML.escape(t(.no, lang)))</label>\(err.map { "<p class=\"msg\">\(HTML.escape($0))</p>" } ?? "")
                </fieldset>
                """
        }
        let other: Language = lang == .vi ? .en : .vi
        var switchQuery = "g=\(percent(gateName))&lang=\(other.rawValue)"
        if let token { switchQuery += "&t=\(percent(token))" }
        let consentErr = state.errors["consent"]
        let body = """
            <a class="lang" href="/c/\(percent(venue))?\(HTML.escape(switchQuery))">\(HTML.escape(t(.switchLanguage, lang)))</a>
            <h1>\(HTML.escape(t(.title, lang)))</h1>
            <p class="venue">\(HTML.escape(config.venue.name)) · \(HTML.escape(t(.gateLabel, lang, [gateName])))</p>
            <p>\(HTML.escape(t(.intro, lang)))</p>
            \(state.errors.isEmpty ? "" : "<p class=\"bad\">\(HTML.escape(t(.fixErrors, lang)))</p>")
            <form method="post" action="/c/\(percent(venue))" accept-charset="utf-8">
            <input type="hidden" name="csrf" value="\(HTML.escape(csrf))">
            <input type="hidden" name="g" value="\(HTML.escape(gateName))">
            <input type="hidden" name="t" value="\(HTML.escape(token ?? ""))">
            <input type="hidden" name="lang" value="\(lang.rawValue)">
            \(field("name", .name, required: true, extra: " autocomplete=\"name\""))
            \(field("phone", .phone, type: "tel", required: true, extra: " autocomplete=\"tel\" inputmode=\"tel\""))
            \(field("id_number", .idNumber, extra: " inputmode=\"numeric\""))
            \(field("organisation", .organisation, extra: " autocomplete=\"organization\""))
            \(field("host", .host, extra: hostList.datalistAttribute))\(hostList.datalist)
            \(field("purpose", .purpose))
            \(questions)
            <div class="consent\(consentErr != nil ? " err" : "")"><strong>\(HTML.escape(t(.consentTitle, lang)))</strong>
            <label><input type="checkbox" name="consent" value="yes"\(state.values["consent"] == "yes" ? " checked" : "") required> <span>\(HTML.escape(consentText(lang)))</span></label>\(consentErr.map { "<p class=\"msg\">\(HTML.escape($0))</p>" } ?? "")
            </div>
            <button type="submit">\(HTML.escape(t(.submit, lang)))</button>
            </form>
            """
        return HTML.page(title: t(.title, lang), lang: lang.rawValue, body: body)
    }

    /// What the visitor shows the guard: a large code, its QR, a shortened name; no other
    /// details (a phone left on the desk shows nothing more).
    func confirmation(_ entry: Entry, lang: Language) -> String {
        // Only a visit let in says so; any other (waiting, or refused by the watch list) reads
        // the same: see the guard.
        let pending = entry.status != .inside
        // With hosts approving walk-ins, every visit not let in yet reads the same (waiting
        // for the host, for the guard, or refused by the watch list): the page never tells.
        let waiting: WebText.Key = config.notify.approval == .walkIns ? .waitHostOrGuard : .waitGuard
        // Inline SVG (an element, not a loaded resource, so CSP default-src 'self' allows it),
        // without the XML declaration a standalone file has.
        let svg = (try? gate.qrSVG(gate.confirmationPayload(entry), scale: 6, declaration: false)) ?? ""
        let body = """
            <h1>\(HTML.escape(t(.doneTitle, lang)))</h1>
            <p class="venue">\(HTML.escape(config.venue.name))</p>
            <p class="\(pending ? "wait" : "ok")">\(HTML.escape(t(pending ? waiting : .admitted, lang)))</p>
            <p class="code" id="code">\(HTML.escape(entry.code))</p>
            <div class="qr">\(svg)</div>
            <p><strong>\(HTML.escape(Pages.shortName(entry.details.name)))</strong></p>
            <p>\(HTML.escape(t(.showGuard, lang)))</p>
            \(slipBlock(entry, lang: lang))
            """
        return HTML.page(title: t(.doneTitle, lang), lang: lang.rawValue, body: body)
    }

    /// The visitor's slip as a picture (what the desk printer would print): shown once the
    /// visitor is inside, a link that works once the guard lets them in before that. The link
    /// carries a MAC of the code, so a guessed code shows nobody's slip.
    func slipBlock(_ entry: Entry, lang: Language) -> String {
        let url = HTML.escape(slipLinks.path(venue: config.venue.id, code: entry.code, lang: lang))
        // Waiting or refused by the watch list read the same here, as on the rest of the page.
        guard entry.status == .inside else {
            return "<p class=\"slip\"><a href=\"\(url)\">\(HTML.escape(t(.slipLater, lang)))</a></p>"
        }
        return """
            <p class="slip"><img src="\(url)" alt="\(HTML.escape(t(.slipAlt, lang)))"></p>
            <p class="slip"><a href="\(url)" download="slip-\(HTML.escape(entry.code)).png">\(HTML.escape(t(.slipSave, lang)))</a></p>
            """
    }

    static func shortName(_ name: String) -> String {
        let words = name.split(separator: " ")
        guard let first = words.first else { return "" }
        return ([String(first)] + words.dropFirst().compactMap { $0.first.map { "\($0)." } }).joined(separator: " ")
    }

    func percent(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~"))) ?? ""
    }
}

/// The host directory as the self check-in form suggests it (issue 17): names and departments
/// only, never an address or phone, in a `<datalist>` the phone's browser filters as the
/// visitor types. Each option's label is the folded name, so `nguyen` finds `Nguyễn` in
/// browsers that match labels too. Built at most every 30 s, not per page.
///
/// Why `@unchecked Sendable`: `cached` and `builtAt` are touched only under `lock`.
final class HostList: @unchecked Sendable {
    private let gate: GateService
    private let lock = NSLock()
    private var cached = ""
    private var builtAt = Date.distantPast
    private var changes = 0

    init(gate: GateService) { self.gate = gate }

    var datalistAttribute: String { datalist.isEmpty ? "" : " list=\"hosts\" autocomplete=\"off\"" }

    var datalist: String {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard abs(now.timeIntervalSince(builtAt)) >= 30 else { return cached }
        builtAt = now
        let hosts = (try? gate.hostDirectory()) ?? []
        let fresh = hosts.isEmpty ? "" : "<datalist id=\"hosts\">" + hosts.prefix(2000).map {
            "<option value=\"\(HTML.escape($0.label))\" label=\"\(HTML.escape(TextFolding.fold($0.label)))\"></option>"
        }.joined() + "</datalist>"
        if fresh != cached { changes += 1 }
        cached = fresh
        return cached
    }

    /// Changes each time the list does: the cached form pages are keyed by it.
    var generation: Int {
        _ = datalist
        return lock.withLock { changes }
    }
}
