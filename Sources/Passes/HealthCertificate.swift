import Foundation

public enum CertificateType: String, Sendable, Codable, CaseIterable {
    case vaccination, test, recovery
}

/// The facts of an EU DCC (hcert) payload that a gate needs: who, and what kind of
/// certificate with its key dates. Parsed defensively: every field may be missing or odd.
public struct HealthCertificate: Sendable, Equatable {
    public var familyName: String?
    public var givenName: String?
    /// ICAO-transliterated names (`fnt`, `gnt`), what a guard can compare with an ID card.
    public var familyNameTransliterated: String?
    public var givenNameTransliterated: String?
    public var dateOfBirth: String?
    public var type: CertificateType?
    /// Type-specific facts: vaccination dn/sd/dt/mp/co, test tt/tr/sc, recovery fr/df/du.
    public var facts: [String: String] = [:]

    public init() {}

    /// Facts the DCC schema types as integers (dose number, series doses): kept only when
    /// the CBOR value is an integer, so a policy cannot be passed by `1.0` and `2.0`.
    static let integerFields: Set<String> = ["dn", "sd"]

    /// From the CBOR map under claim -260/1.
    public init(_ hcert: CBOR) {
        let nam = hcert[text: "nam"]
        familyName = nam?[text: "fn"]?.string
        givenName = nam?[text: "gn"]?.string
        familyNameTransliterated = nam?[text: "fnt"]?.string
        givenNameTransliterated = nam?[text: "gnt"]?.string
        dateOfBirth = hcert[text: "dob"]?.string
        let groups: [(String, CertificateType, [String])] = [
            ("v", .vaccination, ["tg", "vp", "mp", "ma", "dn", "sd", "dt", "co", "is", "ci"]),
            ("t", .test, ["tg", "tt", "nm", "ma", "sc", "tr", "tc", "co", "is", "ci"]),
            ("r", .recovery, ["tg", "fr", "co", "is", "df", "du", "ci"]),
        ]
        for (key, kind, fields) in groups {
            guard let entries = hcert[text: key]?.arrayValue, let first = entries.first else { continue }
            type = kind
            for f in fields {
                guard let v = first[text: f] else { continue }
                if f == "dn" || f == "sd" {  // integerFields, compared without hashing (issue 19)
                    // The schema says integer: `1.0` or `"1"` is not a dose number.
                    if let n = v.int { facts[f] = String(n) }
                } else if let s = v.string { facts[f] = s } else if let n = v.int { facts[f] = String(n) } else if let d = v.number { facts[f] = String(d) }
            }
            break
        }
    }

    /// "NGUYEN VAN AN" style: transliterated names first (what ID cards show), else the
    /// names as written.
    public var displayName: String? {
        let family = familyName ?? familyNameTransliterated
        let given = givenName ?? givenNameTransliterated
        let parts = [family, given].compactMap { $0 }.filter { !$0.isEmpty }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }
}
