import Foundation

/// What a visitor slip says, already worded and formatted by Gate (which knows the visit, the
/// venue's time zone and the policy): this module only lays it out and prints it. The visitor
/// keeps the slip instead of leaving an ID card at the desk, and its QR checks them out.
public struct Slip: Equatable, Sendable {
    public var venueName: String
    public var gate: String
    /// Full name with diacritics; never shortened.
    public var name: String
    public var organisation: String?
    public var host: String?
    /// "14:05 03/12/2026", venue time.
    public var timeIn: String
    public var badge: String?
    /// When the automatic check-out closes the visit; nil when it never does.
    public var validUntil: String?
    /// The entry code, printed large and inside the check-out QR.
    public var code: String
    /// How the data is used, one short line per language.
    public var notice: [String]
    /// Set on every slip after the first: when it was reprinted.
    public var reprintedAt: String?

    public init(
        venueName: String, gate: String, name: String, organisation: String? = nil, host: String? = nil,
        timeIn: String, badge: String? = nil, validUntil: String? = nil, code: String, notice: [String] = [],
        reprintedAt: String? = nil
    ) {
        self.venueName = venueName.precomposedStringWithCanonicalMapping
        self.gate = gate
        self.name = name.precomposedStringWithCanonicalMapping
        self.organisation = organisation?.precomposedStringWithCanonicalMapping
        self.host = host?.precomposedStringWithCanonicalMapping
        self.timeIn = timeIn
        self.badge = badge
        self.validUntil = validUntil
        self.code = code
        self.notice = notice.map { $0.precomposedStringWithCanonicalMapping }
        self.reprintedAt = reprintedAt
    }

    /// What the QR says: the guard terminal's check-out scan.
    public var checkoutPayload: String { "KOUT:" + code }
}
