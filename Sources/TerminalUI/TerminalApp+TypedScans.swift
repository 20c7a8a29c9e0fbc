import Foundation
import Gate
import KioskCore

/// Codes that reach a field as typing, and typing that arrives as fast as a scan: the input's
/// shape decides on every screen, so neither timing mistake records a code as a name nor
/// drops what the guard was typing.
extension TerminalApp {
    /// The field that typing goes into on this screen, if any.
    var typingField: TextField? {
        get {
            switch screen {
            case .main: mainInput
            case .manual: form.flatMap { $0.focus.isChoice ? nil : $0.texts[$0.focus] }
            case .checkOut: checkOut.confirm == nil ? checkOut.input : nil
            case .visits: visits.search
            case .supervisor: supervisor.ask != .none && supervisor.ask != .purgeConfirm ? supervisor.field : nil
            default: nil
            }
        }
        set {
            guard let newValue else { return }
            switch screen {
            case .main: mainInput = newValue
            case .manual: if let f = form, !f.focus.isChoice { form?.texts[f.focus] = newValue }
            case .checkOut: checkOut.input = newValue
            case .visits: visits.search = newValue
            case .supervisor: supervisor.field = newValue
            default: break
            }
        }
    }

    /// On Enter: a code the focused field ends with (a scanner slower than `max_key_gap_ms`)
    /// is taken out of the field, which gets back what was typed before it, and handled as the
    /// scan it is. True when it was.
    func takeScanTypedIntoField() -> Bool {
        guard let field = typingField, let found = TypedScan.find(in: field.text) else { return false }
        restore(before: found.before)
        log("typed-scan length=\(found.scan.count)")
        handleScan(found.scan)
        return true
    }

    /// A burst that ended in Enter. A code is a scan. A burst that is only the end of a code
    /// (one slow key split it) joins the start typed into the field. Plain words (a pasted
    /// name) are typing. Anything else is a code that could not be read.
    func handleBurst(_ raw: String) {
        if TypedScan.isScan(raw) {
            handleScan(raw)
            return
        }
        if let field = typingField, !field.isEmpty, let found = TypedScan.find(in: field.text + raw),
           found.before.count < field.text.count {
            restore(before: found.before)
            log("typed-scan length=\(found.scan.count)")
            handleScan(found.scan)
            return
        }
        if typingField != nil, TypedScan.looksLikeWords(raw) {
            for c in raw { handleKey(.character(c)) }
            // Enter after a paste searches on the main line and at check-out; it never saves
            // the form, which the guard checks first.
            if screen == .main || screen == .checkOut { handleKey(.enter) }
            return
        }
        handleScan(raw)
    }

    private func restore(before: String) {
        guard var field = typingField else { return }
        field.set(before.trimmingCharacters(in: .whitespaces).isEmpty ? "" : before)
        typingField = field
    }
}
