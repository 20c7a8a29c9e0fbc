import Foundation
import Gate
import KioskCore

extension TerminalApp {
    /// A scan is handled the same way on every screen: an identity code (CCCD, PC-Covid)
    /// fills the guard's form; everything else is verified, decided and recorded, and the
    /// verdict shown on the main screen.
    func handleScan(_ raw: String) {
        countHandled()
        let kind = ScanKind.classify(raw)
        if kind == .cccd || kind == .personalQR {
            let who = guardName
            run({ gate -> (CheckInRequest?, Entry?) in
                let request = gate.verify(raw).checkInRequest(guardName: who)
                return (request, try request.flatMap { try gate.openVisit(for: $0) })
            }, done: { [self] result in
                guard case .success(let (request?, open)) = result else {
                    log("scan kind=\(kind.rawValue) length=\(raw.count) outcome=unreadable")
                    goHome()
                    showPanel(VerdictPanel(tone: .deny, headline: t(.deny), source: VerdictPanel.kindLabel(kind, language), name: nil,
                        lines: [L10n.text(.unrecognised, language)], code: nil, badge: nil, discreetTag: nil))
                    alertsPending += 1
                    return
                }
                if let open {
                    // The same card again while its holder is inside: no second visit.
                    log("scan kind=\(kind.rawValue) length=\(raw.count) outcome=already-inside")
                    goHome()
                    showPanel(VerdictPanel(tone: .check, headline: t(.check), source: VerdictPanel.kindLabel(kind, language),
                        name: open.details.name,
                        lines: [L10n.text(.alreadyInside, language, [gate.calendar.localTime(open.checkedInAt), open.code])],
                        code: open.code, badge: open.badge, discreetTag: nil))
                    return
                }
                log("scan kind=\(kind.rawValue) length=\(raw.count) outcome=prefill")
                if screen != .manual { openForm() }
                form?.prefill(from: request, kind: kind)
                form?.previous = nil
                say(t(.formPrefilled, [VerdictPanel.kindLabel(kind, language)]))
                lookUpPrevious()
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
                say(describe(e), .error)
                alertsPending += 1
            }
        })
    }

    func show(_ outcome: ScanOutcome, raw: String) {
        let report = outcome.report
        // An unrecognised code has no decoding steps: it was not decoded.
        let decoded = !report.steps.isEmpty && report.steps.prefix(4).allSatisfy { $0.status == .pass } ? "yes" : "no"
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
        if report.details == nil, decision.verdict != .deny { panel.lines.append(t(.noDetails)) }
        if let previous = outcome.checkIn?.previousVisit {
            panel.lines.append(L10n.text(.returningVisitor, language, [gate.calendar.localTimestamp(previous.checkedInAt), previous.code]))
        }
        showPanel(panel)
        if decision.verdict == .deny {
            alertsPending += 1
            if report.details != nil { lastDenied = .scan(raw, name: report.holderName ?? "", why: decision.reasons.first?.text(language) ?? "") }
        }
        refresh()
    }

    func showPanel(_ panel: VerdictPanel) {
        verdict = panel
        status = nil
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
        if let code = EntryCode.normalise(text), text == text.uppercased(), text.count >= 4 {
            checkOut = CheckOutState()
            checkOut.input.set(code)
            open(.checkOut)
            searchCheckOut()
            return
        }
        openVisits(search: text)
    }
}
