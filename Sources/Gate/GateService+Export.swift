import Crypto
import Foundation
import KioskCore
import Records

/// Where an export goes.
public enum ExportDestination: Sendable {
    /// `<export_dir>/entries-<venue>-<day or range>.<ext>` with a `.sha256` beside it; an
    /// unmasked export is `entries-<venue>-unmasked-<day or range>.<ext>`, so it never takes
    /// the place (or the checksum) of the masked file the building receives each day.
    case defaultFile
    case file(String)
    /// Written to this sink (standard output).
    case stream(@Sendable ([UInt8]) throws -> Void)
}

public struct ExportResult: Sendable {
    public var rows: Int
    /// The file written, nil for a stream.
    public var path: String?
    public var sha256: String
}

public struct ExportFailure: LocalizedKioskError {
    public var path: String
    public var reason: String
    public var key: MessageKey { .exportFailed }
    public var args: [String] { [path, reason] }
}

extension GateService {
    /// Exports visits checked in on `from...to` (venue days), records the export in the chain
    /// (with whether it was unmasked and who asked), and returns where it went.
    public func export(
        from: VenueDay, to: VenueDay, format: ExportOptions.Format, masked: Bool,
        destination: ExportDestination, requestedBy: String, dailyJob: Bool = false,
        source: Store? = nil, stem: String = "entries"
    ) throws -> ExportResult {
        // `source`: the building's visits replayed from every gate (`kiosk building export`),
        // written by the same code, so its columns and cells are the gates' own.
        let visits = source ?? store
        guard from <= to else { throw RuleViolation(.invalidRange) }
        let options = ExportOptions(
            from: calendar.start(of: from), to: calendar.interval(of: to).end, format: format, masked: masked)
        var hasher = SHA256()
        let result: ExportResult
        switch destination {
        case .stream(let sink):
            let rows = try visits.export(options, timeZone: config.venue.timeZone) { chunk in
                hasher.update(data: chunk)
                try sink(chunk)
            }
            result = ExportResult(rows: rows, path: nil, sha256: hex(hasher.finalize()))
        case .defaultFile, .file:
            let path: String
            if case .file(let p) = destination {
                path = p
                // A full export written over a masked one would replace what the building was
                // handed (its checksum beside it then lies): refused, whatever the name.
                if !masked, FileManager.default.fileExists(atPath: p + ".sha256"), !(p as NSString).lastPathComponent.contains("-unmasked-") {
                    throw RuleViolation(.unmaskedWouldReplace, [p])
                }
            } else {
                let span = from == to ? "\(from)" : "\(from)_\(to)"
                let kind = masked ? "" : "unmasked-"
                path = config.records.exportDir + "/\(stem)-\(config.venue.id)-\(kind)\(span).\(format.rawValue)"
                do {
                    try SecureFiles.makeDirectory(config.records.exportDir)
                } catch {
                    throw ExportFailure(path: config.records.exportDir, reason: "\((error as? SecureFiles.Failure)?.reason ?? "\(error)")")
                }
            }
            let writer: SecureFiles.AtomicWriter
            do {
                writer = try SecureFiles.AtomicWriter(path: path)
            } catch {
                throw ExportFailure(path: path, reason: (error as? SecureFiles.Failure)?.reason ?? "\(error)")
            }
            let rows: Int
            do {
                rows = try visits.export(options, timeZone: config.venue.timeZone) { chunk in
                    hasher.update(data: chunk)
                    try writer.write(chunk)
                }
                try writer.commit()
            } catch let failure as SecureFiles.Failure {
                writer.abandon()
                throw ExportFailure(path: path, reason: failure.reason)
            } catch {
                writer.abandon()
                throw error
            }
            let digest = hex(hasher.finalize())
            if case .defaultFile = destination {
                let name = (path as NSString).lastPathComponent
                do {
                    try SecureFiles.writeAtomically(Array("\(digest)  \(name)\n".utf8), to: path + ".sha256")
                } catch {
                    throw ExportFailure(path: path + ".sha256", reason: (error as? SecureFiles.Failure)?.reason ?? "\(error)")
                }
            }
            result = ExportResult(rows: rows, path: path, sha256: digest)
        }
        try store.recordExport(
            from: options.from, to: options.to, format: format.rawValue, masked: masked,
            file: result.path ?? "-", rows: result.rows, sha256: result.sha256,
            requestedBy: TextFolding.clean(requestedBy), day: dailyJob ? "\(from)" : nil, at: clock.now())
        return result
    }
}

func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
    HashChain.hex(digest)
}

extension GateService {
    /// Saves the evacuation roll call (everyone inside, longest inside first) beside the
    /// exports, 0600, and returns where it went and how many names it holds.
    public func saveRollCall() throws -> (path: String, count: Int) {
        let inside = try insideNow()
        let stamp = calendar.localTimestamp(clock.now()).filter { $0.isNumber }
        let path = config.records.exportDir + "/rollcall-\(config.venue.id)-\(stamp).csv"
        do {
            try SecureFiles.makeDirectory(config.records.exportDir)
            try SecureFiles.writeAtomically(Array(RollCall.csv(inside, calendar: calendar, gateColumn: config.building.database != nil).utf8), to: path)
        } catch let e as SecureFiles.Failure {
            throw ExportFailure(path: path, reason: e.reason)
        }
        return (path, inside.count)
    }
}
