import Foundation
import KioskCore
import Records

/// A visit as front ends show it: masked identifiers, venue-local times beside UTC ones.
/// The one place that decides what leaves the log for a screen or a JSON reader.
public struct EntryView: Encodable, Sendable {
    public var code: String
    public var venue: String
    public var gate: String
    public var category: String
    public var method: String
    public var status: String
    public var checked_in_at: String
    public var checked_out_at: String?
    public var auto_closed_at: String?
    public var local_time_in: String
    public var local_time_out: String?
    public var name: String
    public var id_number: String?
    public var phone: String?
    public var organisation: String?
    public var host: String?
    public var purpose: String?
    public var badge: String?
    public var temperature: Double?
    public var app: String?
    public var decision: String
    public var override_by: String?
    public var override_reason: String?
    public var watch_match: String?
    public var `guard`: String
    /// A self check-in the guard confirmed: when (`time_in` stays the phone's submission).
    public var confirmed_at: String?
    /// The legal basis the visit was recorded on (Law 91/2025): which text, when, how.
    public var consent: ConsentRecord?

    public init(_ e: Entry, calendar: VenueCalendar) {
        code = e.code
        venue = e.venue
        gate = e.gate
        category = e.category
        method = e.method.rawValue
        status = e.status.rawValue
        checked_in_at = ISOTime.format(e.checkedInAt)
        checked_out_at = e.checkedOutAt.map(ISOTime.format)
        auto_closed_at = e.autoClosedAt.map(ISOTime.format)
        local_time_in = calendar.localTimestamp(e.checkedInAt)
        local_time_out = (e.checkedOutAt ?? e.autoClosedAt).map(calendar.localTimestamp)
        name = e.details.name
        id_number = e.idStorage == .hashed ? nil : e.details.idNumber.map { Masking.mask($0) }
        phone = e.details.phone.map { Masking.mask($0) }
        organisation = e.details.organisation
        host = e.details.host
        purpose = e.details.purpose
        badge = e.badge
        temperature = e.temperature
        app = e.app?.rawValue
        // What happened in the end: a confirmed self check-in says `admitted` and who let the
        // visitor in, not the `pending` and `self-service` of the phone's submission.
        decision = e.finalDecision
        override_by = e.overriddenBy
        override_reason = e.overrideReason
        watch_match = e.watchMatch
        self.guard = e.confirmedBy ?? e.guardName
        confirmed_at = e.confirmedAt.map(ISOTime.format)
        consent = ConsentRecord(declaration: e.declaration)
    }
}

/// JSON with stable key order, for scripts and tests.
public enum JSONOutput {
    public static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// The evacuation roll call: who is inside now, longest inside first.
public enum RollCall {
    /// `gateColumn`: the building's roll call, every gate's visitors, says where each came in.
    public static func csv(_ entries: [Entry], calendar: VenueCalendar, gateColumn: Bool = false) -> String {
        var out = "\u{FEFF}name,badge,host,organisation,time_in,code\(gateColumn ? ",gate" : "")\r\n"
        for e in entries.sorted(by: { $0.checkedInAt < $1.checkedInAt }) {
            let cells = [e.details.name, e.badge ?? "", e.details.host ?? "", e.details.organisation ?? "",
                calendar.localTimestamp(e.checkedInAt), e.code] + (gateColumn ? [e.gate] : [])
            out += cells.map(csvCell).joined(separator: ",") + "\r\n"
        }
        return out
    }

    /// One CSV cell: quoted when needed, formula-leading text neutralised.
    /// Decided on scalars, as a spreadsheet reads them: a comma or quote followed by a
    /// combining mark is one Swift Character that is not "," (so it was neither quoted nor
    /// doubled, and a name could split into two columns).
    public static func csvCell(_ raw: String) -> String {
        let s = TextFolding.clean(raw).unicodeScalars
        var quote = s.contains(",") || s.contains("\"")
        var out = String.UnicodeScalarView()
        if let f = s.first, "=+-@".unicodeScalars.contains(f) {
            out.append("'")
            quote = true
        }
        for scalar in s {
            if scalar == "\"" { out.append("\"") }
            out.append(scalar)
        }
        return quote ? "\"" + String(out) + "\"" : String(out)
    }
}
