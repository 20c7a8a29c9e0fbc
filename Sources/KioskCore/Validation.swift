/// Checks on what a guard or visitor types. Only an empty (or absurd) name is an error;
/// everything else is a warning the guard can see and ignore, because real documents and
/// phone numbers come in more shapes than any rule knows.
public enum Validation {
    public static let maxNameLength = 200
    public static let maxFieldLength = 500
    public static let feverThreshold = 37.5
    /// What a thermometer at a gate can show. Outside it (and `inf`, `nan`, `1e300`) the value
    /// is a typing or scanning mistake, refused before anything is recorded or drawn.
    public static let plausibleTemperatures: ClosedRange<Double> = 30...45

    public enum IdKind: String, Sendable {
        case cccd, cmnd, passport
        /// A health-insurance card number: 2 letters and 13 digits.
        case bhyt
        case unknown
    }

    public static func idKind(_ raw: String) -> IdKind {
        let id = String(raw.filter { $0 != " " })
        let digits = id.allSatisfy { $0.isASCII && $0.isNumber }
        if digits && id.count == 12 { return .cccd }
        if digits && id.count == 9 { return .cmnd }
        if id.count == 15, id.prefix(2).allSatisfy({ $0.isASCII && $0.isLetter }), id.dropFirst(2).allSatisfy({ $0.isASCII && $0.isNumber }) {
            return .bhyt
        }
        let letters = id.filter { $0.isASCII && $0.isLetter }.count
        let numbers = id.filter { $0.isASCII && $0.isNumber }.count
        if letters >= 1 && numbers >= 5 && letters + numbers == id.count && (6...12).contains(id.count) {
            return .passport
        }
        return .unknown
    }

    /// `+84 912 345 678`, `0912.345.678` → `0912345678`; anything else is returned as typed
    /// (without spaces) so that it is still stored, and flagged by `phoneWarning`.
    public static func normalisePhone(_ raw: String) -> String {
        let compact = raw.filter { !" .-()".contains($0) }
        if compact.hasPrefix("+84") {
            let rest = compact.dropFirst(3)
            if rest.count == 9, rest.allSatisfy({ $0.isASCII && $0.isNumber }) { return "0" + rest }
        }
        if compact.hasPrefix("84"), compact.count == 11, compact.allSatisfy({ $0.isASCII && $0.isNumber }) {
            return "0" + compact.dropFirst(2)
        }
        return compact
    }

    public static func isValidPhone(_ phone: String) -> Bool {
        let p = normalisePhone(phone)
        if p.hasPrefix("+") {
            let digits = p.dropFirst()
            return (8...15).contains(digits.count) && digits.allSatisfy { $0.isASCII && $0.isNumber }
        }
        return p.count == 10 && p.hasPrefix("0") && p.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// Refusals: the check-in cannot be recorded until they are fixed.
    public static func errors(_ details: VisitorDetails) -> [Reason] {
        var out: [Reason] = []
        if details.name.isEmpty { out.append(Reason(.nameRequired)) }
        if details.name.count > maxNameLength {
            out.append(Reason(.fieldTooLong, [L10nField.name, String(maxNameLength)]))
        }
        let others: [(String, String?)] = [
            (L10nField.idNumber, details.idNumber), (L10nField.phone, details.phone),
            (L10nField.organisation, details.organisation), (L10nField.host, details.host),
            (L10nField.purpose, details.purpose), (L10nField.address, details.address),
        ]
        for (field, value) in others where (value?.count ?? 0) > maxFieldLength {
            out.append(Reason(.fieldTooLong, [field, String(maxFieldLength)]))
        }
        return out
    }

    /// Warnings: shown to the guard, never blocking.
    public static func warnings(_ details: VisitorDetails, temperature: Double?, feverLimit: Double = feverThreshold) -> [Reason] {
        var out: [Reason] = []
        if let id = details.idNumber, !Masking.isMasked(id), idKind(id) == .unknown {
            out.append(Reason(.idNumberUnusual))
        }
        if let phone = details.phone, !Masking.isMasked(phone), !isValidPhone(phone) {
            out.append(Reason(.phoneUnusual))
        }
        if let t = temperature {
            if !plausibleTemperatures.contains(t) {
                out.append(Reason(.temperatureImplausible, [String(format1(t))]))
            } else if t >= feverLimit {
                out.append(Reason(.temperatureHigh, [format1(t), format1(feverLimit)]))
            }
        }
        return out
    }

    /// The refusal for a temperature no thermometer shows; nil when it is plausible. NaN is
    /// refused too (`contains` is false for it).
    public static func temperatureRefusal(_ t: Double) -> Reason? {
        plausibleTemperatures.contains(t) ? nil : Reason(.temperatureImplausible, [format1(t)])
    }

    /// A temperature as typed: `36.8` or `36,8`; nil when it is not a finite number.
    public static func parseTemperature(_ text: String) -> Double? {
        let t = text.replacingOccurrences(of: ",", with: ".").trimmingCharacters(in: .whitespaces)
        // Decimal digits and one point only: Double() also reads `0x24` (36), `1e1` and `inf`.
        let digits = t.filter { $0 != "." }
        guard !t.isEmpty, t.filter({ $0 == "." }).count <= 1, !digits.isEmpty,
            digits.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Double(t), v.isFinite
        else { return nil }
        return v
    }

    /// One decimal, for any Double: a value too large for tenths in an Int (`1e300`, `inf`)
    /// is spelt as Swift spells it rather than trapping on the conversion.
    public static func format1(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e12 else { return value.isNaN ? "NaN" : "\(value)" }
        let tenths = Int((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        return "\(sign)\(abs(tenths) / 10).\(abs(tenths) % 10)"
    }
}

/// Field names as message arguments; translated by `L10n.field`.
public enum L10nField {
    public static let name = "name"
    public static let idNumber = "id_number"
    public static let phone = "phone"
    public static let organisation = "organisation"
    public static let host = "host"
    public static let purpose = "purpose"
    public static let address = "address"
}
