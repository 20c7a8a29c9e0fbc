/// Why one attempt to deliver failed, and whether trying again can help.
public struct DeliveryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What an administrator reads in `kiosk notify status`: who said what.
    public var reason: String
    /// The receiver refused outright (SMTP 5xx, HTTP 4xx): retried a few times, then failed.
    /// Otherwise temporary (down, timed out, SMTP 4xx, HTTP 5xx): retried until the day ends.
    public var refused: Bool
    /// A mistake in this kiosk's own configuration (`tls = require` against a relay without
    /// STARTTLS, a login file others can read, no relay): trying again cannot help until the
    /// administrator fixes it, so the message is failed at once, with the reason.
    public var configuration: Bool

    public init(_ reason: String, refused: Bool, configuration: Bool = false) {
        self.reason = reason
        self.refused = refused || configuration
        self.configuration = configuration
    }

    public var description: String { reason }
}
