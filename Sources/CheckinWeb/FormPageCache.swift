import Foundation
import KioskCore

/// The empty form, built once per language, gate, venue code and host list, with the CSRF
/// token put in at send time: building the page (templates, escaping, the consent text, the
/// host list) was most of a GET's time under load (issue 19). Only the empty form is cached;
/// a form shown again with a visitor's values and errors is built each time.
final class FormPageCache: @unchecked Sendable {
    struct Key: Hashable {
        let lang: Language
        let gateName: String
        let token: String?
        /// `HostList.generation`: a new host list makes a new page.
        let hosts: Int
    }

    /// The page split around the token's place.
    private struct Split {
        let head: String
        let tail: String
    }

    /// The token's place while the page is built: letters only, so escaping leaves it as is.
    static let marker = "KIOSKCSRFPLACEHOLDERx9q7"
    /// Venue codes rotate; a handful of recent ones per language and gate is plenty.
    static let limit = 64

    private let lock = NSLock()
    private var pages: [Key: Split] = [:]

    /// The form for `key` with `csrf` in its hidden field; `build` makes the page with the
    /// token given to it, and is called only on a miss.
    func page(_ key: Key, csrf: String, build: (String) -> String) -> String {
        if let split = lock.withLock({ pages[key] }) {
            return split.head + HTML.escape(csrf) + split.tail
        }
        let template = build(Self.marker)
        let needle = "name=\"csrf\" value=\"\(Self.marker)\""
        // The marker must be the token's field and nowhere else; if not (a venue named like
        // the marker), the page is built for this token and not cached.
        guard let r = template.range(of: needle), template.range(of: Self.marker, range: r.upperBound..<template.endIndex) == nil,
            template.range(of: Self.marker, range: template.startIndex..<r.lowerBound) == nil
        else { return build(csrf) }
        let markerStart = template.index(r.lowerBound, offsetBy: needle.count - Self.marker.count - 1)
        let markerEnd = template.index(markerStart, offsetBy: Self.marker.count)
        let split = Split(head: String(template[..<markerStart]), tail: String(template[markerEnd...]))
        lock.withLock {
            if pages.count >= Self.limit { pages.removeAll() }
            pages[key] = split
        }
        return split.head + HTML.escape(csrf) + split.tail
    }
}
