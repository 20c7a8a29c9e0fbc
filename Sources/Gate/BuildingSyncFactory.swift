import Building
import Foundation
import KioskCore

extension GateService {
    /// This gate's side of the building log, as `[building]` configures it; nil when the gate
    /// stands alone. The front end owns it (a `SyncWorker` in the terminal and `kiosk serve`,
    /// one pass in `kiosk sync`).
    public func makeBuildingSync() throws(BuildingError) -> GateSync? {
        guard let link = try BuildingLink(config: config) else { return nil }
        let clock = self.clock
        return GateSync(link: link, store: store, gate: config.venue.gate, keyCheck: hasher.chainKey.check, now: { clock.now() })
    }

    /// The background sync the guard terminal and `kiosk serve` run; nil when standalone.
    public func makeBuildingWorker(onChange: @escaping @Sendable (SyncStatus) -> Void = { _ in }) throws(BuildingError) -> SyncWorker? {
        guard let sync = try makeBuildingSync() else { return nil }
        return SyncWorker(sync: sync, store: store, interval: .seconds(config.building.syncSeconds), onChange: onChange)
    }

    /// Everyone inside: the whole building (this gate and the replica) when there is a
    /// building log, this gate's visits otherwise; longest inside first.
    public func insideNow() throws -> [Entry] {
        if config.building.database != nil { return try store.insideEverywhere() }
        return try list(day: nil, insideOnly: true, search: nil).sorted { $0.checkedInAt < $1.checkedInAt }
    }
}
