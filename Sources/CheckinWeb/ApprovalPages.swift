import Foundation
import Gate
import Hummingbird
import KioskCore
import NIOCore

/// The host's approval page (`/c/<venue>/host/<code>?k=<mac>`, issue 17): the visitor's name,
/// organisation and purpose, and two buttons. GET only shows (a mail scanner that follows
/// links approves nobody); the answer is a POST with a CSRF token bound to this visit.
extension CheckinServer {
    /// The CSRF token's binding: a token served for one visit cannot answer another.
    static func approvalBinding(_ code: String) -> String { "host-approval:" + code }

    func showApproval(_ request: Request, _ context: WebContext) async throws -> Response {
        let lang = Self.language(request)
        let venue = context.parameters.get("venue") ?? ""
        let code = context.parameters.get("code") ?? ""
        let key = request.uri.queryParameters["k"].map(String.init)
        guard venue == gate.config.venue.id, code.count <= 16 else {
            return Self.html(pages.message(.notFoundTitle, .approvalInvalid, lang), status: .notFound)
        }
        let gate = gate
        let view: HostApprovalView?
        do {
            view = try await blockingCall { try gate.hostApprovalView(code: code, token: key) }
        } catch {
            context.logger.error("approval page failed: \(gate.describe(error))")
            return Self.html(pages.message(.serverErrorTitle, .serverError, lang), status: .serviceUnavailable)
        }
        guard let view else { return Self.html(pages.message(.notFoundTitle, .approvalInvalid, lang), status: .notFound) }
        if view.expired { return Self.html(pages.approvalResult(view.visit, .answerExpired, lang: lang), status: .gone) }
        guard view.waiting else {
            return Self.html(pages.approvalResult(view.visit, .alreadyDecided, [L10n.decision(view.visit.finalDecision, lang)], lang: lang), status: .conflict)
        }
        let csrf = await tokens.issue(now: gate.clock.now(), venueToken: Self.approvalBinding(view.visit.code))
        return Self.html(pages.approvalForm(view, key: key ?? "", csrf: csrf, lang: lang), status: .ok)
    }

    func answerApproval(_ request: Request, _ context: WebContext) async throws -> Response {
        var request = request
        var lang = Self.language(request)
        let venue = context.parameters.get("venue") ?? ""
        let code = context.parameters.get("code") ?? ""
        guard venue == gate.config.venue.id, code.count <= 16, let normal = EntryCode.normalise(code) else {
            return Self.html(pages.message(.notFoundTitle, .approvalInvalid, lang), status: .notFound)
        }
        guard await limiter.allow(Self.addressKey(context.remoteAddress), now: gate.clock.now()) else {
            return Self.html(pages.message(.tooManyTitle, .tooMany, lang), status: .tooManyRequests)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: Self.maxBody)
        } catch {
            return Self.html(pages.message(.tooLargeTitle, .tooLarge, lang), status: .contentTooLarge)
        }
        guard let form = try? FormBody(Array(buffer.readableBytesView)) else {
            return Self.html(pages.message(.badFormTitle, .badForm, lang), status: .badRequest)
        }
        if form["lang"] == "en" { lang = .en } else if form["lang"] == "vi" { lang = .vi }
        let key = request.uri.queryParameters["k"].map(String.init) ?? form["k"]
        // The link first: a forged one learns nothing, not even whether its CSRF token was good.
        guard gate.approvalLink.accepts(key, code: normal) else {
            return Self.html(pages.message(.notFoundTitle, .approvalInvalid, lang), status: .notFound)
        }
        switch await tokens.redeem(form["csrf"], venueToken: Self.approvalBinding(normal), now: gate.clock.now()) {
        case .fresh: break
        case .resent, .invalid:
            return Self.html(pages.message(.staleTitle, .approvalStale, lang), status: .forbidden)
        }
        let approve: Bool
        switch form["answer"] {
        case "approve": approve = true
        case "refuse": approve = false
        default: return Self.html(pages.message(.badFormTitle, .badForm, lang), status: .badRequest)
        }
        let gate = gate
        let answer: HostAnswer?
        do {
            answer = try await blockingCall { try gate.answerHost(code: normal, token: key, approve: approve) }
        } catch {
            await tokens.release(form["csrf"], venueToken: Self.approvalBinding(normal), now: gate.clock.now())
            context.logger.error("approval answer failed: \(gate.describe(error))")
            return Self.html(pages.message(.serverErrorTitle, .serverError, lang), status: .serviceUnavailable)
        }
        switch answer {
        case nil:
            return Self.html(pages.message(.notFoundTitle, .approvalInvalid, lang), status: .notFound)
        case .approved(let e)?:
            context.logger.info("host approved \(e.code)")
            return Self.html(pages.approvalResult(e, .approvedDone, [e.details.name], lang: lang, good: true), status: .ok)
        case .refused(let e)?:
            context.logger.info("host refused \(e.code)")
            return Self.html(pages.approvalResult(e, .refusedDone, [e.details.name], lang: lang), status: .ok)
        case .approvedButHeld(let e, _)?:
            // Why (a full house, the watch list, another visit) is the guard's to know, not
            // whoever holds the link: a webhook's link may be in a whole team's chat.
            context.logger.info("host approved \(e.code), held by the gate's rules")
            return Self.html(pages.approvalResult(e, .approvedHeld, lang: lang), status: .ok)
        case .alreadyDecided(let e)?:
            return Self.html(pages.approvalResult(e, .alreadyDecided, [L10n.decision(e.finalDecision, lang)], lang: lang), status: .conflict)
        case .expired(let e)?:
            return Self.html(pages.approvalResult(e, .answerExpired, lang: lang), status: .gone)
        }
    }
}

extension Pages {
    /// Name, organisation, purpose, gate, time: what the host's message said, nothing more.
    func approvalFacts(_ visit: Entry, lang: Language) -> String {
        var rows = [(t(.visitorLabel, lang), visit.details.name)]
        if let o = visit.details.organisation, !o.isEmpty { rows.append((t(.organisation, lang), o)) }
        if let p = visit.details.purpose, !p.isEmpty { rows.append((t(.purpose, lang), p)) }
        rows.append((t(.gateLabel, lang, [""]).trimmingCharacters(in: .whitespaces), visit.gate))
        rows.append((t(.arrivedLabel, lang), gate.calendar.slipTimestamp(visit.checkedInAt)))
        return "<dl class=\"facts\">" + rows.map { "<dt>\(HTML.escape($0.0))</dt><dd>\(HTML.escape($0.1))</dd>" }.joined() + "</dl>"
    }

    func approvalForm(_ view: HostApprovalView, key: String, csrf: String, lang: Language) -> String {
        let visit = view.visit
        let action = "/c/\(percent(config.venue.id))/host/\(percent(visit.code))?k=\(percent(key))" + (lang == .en ? "&lang=en" : "")
        let other: Language = lang == .vi ? .en : .vi
        let switchHref = "/c/\(percent(config.venue.id))/host/\(percent(visit.code))?k=\(percent(key))&lang=\(other.rawValue)"
        let body = """
            <a class="lang" href="\(HTML.escape(switchHref))">\(HTML.escape(t(.switchLanguage, lang)))</a>
            <h1>\(HTML.escape(t(.approvalTitle, lang)))</h1>
            <p class="venue">\(HTML.escape(config.venue.name))</p>
            <p>\(HTML.escape(t(.approvalAsk, lang, [view.hostLabel])))</p>
            \(approvalFacts(visit, lang: lang))
            <form method="post" action="\(HTML.escape(action))" accept-charset="utf-8">
            <input type="hidden" name="csrf" value="\(HTML.escape(csrf))">
            <input type="hidden" name="lang" value="\(lang.rawValue)">
            <button type="submit" name="answer" value="approve">\(HTML.escape(t(.approve, lang)))</button>
            <button type="submit" name="answer" value="refuse" class="secondary">\(HTML.escape(t(.refuse, lang)))</button>
            </form>
            """
        return HTML.page(title: t(.approvalTitle, lang), lang: lang.rawValue, body: body)
    }

    func approvalResult(_ visit: Entry, _ message: WebText.Key, _ args: [String] = [], lang: Language, good: Bool = false) -> String {
        HTML.page(title: t(.approvalTitle, lang), lang: lang.rawValue, body: """
            <h1>\(HTML.escape(t(.approvalTitle, lang)))</h1>
            <p class="venue">\(HTML.escape(config.venue.name))</p>
            <p class="\(good ? "ok" : "wait")" id="answer">\(HTML.escape(t(message, lang, args)))</p>
            \(approvalFacts(visit, lang: lang))
            """)
    }
}
