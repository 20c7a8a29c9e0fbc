import Crypto
import Foundation
import KioskCore
import Records
import _CryptoExtras

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The supervisor PIN (F6 export, F9 supervisor), kept as a salted slow hash so a copy of the
/// data folder does not give the PIN away, with a lockout so the few thousand PINs of 4 to 6
/// digits cannot be tried at the gate.
///
/// The PIN file is one line, `pbkdf2-sha256$<rounds>$<salt base64>$<hash base64>`; the rounds
/// are stored so a later version can raise them and still check old files. Failures and the
/// lock live in `<pin file>.state` so a restart does not clear them.
public struct SupervisorPin: Sendable {
    public let path: String
    let clock: any KioskClock

    /// Wrong PINs in a row before the lock.
    public static let maxFailures = 3
    /// How long the lock lasts.
    public static let lockSeconds: TimeInterval = 60
    /// PBKDF2 rounds for new PINs: the least swift-crypto's checked API accepts (210 000),
    /// about a tenth of a second on the gate's box, so the lock, not the hash, is what stops
    /// guessing at the gate, and the hash is what stops guessing from a stolen file.
    public static let rounds = 210_000
    /// Rounds read from a file are bounded, so a damaged file cannot stall the gate.
    static let roundsAccepted = 10_000...5_000_000
    static let scheme = "pbkdf2-sha256"

    public init(path: String, clock: any KioskClock) {
        self.path = path
        self.clock = clock
    }

    var statePath: String { path + ".state" }

    public enum Outcome: Equatable, Sendable {
        case accepted
        case wrong(remaining: Int)
        case locked(until: Date)
        case notSet
    }

    /// A PIN file exists and can be read.
    public var isSet: Bool {
        if case .some(.success) = load() { return true }
        return false
    }

    /// Why the PIN file cannot be used when it exists but is damaged or unreadable; nil when it
    /// is absent or sound. A damaged file counts as not set: `check` answers `.notSet`.
    public var fileProblem: SupervisorPinError? {
        if case .some(.failure(let e)) = load() { return e }
        return nil
    }

    /// 4 to 12 ASCII digits; throws a `SupervisorPinError` saying what is wrong. Replaces any
    /// PIN already set and clears failures and the lock; asking for the current PIN first is
    /// the caller's job.
    public func set(_ pin: String) throws {
        try Self.validate(pin)
        let salt = SymmetricKey(size: SymmetricKeySize(bitCount: 128)).withUnsafeBytes { Array($0) }
        let hash: [UInt8]
        do {
            hash = try Self.derive(pin, salt: salt, rounds: Self.rounds)
        } catch {
            throw SupervisorPinError(.pinFileUnwritable, [path, "PBKDF2 failed (\(error))"])
        }
        let line = "\(Self.scheme)$\(Self.rounds)$\(Data(salt).base64EncodedString())$\(Data(hash).base64EncodedString())\n"
        do {
            try SecureFiles.makeDirectory((path as NSString).deletingLastPathComponent)
            try SecureFiles.writeAtomically(Array(line.utf8), to: path)
        } catch {
            throw SupervisorPinError(.pinFileUnwritable, [path, (error as? SecureFiles.Failure)?.reason ?? "\(error)"])
        }
        // A new PIN starts with a clean count; a state file left behind would only be stale.
        unlink(statePath)
    }

    /// Three wrong PINs lock it for 60 seconds (from the clock). Failures and the lock survive
    /// a restart. A correct PIN resets the count. While locked, even the right PIN gives
    /// `.locked`, and nothing is hashed.
    public func check(_ pin: String) -> Outcome {
        // Checks of the same PIN file, by the terminal and `kiosk set-pin` alike, take turns,
        // so two quick guesses cannot both read the same count.
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .notSet }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0, errno == EINTR {}
        guard case .success(let stored) = Self.parse(Self.read(fd)) else { return .notSet }

        let now = clock.now()
        var state = loadState()
        if let until = state.lockedUntil {
            // A lock further ahead than one lock time means the clock went back; it is
            // shortened rather than left to hold the supervisor out for hours.
            let end = min(until, now.addingTimeInterval(Self.lockSeconds))
            if now < end {
                if end != until { saveState(State(failures: 0, lockedUntil: end)) }
                return .locked(until: end)
            }
            state = State()
        }

        if Self.validFormat(pin), let hash = try? Self.derive(pin, salt: stored.salt, rounds: stored.rounds),
            Self.constantTimeEqual(hash, stored.hash)
        {
            unlink(statePath)
            return .accepted
        }
        let failures = state.failures + 1
        if failures >= Self.maxFailures {
            let until = now.addingTimeInterval(Self.lockSeconds)
            saveState(State(failures: 0, lockedUntil: until))
            return .locked(until: until)
        }
        saveState(State(failures: failures, lockedUntil: nil))
        return .wrong(remaining: Self.maxFailures - failures)
    }

    // MARK: The PIN file

    struct Stored: Equatable {
        var rounds: Int
        var salt: [UInt8]
        var hash: [UInt8]
    }

    /// nil when there is no file; otherwise what it holds or why it cannot be used.
    func load() -> Result<Stored, SupervisorPinError>? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            let reason = String(cString: strerror(errno))
            return .failure(SupervisorPinError(.pinFileDamaged, [path, reason]))
        }
        defer { close(fd) }
        return Self.parse(Self.read(fd)).mapError { SupervisorPinError(.pinFileDamaged, [path, $0.reason]) }
    }

    struct Damage: Error { var reason: String }

    /// At most 1 KiB: a PIN line is under 100 bytes, and a file of any size must not be read whole.
    static func read(_ fd: Int32) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: 1025)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + count, $0.count - count, off_t(count)) }
            if n < 0, errno == EINTR { continue }
            if n < 0 { return nil }
            if n == 0 { break }
            count += n
        }
        return Array(bytes[..<count])
    }

    static func parse(_ bytes: [UInt8]?) -> Result<Stored, Damage> {
        guard let bytes else { return .failure(Damage(reason: "it cannot be read")) }
        guard bytes.count <= 1024 else { return .failure(Damage(reason: "it is too large to be a PIN file")) }
        guard let text = String(validating: bytes, as: UTF8.self) else { return .failure(Damage(reason: "it is not text")) }
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == scheme else {
            return .failure(Damage(reason: "it is not of the form \(scheme)$rounds$salt$hash"))
        }
        guard let rounds = Int(parts[1]), roundsAccepted.contains(rounds) else {
            return .failure(Damage(reason: "the rounds \"\(parts[1].prefix(20))\" are not a number from \(roundsAccepted.lowerBound) to \(roundsAccepted.upperBound)"))
        }
        guard let salt = Data(base64Encoded: String(parts[2])), (8...64).contains(salt.count) else {
            return .failure(Damage(reason: "the salt is not 8 to 64 bytes of base64"))
        }
        guard let hash = Data(base64Encoded: String(parts[3])), hash.count == 32 else {
            return .failure(Damage(reason: "the hash is not 32 bytes of base64"))
        }
        return .success(Stored(rounds: rounds, salt: Array(salt), hash: Array(hash)))
    }

    static func derive(_ pin: String, salt: [UInt8], rounds: Int) throws -> [UInt8] {
        // Old files may hold fewer rounds than new ones get, hence the unchecked call; the
        // rounds were bounded when the file was read.
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(pin.utf8), salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: rounds)
        return key.withUnsafeBytes { Array($0) }
    }

    /// Compares every byte whatever the first difference, so timing does not tell how much
    /// of a guess was right.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }

    static func validFormat(_ pin: String) -> Bool {
        (4...12).contains(pin.utf8.count) && pin.utf8.allSatisfy { (0x30...0x39).contains($0) }
    }

    /// Says what is wrong with a new PIN before it is asked for a second time.
    public static func validate(_ pin: String) throws {
        guard pin.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { throw SupervisorPinError(.pinNotDigits) }
        guard (4...12).contains(pin.utf8.count) else { throw SupervisorPinError(.pinLength, [String(pin.utf8.count)]) }
    }

    // MARK: Failures and the lock

    struct State: Equatable {
        var failures = 0
        var lockedUntil: Date?
    }

    /// `failures=N` and `locked_until=<unix seconds>` lines. A missing or damaged state file
    /// counts as no failures: whoever can damage it can as well delete it.
    func loadState() -> State {
        guard let data = FileManager.default.contents(atPath: statePath), data.count <= 1024,
            let text = String(data: data, encoding: .utf8)
        else { return State() }
        var state = State()
        for line in text.split(separator: "\n") {
            let kv = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2 else { continue }
            switch kv[0] {
            case "failures": state.failures = min(max(Int(kv[1]) ?? 0, 0), Self.maxFailures)
            case "locked_until": state.lockedUntil = Double(kv[1]).flatMap { $0.isFinite ? Date(timeIntervalSince1970: $0) : nil }
            default: break
            }
        }
        return state
    }

    /// Best effort: if the folder cannot be written the count is lost, but so is every visit,
    /// and the guard sees that first.
    func saveState(_ state: State) {
        var text = "failures=\(state.failures)\n"
        if let until = state.lockedUntil { text += "locked_until=\(until.timeIntervalSince1970)\n" }
        try? SecureFiles.writeAtomically(Array(text.utf8), to: statePath)
    }
}

/// What is wrong with a new PIN or the PIN file, in the guard's language.
public struct SupervisorPinError: LocalizedKioskError, Equatable {
    public var key: MessageKey
    public var args: [String]

    public init(_ key: MessageKey, _ args: [String] = []) {
        self.key = key
        self.args = args
    }
}
