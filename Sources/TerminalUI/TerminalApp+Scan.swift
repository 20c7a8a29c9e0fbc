import Foundation
import Gate
import KioskCore

extension TerminalApp {
    /// A scan is handled the same way on every screen: an identity code (ID card, BHYT, PC-Covid)
    /// fills the guard's form; everything else is verified, decided and recorded, and the
    /// verdict shown on the main screen.
    func handleScan(_ raw: String) {
        countHandled()
        let kind = ScanKind.classify(raw)
        if kind == .cccd || kind == .bhyt || kind == .personalQR {
            let who = guardName
            run({ gate -> (CheckInRequest?, Entry?) in
                let request = gate.verify(raw).checkInRequest(guardName: who)
                return (request, try request.flatMap { try gate.openVisit(for: $0) })
            }, done: { [self] result in
                guard case .success(let (request?, open)) = result else {
                    log("scan kind=\(kind.rawValue) length=\(raw.count) outcome=unreadable")
                    showUnreadable(kind: kind, reasons: [])
                    return
                }
                if let open {
                    // The same card again while its holder is inside: no second visit.
                    log("scan kind=\(kind.rawValue) length=\(raw.count) outcome=already-inside")
                    goHome()
                    showPanel(VerdictPanel(tone: .check, headline: t(.check), source: VerdictPanel.kindLabel(kind, language),
                        name: open.details.name,
                        lines: [L10n.text(.alreadyInside, language, [gate.insideSince(open), open.code])],
                        code: open.code, badge: open.badge, discreetTag: nil))
                    return
                }
                if screen != .manual { openForm() }
                guard form?.accepts(request) != false else {
                    // Someone else's card into a form that holds a person: never merged.
                    log("scan kind=\(kind.rawValue) length=\(raw.count) outcome=ask-replace")
                    form?.pendingScan = (request, kind)
                    form?.confirmingDiscard = false
                    say(t(.formOtherPerson, [TextFolding.clean(request.details.name)]), .warning)
                    return
                }
                log("scan kind=\(kind.rawValue) length=\(raw.count) outcome=prefill")
                fillForm(from: request, kind: kind)
            })
            return
        }
        let who = guardName
        run({ gate in try gate.scan(raw, guardName: who) }, done: { [self] result in
            switch result {
            case .success(let outcome): show(outcome, raw: raw)
            case .failure(let e):
                log("scan kind=\(kind.rawValue) length=\(raw.count) outcome=error")
                goHome()
                say(describe(e) + (form?.hasData == true ? " " + t(.formKept) : ""), .error)
                alertsPending += 1
            }
        })
    }

    func show(_ outcome: ScanOutcome, raw: String) {
        let report = outcome.report
        // An unrecognised code has no decoding steps: it was not decoded.
        let decoded = !report.steps.isEmpty && report.steps.prefix(4).allSatisfy { $0.status == .pass } ? "yes" : "no"
        if report.kind == .unknown {
            log("scan kind=\(report.kind.rawValue) length=\(raw.count) decoded=\(decoded) verdict=\(report.decision.verdict.rawValue) recorded=no")
            showUnreadable(kind: report.kind, reasons: report.decision.reasons.filter { $0.key != .unrecognised }.map { $0.text(language) })
            return
        }
        goHome()
        if let out = outcome.checkOut {
            log("scan kind=\(report.kind.rawValue) length=\(raw.count) outcome=checkout")
            let entry: Entry
            switch out {
            case .checkedOut(let e), .alreadyClosed(let e): entry = e
            }
            showPanel(VerdictPanel(tone: .neutral, headline: t(.keyCheckOut).uppercased(), source: VerdictPanel.kindLabel(.checkout, language),
                name: entry.details.name, lines: [gate.message(for: out)], code: entry.code, badge: entry.badge, discreetTag: nil))
            refresh()
            return
        }
        let decision = outcome.checkIn?.decision ?? report.decision
        log("scan kind=\(report.kind.rawValue) length=\(raw.count) decoded=\(decoded) verdict=\(decision.verdict.rawValue) recorded=\(outcome.checkIn?.recorded != nil ? "yes" : "no")")
        var panel = VerdictPanel.from(
            decision: decision, kind: report.kind, name: outcome.checkIn?.recorded?.details.name ?? report.holderName,
            recorded: outcome.checkIn?.recorded, warnings: outcome.checkIn?.warnings ?? [], lang: language)
        // A confirmed self check-in names its visitor from the log: the code itself needs not.
        if report.details == nil, report.kind != .selfCheckIn, decision.verdict != .deny { panel.lines.append(t(.noDetails)) }
        if let previous = outcome.checkIn?.previousVisit {
            panel.lines.append(L10n.text(.returningVisitor, language, [gate.calendar.localTimestamp(previous.checkedInAt), previous.code]))
        }
        showPanel(panel)
        if decision.verdict == .deny {
            alertsPending += 1
            // A confirmation refused for capacity may be overridden like any scan.
            if report.details != nil || report.kind == .selfCheckIn { lastDenied = .scan(raw, name: report.holderName ?? "", why: decision.reasons.first?.text(language) ?? "") }
        }
        if let r = outcome.checkIn { followHost(r) }
        if report.kind == .selfCheckIn, decision.reasons.first?.key == .hostAwaitingOverride {
            lastDenied = .scan(raw, name: report.holderName ?? "", why: decision.reasons.first?.text(language) ?? "")
        }
        refresh()
    }

    /// The guard's confirmation of a self check-in from the visits screen: the same verdict
    /// panel and log line a scan of its `KIN:` code gives, so both ways say what happened.
    func showConfirmation(_ result: CheckInResult, code: String, name: String) {
        let decision = result.decision
        log("self check-in confirm verdict=\(decision.verdict.rawValue) recorded=\(result.recorded != nil ? "yes" : "no")")
        goHome()
        showPanel(VerdictPanel.from(
            decision: decision, kind: .selfCheckIn, name: result.recorded?.details.name ?? name,
            recorded: result.recorded, warnings: result.warnings, lang: language))
        if decision.verdict == .deny || decision.reasons.first?.key == .hostAwaitingOverride {
            // Refused, or waiting for the host: a supervisor may let the visitor in (F9).
            if decision.verdict == .deny { alertsPending += 1 }
            lastDenied = .scan("KIN:" + code, name: name, why: decision.reasons.first?.text(language) ?? "")
        }
        refresh()
    }

    func showPanel(_ panel: VerdictPanel) {
        verdict = panel
        status = nil
        // A scan taken while the form was half filled: the form waits for F2.
        if form?.hasData == true { say(t(.formKept)) }
    }

    /// A scanned identity fills the form (the form holds nobody, or the same person).
    func fillForm(from request: CheckInRequest, kind: ScanKind) {
        form?.prefill(from: request, kind: kind)
        form?.previous = nil
        say(t(.formPrefilled, [VerdictPanel.kindLabel(kind, language)]))
        let cap = gate.config.venue.capacity, inside = stats?.insideNow ?? 0
        if cap > 0, inside >= cap {
            // Full: say so now, before the guard fills in the badge and host, not after Enter.
            say(L10n.text(.capacityFull, language, [String(inside), String(cap)]), .warning)
        }
        lookUpPrevious()
    }

    /// A code that could not be read says nothing about anyone: no red panel, no beep, no
    /// denial to override. Where the guard was typing (a form, a search) the screen stays as it
    /// was and the status line says so; elsewhere it goes home, as any scan does (which also
    /// locks the supervisor's menu).
    func showUnreadable(kind: ScanKind, reasons: [String]) {
        let text = ([t(.unreadable)] + reasons).joined(separator: " ")
        switch screen {
        case .manual, .checkOut, .visits:
            say(text, .warning)
        default:
            goHome()
            showPanel(VerdictPanel(tone: .neutral, headline: t(.unreadableHeadline), source: VerdictPanel.kindLabel(kind, language),
                name: nil, lines: [t(.unreadable)] + reasons, code: nil, badge: nil, discreetTag: nil))
        }
    }

    // MARK: Main screen input line

    func mainKey(_ key: Key) {
        if key == .enter {
            let text = mainInput.text.trimmingCharacters(in: .whitespaces)
            mainInput.clear()
            submitMainLine(text)
            return
        }
        if key == .escape {
            mainInput.clear()
            status = nil
            return
        }
        mainInput.edit(key)
    }

    /// Typed by hand on the main line: a code typed out goes the scan's way; digits are a
    /// badge (or an id number) to look up; an entry code checks out; words search.
    func submitMainLine(_ text: String) {
        guard !text.isEmpty else { return }
        // A scanner slower than max_key_gap_ms lands here; on a non-US layout its HC1 still
        // needs the "set it to US" answer, as at the line prompt.
        if ScanKind.classify(text) != .unknown || ScanKind.looksLikeWrongKeyboardLayout(text) {
            handleScan(text)
            return
        }
        let digits = text.allSatisfy { $0.isASCII && $0.isNumber }
        if digits, text.count == 9 || text.count == 12 {
            openForm()
            form?.set(.idNumber, text)
            form?.focus = .name
            lookUpPrevious()
            return
        }
        if digits, text.count <= 6 {
            checkOut = CheckOutState()
            checkOut.input.set(text)
            open(.checkOut)
            searchCheckOut()
            return
        }
        // Codes are case-insensitive; a code has no spaces, which keeps "tran an" a search.
        if let code = EntryCode.normalise(text), !text.contains(where: \.isWhitespace) {
            checkOut = CheckOutState()
            checkOut.input.set(code)
            open(.checkOut)
            searchCheckOut()
            return
        }
        openVisits(search: text)
    }
}
