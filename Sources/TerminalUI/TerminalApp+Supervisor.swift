import Foundation
import Gate
import KioskCore

/// F6 (export) and F9 (supervisor): behind the PIN, unlocked until the guard leaves.
extension TerminalApp {
    func askPin(_ next: PinTarget) {
        if supervisor.unlocked {
            openSupervisor(next)
            return
        }
        pinField.clear()
        pinTyped = ""
        pinMessage = nil
        open(.pin(next: next))
    }

    func openSupervisor(_ target: PinTarget) {
        supervisor.unlocked = true
        supervisor.ask = .none
        supervisor.field.clear()
        supervisor.selected = 0
        supervisor.lines = []
        open(.supervisor)
        // F6 is "export today": after the PIN it does exactly that and says where the file went.
        if target == .export {
            supervisor.lines = [t(.exportingToday)]
            export(from: gate.today(), to: gate.today(), masked: true)
        }
    }

    func pinKey(_ key: Key, next: PinTarget) {
        switch key {
        case .escape:
            pinField.clear()
            pinTyped = ""
            pop()
        case .enter:
            let typed = pinTyped
            pinTyped = ""
            if let found = TypedScan.find(in: typed) {
                pinField.clear()
                handleScan(found.scan)
                return
            }
            let pin = pinField.text
            pinField.clear()
            pinMessage = (t(.pinChecking), .normal)
            // The slow hash runs off the screen's thread like any Gate work.
            run({ gate in gate.supervisorPin.check(pin) }, done: { [self] result in
                guard case .success(let outcome) = result else { return }
                switch outcome {
                case .accepted:
                    pinMessage = nil
                    // The guard may have left the PIN screen (a scan, an F-key) while the slow
                    // check ran: a PIN opens the screen it was typed on, or nothing.
                    guard screen == .pin(next: next) else { return }
                    log("supervisor unlocked")
                    openSupervisor(next)
                case .wrong(let remaining):
                    log("supervisor wrong-pin")
                    pinMessage = (t(.pinWrong, [String(remaining)]), .error)
                    alertsPending += 1
                case .locked(let until):
                    pinMessage = (t(.pinLocked, [gate.calendar.localTime(until)]), .error)
                    alertsPending += 1
                case .notSet:
                    pinMessage = (t(.pinNotSet), .warning)
                }
            })
        case .character(let c):
            if pinTyped.count < 8192 { pinTyped.append(c) }
            if c.isASCII && c.isNumber { pinField.edit(key) }
        case .backspace:
            pinTyped = String(pinTyped.dropLast())
            pinField.edit(key)
        default:
            break
        }
    }

    static let supervisorItems: [UIKey] = [.supExportToday, .supExportDay, .supExportRange, .supExportFull, .supPurge, .supOverride, .supAudit]

    func supervisorKey(_ key: Key) {
        guard supervisor.unlocked else { return pop() }
        if supervisor.ask != .none {
            supervisorAnswer(key)
            return
        }
        switch key {
        case .escape:
            supervisor.unlocked = false
            pop()
        case .up: supervisor.selected = max(0, supervisor.selected - 1)
        case .down: supervisor.selected = min(Self.supervisorItems.count - 1, supervisor.selected + 1)
        case .enter: choose(supervisor.selected)
        case .character(let c):
            if let n = c.wholeNumberValue, (1...Self.supervisorItems.count).contains(n) {
                supervisor.selected = n - 1
                choose(n - 1)
            }
        default: break
        }
    }

    private func choose(_ index: Int) {
        supervisor.field.clear()
        switch Self.supervisorItems[index] {
        case .supExportToday: export(from: gate.today(), to: gate.today(), masked: true)
        case .supExportDay: supervisor.ask = .day
        case .supExportRange: supervisor.ask = .from
        case .supExportFull:
            // Full data leaves the building with a named person: who takes it is recorded.
            supervisor.ask = .takenBy
        case .supPurge: supervisor.ask = .purgeConfirm
        case .supOverride:
            guard let denied = lastDenied else {
                supervisor.lines = [t(.nothingToOverride)]
                return
            }
            supervisor.lines = [t(.overrideFor, [denied.name, denied.why])]
            supervisor.ask = .overrideBy
        case .supAudit:
            run({ gate in try gate.audit() }, done: { [self] result in
                switch result {
                case .success(let report):
                    supervisor.lines = report.ok
                        ? [L10n.text(.auditOK, language, [String(report.events), String(report.visits)])]
                        : [L10n.text(.auditBad, language, [report.problem ?? ""])]
                case .failure(let e): supervisor.lines = [describe(e)]
                }
            })
        default: break
        }
    }

    private func supervisorAnswer(_ key: Key) {
        switch key {
        case .escape:
            supervisor.ask = .none
            supervisor.field.clear()
            return
        case .enter:
            break
        default:
            supervisor.field.edit(key)
            return
        }
        let answer = supervisor.field.text.trimmingCharacters(in: .whitespaces)
        supervisor.field.clear()
        let ask = supervisor.ask
        supervisor.ask = .none
        switch ask {
        case .none: break
        case .day:
            guard let day = VenueDay(answer) else { return supervisor.lines = [L10n.text(.invalidDate, language, [answer])] }
            export(from: day, to: day, masked: true)
        case .from:
            guard VenueDay(answer) != nil else { return supervisor.lines = [L10n.text(.invalidDate, language, [answer])] }
            supervisor.ask = .to(from: answer)
        case .to(let fromText):
            guard let from = VenueDay(fromText), let to = VenueDay(answer) else {
                return supervisor.lines = [L10n.text(.invalidDate, language, [answer])]
            }
            export(from: from, to: to, masked: true)
        case .takenBy:
            guard !answer.isEmpty else { return supervisor.ask = .takenBy }
            export(from: gate.today(), to: gate.today(), masked: false, takenBy: answer)
        case .overrideBy:
            guard !answer.isEmpty else { return supervisor.ask = .overrideBy }
            supervisor.ask = .reason(by: answer)
        case .reason(let by):
            guard !answer.isEmpty else { return supervisor.ask = .reason(by: by) }
            overrideLastDenial(by: by, reason: answer)
        case .purgeConfirm:
            run({ gate in try gate.purge() }, done: { [self] result in
                switch result {
                case .success(let n):
                    log("purge removed=\(n)")
                    supervisor.lines = [L10n.text(.purged, language, [String(n), String(gate.config.records.retentionDays)])]
                    refresh()
                case .failure(let e): supervisor.lines = [describe(e)]
                }
            })
        }
    }

    private func export(from: VenueDay, to: VenueDay, masked: Bool, takenBy: String? = nil) {
        let who = takenBy.map { "\($0) (\(guardName))" } ?? guardName
        supervisor.lines = [t(.saving)]
        run({ gate in
            try gate.export(from: from, to: to, format: .csv, masked: masked, destination: .defaultFile, requestedBy: who)
        }, done: { [self] result in
            switch result {
            case .success(let r):
                log("export rows=\(r.rows) masked=\(masked)")
                supervisor.lines = [L10n.text(.exportWritten, language, [String(r.rows), r.path ?? ""])]
                if !masked { supervisor.lines.append(L10n.text(.unmaskedAudited, language)) }
            case .failure(let e): supervisor.lines = [describe(e)]
            }
        })
    }

    private func overrideLastDenial(by: String, reason: String) {
        guard let denied = lastDenied else { return }
        let override = CheckInRequest.Override(by: by, reason: reason)
        let who = guardName
        run({ gate -> CheckInResult? in
            switch denied {
            case .scan(let raw, _, _): return try gate.scan(raw, guardName: who, override: override).checkIn
            case .request(var request, _, _):
                request.override = override
                return try gate.checkIn(request)
            }
        }, done: { [self] result in
            switch result {
            case .success(let r?):
                log("override verdict=\(r.decision.verdict.rawValue)")
                lastDenied = nil
                supervisor.unlocked = false
                goHome()
                var panel = VerdictPanel.from(decision: r.decision, kind: nil, name: r.recorded?.details.name ?? denied.name,
                    recorded: r.recorded, warnings: r.warnings, lang: language)
                if let method = r.recorded?.method { panel.source = VerdictPanel.methodLabel(method, language) }
                showPanel(panel)
                refresh()
            case .success(nil):
                supervisor.lines = [t(.nothingToOverride)]
            case .failure(let e):
                supervisor.lines = [describe(e)]
            }
        })
    }
}
