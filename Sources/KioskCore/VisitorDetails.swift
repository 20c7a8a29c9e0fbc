/// What is known about a visitor, however it was collected (typed, scanned, self-service).
/// Every field is already cleaned (`TextFolding.clean`) by the time it is stored.
public struct VisitorDetails: Equatable, Codable, Sendable {
    public var name: String
    public var idNumber: String?
    public var phone: String?
    public var organisation: String?
    public var host: String?
    public var purpose: String?
    public var address: String?

    public init(
        name: String, idNumber: String? = nil, phone: String? = nil, organisation: String? = nil,
        host: String? = nil, purpose: String? = nil, address: String? = nil
    ) {
        self.name = name
        self.idNumber = idNumber
        self.phone = phone
        self.organisation = organisation
        self.host = host
        self.purpose = purpose
        self.address = address
    }

    /// The same details with every field cleaned, empty fields dropped and the phone number
    /// put in its one canonical form, so lookups by phone match however it was typed.
    public func cleaned() -> VisitorDetails {
        func opt(_ s: String?) -> String? {
            guard let s else { return nil }
            let c = TextFolding.clean(s)
            return c.isEmpty ? nil : c
        }
        return VisitorDetails(
            name: TextFolding.clean(name),
            idNumber: opt(idNumber).map { String($0.filter { $0 != " " }).uppercased() },
            phone: opt(phone).map(Validation.normalisePhone),
            organisation: opt(organisation),
            host: opt(host),
            purpose: opt(purpose),
            address: opt(address)
        )
    }
}

/// How a visit came to be recorded.
public enum EntryMethod: String, Codable, Sendable, CaseIterable {
    case hc1
    case invite
    case personalQR = "personal-qr"
    case cccd
    /// The health-insurance card's QR.
    case bhyt
    case manual
    case selfService = "self-service"
}

/// The guard's observation of the visitor's contact-tracing app.
public enum AppStatus: String, Codable, Sendable, CaseIterable {
    case installed
    case notInstalled = "not-installed"
    case noSmartphone = "no-smartphone"
}

/// How id numbers are kept in the log (`[records] id_storage`).
public enum IdStorage: String, Codable, Sendable, CaseIterable {
    /// The number as given.
    case full
    /// Only the last four characters.
    case masked
    /// Nothing but the keyed hash, which still answers "seen before?".
    case hashed
}
