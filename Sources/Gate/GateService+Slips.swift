import Foundation
import KioskCore
import Printing
import Records

/// A slip asked for by the guard or `kiosk slip`: queued on the printer, or refused.
public struct SlipRequest: Sendable {
    public var code: String
    public var reprint: Bool
    /// The printer job (`SlipPrinter.outcome(of:)`).
    public var job: Int
}

/// Formats of `kiosk slip --format`.
public enum SlipFormat: String, Sendable, CaseIterable {
    case escpos, png, pdf
}

extension GateService {
    /// The slip of a visit: its words, worded here because Gate knows the venue's zone, the
    /// automatic check-out and the privacy texts; the printer only lays them out.
    public func slip(for entry: Entry, reprint: Bool) -> Slip {
        let until = autoCloseTime(for: entry.checkedInAt).map { end -> String in
            // "Until midnight" reads as the last minute of the day, not 00:00 of the next.
            config.records.autoCheckout == .midnight ? calendar.slipTimestamp(end.addingTimeInterval(-60)) : calendar.slipTimestamp(end)
        }
        let days = config.records.retentionDays
        return Slip(
            venueName: config.venue.name, gate: entry.gate, name: entry.details.name,
            organisation: entry.details.organisation, host: entry.details.host,
            timeIn: calendar.slipTimestamp(entry.checkedInAt), badge: entry.badge, validUntil: until,
            code: entry.code,
            notice: [
                "Thông tin của bạn chỉ dùng để kiểm soát ra vào, lưu \(days) ngày rồi tự xóa.",
                "Your details are used only for entry control and deleted after \(days) days.",
            ],
            reprintedAt: reprint ? calendar.slipTimestamp(clock.now()) : nil)
    }

    /// After a check-in or a confirmation that let the visitor in at this desk: the slip goes
    /// to the printer's queue (the visit is already on disk; printing can only be late).
    func slipAfterCheckIn(_ result: CheckInResult) -> CheckInResult {
        guard let printer, config.printer.printsAtCheckIn, let entry = result.recorded, entry.status == .inside else { return result }
        var result = result
        result.slipJob = submit(entry, reprint: false, to: printer)
        return result
    }

    /// The guard asks for a slip (F4, a visit, P; `kiosk slip CODE`): only for a visitor inside,
    /// marked "reprint" when one was printed before.
    public func printSlip(code raw: String) throws -> SlipRequest {
        let entry = try slipVisit(raw)
        guard config.printer.device != nil else { throw RuleViolation(.printerNone) }
        guard config.printer.printsOnRequest else { throw RuleViolation(.printerOff) }
        guard let printer else { throw RuleViolation(.printerNone) }
        // Printed before, or still in the queue from the check-in: this one is the second slip.
        let reprint = try store.slipsPrinted(code: entry.code) > 0 || printer.isQueued(code: entry.code)
        return SlipRequest(code: entry.code, reprint: reprint, job: submit(entry, reprint: reprint, to: printer))
    }

    /// A visit's slip as a file: ESC/POS bytes, PNG or PDF, for CUPS label printers or a phone.
    /// - Parameter markReprint: mark it "reprint" when a slip was printed before (the phone's
    ///   picture is the visitor's own copy, not a reprint).
    public func renderSlip(code raw: String, format: SlipFormat, markReprint: Bool = true) throws -> [UInt8] {
        let entry = try slipVisit(raw)
        let printedBefore = markReprint ? try store.slipsPrinted(code: entry.code) > 0 : false
        let slip = slip(for: entry, reprint: printedBefore)
        let paper = config.printer.paper
        switch format {
        case .escpos: return EscPos.job(try slip.bitmap(paper: paper), copies: config.printer.copies)
        case .png: return try slip.png(paper: paper)
        case .pdf: return try slip.pdf(paper: paper)
        }
    }

    /// The visit a slip is for: one inside (a slip's QR checks out; a left or refused visit has
    /// nothing to check out, and an erased one has no name to print).
    func slipVisit(_ raw: String) throws -> Entry {
        var text = raw.trimmingCharacters(in: .whitespaces)
        if text.uppercased().hasPrefix("KOUT:") { text = String(text.dropFirst(5)) }
        guard let code = EntryCode.normalise(text), let entry = try visit(code: code) else {
            throw RuleViolation(.noSuchVisit, [TextFolding.clean(String(text.prefix(40)))])
        }
        guard entry.status == .inside, !entry.details.name.isEmpty else {
            throw RuleViolation(.slipNotInside, [entry.code, entry.status.rawValue])
        }
        return entry
    }

    private func submit(_ entry: Entry, reprint: Bool, to printer: SlipPrinter) -> Int {
        let store = store, clock = clock, code = entry.code
        return printer.submit(slip(for: entry, reprint: reprint)) { outcome in
            // Bookkeeping only, on the printer's thread: a failure here costs a "reprint" mark.
            // Unconfirmed counts: a slip that may be out there makes the next one a reprint.
            if outcome == .printed || outcome == .unconfirmed { try? store.recordSlipPrinted(code: code, at: clock.now(), reprint: reprint) }
        }
    }
}
