import Crypto
import Foundation
import KioskCore
import Records

@_exported import struct Records.PersonQuery
@_exported import struct Records.PrivacyRequest
@_exported import struct Records.ConsentText

/// Who a privacy request is about, as the person or the supervisor gives it.
public struct PrivacySubject: Sendable, Equatable {
    public var idNumber: String?
    public var phone: String?
    public var name: String?
    /// Visits named by their entry codes (found with `--name`, or kept without any number).
    public var codes: [String] = []

    public init(idNumber: String? = nil, phone: String? = nil, name: String? = nil, codes: [String] = []) {
        self.idNumber = idNumber
        self.phone = phone
        self.name = name
        self.codes = codes
    }

    /// An id number as people type it (`001 099 012 345`, `001.099.012.345`): only letters
    /// and digits count.
    static func normaliseId(_ raw: String) -> String { IdHasher.normalise(raw) }

    /// How the request names the person in the log: never in full.
    public var shown: String {
        if let id = idNumber { return "id " + Masking.mask(Self.normaliseId(id)) }
        if let p = phone { return "phone " + Masking.mask(Validation.normalisePhone(p)) }
        if !codes.isEmpty { return "visits " + codes.joined(separator: ",") }
        return "name " + String(TextFolding.clean(name ?? "").prefix(1)) + "…"
    }
}

/// Everything held about one person.
public struct PrivacyFindings: Sendable {
    public var visits: [Entry]
    public var watch: [WatchEntry]
    /// Invitations in the person's name, deleted (a valid one no longer admits).
    /// Invitations the person's visits came in with.
    public var invitations: [InvitationRecord]
    /// Invitations that only share the name: maybe someone else's, so shown to the supervisor
    /// (`find`) but neither handed over nor erased.
    public var sameName: [InvitationRecord]
    public var consentTexts: [ConsentText]
}

/// What an erasure did, for the answer to the person and the supervisor.
public struct ErasureReport: Sendable {
    public var erased: [String]
    /// Visits still open (inside or waiting): not erased; check them out and erase again.
    public var open: [String]
    /// Watch-list entries about the person: not erased by a request (the building keeps them
    /// for its own safety; remove one with `kiosk watchlist remove`).
    public var watch: [WatchEntry]
    public var invitations: [InvitationRecord]
    /// Invitations that only share the name: not erased, listed for the supervisor.
    public var sameName: [InvitationRecord]
    /// Export files in `export_dir` rewritten without the person: path, rows removed, new SHA-256.
    public var rewritten: [(path: String, removed: Int, sha256: String)]
    /// Export files elsewhere (an `--output` the chain names) that still hold the person.
    public var elsewhere: [String]
    public var requestID: Int64
    /// The bytes wait for the daily jobs' checkpoint (a reader held it).
    public var wipePending: Bool
}

extension GateService {
    /// The log's keys for the person. A number that is empty once spaces and dots are gone,
    /// or a phone with no digits, is bad usage, not "nobody found".
    public func personQuery(_ s: PrivacySubject) throws -> PersonQuery {
        var q = PersonQuery()
        if let id = s.idNumber {
            let normal = PrivacySubject.normaliseId(id)
            guard (6...20).contains(normal.count) else { throw RuleViolation(.privacyBadIdNumber, [TextFolding.clean(String(id.prefix(40)))]) }
            q.idHash = hasher.hash(normal)
        }
        if let p = s.phone {
            let normal = Validation.normalisePhone(TextFolding.clean(p))
            guard normal.contains(where: \.isNumber), normal.count <= 20 else { throw RuleViolation(.privacyBadPhone, [TextFolding.clean(String(p.prefix(40)))]) }
            q.phone = normal
        }
        if let n = s.name {
            let folded = TextFolding.fold(n).trimmingCharacters(in: .whitespaces)
            guard folded.count >= 2, folded.count <= Validation.maxNameLength else { throw RuleViolation(.privacyBadName) }
            q.nameFolded = folded
        }
        return q
    }

    /// Every visit (this gate's and the building replica's), watch-list entry and invitation
    /// about the person, with the consent texts their visits refer to.
    public func privacyFind(_ s: PrivacySubject) throws -> PrivacyFindings {
        let q = try personQuery(s)
        var visits = try (q.idHash == nil && q.phone == nil && q.nameFolded == nil) ? [] : store.visits(about: q)
        for raw in s.codes {
            guard let code = EntryCode.normalise(raw) else { throw RuleViolation(.noSuchVisit, [TextFolding.clean(String(raw.prefix(20)))]) }
            guard let v = try store.visit(code: code) ?? store.read({ tx in try tx.replicaVisit(code: code) }) else { throw RuleViolation(.noSuchVisit, [code]) }
            if !visits.contains(where: { $0.code == v.code }) { visits.append(v) }
        }
        let watch = try store.watchEntries(about: q)
        // An invitation holds a name only: it is the person's when one of their visits used it.
        let used = try store.invitationIDs(usedBy: visits.map(\.code))
        var names = Set(visits.map { TextFolding.fold($0.details.name) }.filter { !$0.isEmpty })
        if let n = q.nameFolded { names.insert(n) }
        let all = try store.invitations()
        let invitations = all.filter { used.contains($0.id) }
        let sameName = all.filter { inv in
            guard !used.contains(inv.id) else { return false }
            let folded = TextFolding.fold(inv.name)
            return names.contains(folded) || (q.nameFolded.map { folded.contains($0) } ?? false)
        }
        let hashes = Set(visits.compactMap { ConsentRecord(declaration: $0.declaration)?.text_sha256 })
        return PrivacyFindings(visits: visits, watch: watch, invitations: invitations, sameName: sameName, consentTexts: try store.consentTexts(hashes))
    }

    /// What an access request hands over: the person's own data, not a namesake's invitations.
    public func privacyAccess(_ s: PrivacySubject, receivedDay: String?) throws -> PrivacyFindings {
        _ = try requestDay(receivedDay)
        var findings = try privacyFind(s)
        findings.sameName = []
        return findings
    }

    /// Records an access request once its answer is written: who answered, when, about whom
    /// (masked), where the answer went; never the data itself.
    public func recordAccessAnswered(_ s: PrivacySubject, visits: Int, by: String, receivedDay: String?, file: String?) throws {
        _ = try store.recordAccessRequest(
            PrivacyRequestInput(kind: .access, subject: s.shown, receivedDay: try requestDay(receivedDay), by: try operatorName(by), reason: nil, file: file),
            visits: visits, at: clock.now())
    }

    /// Who carries out a request, cleaned and bounded (it is chained for ever).
    func operatorName(_ by: String) throws -> String {
        let who = TextFolding.clean(by)
        // Counted in scalars too: a letter with 300 combining marks is one Character.
        guard !who.isEmpty, who.count <= 100, who.unicodeScalars.count <= 400 else { throw RuleViolation(.fieldTooLong, ["--by", "100"]) }
        return who
    }

    /// Erases the person's personal data from every visit of this gate, records the erasure
    /// with its reason, wipes the bytes from the database file and WAL, and rewrites the export
    /// files in `export_dir` that name those visits. Refused with a building log: the other
    /// gates and the server hold copies this gate cannot erase (see docs/DECISIONS.md).
    public func privacyErase(_ s: PrivacySubject, reason: String, by: String, receivedDay: String?) throws -> ErasureReport {
        guard config.building.database == nil else { throw RuleViolation(.privacyEraseBuilding) }
        let why = TextFolding.clean(reason)
        guard !why.isEmpty, why.count <= Validation.maxFieldLength, why.unicodeScalars.count <= 4 * Validation.maxFieldLength else { throw RuleViolation(.privacyEraseReason) }
        let received = try requestDay(receivedDay)
        let findings = try privacyFind(s)
        // An invitation a visit still inside came in with stays with that visit, for now.
        let inUse = try store.invitationIDs(usedBy: findings.visits.filter { $0.status == .inside }.map(\.code))
        let outcome = try store.erasePerson(
            codes: findings.visits.map(\.code), invitations: findings.invitations.map(\.id).filter { !inUse.contains($0) },
            request: PrivacyRequestInput(kind: .erasure, subject: s.shown, receivedDay: received, by: try operatorName(by), reason: why),
            at: clock.now())
        // Every visit any erasure named, not only this one's: an erasure killed after its
        // commit but before the rewrite is finished by the next request.
        let files = try rewriteExports(without: try store.erasedCodes())
        try store.exportRewriteDone()
        return ErasureReport(
            erased: outcome.erased, open: outcome.open, watch: findings.watch,
            invitations: findings.invitations.filter { outcome.invitations.contains($0.id) }, sameName: findings.sameName,
            rewritten: files.rewritten, elsewhere: files.elsewhere, requestID: outcome.requestID, wipePending: outcome.wipePending)
    }

    /// Requests received, newest first, each with its deadlines.
    public func privacyRequests() throws -> [PrivacyRequest] { try store.privacyRequests() }

    /// `YYYY-MM-DD` of the request's arrival: given, or today; never in the future.
    func requestDay(_ given: String?) throws -> String {
        let today = calendar.day(of: clock.now())
        guard let given else { return today.description }
        guard let day = VenueDay(given) else { throw RuleViolation(.privacyBadRequestDate, [TextFolding.clean(String(given.prefix(20)))]) }
        // Law 91/2025 is in force from 2026; a year before that is a typo, not a request.
        guard day <= today, day.year >= 2025 else { throw RuleViolation(.privacyBadRequestDate, [given]) }
        return day.description
    }

    /// Rewrites each file under `export_dir` (subfolders and hidden files too) that has a row
    /// of `codes` without those rows (new `.sha256` beside it, the rewrite chained); lists
    /// other files the chain names (exports with `--output`, access answers) that still hold
    /// such a row, and relative paths it cannot place.
    func rewriteExports(without codes: Set<String>) throws -> (rewritten: [(path: String, removed: Int, sha256: String)], elsewhere: [String]) {
        guard !codes.isEmpty else { return ([], []) }
        let dir = URL(fileURLWithPath: config.records.exportDir).standardizedFileURL.path
        var rewritten: [(String, Int, String)] = []
        var files: [String] = []
        if let walk = FileManager.default.enumerator(atPath: dir) {
            for case let relative as String in walk where !relative.hasSuffix(".sha256") {
                var isDir: ObjCBool = false
                let path = dir + "/" + relative
                if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue { files.append(path) }
            }
        }
        let answers = Set(try store.accessAnswerFiles().map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        for path in files.sorted() where !answers.contains(path) {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let (kept, removed) = ExportRows.without(codes, in: Array(data))
            guard removed > 0 else { continue }
            let digest = hex(SHA256.hash(data: kept))
            do {
                try SecureFiles.writeAtomically(kept, to: path)
                if FileManager.default.fileExists(atPath: path + ".sha256") {
                    let name = (path as NSString).lastPathComponent
                    try SecureFiles.writeAtomically(Array("\(digest)  \(name)\n".utf8), to: path + ".sha256")
                }
            } catch let e as SecureFiles.Failure {
                throw ExportFailure(path: path, reason: e.reason)
            }
            try store.recordExportRewrite(file: path, removed: removed, sha256: digest, at: clock.now())
            rewritten.append((path, removed, digest))
        }
        var elsewhere: [String] = []
        let named = try store.exportEvents().compactMap { $0.payload["file"] as? String } + store.accessAnswerFiles()
        for file in named where file != "-" && !elsewhere.contains(file) {
            guard file.hasPrefix("/") else {
                // Relative to wherever the command ran: said, since it cannot be checked here.
                if !elsewhere.contains(file) { elsewhere.append(file) }
                continue
            }
            let path = URL(fileURLWithPath: file).standardizedFileURL.path
            // An access answer is a document, not rows: listed wherever it is, never rewritten.
            guard !path.hasPrefix(dir + "/") || answers.contains(path), let data = FileManager.default.contents(atPath: path) else { continue }
            if ExportRows.without(codes, in: Array(data)).removed > 0 || ExportRows.mentions(codes, in: Array(data)) { elsewhere.append(file) }
        }
        return (rewritten, elsewhere)
    }
}

/// The rows of an export (CSV or JSON Lines) or a roll call that belong to some visits.
enum ExportRows {
    /// The file without the lines of `codes`, and how many were dropped. A row belongs to a
    /// visit when one of its CSV cells is exactly the code, or its JSON has `"code":"CODE"`.
    static func without(_ codes: Set<String>, in bytes: [UInt8]) -> (kept: [UInt8], removed: Int) {
        var kept: [UInt8] = []
        kept.reserveCapacity(bytes.count)
        var removed = 0
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            let lineEnd = min(end + 1, bytes.count)
            let line = String(decoding: bytes[start..<end], as: UTF8.self)
            if belongs(line, to: codes) {
                removed += 1
            } else {
                kept.append(contentsOf: bytes[start..<lineEnd])
            }
            start = lineEnd
        }
        return (kept, removed)
    }

    static func belongs(_ line: String, to codes: Set<String>) -> Bool {
        let body = line.hasSuffix("\r") ? String(line.dropLast()) : line
        if body.hasPrefix("{") {
            guard let r = body.range(of: "\"code\":\"") else { return false }
            let rest = body[r.upperBound...]
            guard let q = rest.firstIndex(of: "\"") else { return false }
            return codes.contains(String(rest[..<q]))
        }
        return cells(body).contains { codes.contains($0) }
    }

    /// The cells of one CSV line, quotes honoured (a name may hold a comma).
    static func cells(_ line: String) -> [String] {
        var out: [String] = [], cell = "", quoted = false
        var chars = Array(line.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { cell.unicodeScalars.append(c); chars.removeFirst() } else { quoted = false }
                } else {
                    cell.unicodeScalars.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                out.append(cell)
                cell = ""
            } else {
                cell.unicodeScalars.append(c)
            }
        }
        out.append(cell)
        return out
    }

    /// Whether a document (an access answer) names one of the visits anywhere.
    static func mentions(_ codes: Set<String>, in bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        return codes.contains { text.contains("\"\($0)\"") || text.contains(" \($0) ") }
    }
}
