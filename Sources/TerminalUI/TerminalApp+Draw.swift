import Foundation
import Gate
import KioskCore
import Printing

/// Drawing: every screen into a `CellGrid` of the terminal's size.
extension TerminalApp {
    public static let minimumSize = (columns: 80, rows: 24)

    public func render(columns: Int, rows: Int) -> CellGrid {
        var g = CellGrid(columns: columns, rows: rows)
        windowTooSmall = columns < Self.minimumSize.columns || rows < Self.minimumSize.rows
        guard columns >= Self.minimumSize.columns, rows >= Self.minimumSize.rows else {
            // Below 80×24 nothing is laid out: one clear message until the window grows.
            let words = t(.tooSmall, [String(columns), String(rows)])
            var lines: [String] = []
            var current = ""
            for w in words.split(separator: " ") {
                if CharacterWidth.of(current + " " + w) > max(10, columns - 2), !current.isEmpty {
                    lines.append(current)
                    current = String(w)
                } else {
                    current = current.isEmpty ? String(w) : current + " " + w
                }
            }
            lines.append(current)
            let top = max(0, (rows - lines.count) / 2)
            for (i, l) in lines.enumerated() { g.centre(top + i, l, .warning, bold: true) }
            return g
        }
        switch screen {
        case .main: drawMain(&g)
        case .help: drawHelp(&g)
        case .manual: drawForm(&g)
        case .checkOut: drawCheckOut(&g)
        case .visits: drawVisits(&g)
        case .visitDetail: drawDetail(&g)
        case .venueQR: drawVenueQR(&g)
        case .inside: drawInside(&g)
        case .pin: drawPin(&g)
        case .supervisor: drawSupervisor(&g)
        case .quit:
            drawMain(&g)
            drawDialog(&g, t(.quitConfirm))
        }
        return g
    }

    // MARK: Frame

    func drawTitle(_ g: inout CellGrid, _ title: String) {
        g.fill(row: 0, role: .title)
        let clock = gate.calendar.localTimestamp(now)
        let clockColumn = g.columns - CharacterWidth.of(clock) - 1
        g.put(0, clockColumn, clock, .title)
        var titleLimit = g.columns - 24
        var right = clockColumn
        // The link and the printer sit left of the clock; the title gives way (it is on every screen).
        // The link keeps the room it always had (half the bar); the printer takes what is left.
        let link = buildingLinkText()
        for (indicator, share) in [(link, 2), (printerText(), link == nil ? 2 : 4), (notifyText(), 4)] {
            guard let indicator else { continue }
            let text = CharacterWidth.fit(indicator.text, max(10, g.columns / share))
            let column = right - CharacterWidth.of(text) - 2
            guard column > 12 else { break }
            g.put(0, column, text, indicator.role == .title ? .title : indicator.role, bold: indicator.role != .title)
            titleLimit = max(10, column - 3)
            right = column
        }
        g.put(0, 1, title, .title, bold: true, limit: titleLimit)
    }

    /// "Hosts: not reached" while messages to hosts wait because the relay or a webhook
    /// fails; nothing while they go through.
    func notifyText() -> (text: String, role: Role)? {
        guard notifyTrouble?() != nil else { return nil }
        return (t(.hostsUnreachable), .warning)
    }

    /// "Printer: out of paper" while the printer cannot print; nothing while it can (a bar
    /// that always says "printer OK" is a bar nobody reads).
    func printerText() -> (text: String, role: Role)? {
        guard let s = printerStatus?() else { return nil }
        switch s.state {
        case .failing(let e):
            return (t(.printerLabel, [e.short(language)]), e == .outOfPaper || e == .coverOpen ? .error : .warning)
        case .ready, .printing, .unknown:
            if !s.notPrinted.isEmpty { return (t(.printerLabel, [t(.printerOwed, [String(s.notPrinted.count)])]), .warning) }
            return s.paperLow ? (t(.printerLabel, [t(.printerPaperLow)]), .warning) : nil
        }
    }

    /// "Building: online", or "Offline since 10:42 · 37 events waiting" (with a clock off by
    /// more than a few seconds), or the refusal: what the guard needs to know of the link.
    func buildingLinkText() -> (text: String, role: Role)? {
        guard let s = buildingStatus?() else { return nil }
        var skew = ""
        if let o = s.clockOffsetMillis, o.magnitude >= 3000 { skew = " · " + t(.buildingSkew, [String(Int((Double(o) / 1000).rounded()))]) }
        switch s.link {
        case .starting: return (t(.buildingStarting), .title)
        case .online: return (t(.buildingOnline) + skew, skew.isEmpty ? .title : .warning)
        case .offline(let since, _): return (t(.buildingOffline, [gate.calendar.localTime(since), String(s.waiting)]), .warning)
        case .refused:
            let why: UIKey
            switch s.refusal {
            case .login?: why = .refusedLogin
            case .fork?: why = .refusedFork
            case .keyDiffers?: why = .refusedKey
            case .passwordFile?: why = .refusedPasswordFile
            case .schema?: why = .refusedSchema
            default: why = .refusedServer
            }
            return (t(.buildingRefused, [t(why)]), .error)
        }
    }

    /// "Other gates as of 10:42:05": how fresh the building's part of the roll call is.
    func buildingAsOfText() -> String? {
        guard let s = buildingStatus?() else { return nil }
        return t(.buildingAsOf, [s.lastSuccess.map { gate.calendar.localTimestamp($0) } ?? "—"])
    }

    /// The function-key bar: "F1Help F2Manual …", shortened to fit (no "F", then short labels).
    func drawKeyBar(_ g: inout CellGrid) {
        let row = g.rows - 1
        g.fill(row: row, role: .keyLabel)
        let items = GlobalAction.allCases.map { (String($0.functionKey), label($0)) }
        for variant in 0..<3 {
            let keys = items.map { variant == 0 ? "F" + $0.0 : $0.0 }
            let labels = items.map { variant == 2 ? String($0.1.prefix(4)) : $0.1 }
            let width = zip(keys, labels).reduce(0) { $0 + CharacterWidth.of($1.0) + CharacterWidth.of($1.1) } + items.count - 1
            if width <= g.columns || variant == 2 {
                var col = 0
                for (k, l) in zip(keys, labels) {
                    col = g.put(row, col, k, .keyName, bold: true)
                    col = g.put(row, col, l, .keyLabel) + 1
                }
                return
            }
        }
    }

    func label(_ a: GlobalAction) -> String {
        switch a {
        case .help: t(.keyHelp)
        case .manualEntry: t(.keyManual)
        case .checkOut: t(.keyCheckOut)
        case .visits: t(.keyVisits)
        case .venueQR: t(.keyVenueQR)
        case .export: t(.keyExport)
        case .insideNow: t(.keyInside)
        case .supervisor: t(.keySupervisor)
        case .quit: t(.keyQuit)
        }
    }

    /// The line above the bottom bars: the last message, or the database wait.
    func drawStatus(_ g: inout CellGrid, row: Int) {
        if let since = busySince, uptime() - since >= 1 {
            g.put(row, 1, t(.busyRetrying, [String(Int(uptime() - since))]), .warning, bold: true)
        } else if let s = status {
            // Two rows when the message needs them (the row above is blank on every screen).
            // A longer one keeps its start, where the message says what happened, and ends
            // in "…" (a long path at the end is what gives way).
            let width = g.columns - 2
            var parts = CharacterWidth.wrap(s.text, width)
            if parts.count > 2 {
                parts = [parts[0], CharacterWidth.fit(parts[1...].joined(separator: " "), width)]
            }
            for (i, part) in parts.enumerated() {
                g.put(row - (parts.count - 1) + i, 1, part, s.role, bold: s.role == .error)
            }
        }
    }

    func drawDialog(_ g: inout CellGrid, _ text: String) {
        let w = min(g.columns - 4, CharacterWidth.of(text) + 6)
        let top = g.rows / 2 - 2
        let left = (g.columns - w) / 2
        g.fill(row: top, column: left, width: w, height: 5, role: .selected)
        g.put(top + 2, left + 3, text, .selected, bold: true, limit: w - 6)
    }

    func drawField(_ g: inout CellGrid, row: Int, column: Int, width: Int, _ field: TextField, focused: Bool, secret: Bool = false) {
        g.fill(row: row, column: column, width: width, role: focused ? .focus : .field)
        let shown = secret ? TextField(String(repeating: "•", count: field.characters.count)) : field
        let v = shown.view(width: width - 1)
        g.put(row, column, v.text, focused ? .focus : .field)
        if focused { g.cursor = (row, column + min(v.cursorColumn, width - 1)) }
    }

    func statusName(_ s: Entry.Status) -> String {
        switch s {
        case .inside: t(.statusInside)
        case .left: t(.statusLeft)
        case .autoClosed: t(.statusAutoClosed)
        case .denied: t(.statusDenied)
        case .pending: t(.statusPending)
        case .unconfirmed: t(.statusUnconfirmed)
        }
    }

    /// When the visitor came in, if anyone did.
    func timeIn(_ e: Entry) -> Date? {
        if let confirmed = e.confirmedAt { return confirmed }
        switch e.status {
        case .denied, .pending, .unconfirmed: return nil
        case .inside, .left, .autoClosed: return e.checkedInAt
        }
    }

    func filterName(_ f: VisitsState.Filter) -> String {
        switch f {
        case .all: t(.visitsAll)
        case .inside: t(.visitsInsideOnly)
        case .pending: t(.visitsPending)
        }
    }

    /// Names as they are; id numbers and phones never appear unmasked on any screen.
    func masked(_ s: String?) -> String { s.map { Masking.isMasked($0) ? $0 : Masking.mask($0) } ?? "" }

    /// "Nguyễn Văn An" → "Nguyễn V. A.": the recent list on the main screen is in view of the
    /// next visitor at the desk, so it shows no more than the guard needs to recognise a visit.
    static func shortName(_ name: String) -> String {
        let words = name.split(separator: " ")
        guard let first = words.first else { return "" }
        return ([String(first)] + words.dropFirst().compactMap { $0.first.map { "\($0)." } }).joined(separator: " ")
    }

    func duration(since d: Date) -> String {
        L10n.duration(minutes: Int(now.timeIntervalSince(d) / 60), language)
    }

    // MARK: Main

    func drawMain(_ g: inout CellGrid) {
        drawTitle(&g, "\(gate.config.venue.name) · \(gate.config.venue.gate)")
        let cap = gate.config.venue.capacity
        let inside = stats?.insideNow ?? 0
        var col = g.put(1, 1, t(.insideNow, [String(inside), cap > 0 ? String(cap) : "∞"]), cap > 0 && inside >= cap ? .error : .normal, bold: true)
        col = g.put(1, col + 3, t(.today, [String(stats?.visits ?? 0), String(stats?.denied ?? 0)]))
        // Visitors waiting for their host come first: the guard has someone standing there.
        let selfPending = pendingCount - hostWatch.waiting.count
        if !hostWatch.waiting.isEmpty {
            // The count first, then the newest names: what fits on a narrow screen is the part
            // that matters (how many wait), and the names follow as room allows.
            let names = hostWatch.waiting.reversed().map { "\($0.name) → \(Self.shortHost($0.host))" }.joined(separator: ", ")
            let banner = t(.hostWaitingBanner, [String(hostWatch.waiting.count), names])
            let width = min(CharacterWidth.of(banner), max(0, g.columns - col - 4))
            g.put(1, g.columns - width - 1, CharacterWidth.fit(banner, width), .warning, bold: true, limit: width)
        } else if selfPending > 0 {
            let banner = t(.pendingBanner, [String(selfPending)])
            g.put(1, g.columns - CharacterWidth.of(banner) - 1, banner, .warning, bold: true)
        } else if isBusy {
            g.put(1, g.columns - CharacterWidth.of(t(.busy)) - 1, t(.busy), .dim)
        }

        let panelTop = 2
        let panelHeight = max(10, (g.rows - 8) / 2)
        drawPanel(&g, top: panelTop, height: panelHeight)

        let listTop = panelTop + panelHeight + 1
        g.put(listTop - 1, 1, t(.recent), .dim, bold: true)
        let listRows = g.rows - 3 - listTop
        if recent.isEmpty {
            g.put(listTop, 2, t(.noVisits), .dim)
        }
        for (i, e) in recent.prefix(max(0, listRows)).enumerated() {
            let row = listTop + i
            let time = gate.calendar.localTime(e.checkedOutAt ?? e.checkedInAt)
            var c = g.put(row, 1, time, .dim)
            c = g.put(row, c + 1, e.code)
            c = g.put(row, c + 1, CharacterWidth.pad(Self.shortName(e.details.name), max(10, g.columns - 48)))
            c = g.put(row, c + 1, CharacterWidth.pad(e.badge.map { "#" + $0 } ?? "", 7))
            g.put(row, c + 1, statusName(e.status), e.status == .denied ? .error : e.status == .inside ? .normal : .dim)
        }
        drawStatus(&g, row: g.rows - 3)
        let label = t(.scanOrType)
        let c = g.put(g.rows - 2, 1, label, .normal, bold: true) + 1
        drawField(&g, row: g.rows - 2, column: c, width: g.columns - c - 1, mainInput, focused: true)
        drawKeyBar(&g)
    }

    func drawPanel(_ g: inout CellGrid, top: Int, height: Int) {
        guard let v = verdict, !v.faded else {
            g.fill(row: top, height: 3, role: .dim)
            g.centre(top + 1, t(.ready), .dim, bold: true)
            // A faded verdict says only that there was one, and when: no name, no colour.
            if let v = verdict, let time = v.time {
                g.put(top + 3, 2, t(.verdictEarlier, [time, v.headline]), .dim, limit: g.columns - 4)
            }
            return
        }
        let role: Role
        switch v.tone {
        case .admit: role = .admit
        case .deny: role = .deny
        case .check: role = .check
        case .neutral: role = .title
        }
        // A band three rows high in the verdict's colour, readable across the desk.
        g.fill(row: top, height: 3, role: role)
        g.centre(top + 1, v.headline, role, bold: true)
        var row = top + 3
        g.put(row, 2, v.source + (v.time.map { "  ·  " + $0 } ?? ""), .dim, limit: g.columns - 4)
        row += 1
        // The code and badge are what the guard writes on the card: a long name gives way.
        let tail = [v.code.map { t(.entryCode, [$0]) }, v.badge.map { t(.badge, [$0]) }].compactMap { $0 }
        let separator = "  ·  "
        let tailText = tail.joined(separator: separator)
        let room = g.columns - 4 - (tail.isEmpty ? 0 : CharacterWidth.of(tailText) + CharacterWidth.of(separator))
        let who = ([v.name.map { CharacterWidth.fit($0, max(8, room)) }].compactMap { $0 } + tail).joined(separator: separator)
        if !who.isEmpty {
            g.put(row, 2, who, .normal, bold: true)
            row += 1
        }
        for line in v.lines {
            for (i, part) in CharacterWidth.wrap(line, g.columns - 6).enumerated() where row < top + height {
                g.put(row, 2, (i == 0 ? "• " : "  ") + part, v.tone == .deny ? .error : v.tone == .check ? .warning : .normal)
                row += 1
            }
        }
        if let tag = v.discreetTag {
            // Small, dim, at the guard's edge of the screen: not for the visitor to read.
            g.put(top + height - 1, g.columns - CharacterWidth.of(tag) - 1, tag, .dim)
        }
    }

    // MARK: Help

    func drawHelp(_ g: inout CellGrid) {
        drawTitle(&g, t(.helpTitle))
        var row = 2
        g.put(row, 2, t(.helpMain), .normal, bold: true)
        row += 1
        for (keys, action) in KeyTable.bindings {
            let names = keys.map { k -> String in
                switch k {
                case .function(let n): "F\(n)"
                case .alt(let c): "Alt+\(c)"
                default: ""
                }
            }.joined(separator: " / ")
            g.put(row, 4, CharacterWidth.pad(names, 14), .keyName, bold: true)
            g.put(row, 20, label(action))
            row += 1
        }
        row += 1
        for key in [UIKey.helpScan, .helpTyping, .formHelp] + (printerStatus != nil ? [UIKey.helpPrint] : []) {
            g.put(row, 2, t(key), .normal, limit: g.columns - 4)
            row += 1
        }
        g.put(g.rows - 2, 2, t(.helpBack), .dim)
        drawKeyBar(&g)
    }

    // MARK: Manual entry

    func drawForm(_ g: inout CellGrid) {
        drawTitle(&g, t(.formTitle))
        guard let f = form else { return }
        let labelWidth = 24
        let valueWidth = min(60, g.columns - labelWidth - 4)
        for (i, field) in f.fields.enumerated() {
            let row = 2 + i
            let focused = f.focus == field
            g.put(row, 2, t(field.label), focused ? .normal : .dim, bold: focused, limit: labelWidth - 2)
            if field.isChoice {
                let value: String
                switch field {
                case .symptoms: value = f.symptoms.map { $0 ? t(.yes) : t(.no) } ?? t(.notAsked)
                case .consent: value = f.consentAgreed ? t(.yes) : t(.no)
                case .app:
                    switch f.app {
                    case .installed: value = t(.appInstalled)
                    case .notInstalled: value = t(.appNotInstalled)
                    case .noSmartphone: value = t(.appNoSmartphone)
                    case nil: value = t(.notAsked)
                    }
                default: value = gate.config.records.categoryName(f.categories[f.categoryIndex], language)
                }
                g.fill(row: row, column: labelWidth, width: valueWidth, role: focused ? .focus : .field)
                g.put(row, labelWidth, "‹ \(value) ›", focused ? .focus : .field, bold: focused)
                if focused { g.cursor = nil }
            } else if let tf = f.texts[field] {
                drawField(&g, row: row, column: labelWidth, width: valueWidth, tf, focused: focused)
            }
        }
        var row = 3 + f.fields.count
        for w in f.warnings(feverLimit: gate.config.policy.temperatureLimit) where row < g.rows - 4 {
            g.put(row, 2, "⚠ " + w.text(language), .warning)
            row += 1
        }
        if let p = f.previous, row < g.rows - 4 {
            g.put(row, 2, t(.returning, [p.details.name, gate.calendar.localTimestamp(p.checkedInAt)]), .normal, bold: true)
        }
        drawStatus(&g, row: g.rows - 3)
        g.put(g.rows - 2, 1, t(.formHelp), .dim)
        drawKeyBar(&g)
        if f.pendingScan != nil { drawDialog(&g, t(.formReplaceAsk)) }
    }

    // MARK: Check-out

    func drawCheckOut(_ g: inout CellGrid) {
        drawTitle(&g, t(.checkoutTitle))
        g.put(2, 2, t(.checkoutPrompt))
        drawField(&g, row: 3, column: 2, width: min(60, g.columns - 4), checkOut.input, focused: checkOut.confirm == nil)
        var row = 5
        if let m = checkOut.message {
            g.put(row, 2, m, .warning)
            row += 1
        }
        if checkOut.matches.count > 1 {
            g.put(row, 2, t(.checkoutPick), .dim)
            row += 1
        }
        // Columns padded by display width, as on F4: names of any length never push the
        // codes and badges of the next line out of line.
        let nameWidth = max(12, min(30, g.columns - 36))
        // With a building log the matches come from every gate: the gate tells two visits of
        // the same name apart (one person let in at two gates while they could not see each other).
        let building = buildingStatus != nil
        for (i, e) in checkOut.matches.enumerated() where row < g.rows - 4 {
            let role: Role = i == checkOut.selected ? .selected : .normal
            g.fill(row: row, column: 2, width: g.columns - 4, role: role)
            let text = ([CharacterWidth.pad(gate.calendar.localTime(e.checkedInAt), 7), CharacterWidth.pad(e.code, 8)]
                + (building ? [CharacterWidth.pad(CharacterWidth.fit(e.gate, 10), 11)] : [])
                + [CharacterWidth.pad(e.badge.map { "#" + $0 } ?? "", 9), CharacterWidth.pad(CharacterWidth.fit(e.details.name, nameWidth - 1), nameWidth),
                e.details.host ?? ""]).joined()
            g.put(row, 3, text, role, limit: g.columns - 6)
            row += 1
        }
        if let who = checkOut.confirm {
            let desc = "\(who.details.name) (\(who.badge.map { "#" + $0 + ", " } ?? "")\(who.code))"
            drawDialog(&g, t(.checkoutConfirm, [desc]))
        }
        drawStatus(&g, row: g.rows - 3)
        g.put(g.rows - 2, 1, t(.checkoutHelp), .dim)
        drawKeyBar(&g)
    }

    // MARK: Visits

    func drawVisits(_ g: inout CellGrid) {
        drawTitle(&g, t(.visitsTitle) + " (\(visits.entries.count))")
        let c = g.put(2, 2, t(.visitsSearch), .normal, bold: true) + 1
        drawField(&g, row: 2, column: c, width: min(40, g.columns - c - 30), visits.search, focused: true)
        g.put(2, g.columns - 28, "[" + filterName(visits.filter) + "]", visits.filter == .pending ? .warning : .dim, limit: 27)
        let nameWidth = max(12, g.columns - 46)
        let header = [CharacterWidth.pad(t(.colIn), 6), CharacterWidth.pad(t(.colOut), 6), CharacterWidth.pad(t(.colCode), 7),
            CharacterWidth.pad(t(.colName), nameWidth), CharacterWidth.pad(t(.colBadge), 8), t(.colStatus)].joined()
        g.put(4, 1, header, .dim, bold: true)
        let top = 5
        let height = g.rows - 3 - top
        let first = max(0, visits.selected - height + 1)
        for (offset, e) in visits.entries.dropFirst(first).prefix(max(0, height)).enumerated() {
            let i = first + offset
            let row = top + offset
            let role: Role = i == visits.selected ? .selected : .normal
            g.fill(row: row, column: 1, width: g.columns - 2, role: role)
            let line = [CharacterWidth.pad(gate.calendar.localTime(e.checkedInAt), 6),
                CharacterWidth.pad((e.checkedOutAt ?? e.autoClosedAt).map(gate.calendar.localTime) ?? "", 6),
                CharacterWidth.pad(e.code, 7), CharacterWidth.pad(e.details.name, nameWidth),
                CharacterWidth.pad(e.badge ?? "", 8), statusName(e.status)].joined()
            g.put(row, 1, line, role)
        }
        if visits.entries.isEmpty { g.put(top, 2, t(.noVisits), .dim) }
        drawStatus(&g, row: g.rows - 3)
        let all = VisitsState.Filter.allCases
        let next = all[((all.firstIndex(of: visits.filter) ?? 0) + 1) % all.count]
        g.put(g.rows - 2, 1, t(.visitsHelp, [filterName(next)]), .dim)
        drawKeyBar(&g)
    }

    func drawDetail(_ g: inout CellGrid) {
        guard let e = visits.detail else { return drawVisits(&g) }
        drawTitle(&g, t(.detailTitle, [e.code]))
        let cal = gate.calendar
        let rows: [(UIKey, String)] = [
            (.fieldName, e.details.name), (.fieldId, masked(e.details.idNumber)), (.fieldPhone, masked(e.details.phone)),
            (.fieldOrganisation, e.details.organisation ?? ""), (.fieldHost, e.details.host ?? ""), (.fieldPurpose, e.details.purpose ?? ""),
            (.fieldBadge, e.badge ?? ""), (.fieldTemperature, e.temperature.map { L10n.decimal($0, language) } ?? ""),
            // Nobody came in on a refused, waiting or never-confirmed visit: no time in, and the
            // time of the refusal or submission beside its status. A confirmed self check-in
            // came in when the guard confirmed it.
            (.fieldCategory, gate.config.records.categoryName(e.category, language)), (.fieldTimeIn, timeIn(e).map(cal.localTimestamp) ?? ""),
            (.fieldTimeOut, (e.checkedOutAt ?? e.autoClosedAt).map(cal.localTimestamp) ?? ""),
            (.colStatus, statusName(e.status) + (timeIn(e) == nil ? " · " + cal.localTimestamp(e.checkedInAt) : "")),
            (.fieldMethod, VerdictPanel.methodLabel(e.method, language)),
            (.fieldPass, e.passSummary.map { L10n.passSummary($0, language) } ?? ""),
            (.fieldDecision, L10n.decision(e.finalDecision, language) + (e.overriddenBy.map { " (\($0): \(e.overrideReason ?? ""))" } ?? "")
                + (e.confirmedAt.map { " · " + gate.calendar.localTime($0) } ?? "")),
            // A self check-in not yet confirmed was recorded by the visitor's phone, not a guard.
            (.fieldGuard, e.confirmedBy ?? (e.method == .selfService && e.guardName == "self-service" ? t(.guardSelfService) : e.guardName)),
        ] + (printerStatus?().notPrinted.contains(e.code) == true && e.isInside ? [(.fieldSlip, t(.slipOwed))] : [])
        for (i, (k, v)) in rows.enumerated() where 2 + i < g.rows - 4 {
            g.put(2 + i, 2, t(k), .dim, limit: 22)
            g.put(2 + i, 26, v, .normal, limit: g.columns - 28)
        }
        // Below the values, not over them: the guard checks who it is before the second Enter.
        if visits.confirmCheckout {
            g.put(min(2 + rows.count + 1, g.rows - 4), 2, t(.detailConfirm, [e.details.name]), .warning, bold: true, limit: g.columns - 4)
        }
        drawStatus(&g, row: g.rows - 3)
        let insideHelp = printerStatus != nil && gate.config.printer.printsOnRequest ? t(.detailHelpPrint) : t(.detailHelp)
        let pendingHelp = e.decision == "awaiting-host" ? t(.detailHostHelp) : t(.detailConfirmHelp)
        g.put(g.rows - 2, 1, e.status == .pending ? pendingHelp : e.isInside ? insideHelp : t(.helpBack), .dim)
        drawKeyBar(&g)
    }

    // MARK: Venue QR

    func drawVenueQR(_ g: inout CellGrid) {
        if venueQR == nil || venueQR?.slot != venueSlot { renderVenueQR() }
        guard let qr = venueQR else { return }
        if let error = qr.error {
            drawTitle(&g, gate.config.venue.name)
            g.put(2, 2, error, .error, limit: g.columns - 4)
            return
        }
        let width = qr.lines.map(CharacterWidth.of).max() ?? 0
        let height = qr.lines.count
        guard width <= g.columns, height <= g.rows else {
            drawTitle(&g, gate.config.venue.name)
            g.put(2, 2, t(.venueTooSmall, [String(width), String(height), String(g.columns), String(g.rows)]), .warning, limit: g.columns - 4)
            g.put(4, 2, t(.venueBack), .dim)
            return
        }
        // Title and footer only where there is room: the code itself must stay whole.
        let spare = g.rows - height
        let top = spare >= 3 ? 1 + (spare - 3) / 2 + 1 : spare >= 1 ? 1 : 0
        if spare >= 1 { g.centre(top - 1, gate.config.venue.name + " · " + t(.venueTitle), .normal, bold: true) }
        let left = (g.columns - width) / 2
        // Without colour the terminal's own (dark) background is the light part: draw the
        // light modules as ink so the code still reads dark on light.
        let invert = !capabilities.colour
        for (i, line) in qr.lines.enumerated() {
            let drawn = invert ? Self.invert(line) : line
            g.put(top + i, left, drawn, .qr)
        }
        if spare >= 2 {
            let left = gate.screenTokenSlot().secondsLeft
            g.centre(top + height, t(.venueChanges, ["\(left / 60):" + String(format: "%02d", left % 60)]), .dim)
        }
    }

    static func invert(_ line: String) -> String {
        String(line.map { c -> Character in
            switch c {
            case "█": " "
            case " ": "█"
            case "▀": "▄"
            case "▄": "▀"
            case "#": " "
            default: c == " " ? "#" : c
            }
        })
    }

    // MARK: Inside now

    func drawInside(_ g: inout CellGrid) {
        drawTitle(&g, t(.insideTitle, [String(insideList.count)]))
        // The whole building's roll call has a gate column: where each person came in.
        let building = buildingStatus != nil
        let gateWidth = building ? 11 : 0
        let nameWidth = max(12, g.columns - 53 - gateWidth)
        let header = [CharacterWidth.pad(t(.colIn), 6), CharacterWidth.pad(t(.colFor), 10)]
            + (building ? [CharacterWidth.pad(t(.colGate), gateWidth)] : [])
            + [CharacterWidth.pad(t(.colBadge), 8), CharacterWidth.pad(t(.colName), nameWidth), t(.colHost)]
        g.put(2, 1, header.joined(), .dim, bold: true)
        if building, let asOf = buildingAsOfText() {
            var line = asOf
            if let link = buildingLinkText(), link.role != .title { line += " · " + link.text }
            g.put(1, 1, line, buildingLinkText()?.role == .title ? .dim : .warning, limit: g.columns - 2)
        }
        let top = 3
        let height = g.rows - 3 - top
        for (offset, e) in insideList.dropFirst(insideScroll).prefix(max(0, height)).enumerated() {
            let line = [CharacterWidth.pad(gate.calendar.localTime(e.checkedInAt), 6), CharacterWidth.pad(duration(since: e.checkedInAt), 10)]
                + (building ? [CharacterWidth.pad(e.gate, gateWidth)] : [])
                + [CharacterWidth.pad(e.badge ?? "", 8), CharacterWidth.pad(e.details.name, nameWidth), e.details.host ?? ""]
            g.put(top + offset, 1, line.joined(), .normal, limit: g.columns - 2)
        }
        drawStatus(&g, row: g.rows - 3)
        g.put(g.rows - 2, 1, t(.insideHelp), .dim)
        drawKeyBar(&g)
    }

    // MARK: PIN and supervisor

    func drawPin(_ g: inout CellGrid) {
        drawTitle(&g, t(.supervisorTitle))
        let top = g.rows / 2 - 3
        g.centre(top, t(.pinPrompt), .normal, bold: true)
        let width = 16
        drawField(&g, row: top + 2, column: (g.columns - width) / 2, width: width, pinField, focused: true, secret: true)
        if let m = pinMessage { g.centre(top + 4, m.text, m.role, bold: true) }
        drawKeyBar(&g)
    }

    func drawSupervisor(_ g: inout CellGrid) {
        drawTitle(&g, t(.supervisorTitle) + " · " + guardName)
        for (i, key) in Self.supervisorItems.enumerated() {
            let role: Role = i == supervisor.selected && supervisor.ask == .none ? .selected : .normal
            g.fill(row: 2 + i, column: 2, width: min(70, g.columns - 4), role: role)
            let text = key == .supPurge ? t(key, [String(gate.config.records.retentionDays)]) : t(key)
            g.put(2 + i, 3, "\(i + 1)  \(text)", role)
        }
        var row = 3 + Self.supervisorItems.count
        if supervisor.ask != .none {
            let prompt: String
            switch supervisor.ask {
            case .day: prompt = t(.askDate)
            case .from: prompt = t(.askFrom)
            case .to: prompt = t(.askTo)
            case .overrideBy: prompt = t(.askOverrideBy)
            case .reason: prompt = t(.askReason)
            case .takenBy: prompt = t(.askTakenBy)
            case .purgeConfirm: prompt = t(.purgeConfirm, [String(gate.config.records.retentionDays)])
            case .none: prompt = ""
            }
            let c = g.put(row, 2, prompt, .normal, bold: true) + 1
            if supervisor.ask != .purgeConfirm {
                drawField(&g, row: row, column: c, width: min(50, g.columns - c - 2), supervisor.field, focused: true)
            }
            row += 2
        }
        for line in supervisor.lines.flatMap({ CharacterWidth.wrap($0, g.columns - 4) }) where row < g.rows - 3 {
            g.put(row, 2, line, .normal)
            row += 1
        }
        drawStatus(&g, row: g.rows - 3)
        g.put(g.rows - 2, 1, t(.supHelp), .dim)
        drawKeyBar(&g)
    }
}

extension TerminalApp {
    /// `Nguyễn Văn An (Kế toán)` → `Nguyễn Văn An`: the banner has no room for departments.
    static func shortHost(_ label: String) -> String {
        guard label.hasSuffix(")"), let open = label.lastIndex(of: "(") else { return label }
        return String(label[..<open]).trimmingCharacters(in: .whitespaces)
    }
}
