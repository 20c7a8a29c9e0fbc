import Building
import Crypto
import Foundation
import KioskCore
import Records

extension GateService {
    /// This gate's side of the building log, as `[building]` configures it; nil when the gate
    /// stands alone. The front end owns it (a `SyncWorker` in the terminal and `kiosk serve`,
    /// one pass in `kiosk sync`).
    public func makeBuildingSync() throws(BuildingError) -> GateSync? {
        guard let link = BuildingLink(config: config) else { return nil }
        let clock = self.clock
        return GateSync(link: link, store: store, gate: config.venue.gate, keyCheck: hasher.chainKey.check, box: boxIdentity(), now: { clock.now() })
    }

    /// This box: its machine id, host name and the real path of its log (see `BoxIdentity`).
    func boxIdentity() -> BoxIdentity {
        var name = [CChar](repeating: 0, count: 256)
        let host = gethostname(&name, name.count) == 0 ? String(cString: name) : "unknown"
        let machine = (try? String(contentsOfFile: "/etc/machine-id", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let path = URL(fileURLWithPath: config.records.database).resolvingSymlinksInPath().path
        let id = HashChain.hex(SHA256.hash(data: Array("\(machine)\n\(host)\n\(path)".utf8))).prefix(32)
        return BoxIdentity(id: String(id), host: TextFolding.clean(host).isEmpty ? "unknown" : "\(TextFolding.clean(host)):\(path)")
    }

    /// The background sync the guard terminal and `kiosk serve` run; nil when standalone.
    public func makeBuildingWorker(onChange: @escaping @Sendable (SyncStatus) -> Void = { _ in }) throws(BuildingError) -> SyncWorker? {
        guard let sync = try makeBuildingSync() else { return nil }
        return SyncWorker(sync: sync, store: store, interval: .seconds(config.building.syncSeconds), onChange: onChange)
    }

    /// Everyone inside: the whole building (this gate and the replica) when there is a
    /// building log, this gate's visits otherwise; longest inside first.
    /// `search`: folded text every word of which must appear in the name, organisation,
    /// host, code or badge (as `kiosk list --search`).
    public func insideNow(search: String? = nil) throws -> [Entry] {
        guard config.building.database != nil else {
            return try list(day: nil, insideOnly: true, search: search).sorted { $0.checkedInAt < $1.checkedInAt }
        }
        let all = try store.insideEverywhere()
        guard let search, !search.isEmpty else { return all }
        let words = TextFolding.fold(search).split(separator: " ")
        return all.filter { e in
            let text = TextFolding.fold([e.details.name, e.details.organisation ?? "", e.details.host ?? "", e.code, e.badge ?? ""].joined(separator: " "))
            return words.allSatisfy { text.contains($0) }
        }
    }
}
