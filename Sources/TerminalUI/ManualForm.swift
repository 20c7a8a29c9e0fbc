import Foundation
import Gate
import KioskCore

/// The guard's form (F2): what the visitor says, typed in, or filled from a scanned CCCD or
/// PC-Covid QR. Pure state and rules; `TerminalApp` draws it and saves it through Gate.
public struct ManualForm: Sendable {
    public enum Field: Int, CaseIterable, Sendable {
        case name, idNumber, phone, organisation, host, purpose, badge, temperature, symptoms, app, category
        /// "Visitor informed and agreed": only with `[privacy] guard_consent = ask`.
        case consent

        var label: UIKey {
            switch self {
            case .name: .fieldName
            case .idNumber: .fieldId
            case .phone: .fieldPhone
            case .organisation: .fieldOrganisation
            case .host: .fieldHost
            case .purpose: .fieldPurpose
            case .badge: .fieldBadge
            case .temperature: .fieldTemperature
            case .symptoms: .fieldSymptoms
            case .app: .fieldApp
            case .category: .fieldCategory
            case .consent: .fieldConsent
            }
        }

        public var isChoice: Bool { self == .symptoms || self == .app || self == .category || self == .consent }
    }

    public var focus: Field = .name
    public var texts: [Field: TextField]
    /// nil: not asked.
    public var symptoms: Bool?
    public var app: AppStatus?
    public var categoryIndex = 0
    public let categories: [String]
    /// Set when a scan filled the form: its method, pass verdict and identity go with the save.
    public var scanned: CheckInRequest?
    public var scannedKind: ScanKind?
    /// A previous visit of the same person (by id or phone), offered with F8.
    public var previous: Entry?
    /// A scan of someone else while this form holds another person: it waits for the guard
    /// to choose (replace the whole form, or keep typing), never merged into what is typed.
    public var pendingScan: (request: CheckInRequest, kind: ScanKind)?
    /// Esc was pressed on a form with typed data: a second Esc discards it.
    public var confirmingDiscard = false
    /// Enter was pressed with a name that looks like a code: a second Enter saves it.
    public var confirmingName = false
    /// The temperature text the guard confirmed with a second Enter (`fever = check`); a
    /// changed temperature needs confirming again.
    public var feverConfirmed: String?

    /// The form asks whether the visitor was informed and agreed (`guard_consent = ask`).
    public let asksConsent: Bool
    /// The guard's answer: never set in advance, and cleared when another person fills the form.
    public var consentAgreed = false

    /// The fields shown, in order.
    public var fields: [Field] { Field.allCases.filter { $0 != .consent || asksConsent } }

    public init(categories: [String], asksConsent: Bool = false) {
        self.asksConsent = asksConsent
        self.categories = categories.isEmpty ? ["visitor"] : categories
        var t: [Field: TextField] = [:]
        for f in Field.allCases where !f.isChoice {
            t[f] = TextField("", limit: f == .name ? Validation.maxNameLength : f == .temperature ? 5 : Validation.maxFieldLength)
        }
        texts = t
    }

    /// Hosts from the directory matching what is typed in "whom" (issue 17): the first is
    /// taken with → at the end of the field; typing on keeps free text, which still works.
    public var hostSuggestions: [String] = []
    /// The host field's text the suggestions were looked up for.
    public var hostSuggestionsFor = ""

    /// Takes the first suggestion when → is pressed at the end of the host field.
    public mutating func takeHostSuggestion(_ key: Key) -> Bool {
        guard key == .right, focus == .host, let first = hostSuggestions.first, let field = texts[.host],
            field.cursor == field.characters.count, field.text != first
        else { return false }
        set(.host, first)
        hostSuggestions = []
        hostSuggestionsFor = first
        return true
    }

    public func text(_ f: Field) -> String { texts[f]?.text ?? "" }

    public mutating func set(_ f: Field, _ value: String) { texts[f]?.set(value) }

    /// Fills from a scanned identity code, keeping what the guard already typed elsewhere.
    public mutating func prefill(from request: CheckInRequest, kind: ScanKind) {
        scanned = request
        scannedKind = kind
        // A tick given before the scan was for nobody in particular: this person is asked.
        consentAgreed = false
        set(.name, request.details.name)
        if let id = request.details.idNumber { set(.idNumber, id) }
        if let p = request.details.phone { set(.phone, p) }
        focus = text(.badge).isEmpty ? .badge : .name
    }

    /// Whether anything was typed or chosen: such a form is never dropped without asking.
    public var hasData: Bool {
        texts.values.contains { !$0.text.trimmingCharacters(in: .whitespaces).isEmpty }
            || symptoms != nil || app != nil || categoryIndex != 0 || scanned != nil
    }

    /// Whether a scanned identity may fill this form: it holds nobody yet, or the same person
    /// (the same id number, or with no number to compare, the same name without diacritics).
    public func accepts(_ request: CheckInRequest) -> Bool {
        let name = text(.name).trimmingCharacters(in: .whitespaces)
        let id = text(.idNumber).trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty || !id.isEmpty else { return true }
        if !id.isEmpty, let other = request.details.idNumber, !other.isEmpty {
            if Masking.isMasked(id) || Masking.isMasked(other) {
                // A PC-Covid number may be partly starred: the visible end must agree, and the name.
                guard id.suffix(4) == other.suffix(4) else { return false }
            } else {
                return id == other
            }
        }
        return name.isEmpty || TextFolding.fold(name) == TextFolding.fold(request.details.name)
    }

    /// Fills from the last visit (F8): the name (with the diacritics stored then, where a scan
    /// gave it in capitals without them), organisation, host, purpose, phone and category.
    public mutating func reusePrevious() -> Bool {
        guard let previous, case let p = previous.details else { return false }
        let name = text(.name).trimmingCharacters(in: .whitespaces)
        if name.isEmpty || TextFolding.fold(name) == TextFolding.fold(p.name) { set(.name, p.name) }
        if let i = categories.firstIndex(of: previous.category) { categoryIndex = i }
        if text(.organisation).isEmpty, let v = p.organisation { set(.organisation, v) }
        if text(.host).isEmpty, let v = p.host { set(.host, v) }
        if text(.purpose).isEmpty, let v = p.purpose { set(.purpose, v) }
        if text(.phone).isEmpty, let v = p.phone, !Masking.isMasked(v) { set(.phone, v) }
        return true
    }

    public enum Outcome: Equatable { case none, save, cancel }

    /// Moves focus, edits the focused field, or asks to save/cancel.
    public mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .enter: return .save
        case .escape: return .cancel
        case .tab, .down: move(1)
        case .backTab, .up: move(-1)
        default:
            if focus.isChoice {
                switch key {
                case .left: cycle(-1)
                case .right, .character(" "): cycle(1)
                case .character(let c):
                    // Quick answers: c/y = yes, k/n = no on the symptoms field.
                    if focus == .symptoms {
                        if "cCyY".contains(c) { symptoms = true } else if "kKnN".contains(c) { symptoms = false }
                    }
                    if focus == .consent {
                        if "cCyY".contains(c) { consentAgreed = true } else if "kKnN".contains(c) { consentAgreed = false }
                    }
                default: break
                }
            } else {
                texts[focus]?.edit(key)
            }
        }
        return .none
    }

    private mutating func move(_ by: Int) {
        let all = fields
        let i = all.firstIndex(of: focus) ?? 0
        focus = all[(i + by + all.count) % all.count]
    }

    private mutating func cycle(_ by: Int) {
        switch focus {
        case .symptoms:
            let options: [Bool?] = [nil, false, true]
            let i = options.firstIndex { $0 == symptoms } ?? 0
            symptoms = options[(i + by + options.count) % options.count]
        case .app:
            let options: [AppStatus?] = [nil] + AppStatus.allCases.map { $0 }
            let i = options.firstIndex { $0 == app } ?? 0
            app = options[(i + by + options.count) % options.count]
        case .category:
            categoryIndex = (categoryIndex + by + categories.count) % categories.count
        case .consent:
            consentAgreed.toggle()
        default: break
        }
    }

    /// The temperature as typed (comma or point), nil when empty or not a finite number.
    public var temperature: Double? { Validation.parseTemperature(text(.temperature)) }

    /// Why the typed temperature cannot be saved (not a number, not plausible); nil if it can.
    public var temperatureRefusal: Reason? {
        let typed = text(.temperature).trimmingCharacters(in: .whitespaces)
        guard !typed.isEmpty else { return nil }
        guard let t = temperature else { return Reason(.temperatureImplausible, [typed]) }
        return Validation.temperatureRefusal(t)
    }

    public var details: VisitorDetails {
        func opt(_ f: Field) -> String? {
            let v = text(f).trimmingCharacters(in: .whitespaces)
            return v.isEmpty ? nil : v
        }
        var d = scanned?.details ?? VisitorDetails(name: "")
        d.name = text(.name).trimmingCharacters(in: .whitespaces)
        d.idNumber = opt(.idNumber)
        d.phone = opt(.phone)
        d.organisation = opt(.organisation)
        d.host = opt(.host)
        d.purpose = opt(.purpose)
        return d
    }

    /// Inline warnings while typing: the same rules the Gate applies, plus a temperature
    /// that is not a number.
    public func warnings(feverLimit: Double) -> [Reason] {
        var out = Validation.warnings(details, temperature: temperature, feverLimit: feverLimit)
        if !text(.temperature).isEmpty, temperature == nil { out.append(Reason(.temperatureImplausible, [text(.temperature)])) }
        return out
    }

    /// What to save. A scanned code's method, verdict and identity are kept; typed fields win.
    /// `agreed`: the consent a ticked "informed and agreed" records (the Gate's notice text).
    public func request(guardName: String, agreed: ConsentGiven? = nil) -> CheckInRequest {
        var r = scanned ?? CheckInRequest(details: details, guardName: guardName)
        r.details = details
        r.guardName = guardName
        r.badge = text(.badge).isEmpty ? nil : text(.badge)
        r.temperature = temperature
        r.symptoms = symptoms
        r.app = app
        r.category = categories[categoryIndex]
        if scanned == nil { r.method = .manual }
        if asksConsent, consentAgreed { r.consent = agreed }
        r.feverConfirmed = feverConfirmed != nil && feverConfirmed == text(.temperature)
        // Saving the form is the guard's confirmation a scanned ID card's yellow asked for:
        // the visit is then admitted like one typed in, and shown in the same colour.
        if let pass = r.passDecision, pass.verdict == .check {
            r.passDecision = Decision(verdict: .admit, reasons: pass.reasons.filter { $0.key != .kindNeedsGuard })
        }
        return r
    }
}
