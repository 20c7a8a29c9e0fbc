import Foundation
import Gate
import KioskCore

/// Visitors waiting for their host's yes (`[notify] approval = walk-ins`, issue 17). The
/// terminal looks every 2 s (with its other counts) and turns a waiting visitor green or red
/// as soon as the host answers, on whichever gate the visitor checked in.
struct HostWatch {
    struct Waiting: Sendable, Equatable {
        var code: String
        var name: String
        var host: String
        /// The host said yes but the gate's rules hold the visitor (a full house).
        var heldAfterYes: Bool = false
    }

    /// Waiting at the last look, oldest first.
    var waiting: [Waiting] = []
    var codes: [String] { waiting.map(\.code) }
    /// Answers not shown yet: the guard was on another screen (a form, a list, the PIN), where
    /// a panel would have replaced a question the guard had not answered. Shown on the main
    /// screen, all of them, oldest first.
    var unseen: [VerdictPanel] = []
    /// Held approvals already told to the guard, so each is said once.
    var heldSaid: Set<String> = []

    /// One look: who waits now, and the visits that waited at the previous look and have
    /// been decided since.
    struct Look: Sendable {
        var waiting: [Waiting]
        var decided: [Entry]
    }

    static func look(_ gate: GateService, watching codes: [String]) throws -> Look {
        let now = try gate.awaitingHost()
        let still = Set(now.map { $0.visit.code })
        var decided: [Entry] = []
        for code in codes where !still.contains(code) {
            if let visit = try gate.visit(code: code) { decided.append(visit) }
        }
        return Look(
            waiting: now.map { Waiting(code: $0.visit.code, name: $0.visit.details.name, host: $0.host, heldAfterYes: $0.heldAfterYes) },
            decided: decided)
    }
}

extension TerminalApp {
    /// A check-in that now waits for its host: followed from this moment (not from the next
    /// look), and open to a supervisor's override (F9) as a denial is.
    func followHost(_ r: CheckInResult) {
        guard let e = r.recorded, e.decision == "awaiting-host", e.status == .pending else { return }
        let waiting = HostWatch.Waiting(code: e.code, name: e.details.name, host: r.notifiedHost ?? "")
        if !hostWatch.waiting.contains(where: { $0.code == e.code }) { hostWatch.waiting.append(waiting) }
        lastDenied = .scan("KIN:" + e.code, name: e.details.name, why: r.decision.reasons.first?.text(language) ?? "")
    }

    /// Turns each host's answer into a panel as big as a scan's verdict, shown at once on the
    /// main screen or kept until the guard is back there; prints the slip of a visitor let in.
    func noticeHostAnswers(_ look: HostWatch.Look) {
        let hostOf = Dictionary(hostWatch.waiting.map { ($0.code, $0.host) }, uniquingKeysWith: { a, _ in a })
        let before = Set(hostWatch.codes)
        hostWatch.waiting = look.waiting
        if look.waiting.contains(where: { !before.contains($0.code) }) { log("host approval waiting=\(look.waiting.count)") }
        for w in look.waiting where w.heldAfterYes && !hostWatch.heldSaid.contains(w.code) {
            hostWatch.heldSaid.insert(w.code)
            log("host approved \(w.code), held by the rules")
            alertsPending += 1
            hostWatch.unseen.append(VerdictPanel.from(
                decision: Decision(verdict: .check, reasons: [Reason(.hostApprovedHeld, [w.host, w.name, w.code])]),
                kind: nil, name: w.name, recorded: nil, warnings: [], lang: language))
            lastDenied = .scan("KIN:" + w.code, name: w.name, why: Reason(.hostApprovedHeld, [w.host, w.name, w.code]).text(language))
        }
        for visit in look.decided {
            // Decided here by a supervisor's override: that screen showed its own verdict.
            guard visit.confirmedBy?.hasPrefix("host: ") == true else { continue }
            let host = hostOf[visit.code] ?? String(visit.confirmedBy?.dropFirst(6) ?? "")
            switch visit.status {
            case .inside:
                log("host approved \(visit.code)")
                // An alert from check-in (a fever, a pass to look at) is still the guard's.
                let alerts = visit.finalDecision == "admitted-alert"
                    ? visit.reasons.compactMap { MessageKey(rawValue: $0) }.filter { $0 != .admitted }.map { Reason($0) } : []
                hostWatch.unseen.append(VerdictPanel.from(
                    decision: Decision(verdict: alerts.isEmpty ? .admit : .check, reasons: [Reason(.hostApproved, [host, visit.details.name, visit.code])] + alerts),
                    kind: nil, name: visit.details.name, recorded: visit, warnings: [], lang: language))
                if gate.config.printer.printsAtCheckIn, printerStatus != nil {
                    let code = visit.code
                    run({ gate in try gate.printSlip(code: code) }, done: { [self] result in
                        if case .failure(let e) = result { say(describe(e), .error) }
                    })
                }
            case .denied:
                alertsPending += 1
                // The host said no, or said yes and the rules said no (the watch list since).
                let byHost = visit.finalDecision == "refused-by-host"
                log(byHost ? "host refused \(visit.code)" : "host approved \(visit.code), denied by the rules")
                hostWatch.unseen.append(VerdictPanel.from(
                    decision: Decision(verdict: .deny, reasons: [Reason(byHost ? .hostRefused : .watchDeny, byHost ? [host, visit.details.name, visit.code] : [])]),
                    kind: nil, name: visit.details.name, recorded: visit, warnings: [], lang: language))
            default:
                continue
            }
            // The supervisor's F9 no longer concerns a visit the host has decided.
            if case .scan(let raw, _, _)? = lastDenied, raw == "KIN:" + visit.code { lastDenied = nil }
        }
        showHostAnswers()
    }

    /// Shows the answers kept for the main screen: the oldest as the panel, the others as its
    /// lines, so none is lost when several come at once.
    func showHostAnswers() {
        guard screen == .main, !hostWatch.unseen.isEmpty else { return }
        var panel = hostWatch.unseen.removeFirst()
        for other in hostWatch.unseen { panel.lines.append(other.lines.first ?? other.name ?? "") }
        hostWatch.unseen = []
        verdict = panel
        // The half-filled form's reminder stays with the form, not over an answer.
        if form?.hasData == true { say(t(.formKept)) } else { status = nil }
    }
}
