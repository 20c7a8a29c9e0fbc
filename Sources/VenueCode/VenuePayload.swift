import Foundation

/// What a venue code says: the check-in URL, with `?t=` when the code rotates. Nothing
/// personal ever goes in.
public enum VenuePayload {
    public static func url(base: String, token: String?) -> String {
        guard let token else { return base }
        return base + (base.contains("?") ? "&" : "?") + "t=" + token
    }
}
