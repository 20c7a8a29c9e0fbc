import Foundation
import Gate
import KioskCore

// MARK: Manual entry (F2)

extension TerminalApp {
    /// F2 and every path into the form: a form left half filled (by a scan, an F-key) comes
    /// back as it was; a new one only when there is nothing to lose.
    func openForm() {
        if let kept = form, kept.hasData {
            open(.manual)
            say(t(.formRestored))
            return
        }
        form = ManualForm(categories: gate.config.records.categories, asksConsent: gate.config.privacy.guardConsent == .ask && gate.config.privacy.basis == .consent)
        open(.manual)
    }

    func manualKey(_ key: Key) {
        guard var f = form else { return pop() }
        if let pending = f.pendingScan {
            // Someone else's card was scanned into this form: the guard chooses.
            if key == .enter {
                log("form replaced by scan")
                form = ManualForm(categories: gate.config.records.categories, asksConsent: gate.config.privacy.guardConsent == .ask && gate.config.privacy.basis == .consent)
                fillForm(from: pending.request, kind: pending.kind)
            } else if key == .escape {
                form?.pendingScan = nil
                say(t(.formKeptTyping))
            }
            return
        }
        if f.confirmingDiscard, key != .escape {
            form?.confirmingDiscard = false
            status = nil
            if key == .enter { return }
            f.confirmingDiscard = false
        }
        if f.confirmingName, key != .enter {
            f.confirmingName = false
            form?.confirmingName = false
        }
        if key == .function(8) {
            if f.reusePrevious() { say(t(.formReused)) }
            form = f
            return
        }
        if f.takeHostSuggestion(key) {
            form = f
            say(t(.hostTaken, [f.text(.host)]))
            return
        }
        let leaving = f.focus
        switch f.handle(key) {
        case .cancel:
            if f.hasData, !f.confirmingDiscard {
                // Typed data is dropped only on a second Esc.
                f.confirmingDiscard = true
                form = f
                say(t(.formDiscardAsk), .warning)
                return
            }
            form = nil
            status = nil
            pop()
            return
        case .save:
            form = f
            saveForm()
            return
        case .none:
            break
        }
        form = f
        // Leaving the id or phone field: is this a returning visitor?
        if leaving != f.focus, leaving == .idNumber || leaving == .phone { lookUpPrevious() }
        if f.focus == .host, f.text(.host) != f.hostSuggestionsFor { suggestHosts(f.text(.host)) }
    }

    /// Looks up the directory as the guard types "whom" (folded: `nguyen` finds `Nguyễn`).
    func suggestHosts(_ typed: String) {
        form?.hostSuggestionsFor = typed
        run({ gate in (try gate.suggestHosts(typed).map(\.label), try gate.hostsNamed(typed)) }, done: { [self] result in
            guard case .success(let (labels, sameName)) = result, form?.text(.host) == typed else { return }
            form?.hostSuggestions = labels
            if sameName > 1 {
                // A name two people share tells nobody: say so while the guard can still choose.
                say(t(.hostSuggestTake, [String(sameName)]) + " " + labels.prefix(3).joined(separator: " · "), .warning)
            } else if let first = labels.first, first != typed {
                say(t(.hostSuggest, [labels.prefix(4).joined(separator: " · ") + (labels.count > 4 ? " …" : "")]))
            } else if status?.text.hasPrefix(t(.hostSuggest, [""])) == true {
                status = nil
            }
        })
    }

    /// Offers the last visit of the same id number or phone (F8 fills it in).
    func lookUpPrevious() {
        guard let f = form else { return }
        let id = f.text(.idNumber), phone = f.text(.phone)
        guard !id.isEmpty || !phone.isEmpty else { return }
        run({ gate in try gate.lastVisit(idNumber: id.isEmpty ? nil : id, phone: phone.isEmpty ? nil : phone) }, done: { [self] result in
            guard case .success(let previous?) = result, form != nil, form?.previous?.code != previous.code else { return }
            form?.previous = previous
            say(t(.formReuse, [gate.calendar.localTimestamp(previous.checkedInAt)]))
        })
    }

    func saveForm() {
        guard let f = form else { return }
        if f.text(.name).trimmingCharacters(in: .whitespaces).isEmpty {
            form?.focus = .name
            say(L10n.text(.nameRequired, language), .error)
            return
        }
        if let refusal = f.temperatureRefusal {
            form?.focus = .temperature
            say(refusal.text(language), .error)
            return
        }
        if TypedScan.nameLooksLikeCode(f.text(.name)), !f.confirmingName {
            // A "|" or a long number in a name is most likely part of a code: ask once.
            form?.confirmingName = true
            form?.focus = .name
            say(t(.nameLooksLikeCode), .warning)
            return
        }
        form?.confirmingName = false
        // `[policy] fever = check`: a temperature at or above the limit needs a second Enter,
        // the guard's confirmation, which is recorded with the visit.
        let limit = gate.config.policy.temperatureLimit
        if gate.config.policy.fever == .check, let temp = f.temperature, temp >= limit, f.feverConfirmed != f.text(.temperature) {
            form?.feverConfirmed = f.text(.temperature)
            say(t(.feverConfirmAsk, [L10n.decimal(temp, language), L10n.decimal(limit, language)]), .warning)
            return
        }
        if f.asksConsent, !f.consentAgreed {
            // Law 91/2025: the visitor's yes, never assumed; the box is the guard's word for it.
            form?.focus = .consent
            say(L10n.text(.guardConsentRequired, language), .warning)
            return
        }
        let request = f.request(guardName: guardName, agreed: gate.guardAskedConsent)
        let kind = f.scannedKind
        say(t(.saving))
        run({ gate in try gate.checkIn(request) }, done: { [self] result in
            switch result {
            case .success(let r):
                log("manual method=\(request.method.rawValue) verdict=\(r.decision.verdict.rawValue) recorded=\(r.recorded != nil ? "yes" : "no")")
                countHandled()
                form = nil
                goHome()
                var panel = VerdictPanel.from(decision: r.decision, kind: kind, name: r.recorded?.details.name ?? request.details.name,
                    recorded: r.recorded, warnings: r.warnings, lang: language)
                if let previous = r.previousVisit {
                    panel.lines.append(L10n.text(.returningVisitor, language, [gate.calendar.localTimestamp(previous.checkedInAt), previous.code]))
                }
                showPanel(panel)
                if r.decision.verdict == .deny {
                    alertsPending += 1
                    lastDenied = .request(request, name: request.details.name, why: r.decision.reasons.first?.text(language) ?? "")
                }
                followHost(r)
                refresh()
            case .failure(let e):
                // A rule refused it (badge in use, a field too long): stay in the form.
                say(describe(e), .error)
            }
        })
    }
}

// MARK: Check-out (F3)

extension TerminalApp {
    func checkOutKey(_ key: Key) {
        if let who = checkOut.confirm {
            if key == .enter {
                run({ gate in try gate.checkOut(code: who.code) }, done: { [self] result in
                    checkOut.confirm = nil
                    switch result {
                    case .success(let r):
                        log("checkout by=guard")
                        goHome()
                        showPanel(VerdictPanel(tone: .neutral, headline: t(.keyCheckOut).uppercased(), source: t(.checkoutTitle),
                            name: who.details.name, lines: [gate.message(for: r)], code: who.code, badge: who.badge, discreetTag: nil))
                        refresh()
                    case .failure(let e):
                        checkOut.message = describe(e)
                    }
                })
            } else if key == .escape {
                checkOut.confirm = nil
            }
            return
        }
        switch key {
        case .escape: pop()
        case .up: checkOut.selected = max(0, checkOut.selected - 1)
        case .down: checkOut.selected = min(max(0, checkOut.matches.count - 1), checkOut.selected + 1)
        case .enter:
            if !checkOut.matches.isEmpty, checkOut.matches.indices.contains(checkOut.selected), checkOut.message == nil {
                checkOut.confirm = checkOut.matches[checkOut.selected]
            } else {
                searchCheckOut()
            }
        default:
            if checkOut.input.edit(key) {
                checkOut.matches = []
                checkOut.message = nil
            }
        }
    }

    /// Finds who is leaving: a badge, an entry code, or a name among those inside.
    func searchCheckOut() {
        let text = checkOut.input.text.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return }
        if text.uppercased().hasPrefix("KOUT:") {
            handleScan(text)
            return
        }
        run({ gate -> [Entry] in
            // The whole building when there is a building log: a visitor who came in by the
            // lobby leaves by the car park. Badges are each gate's own cards.
            let inside = try gate.insideNow()
            if let code = EntryCode.normalise(text), let e = inside.first(where: { $0.code == code }) { return [e] }
            if let e = inside.first(where: { $0.badge == text && $0.gate == gate.config.venue.gate }) { return [e] }
            return try gate.insideNow(search: text)
        }, done: { [self] result in
            switch result {
            case .success(let found):
                checkOut.matches = found
                checkOut.selected = 0
                checkOut.message = found.isEmpty ? t(.checkoutNone, [TextFolding.clean(text)]) : nil
                if found.count == 1 { checkOut.confirm = found[0] }
            case .failure(let e):
                checkOut.message = describe(e)
            }
        })
    }
}

// MARK: Visits (F4)

extension TerminalApp {
    func openVisits(search: String) {
        visits = VisitsState()
        visits.search.set(search)
        open(.visits)
        reloadVisits()
    }

    func reloadVisits() {
        let search = visits.search.text.trimmingCharacters(in: .whitespaces)
        let filter = visits.filter
        run({ gate in
            switch filter {
            case .pending:
                let waiting = try gate.pendingSelfCheckIns()
                guard !search.isEmpty else { return waiting }
                let folded = TextFolding.fold(search)
                return waiting.filter { TextFolding.fold($0.details.name).contains(folded) }
            case .inside, .all:
                // The newest 1,000: a screenful at a time is all a guard reads; search narrows it.
                return try gate.list(day: filter == .inside ? nil : gate.today(), insideOnly: filter == .inside,
                    search: search.isEmpty ? nil : search, newest: 1000)
            }
        }, done: { [self] result in
            switch result {
            case .success(let entries):
                visits.entries = entries
                visits.selected = min(visits.selected, max(0, entries.count - 1))
                if let d = visits.detail { visits.detail = entries.first { $0.code == d.code } ?? d }
            case .failure(let e):
                say(describe(e), .error)
            }
        })
    }

    func visitsKey(_ key: Key) {
        switch key {
        case .escape:
            if visits.search.isEmpty { pop() } else {
                visits.search.clear()
                reloadVisits()
            }
        case .up: visits.selected = max(0, visits.selected - 1)
        case .down: visits.selected = min(max(0, visits.entries.count - 1), visits.selected + 1)
        case .pageUp: visits.selected = max(0, visits.selected - 10)
        case .pageDown: visits.selected = min(max(0, visits.entries.count - 1), visits.selected + 10)
        case .tab:
            let all = VisitsState.Filter.allCases
            visits.filter = all[((all.firstIndex(of: visits.filter) ?? 0) + 1) % all.count]
            visits.selected = 0
            reloadVisits()
        case .enter:
            guard visits.entries.indices.contains(visits.selected) else { return }
            visits.detail = visits.entries[visits.selected]
            visits.confirmCheckout = false
            push(.visitDetail)
        default:
            if visits.search.edit(key) {
                visits.selected = 0
                reloadVisits()
            }
        }
    }

    func visitDetailKey(_ key: Key) {
        guard let entry = visits.detail else { return pop() }
        switch key {
        case .escape:
            visits.confirmCheckout = false
            pop()
        case .delete where entry.status == .pending && entry.decision == "awaiting-host":
            // The walk-in left without waiting for the host's answer.
            run({ gate in try gate.checkOut(code: entry.code) }, done: { [self] result in
                switch result {
                case .success(let r):
                    log("host approval withdrawn \(entry.code)")
                    hostWatch.waiting.removeAll { $0.code == entry.code }
                    if case .scan(let raw, _, _)? = lastDenied, raw == "KIN:" + entry.code { lastDenied = nil }
                    say(gate.message(for: r))
                    refresh()
                    reloadVisits()
                case .failure(let e): say(describe(e), .error)
                }
            })
        case .enter where entry.status == .pending:
            // The guard lets in a visitor who checked in on the phone.
            let who = guardName
            run({ gate in try gate.confirmSelfCheckIn(code: entry.code, guardName: who) }, done: { [self] result in
                switch result {
                case .success(let r):
                    // What the rules said, shown as big as a scan's verdict: a refusal (watch
                    // list, capacity, already inside) must not pass for a confirmation.
                    showConfirmation(r, code: entry.code, name: entry.details.name)
                case .failure(let e): say(describe(e), .error)
                }
            })
        case .enter where entry.isInside:
            if !visits.confirmCheckout {
                visits.confirmCheckout = true
                return
            }
            visits.confirmCheckout = false
            run({ gate in try gate.checkOut(code: entry.code) }, done: { [self] result in
                switch result {
                case .success(let r):
                    say(gate.message(for: r))
                    refresh()
                    reloadVisits()
                case .failure(let e): say(describe(e), .error)
                }
            })
        case .character("p"), .character("P"):
            // A slip again (a visitor who lost it, a printer that was out of paper): only for a
            // visitor inside, and only where a printer may print on request.
            guard printerStatus != nil, gate.config.printer.printsOnRequest, entry.isInside else { return }
            visits.confirmCheckout = false
            run({ gate in try gate.printSlip(code: entry.code) }, done: { [self] result in
                switch result {
                case .success(let r):
                    log("printer: slip \(r.code) requested reprint=\(r.reprint)")
                    say(t(r.reprint ? .slipReprinting : .slipPrinting, [r.code]))
                case .failure(let e): say(describe(e), .error)
                }
            })
        default: break
        }
    }
}

// MARK: Inside now (F7)

extension TerminalApp {
    func reloadInside() {
        run({ gate in try gate.insideNow() }, done: { [self] result in
            switch result {
            case .success(let e): insideList = e.sorted { $0.checkedInAt < $1.checkedInAt }
            case .failure(let e): say(describe(e), .error)
            }
        })
    }

    func insideKey(_ key: Key) {
        switch key {
        case .escape: pop()
        case .up: insideScroll = max(0, insideScroll - 1)
        case .down: insideScroll = min(max(0, insideList.count - 1), insideScroll + 1)
        case .pageUp: insideScroll = max(0, insideScroll - 10)
        case .pageDown: insideScroll = min(max(0, insideList.count - 1), insideScroll + 10)
        case .enter, .character("x"), .character("X"):
            run({ gate in try gate.saveRollCall() }, done: { [self] result in
                switch result {
                case .success(let saved):
                    log("rollcall count=\(saved.count)")
                    say(t(.rollCallSaved, [saved.path]))
                case .failure(let e): say(describe(e), .error)
                }
            })
        default: break
        }
    }
}

// MARK: Venue QR (F5)

extension TerminalApp {
    func openVenueQR() {
        open(.venueQR)
        renderVenueQR()
    }

    /// The on-screen token changes every `token_minutes`; the code is redrawn when it does.
    var venueSlot: Int64 { gate.screenTokenSlot().slot }

    func renderVenueQR() {
        let style: TerminalQR.Style = capabilities.unicode ? .halfBlocks : .ascii
        do {
            let matrix = try QRMatrix.encode(gate.screenPayload())
            venueQR = VenueQRState(lines: TerminalQR.lines(matrix, style: style), slot: venueSlot, error: nil)
        } catch {
            venueQR = VenueQRState(lines: [], slot: venueSlot, error: describe(error))
        }
    }
}
