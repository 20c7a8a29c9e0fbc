import Foundation
import KioskCore

/// One venue day of generated visits, before anything is written: who came, when, through
/// which gate and how, and when each left (nil: still inside, or denied).
struct SeedDay {
    struct Visit {
        var entry: Entry
        var checkOut: Date?
    }

    var visits: [Visit]

    /// Events of the day in the order they happen, so the hash chain reads like a real day:
    /// each element is a visit index and whether it is the check-in (true) or the check-out.
    var events: [(visit: Int, checkIn: Bool)] {
        var list: [(at: Date, visit: Int, checkIn: Bool)] = []
        list.reserveCapacity(visits.count * 2)
        for (i, v) in visits.enumerated() {
            list.append((v.entry.checkedInAt, i, true))
            if let out = v.checkOut { list.append((out, i, false)) }
        }
        list.sort { ($0.at, $0.checkIn ? 0 : 1, $0.visit) < ($1.at, $1.checkIn ? 0 : 1, $1.visit) }
        return list.map { ($0.visit, $0.checkIn) }
    }

    /// People who come often (staff, couriers): about a fifth of visits come from this pool,
    /// the rest from a large pool of occasional visitors.
    static let regulars = 2_000
    static let occasional = 150_000

    /// Generates day `index` of `plan`. `last` leaves `plan.stillInside` visits open.
    static func make(index: Int, plan: SeedPlan, venue: String, gates: [String], last: Bool) -> SeedDay {
        var rng = SplitMix64(seed: UInt64(SeedPlan.version) << 32 | UInt64(index))
        let day = plan.calendar.day(adding: index, to: plan.firstDay)
        let start = plan.calendar.start(of: day)
        let count = plan.visits(onDay: index)
        var visits: [Visit] = []
        visits.reserveCapacity(count)
        for _ in 0..<count {
            // Check-ins 07:00–17:30, peaking around noon (sum of two uniforms).
            let seconds = 7 * 3600 + Int.random(in: 0...(315 * 60), using: &rng) + Int.random(in: 0...(315 * 60), using: &rng)
            let checkIn = start.addingTimeInterval(TimeInterval(seconds))
            let person = Int.random(in: 0..<5, using: &rng) == 0
                ? Int.random(in: 0..<regulars, using: &rng)
                : regulars + Int.random(in: 0..<occasional, using: &rng)
            let denied = Int.random(in: 0..<500, using: &rng) == 0
            let entry = makeEntry(
                person: person, at: checkIn, morning: seconds < 12 * 3600, denied: denied, venue: venue, gates: gates,
                rng: &rng)
            // Stays of 10 minutes to about 5 hours, short ones most common; out by 21:30.
            let stay = 600 + Int.random(in: 0...9_000, using: &rng) * Int.random(in: 0...2, using: &rng)
            let latest = start.addingTimeInterval(21.5 * 3600)
            let out = min(checkIn.addingTimeInterval(TimeInterval(stay)), latest)
            visits.append(Visit(entry: entry, checkOut: denied ? nil : out))
        }
        if last {
            let open = visits.indices.filter { visits[$0].checkOut != nil }
                .sorted { visits[$0].entry.checkedInAt > visits[$1].entry.checkedInAt }
                .prefix(plan.stillInside)
            for i in open { visits[i].checkOut = nil }
        }
        return SeedDay(visits: visits)
    }

    private static func makeEntry(
        person: Int, at: Date, morning: Bool, denied: Bool, venue: String, gates: [String], rng: inout SplitMix64
    ) -> Entry {
        var details = VietnameseVisitors.details(person: person)
        // Stored as `id_storage = masked` keeps it; the keyed hash only needs to be stable
        // per person and look like one, so it is derived rather than computed with HMAC.
        var personRNG = SplitMix64(seed: UInt64(person) ^ 0xC0FF_EE00)
        let idHash = (0..<4).map { _ in hex64(personRNG.next()) }.joined()
        details.idNumber = details.idNumber.map { Masking.mask($0) }
        let methods: [EntryMethod] = [.manual, .manual, .manual, .cccd, .cccd, .personalQR, .hc1, .selfService]
        let method = methods.randomElement(using: &rng)!
        return Entry(
            code: "", venue: venue, gate: gates[Int.random(in: 0..<gates.count, using: &rng)],
            category: VietnameseVisitors.categories.randomElement(using: &rng)!, method: method,
            status: .inside, checkedInAt: at, details: details, idStorage: .masked, idHash: idHash,
            badge: Int.random(in: 0..<10, using: &rng) < 6 ? String(Int.random(in: 1...300, using: &rng)) : nil,
            temperature: Int.random(in: 0..<10, using: &rng) < 6 ? Double(Int.random(in: 360...374, using: &rng)) / 10 : nil,
            symptoms: Int.random(in: 0..<10, using: &rng) < 3 ? false : nil,
            declaration: Int.random(in: 0..<10, using: &rng) < 3 ? ["sot": "không", "ho": "không", "tiep_xuc_f0": "không"] : [:],
            app: [AppStatus.installed, .installed, .notInstalled, .noSmartphone].randomElement(using: &rng),
            passSummary: method == .hc1 ? "HC1 VN vaccination, verified" : nil,
            decision: denied ? "denied" : "admitted", reasons: denied ? ["watchDeny"] : ["admitted"],
            watchMatch: denied ? "#1 deny" : nil,
            guardName: morning ? "Nguyễn Văn Bảo (ca sáng)" : "Trần Đức Long (ca chiều)")
    }

    private static func hex64(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
