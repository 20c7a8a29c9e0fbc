import ArgumentParser
import Building
import Foundation
import Gate
import KioskCore
import Records

/// `kiosk building …`: the building log on PostgreSQL that every gate shares (see README, "A
/// building with several gates"). Messages are in English: these are the administrator's.
struct BuildingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "building",
        abstract: "The building log shared by every gate (PostgreSQL): set up, status, export, audit.",
        subcommands: [BuildingInit.self, BuildingAddGate.self, BuildingStatusCommand.self, BuildingExport.self, BuildingAudit.self,
            BuildingConfigured.self])
}

/// `kiosk building configured`: exit 0 when kiosk.conf names a building log, 1 when this gate
/// stands alone. For scripts and the packaged sync timer's condition; opens no database.
struct BuildingConfigured: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "configured", abstract: "Exit 0 when [building] database is set, 1 when this gate stands alone.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let config = try Context.loadConfig(global)
        guard let database = config.building.database else {
            writeOut("no building log configured ([building] database is empty)\n")
            throw ExitCode(1)
        }
        writeOut(database.description + "\n")
    }
}

/// Where a building command connects: `--database` (an administrator's role; its password
/// from PGPASSWORD or ~/.pgpass, or `--password-file`), else the config's `[building]`.
struct BuildingTarget: ParsableArguments {
    @Option(help: "postgresql://ROLE@HOST:PORT/DB (default: [building] database of kiosk.conf).") var database: String?
    @Option(name: .customLong("db-password-file"), help: "A 0600 file with the password of --database's role (default: PGPASSWORD or ~/.pgpass).")
    var dbPasswordFile: String?

    /// The config when one can be read (a gate box), nil on an administrator's machine.
    func config(_ global: GlobalOptions) throws -> KioskConfig? {
        let env = ProcessInfo.processInfo.environment
        if global.config != nil || env["KIOSK_CONFIG"] != nil || database == nil {
            return try Context.loadConfig(global)
        }
        return FileManager.default.fileExists(atPath: "kiosk.conf") ? try Context.loadConfig(global) : nil
    }

    func link(_ config: KioskConfig?) throws -> BuildingLink {
        do {
            if let database {
                let address: BuildingAddress
                switch BuildingAddress.parse(database) {
                case .success(let a): address = a
                case .failure(let e): throw Context.usage("--database: \(e.problem)")
                }
                return BuildingLink(address: address, tls: config?.building.tls ?? .prefer, passwordFile: dbPasswordFile, applicationName: "kiosk admin")
            }
            guard let config, let link = BuildingLink(config: config) else {
                throw Context.usage("no building log configured: set [building] database in \(config?.source ?? "kiosk.conf") or pass --database")
            }
            return link
        } catch let e as BuildingError {
            throw BuildingFailure.exit(e)
        }
    }
}

/// The building's chain key, from `[records] key_file`: what proves every gate's events.
/// Status, export and audit read nothing they cannot verify with it.
func buildingKey(_ config: KioskConfig?) throws -> ChainKey {
    guard let config else {
        printError("this needs the building's key file: run it on a gate's box, or with --config naming a kiosk.conf whose [records] key_file is the building's")
        throw ExitCode(1)
    }
    do {
        return try IdHasher.load(path: config.records.keyFile).chainKey
    } catch {
        printError("\(error)")
        throw ExitCode(1)
    }
}

enum BuildingFailure {
    /// One line, exit 1.
    static func exit(_ e: BuildingError) -> ExitCode {
        printError(e.description)
        return ExitCode(1)
    }
}

struct BuildingInit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create or upgrade the building log's schema (idempotent; run as the database's owner).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var target: BuildingTarget

    func run() throws {
        let config = try target.config(global)
        let link = try target.link(config)
        do {
            let admin = BuildingAdmin(link: link)
            let applied = try admin.initialize()
            writeOut(applied.isEmpty ? "building log schema is current\n" : "building log schema: applied \(applied.joined(separator: ", "))\n")
            // The building's key, fixed by its administrator on the first gate's box: without
            // it, the first gate to sync would decide it (and a box that made itself a new key
            // file would lock every other gate out).
            if let config, let key = try? IdHasher.load(path: config.records.keyFile).chainKey {
                switch try admin.setKeyCheck(key.check) {
                case .set: writeOut("building key: that of \(config.records.keyFile)\n")
                case .same: break
                case .differs: printError("the building log already has another key than \(config.records.keyFile); left as it was")
                }
            } else {
                printError("no building key recorded here: the first gate to sync will set it. To fix it now, run this again with --config naming the first gate's kiosk.conf (its key_file is the building's)")
            }
        } catch {
            throw BuildingFailure.exit(error)
        }
    }
}

struct BuildingAddGate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-gate",
        abstract: "Create a gate's login role with a random password written to a 0600 file (again: a new password).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var target: BuildingTarget
    @Argument(help: "The gate's name, as in its [venue] gate.") var gate: String
    @Option(name: .customLong("password-file"), help: "Where to write the new password (0600); copy it to the gate's box.") var passwordFile: String
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard !gate.isEmpty, gate.count <= 32, gate.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw Context.usage("gate \"\(gate)\": use 1–32 letters, digits, - or _ (as [venue] gate)")
        }
    }

    func run() throws {
        let link = try target.link(try target.config(global))
        let made: (role: String, password: String)
        do {
            made = try BuildingAdmin(link: link).addGate(gate)
        } catch {
            throw BuildingFailure.exit(error)
        }
        do {
            let dir = (passwordFile as NSString).deletingLastPathComponent
            if !dir.isEmpty, !FileManager.default.fileExists(atPath: dir) { try SecureFiles.makeDirectory(dir) }
            try SecureFiles.writeAtomically(Array((made.password + "\n").utf8), to: passwordFile)
        } catch {
            printError("the role \(made.role) was given a new password, but \(passwordFile) could not be written (\(error)); run add-gate again with a writable path")
            throw ExitCode(1)
        }
        let url = "postgresql://\(made.role)@\(link.address.host.contains(":") ? "[\(link.address.host)]" : link.address.host):\(link.address.port)/\(link.address.database)"
        if json {
            struct Out: Encodable { var gate: String; var role: String; var password_file: String; var database: String }
            writeOut(JSONOutput.encode(Out(gate: gate, role: made.role, password_file: passwordFile, database: url)) + "\n")
        } else {
            writeOut("""
                gate \(gate): role \(made.role), password in \(passwordFile) (0600)
                on that gate's box, in kiosk.conf:
                  [building]
                  database = \(url)
                  password_file = <where you copy \((passwordFile as NSString).lastPathComponent)>

                """)
        }
    }
}

struct BuildingStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Every gate's contact, head and clock, who is inside the building, and conflicts.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var target: BuildingTarget
    @Flag(help: "Print JSON.") var json = false
    @Option(help: "Look for conflicts among visits of the last N days (default 2).") var days: Int = 2

    func validate() throws {
        if !(1...366).contains(days) { throw Context.usage("--days: 1 to 366") }
    }

    func run() throws {
        let config = try target.config(global)
        let link = try target.link(config)
        let key = try buildingKey(config)
        let zone = config?.venue.timeZone ?? TimeZone(identifier: "UTC") ?? .current
        let status: BuildingAdmin.Status
        do {
            status = try BuildingAdmin(link: link).status(timeZone: zone, days: days, key: key)
        } catch {
            throw BuildingFailure.exit(error)
        }
        for p in status.problems { printError("gate \(p.gate) event #\(p.seq) left out: \(p.problem); run kiosk building audit") }
        let cal = VenueCalendar(timeZone: zone)
        if json {
            struct GateOut: Encodable {
                var name: String
                var role: String
                var last_contact: String?
                var head_seq: Int64
                var reported_head_seq: Int64?
                var lag_seconds: Int?
                var clock_offset_ms: Int64?
                var key_differs: Bool
                var fork: String?
                var fork_at: String?
            }
            struct ConflictOut: Encodable {
                var kind: String
                var visits: [BuildingLedger.VisitRef]
                var why: String
            }
            struct ProblemOut: Encodable { var gate: String; var seq: Int64; var problem: String }
            struct Out: Encodable {
                var server_time: String
                var gates: [GateOut]
                var inside: Int
                var conflicts: [ConflictOut]
                var problems: [ProblemOut]
            }
            let out = Out(
                server_time: ISOTime.format(status.serverTime),
                gates: status.gates.map { g in
                    GateOut(
                        name: g.name, role: g.role, last_contact: g.lastContact.map(ISOTime.format), head_seq: g.headSeq,
                        reported_head_seq: g.reportedHeadSeq,
                        lag_seconds: g.lastContact.map { Int(max(0, status.serverTime.timeIntervalSince($0)).rounded()) },
                        clock_offset_ms: g.clockOffsetMillis, key_differs: g.keyDiffers, fork: g.forkDetail, fork_at: g.forkAt.map(ISOTime.format))
                },
                inside: status.inside,
                conflicts: status.conflicts.map { ConflictOut(kind: $0.kind.rawValue, visits: $0.visits, why: $0.why) },
                problems: status.problems.map { ProblemOut(gate: $0.gate, seq: $0.seq, problem: $0.problem) })
            writeOut(JSONOutput.encode(out) + "\n")
            if !status.problems.isEmpty { throw ExitCode(1) }
            return
        }
        var text = "building log: \(status.gates.count) gate(s), \(status.inside) inside\n"
        for g in status.gates {
            var cells = ["  \(g.name)", "head #\(g.headSeq)"]
            if let c = g.lastContact {
                let lag = Int(max(0, status.serverTime.timeIntervalSince(c)).rounded())
                cells.append("last contact \(cal.localTimestamp(c)) (\(lag) s ago)")
            } else {
                cells.append("never synced")
            }
            // Offset = server − gate: negative when the gate's clock is ahead.
            if let o = g.clockOffsetMillis, o.magnitude >= 3000 {
                cells.append("clock \(Int((Double(o.magnitude) / 1000).rounded())) s \(o < 0 ? "ahead of" : "behind") the server")
            }
            if g.keyDiffers { cells.append("KEY DIFFERS: its key_file is not the building's") }
            if let f = g.forkDetail { cells.append("FORK: another box claims this gate (\(f))") }
            text += cells.joined(separator: " · ") + "\n"
        }
        if status.conflicts.isEmpty {
            text += "no conflicts\n"
        } else {
            text += "\(status.conflicts.count) conflict(s):\n"
            for c in status.conflicts { text += "  \(c.kind.rawValue): \(c.why)\n" }
        }
        writeOut(text)
        if !status.problems.isEmpty { throw ExitCode(1) }
    }
}

struct BuildingExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export the whole building's visits (every gate, from the building log): the daily export's columns.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var target: BuildingTarget
    @Option(help: "One venue day YYYY-MM-DD (default: today).") var date: String?
    @Option(help: "First day of a range.") var from: String?
    @Option(help: "Last day of a range.") var to: String?
    @Option(help: "FILE, or - for standard output (default: <export_dir>/building-<venue>-<date>.csv plus .sha256).") var output: String?
    @Flag(help: "Full id numbers and phones; recorded in this gate's audit chain.") var unmasked = false

    func validate() throws {
        if date != nil && (from != nil || to != nil) { throw Context.usage(global, .usageDateOrRange) }
        if (from == nil) != (to == nil) { throw Context.usage(global, .usageTogether, ["--from", "--to"]) }
    }

    func run() throws {
        let context = try Context.make(global, autoCheckout: false)
        for d in [date, from, to].compactMap({ $0 }) where VenueDay(d) == nil { throw context.usage(.invalidDate, [d]) }
        let first = try context.day(from ?? date)
        let last = try context.day(to ?? date)
        guard first <= last else { throw context.usage(.invalidRange) }
        let link = try target.link(context.gate.config)
        let cal = context.calendar
        let ledger: BuildingLedger
        do {
            let (replayed, problems) = try BuildingAdmin(link: link).ledger(
                checkedInFrom: cal.start(of: first), timeZone: cal.timeZone, key: context.gate.hasher.chainKey)
            // An export the building hands on must not be silently short of a gate's visits.
            if let p = problems.first {
                printError("refusing to export: gate \(p.gate) event #\(p.seq) does not verify (\(p.problem)); run kiosk building audit")
                throw ExitCode(1)
            }
            ledger = replayed
        } catch let e as BuildingError {
            throw BuildingFailure.exit(e)
        } catch {
            throw error
        }
        let destination: ExportDestination
        switch output {
        case nil: destination = .defaultFile
        case "-"?: destination = .stream { chunk in FileHandle.standardOutput.write(Data(chunk)) }
        case let path?: destination = .file(path)
        }
        let env = ProcessInfo.processInfo.environment
        do {
            let result = try context.gate.export(
                from: first, to: last, format: .csv, masked: !unmasked, destination: destination,
                requestedBy: env["KIOSK_GUARD"] ?? env["USER"] ?? "supervisor", source: ledger.store, stem: "building")
            if let path = result.path { printError("building export: \(result.rows) visit(s) → \(path)") }
            if !ledger.conflicts.isEmpty { printError("\(ledger.conflicts.count) conflict(s) in this range: see kiosk building status") }
        } catch {
            throw context.fail(error)
        }
    }
}

struct BuildingAudit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Verify every gate's chain in the building log (needs the building's key_file); exit 1 with the first bad gate and event.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var target: BuildingTarget
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let config = try Context.loadConfig(global)
        let link = try target.link(config)
        let key = try buildingKey(config)
        let result: BuildingAdmin.AuditResult
        do {
            result = try BuildingAdmin(link: link).audit(key: key)
        } catch {
            throw BuildingFailure.exit(error)
        }
        if json {
            struct Bad: Encodable { var gate: String; var seq: Int64; var problem: String }
            struct Out: Encodable { var ok: Bool; var gates: Int; var events: Int; var first_bad: Bad? }
            writeOut(JSONOutput.encode(Out(ok: result.ok, gates: result.gates, events: result.events,
                first_bad: result.problem.map { Bad(gate: $0.gate, seq: $0.seq, problem: $0.why) })) + "\n")
        } else if let p = result.problem {
            printError("building log audit FAILED at gate \(p.gate) event #\(p.seq): \(p.why)")
        } else {
            writeOut("building log audit OK: \(result.gates) gate(s), \(result.events) events, every chain verifies\n")
        }
        if !result.ok { throw ExitCode(1) }
    }
}

struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "One pass with the building log: upload this gate's events, pull the other gates'. Exit 1 when it cannot.")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let context = try Context.make(global, autoCheckout: false)
        let gate = context.gate
        let made: GateSync?
        do {
            made = try gate.makeBuildingSync()
        } catch {
            throw BuildingFailure.exit(error)
        }
        guard let sync = made else {
            throw Context.usage("no building log configured: set [building] database in \(gate.config.source)")
        }
        do {
            let r = try sync.pass()
            if json {
                struct Out: Encodable {
                    var ok: Bool; var gate: String; var uploaded: Int; var pulled: Int; var adopted: Int
                    var server_head: Int64; var local_head: Int64; var waiting: Int; var clock_offset_ms: Int64; var refused: [String]
                }
                writeOut(JSONOutput.encode(Out(
                    ok: r.refused.isEmpty, gate: sync.gate, uploaded: r.uploaded, pulled: r.pulled, adopted: r.adopted, server_head: r.serverHead,
                    local_head: r.localHead, waiting: r.waiting, clock_offset_ms: r.clockOffsetMillis,
                    refused: r.refused.map { "\($0.gate) #\($0.seq): \($0.problem)" })) + "\n")
            } else {
                writeOut("synced: \(r.uploaded) sent, \(r.pulled) pulled; the building log holds this gate's #\(r.serverHead) of #\(r.localHead)\n")
            }
            for bad in r.refused {
                printError("refused gate \(bad.gate)'s event #\(bad.seq) from the building log: \(bad.problem); run kiosk building audit")
            }
            if !r.refused.isEmpty { throw ExitCode(1) }
        } catch let e as BuildingError {
            let waiting = SyncWorker(sync: sync, store: gate.store, interval: .seconds(60)).status.waiting
            if json {
                struct Failed: Encodable { var ok = false; var gate: String; var error: String; var waiting: Int; var transient: Bool }
                writeOut(JSONOutput.encode(Failed(gate: sync.gate, error: e.description, waiting: waiting, transient: e.isTransient)) + "\n")
            }
            printError("\(e.description); \(waiting) event(s) of this gate wait to be sent")
            throw ExitCode(1)
        }
    }
}
