import Foundation

/// When forgotten visits are closed (`[records] auto_checkout`).
public enum AutoCheckout: Equatable, Sendable, CustomStringConvertible {
    /// Visits still open when their venue day ends are closed at midnight.
    case midnight
    /// Visits open longer than this are closed at check-in + this.
    case after(TimeInterval)
    case off

    public var description: String {
        switch self {
        case .midnight: return "midnight"
        case .off: return "off"
        case .after(let s): return "after \(Int(s / 3600))h"
        }
    }
}

/// Everything kiosk.conf can say. Each section is a value type with the defaults the sample
/// file documents; paths are absolute by the time a config exists (resolved against the
/// folder of the file, so the kiosk behaves the same whatever directory it starts in).
public struct KioskConfig: Equatable, Sendable {
    public struct Venue: Equatable, Sendable {
        public var id = "demo"
        public var name = "Tòa nhà Demo"
        public var address = ""
        public var gate = "main"
        public var gates: [String] = ["main"]
        public var timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        /// 0 means no limit.
        public var capacity = 0
        /// The URL a venue code opens; nil: `http://kiosk.local:8080/c/<id>` until the self
        /// check-in server's public URL is configured.
        public var checkinURL: String?
        /// How often the on-screen code changes.
        public var tokenMinutes = 5
        /// Whether printed posters carry a token valid for the print day.
        public var posterToken = PosterToken.none
    }

    public enum PosterToken: String, Equatable, Sendable {
        case none, daily
    }

    public struct UI: Equatable, Sendable {
        public var language = Language.vi
        /// The supervisor PIN's salted slow hash (written by `kiosk set-pin`).
        public var pinFile = "data/supervisor.pin"
        /// The guard terminal's log; the screen never shows log lines.
        public var logFile = "data/kiosk.log"
        /// Draw the venue QR and panels with Unicode blocks; off for consoles without them.
        public var unicode = true
        /// How long the verdict panel keeps its colour before it fades to neutral (0: until
        /// the next key), so the next visitor never reads the last one's verdict as theirs.
        public var verdictSeconds = 60
    }

    /// The visitor's self check-in form (`[checkin_web]`).
    public struct CheckinWeb: Equatable, Sendable {
        public enum Mode: String, Equatable, Sendable {
            /// The visit waits until the guard scans the confirmation or picks it on screen.
            case guardConfirms = "guard-confirms"
            /// Recorded as inside at once.
            case autoAdmit = "auto-admit"
        }
        /// The guard terminal starts the server too.
        public var enabled = false
        public var host = "0.0.0.0"
        public var port = 8080
        /// The address phones reach the server at, if not `[venue] checkin_url`'s.
        public var publicURL: String?
        public var mode = Mode.guardConfirms
        /// The health questions, each answered yes/no.
        public var questions = [
            "Sốt, ho hoặc khó thở trong 14 ngày qua? / Fever, cough or shortness of breath in the last 14 days?",
            "Tiếp xúc với ca bệnh đã xác nhận? / Contact with a confirmed case?",
        ]
        /// Form submissions per address per minute.
        public var rateLimit = 10
    }

    /// The code scanner (`[scanner]`).
    public struct Scanner: Equatable, Sendable {
        /// A serial scanner (e.g. /dev/ttyACM0) read beside the keyboard; nil: keyboard only.
        public var device: String?
        /// Longest pause between two keys of one scan; slower typing is a person.
        public var maxKeyGapMilliseconds = 30
        /// Shortest text that counts as a scan when it arrives that fast.
        public var minScanLength = 6
    }

    public struct Records: Equatable, Sendable {
        public var database = "data/kiosk.sqlite"
        public var exportDir = "data/exports"
        public var keyFile = "data/kiosk.key"
        public var retentionDays = 30
        public var autoCheckout = AutoCheckout.midnight
        /// nil: no daily export.
        public var autoExportAt: TimeOfDay? = TimeOfDay(minutes: 5)
        public var idStorage = IdStorage.masked
        public var keepAddress = false
        public var categories = ["visitor", "contractor", "delivery", "staff"]
        /// What a guard or visitor reads for each category key; the key itself stays in the log
        /// and exports. Keys without a name here use the built-in names, or the key.
        public var categoryNames: [String: CategoryName] = [:]

        /// A category as the screen shows it in `language`.
        public func categoryName(_ key: String, _ language: Language) -> String {
            let name = categoryNames[key] ?? CategoryName.builtIn[key]
            guard let name else { return key }
            return language == .vi ? name.vi : name.en
        }
    }

    /// A category's display name in both languages (`visitor: Khách / Visitor`).
    public struct CategoryName: Equatable, Sendable {
        public var vi: String
        public var en: String
        public init(vi: String, en: String) {
            self.vi = vi
            self.en = en
        }
        /// The default categories read well in both languages without any configuration.
        static let builtIn: [String: CategoryName] = [
            "visitor": CategoryName(vi: "Khách", en: "Visitor"),
            "contractor": CategoryName(vi: "Nhà thầu", en: "Contractor"),
            "delivery": CategoryName(vi: "Giao hàng", en: "Delivery"),
            "staff": CategoryName(vi: "Nhân viên", en: "Staff"),
        ]
    }

    /// What a temperature at or above `temperature_limit` does (`[policy] fever`).
    public enum FeverPolicy: String, Equatable, Sendable, CaseIterable {
        /// Green with a warning line: the guard is told, nothing more.
        case warn
        /// Yellow: the guard confirms before the visitor goes in, and the confirmation is recorded.
        case check
        /// Red: refused like a full building; a supervisor may override.
        case deny
    }

    /// How strict the gate is (`[policy]`).
    public struct Policy: Equatable, Sendable {
        /// Kinds of code that admit on their own; the others need the guard (yellow).
        public var admit: [String] = ["hc1", "invite"]
        /// HC1 certificate types accepted.
        public var hc1Types: [String] = ["vaccination", "test", "recovery"]
        /// A vaccination must be the last dose of its series (dn ≥ sd).
        public var vaccinationComplete = true
        /// A test must have been taken at most this many hours ago.
        public var testMaxHours = 72
        /// A code that is not genuine: deny, or ask the guard.
        public var unverified = "deny"
        /// At or above this temperature the fever policy applies.
        public var temperatureLimit = 37.5
        public var fever = FeverPolicy.check
    }

    public struct Passes: Equatable, Sendable {
        /// Folder of trusted signer certificates (PEM, DER or base64 DER).
        public var trustDir = "data/trust"
    }

    /// `[building]`: the building log shared by every gate (issue 14). Empty `database`: this
    /// gate alone, exactly as before.
    public struct Building: Equatable, Sendable {
        public enum TLS: String, Equatable, Sendable { case disable, prefer, require }
        public var database: BuildingAddress?
        /// The gate role's password (0600); nil when the server asks for none.
        public var passwordFile: String?
        public var tls = TLS.prefer
        public var syncSeconds = 2
    }

    public var venue = Venue()
    public var policy = Policy()
    public var passes = Passes()
    public var ui = UI()
    public var scanner = Scanner()
    public var checkinWeb = CheckinWeb()
    public var records = Records()
    public var building = Building()
    public var privacy = PrivacySettings()
    public var printer = PrinterSettings()
    public var notify = NotifySettings()
    /// The file this came from, for messages.
    public var source = "(defaults)"

    public init() {}

    public var calendar: VenueCalendar { VenueCalendar(timeZone: venue.timeZone) }
}

extension KioskConfig {
    /// Reads and checks a config file. Every problem is a `ConfigError` naming file and line.
    public static func load(path: String) throws(ConfigError) -> KioskConfig {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigError(file: path, line: 0, key: "file", problem: "cannot be read: check the path and permissions")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, line: 0, key: "file", problem: "is not UTF-8 text; save it as UTF-8")
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(text: text, path: path, baseDirectory: base)
    }

    public static func parse(text: String, path: String, baseDirectory: String) throws(ConfigError) -> KioskConfig {
        let ini = try IniFile(path: path, text: text)
        var config = KioskConfig()
        config.source = path
        var gatesGiven = false
        for (name, line) in ini.sections where !knownSections.contains(name) {
            throw ConfigError(file: path, line: line, key: "[\(name)]",
                problem: "unknown section; known sections: \(knownSections.joined(separator: ", "))")
        }
        for item in ini.items {
            let fail = { (problem: String) -> ConfigError in
                ConfigError(file: path, line: item.line, key: item.key, problem: problem)
            }
            let v = item.value
            switch (item.section, item.key) {
            case ("venue", "id"):
                guard !v.isEmpty, v.count <= 32,
                    v.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
                else { throw fail("use 1–32 letters, digits, - or _ (it goes into file names and URLs)") }
                config.venue.id = v
            case ("venue", "name"):
                let clean = TextFolding.clean(v)
                guard !clean.isEmpty else { throw fail("must not be empty") }
                config.venue.name = clean
            case ("venue", "address"):
                config.venue.address = TextFolding.clean(v)
            case ("venue", "gate"):
                guard let g = gateName(v) else { throw fail("use 1–32 letters, digits, - or _") }
                config.venue.gate = g
            case ("venue", "gates"):
                let list = splitList(v)
                guard !list.isEmpty else { throw fail("list at least one gate, comma-separated") }
                var gates: [String] = []
                for g in list {
                    guard let ok = gateName(g) else { throw fail("gate \"\(g)\": use 1–32 letters, digits, - or _") }
                    gates.append(ok)
                }
                config.venue.gates = gates
                gatesGiven = true
            case ("venue", "timezone"):
                guard let tz = TimeZone(identifier: v), v.contains("/") || v == "UTC" else {
                    throw fail("unknown time zone \"\(v)\"; use an IANA name such as Asia/Ho_Chi_Minh")
                }
                config.venue.timeZone = tz
            case ("venue", "capacity"):
                guard let n = Int(v), n >= 0, n <= 1_000_000 else {
                    throw fail("expected a whole number of people (0 = no limit), got \"\(v)\"")
                }
                config.venue.capacity = n
            case ("venue", "checkin_url"):
                guard v.hasPrefix("https://") || v.hasPrefix("http://"), v.count <= 200,
                    !v.contains(" "), !v.unicodeScalars.contains(where: { $0.value < 0x20 })
                else { throw fail("expected an http:// or https:// URL without spaces (at most 200 characters)") }
                config.venue.checkinURL = v
            case ("venue", "token_minutes"):
                guard let n = Int(v), (1...1440).contains(n) else {
                    throw fail("expected minutes from 1 to 1440, got \"\(v)\"")
                }
                config.venue.tokenMinutes = n
            case ("venue", "poster_token"):
                guard let t = PosterToken(rawValue: v.lowercased()) else { throw fail("expected none or daily, got \"\(v)\"") }
                config.venue.posterToken = t
            case ("policy", "admit"):
                let list = splitList(v).map { $0.lowercased() }
                let known = ["hc1", "invite", "personal-qr", "cccd", "bhyt", "manual"]
                guard list.allSatisfy(known.contains) else { throw fail("list kinds from: \(known.joined(separator: ", "))") }
                config.policy.admit = list
            case ("policy", "hc1_types"):
                let list = splitList(v).map { $0.lowercased() }
                let known = ["vaccination", "test", "recovery"]
                guard !list.isEmpty, list.allSatisfy(known.contains) else { throw fail("list types from: vaccination, test, recovery") }
                config.policy.hc1Types = list
            case ("policy", "vaccination_complete"):
                guard let b = parseBool(v) else { throw fail("expected true or false, got \"\(v)\"") }
                config.policy.vaccinationComplete = b
            case ("policy", "test_max_hours"):
                guard let n = Int(v), (1...720).contains(n) else { throw fail("expected hours from 1 to 720, got \"\(v)\"") }
                config.policy.testMaxHours = n
            case ("policy", "unverified"):
                guard ["deny", "ask"].contains(v.lowercased()) else { throw fail("expected deny or ask, got \"\(v)\"") }
                config.policy.unverified = v.lowercased()
            case ("policy", "temperature_limit"):
                guard let t = Double(v), (35...42).contains(t) else { throw fail("expected °C from 35 to 42, got \"\(v)\"") }
                config.policy.temperatureLimit = t
            case ("policy", "fever"):
                guard let f = FeverPolicy(rawValue: v.lowercased()) else { throw fail("expected warn, check or deny, got \"\(v)\"") }
                config.policy.fever = f
            case ("passes", "trust_dir"):
                guard !v.isEmpty else { throw fail("give a folder path") }
                config.passes.trustDir = resolve(v, base: baseDirectory)
            case ("ui", "language"):
                guard let lang = Language(rawValue: v.lowercased()) else { throw fail("expected vi or en, got \"\(v)\"") }
                config.ui.language = lang
            case ("ui", "pin_file"):
                guard !v.isEmpty else { throw fail("give a file path") }
                config.ui.pinFile = resolve(v, base: baseDirectory)
            case ("ui", "log_file"):
                guard !v.isEmpty else { throw fail("give a file path") }
                config.ui.logFile = resolve(v, base: baseDirectory)
            case ("ui", "unicode"):
                guard let b = parseBool(v) else { throw fail("expected true or false, got \"\(v)\"") }
                config.ui.unicode = b
            case ("ui", "verdict_seconds"):
                guard let n = Int(v), (0...3600).contains(n) else {
                    throw fail("expected seconds from 0 (until the next key) to 3600, got \"\(v)\"")
                }
                config.ui.verdictSeconds = n
            case ("checkin_web", "enabled"):
                guard let b = parseBool(v) else { throw fail("expected true or false, got \"\(v)\"") }
                config.checkinWeb.enabled = b
            case ("checkin_web", "listen"):
                let parts = v.split(separator: ":", omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty, let port = Int(parts[1]), (1...65535).contains(port) else {
                    throw fail("expected HOST:PORT such as 0.0.0.0:8080, got \"\(v)\"")
                }
                config.checkinWeb.host = String(parts[0])
                config.checkinWeb.port = port
            case ("checkin_web", "public_url"):
                guard v.isEmpty || v.hasPrefix("http://") || v.hasPrefix("https://") else {
                    throw fail("expected an http:// or https:// address, got \"\(v)\"")
                }
                config.checkinWeb.publicURL = v.isEmpty ? nil : v
            case ("checkin_web", "mode"):
                guard let m = CheckinWeb.Mode(rawValue: v.lowercased()) else {
                    throw fail("expected guard-confirms or auto-admit, got \"\(v)\"")
                }
                config.checkinWeb.mode = m
            case ("checkin_web", "questions"):
                let list = v.split(separator: ";").map { $0.iniTrimmed([" ", "\t"]) }.filter { !$0.isEmpty }
                guard list.count <= 10, list.allSatisfy({ $0.count <= 300 }) else {
                    throw fail("list at most 10 questions separated by ; (each up to 300 characters)")
                }
                config.checkinWeb.questions = list
            case ("checkin_web", "rate_limit"):
                guard let n = Int(v), (1...10000).contains(n) else {
                    throw fail("expected submissions per minute per address, 1 to 10000, got \"\(v)\"")
                }
                config.checkinWeb.rateLimit = n
            case ("scanner", "device"):
                config.scanner.device = v.isEmpty ? nil : resolve(v, base: baseDirectory)
            case ("scanner", "max_key_gap_ms"):
                guard let n = Int(v), (5...200).contains(n) else {
                    throw fail("expected milliseconds from 5 to 200, got \"\(v)\"")
                }
                config.scanner.maxKeyGapMilliseconds = n
            case ("scanner", "min_scan_length"):
                guard let n = Int(v), (2...64).contains(n) else {
                    throw fail("expected a number of characters from 2 to 64, got \"\(v)\"")
                }
                config.scanner.minScanLength = n
            case ("records", "database"):
                guard !v.isEmpty else { throw fail("give a file path") }
                config.records.database = resolve(v, base: baseDirectory)
            case ("records", "export_dir"):
                guard !v.isEmpty else { throw fail("give a folder path") }
                config.records.exportDir = resolve(v, base: baseDirectory)
            case ("building", "database"):
                if v.isEmpty {
                    config.building.database = nil
                } else {
                    switch BuildingAddress.parse(v) {
                    case .success(let a): config.building.database = a
                    case .failure(let e): throw fail(e.problem)
                    }
                }
            case ("building", "password_file"):
                config.building.passwordFile = v.isEmpty ? nil : resolve(v, base: baseDirectory)
            case ("building", "tls"):
                guard let t = Building.TLS(rawValue: v.lowercased()) else { throw fail("expected disable, prefer or require, got \"\(v)\"") }
                config.building.tls = t
            case ("building", "sync_seconds"):
                guard let n = Int(v), (1...3600).contains(n) else { throw fail("expected seconds from 1 to 3600, got \"\(v)\"") }
                config.building.syncSeconds = n
            case ("printer", "device"):
                if v.isEmpty {
                    config.printer.device = nil
                } else {
                    switch PrinterSettings.Device.parse(v) {
                    case .success(.file(let path)): config.printer.device = .file(resolve(path, base: baseDirectory))
                    case .success(let d): config.printer.device = d
                    case .failure(let e): throw fail(e.problem)
                    }
                }
            case ("printer", "paper"):
                guard let p = PrinterSettings.Paper(rawValue: v.lowercased().replacingOccurrences(of: " ", with: "")) else {
                    throw fail("expected 58mm or 80mm, got \"\(v)\"")
                }
                config.printer.paper = p
            case ("printer", "print_on"):
                guard let p = PrinterSettings.PrintOn(rawValue: v.lowercased()) else {
                    throw fail("expected checkin, manual or never, got \"\(v)\"")
                }
                config.printer.printOn = p
            case ("printer", "copies"):
                guard let n = Int(v), (1...5).contains(n) else { throw fail("expected 1 to 5 copies, got \"\(v)\"") }
                config.printer.copies = n
            case ("notify", "smtp"):
                if v.isEmpty {
                    config.notify.smtp = nil
                } else {
                    switch NotifySettings.Relay.parse(v) {
                    case .success(let r): config.notify.smtp = r
                    case .failure(let e): throw fail(e.problem)
                    }
                }
            case ("notify", "tls"):
                guard let t = NotifySettings.TLS(rawValue: v.lowercased()) else {
                    throw fail("expected off, opportunistic or require, got \"\(v)\"")
                }
                config.notify.tls = t
            case ("notify", "login_file"):
                config.notify.loginFile = v.isEmpty ? nil : resolve(v, base: baseDirectory)
            case ("notify", "ca_file"):
                config.notify.caFile = v.isEmpty ? nil : resolve(v, base: baseDirectory)
            case ("notify", "from"):
                guard v.isEmpty || NotifySettings.isPlausibleAddress(v) else {
                    throw fail("expected the sender's e-mail address, such as kiosk@example.vn, got \"\(v)\"")
                }
                config.notify.from = v
            case ("notify", "approval"):
                guard let a = NotifySettings.Approval(rawValue: v.lowercased()) else {
                    throw fail("expected off or walk-ins, got \"\(v)\"")
                }
                config.notify.approval = a
            case ("notify", "retry_seconds"):
                guard let n = Int(v), (1...3600).contains(n) else { throw fail("expected seconds from 1 to 3600, got \"\(v)\"") }
                config.notify.retrySeconds = n
            case ("notify", "max_refusals"):
                guard let n = Int(v), (1...20).contains(n) else { throw fail("expected 1 to 20 attempts, got \"\(v)\"") }
                config.notify.maxRefusals = n
            case ("records", "key_file"):
                guard !v.isEmpty else { throw fail("give a file path") }
                config.records.keyFile = resolve(v, base: baseDirectory)
            case ("records", "retention_days"):
                guard let n = Int(v), (1...3650).contains(n) else {
                    throw fail("expected a number of days from 1 to 3650, got \"\(v)\"")
                }
                config.records.retentionDays = n
            case ("records", "auto_checkout"):
                guard let a = parseAutoCheckout(v) else {
                    throw fail("expected midnight, off, or after Nh (1–48), got \"\(v)\"")
                }
                config.records.autoCheckout = a
            case ("records", "auto_export_at"):
                if v.lowercased() == "off" {
                    config.records.autoExportAt = nil
                } else {
                    guard let t = TimeOfDay(v) else { throw fail("expected a time HH:MM (24-hour) or off, got \"\(v)\"") }
                    config.records.autoExportAt = t
                }
            case ("records", "id_storage"):
                guard let s = IdStorage(rawValue: v.lowercased()) else {
                    throw fail("expected full, masked or hashed, got \"\(v)\"")
                }
                config.records.idStorage = s
            case ("privacy", "guard_consent"):
                guard let g = PrivacySettings.GuardConsent(rawValue: v.lowercased()) else { throw fail("expected ask or notice, got \"\(v)\"") }
                config.privacy.guardConsent = g
            case ("privacy", "basis"):
                guard let b = LegalBasis(rawValue: v.lowercased()) else {
                    throw fail("expected one of \(LegalBasis.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(v)\"")
                }
                config.privacy.basis = b
            case ("privacy", "basis_reference"), ("privacy", "consent_version"), ("privacy", "controller"), ("privacy", "contact"):
                let text = TextFolding.clean(v)
                guard text.count <= 300 else { throw fail("at most 300 characters") }
                switch item.key {
                case "basis_reference": config.privacy.basisReference = text
                case "consent_version":
                    guard !text.isEmpty, text.count <= 40 else { throw fail("give a short version label such as 2026-01") }
                    config.privacy.consentVersion = text
                case "controller": config.privacy.controller = text
                default: config.privacy.contact = text
                }
            case ("records", "keep_address"):
                guard let b = parseBool(v) else { throw fail("expected true or false, got \"\(v)\"") }
                config.records.keepAddress = b
            case ("records", "categories"):
                // `visitor, contractor` (keys only) or `visitor: Khách / Visitor, …`.
                var keys: [String] = []
                var names: [String: CategoryName] = [:]
                for item in splitList(v) {
                    let parts = item.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map { $0.iniTrimmed([" ", "\t"]) }
                    let key = parts[0].lowercased()
                    guard gateName(key) != nil else {
                        throw fail("list categories as comma-separated words such as visitor, contractor (optionally visitor: Khách / Visitor)")
                    }
                    keys.append(key)
                    guard parts.count == 2 else { continue }
                    let shown = parts[1].split(separator: "/", maxSplits: 1).map { TextFolding.clean(String($0)) }
                    guard let vi = shown.first, !vi.isEmpty, vi.count <= 40, (shown.count == 1 || (!shown[1].isEmpty && shown[1].count <= 40)) else {
                        throw fail("category \"\(key)\": give its name as Vietnamese / English, such as visitor: Khách / Visitor")
                    }
                    names[key] = CategoryName(vi: vi, en: shown.count == 2 ? shown[1] : vi)
                }
                guard !keys.isEmpty else {
                    throw fail("list categories as comma-separated words such as visitor, contractor")
                }
                config.records.categories = keys
                config.records.categoryNames = names
            default:
                let known = (knownKeys[item.section] ?? []).joined(separator: ", ")
                throw fail("unknown key in [\(item.section)]; known keys: \(known)")
            }
        }
        if !gatesGiven { config.venue.gates = [config.venue.gate] }
        if config.privacy.basis != .consent, config.privacy.basisReference.isEmpty {
            let line = ini.items.first { $0.section == "privacy" && $0.key == "basis" }?.line ?? 0
            throw ConfigError(file: path, line: line, key: "basis",
                problem: "basis = \(config.privacy.basis.rawValue) needs basis_reference naming the law, decree or contract it rests on")
        }
        if config.privacy.controller.isEmpty { config.privacy.controller = config.venue.name }
        if config.notify.smtp != nil, config.notify.from.isEmpty {
            let line = ini.items.first { $0.section == "notify" && $0.key == "smtp" }?.line ?? 0
            throw ConfigError(file: path, line: line, key: "smtp", problem: "a mail relay needs from = the sender's address (such as kiosk@example.vn)")
        }
        if config.notify.approval == .walkIns, config.checkinWeb.publicURL == nil {
            // The host answers on the kiosk's own web server: without its address the message
            // could carry no link, and every walk-in would wait for a yes that cannot come.
            let line = ini.items.first { $0.section == "notify" && $0.key == "approval" }?.line ?? 0
            throw ConfigError(file: path, line: line, key: "approval",
                problem: "walk-ins needs [checkin_web] public_url, where hosts open the approval link (and kiosk serve, or enabled = true, to answer it)")
        }
        if !config.venue.gates.contains(config.venue.gate) {
            let line = ini.items.first { $0.section == "venue" && $0.key == "gate" }?.line ?? 0
            throw ConfigError(file: path, line: line, key: "gate",
                problem: "\"\(config.venue.gate)\" is not among gates = \(config.venue.gates.joined(separator: ", "))")
        }
        return config
    }

    public static let knownSections = ["venue", "ui", "scanner", "checkin_web", "records", "policy", "passes", "building", "privacy", "printer", "notify"]
    static let knownKeys: [String: [String]] = [
        "venue": ["id", "name", "address", "gate", "gates", "timezone", "capacity", "checkin_url",
            "token_minutes", "poster_token"],
        "ui": ["language", "pin_file", "log_file", "unicode", "verdict_seconds"],
        "scanner": ["device", "max_key_gap_ms", "min_scan_length"],
        "checkin_web": ["enabled", "listen", "public_url", "mode", "questions", "rate_limit"],
        "policy": ["admit", "hc1_types", "vaccination_complete", "test_max_hours", "unverified", "temperature_limit", "fever"],
        "passes": ["trust_dir"],
        "building": ["database", "password_file", "tls", "sync_seconds"],
        "printer": ["device", "paper", "print_on", "copies"],
        "notify": ["smtp", "tls", "login_file", "ca_file", "from", "approval", "retry_seconds", "max_refusals"],
        "privacy": ["guard_consent", "basis", "basis_reference", "consent_version", "controller", "contact"],
        "records": ["database", "export_dir", "key_file", "retention_days", "auto_checkout",
            "auto_export_at", "id_storage", "keep_address", "categories"],
    ]

    static func splitList(_ v: String) -> [String] {
        v.split(separator: ",").map { $0.iniTrimmed([" ", "\t"]) }.filter { !$0.isEmpty }
    }

    static func gateName(_ v: String) -> String? {
        guard !v.isEmpty, v.count <= 32,
            v.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { return nil }
        return v
    }

    static func parseBool(_ v: String) -> Bool? {
        switch v.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: return nil
        }
    }

    static func parseAutoCheckout(_ v: String) -> AutoCheckout? {
        let s = v.lowercased()
        if s == "midnight" { return .midnight }
        if s == "off" { return .off }
        let parts = s.split(separator: " ")
        if parts.count == 2, parts[0] == "after", parts[1].hasSuffix("h"),
            let hours = Int(parts[1].dropLast()), (1...48).contains(hours)
        {
            return .after(TimeInterval(hours * 3600))
        }
        return nil
    }

    static func resolve(_ path: String, base: String) -> String {
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: base).appendingPathComponent(path).standardized.path
    }
}
