import Foundation
import KioskCore
import Passes
import Records

@_exported import struct Passes.TrustStore
@_exported import struct Passes.SignerCertificate
@_exported import enum Passes.ScanKind
@_exported import enum Passes.CheckStatus
@_exported import struct Records.InvitationRecord

/// Everything a front end shows about a scanned code, before anything is recorded: what it
/// is, each verification step, who it names, and the policy's verdict.
public struct ScanReport: Sendable {
    public var kind: ScanKind
    /// The code is genuine (every verification step passed; always false for unsigned kinds).
    public var valid = false
    /// Verification steps in order, for signed codes.
    public var steps: [(name: String, status: CheckStatus)] = []
    public var problems: [String] = []
    public var issuer: String?
    public var holderName: String?
    public var holderDateOfBirth: String?
    public var certificateType: String?
    public var facts: [String: String] = [:]
    public var decision: Decision
    /// Details to record or to prefill the guard's form with.
    public var details: VisitorDetails?
    var method: EntryMethod?
    var identityKey: String?
    var passSummary: String?
    var invitation: CheckInRequest.InvitationUse?
    /// The entry code of a `KOUT:` or `KIN:` scan.
    public var checkoutCode: String?

    init(kind: ScanKind, decision: Decision) {
        self.kind = kind
        self.decision = decision
    }

    /// The check-in this scan asks for, carrying the pass's verdict and identity; nil when
    /// the code names nobody. The guard's form starts from it when it prefills.
    public func checkInRequest(guardName: String) -> CheckInRequest? {
        guard let details, let method else { return nil }
        var request = CheckInRequest(details: details, guardName: guardName)
        request.method = method
        request.identityKey = identityKey
        request.passDecision = decision
        request.passSummary = passSummary
        request.invitation = invitation
        if method == .cccd || method == .bhyt || method == .personalQR {
            request.declaration["self_declared"] = "yes"
        }
        return request
    }
}

/// What `scan` did.
public struct ScanOutcome: Sendable {
    public var report: ScanReport
    public var checkIn: CheckInResult?
    public var checkOut: GateService.CheckOutResult?
}

extension GateService {
    /// The building's invitation signing key, derived from the key file.
    var invitationKeys: InvitationKeys {
        // A 32-byte HKDF output is always a valid Ed25519 seed.
        try! InvitationKeys(seed: hasher.derivedKey("invitation-ed25519"))
    }

    /// Verifies and decides; records nothing. `extra` adds signer certificates for this call
    /// (`kiosk verify --cert`), `at` pins the clock.
    public func verify(_ raw: String, at: Date? = nil, extra: [SignerCertificate] = []) -> ScanReport {
        verify(raw, at: at, extra: extra, lookUpInvitations: true)
    }

    /// `lookUpInvitations`: also say whether an invitation is revoked or used up, from the
    /// log. `scan` leaves that to the check-in transaction, which knows who is inside.
    func verify(_ raw: String, at: Date?, extra: [SignerCertificate], lookUpInvitations: Bool) -> ScanReport {
        let clock = at ?? self.clock.now()
        // A keyboard-wedge scanner ends with CR/LF; nothing else is trimmed.
        let scan = raw.trimmingCharacters(in: .newlines)
        let kind = ScanKind.classify(scan)
        switch kind {
        case .hc1: return verifyHC1(scan, at: clock, extra: extra)
        case .invite: return verifyInvitation(scan, at: clock, lookUp: lookUpInvitations)
        case .personalQR, .cccd, .bhyt: return identity(scan, kind: kind)
        case .checkout:
            var r = ScanReport(kind: .checkout, decision: Decision(verdict: .admit))
            r.checkoutCode = String(scan.dropFirst(5))
            return r
        case .selfCheckIn:
            var r = ScanReport(kind: .selfCheckIn, decision: Decision(verdict: .admit))
            r.checkoutCode = String(scan.dropFirst(4))
            return r
        case .unknown:
            let reason = ScanKind.looksLikeWrongKeyboardLayout(scan) ? Reason(.wrongKeyboardLayout) : Reason(.unrecognised)
            return ScanReport(kind: .unknown, decision: Decision(verdict: .deny, reasons: [reason]))
        }
    }

    /// Does what the gate does: verify, decide, and record an admitted (or guard-checked)
    /// visit; a check-out code closes its visit. Refusals and unreadable codes record nothing.
    /// With `override`, a supervisor admits a denied code that names someone (recorded with
    /// who and why).
    /// `consent`: the visitor agreed (`kiosk scan --consent`); without it a signed code that
    /// admits by itself rests on the gate's notice, and an identity code is a visit the guard
    /// records (refused under `guard_consent = ask`).
    public func scan(_ raw: String, guardName: String, override: CheckInRequest.Override? = nil, consent: ConsentGiven? = nil) throws -> ScanOutcome {
        let report = verify(raw, at: nil, extra: [], lookUpInvitations: false)
        if report.kind == .checkout, let code = report.checkoutCode {
            return ScanOutcome(report: report, checkIn: nil, checkOut: try checkOut(code: code))
        }
        if report.kind == .selfCheckIn, let code = report.checkoutCode {
            // The guard confirms: the rules of the gate decide, as for any check-in.
            let result = try confirmSelfCheckIn(code: code, guardName: guardName, override: override)
            var confirmed = report
            let shown = try result.recorded ?? EntryCode.normalise(code).flatMap { try visit(code: $0) }
            confirmed.holderName = shown?.details.name
            confirmed.decision = result.decision
            return ScanOutcome(report: confirmed, checkIn: result, checkOut: nil)
        }
        guard report.decision.verdict != .deny || override != nil, var request = report.checkInRequest(guardName: guardName) else {
            // A genuine code naming someone, refused by the policy (expired, not accepted):
            // counted like any refusal, with nothing about the person. An unreadable code
            // refuses nobody and is not counted.
            if report.decision.verdict == .deny, report.details != nil, let method = report.method {
                try store.recordRefusal(
                    reason: report.decision.reasons.first?.key ?? .passUnverified, method: method.rawValue,
                    gate: config.venue.gate, at: clock.now())
            }
            return ScanOutcome(report: report, checkIn: nil, checkOut: nil)
        }
        request.override = override
        request.consent = consent ?? (report.kind == .hc1 || report.kind == .invite ? gateNoticeConsent : nil)
        do {
            return ScanOutcome(report: report, checkIn: try checkIn(request), checkOut: nil)
        } catch let refusal as RuleViolation {
            // A rule of the visit (a field too long, an unknown category) refuses the scan
            // like any other denial: an answer, not a failure.
            var refused = report
            refused.decision = Decision(verdict: .deny, reasons: [Reason(refusal.key, refusal.args)])
            return ScanOutcome(report: refused, checkIn: nil, checkOut: nil)
        }
    }

    /// The last visit of someone known by id number or phone, for "returning visitor".
    public func lastVisit(idNumber: String?, phone: String?) throws -> Entry? {
        let idHash = idNumber.flatMap { $0.isEmpty || Masking.isMasked($0) ? nil : hasher.hash($0) }
        let phoneKey = phone.map(Validation.normalisePhone).flatMap { $0.isEmpty || Masking.isMasked($0) ? nil : $0 }
        guard idHash != nil || phoneKey != nil else { return nil }
        return try store.read { tx in try tx.lastVisit(idHash: idHash, phone: phoneKey) }
    }

    // MARK: Kinds

    private func verifyHC1(_ scan: String, at clock: Date, extra: [SignerCertificate]) -> ScanReport {
        var store = extra.isEmpty ? trust : TrustStore(extra)
        if !extra.isEmpty { for s in trust.signers { store.add(s) } }
        let result = HC1Verifier(trust: store).verify(scan, at: clock)
        var r = ScanReport(kind: .hc1, decision: Decision(verdict: .deny))
        r.valid = result.valid
        r.steps = HC1Result.stepNames.map { ($0, result.checks[$0] ?? .skipped) }
        r.problems = result.problems
        r.issuer = result.issuer
        let cert = result.certificate
        r.holderName = cert?.displayName
        r.holderDateOfBirth = cert?.dateOfBirth
        r.certificateType = cert?.type?.rawValue
        r.facts = cert?.facts ?? [:]
        if let name = r.holderName {
            r.details = VisitorDetails(name: name)
            r.identityKey = "hc1|" + TextFolding.fold(name) + "|" + (r.holderDateOfBirth ?? "")
        }
        r.method = .hc1
        r.passSummary = "HC1 \(r.issuer ?? "?") \(r.certificateType ?? "?") \(result.valid ? "verified" : "not verified: " + (result.problems.first ?? ""))"
        r.decision = hc1Decision(result, at: clock)
        // A scanner on a non-US layout keeps "HC1:" but mangles the Base45 body (Ö, ß, Telex
        // letters): tell the guard how to fix the scanner rather than only "damaged".
        if result.checks["base45"] == .fail, ScanKind.looksLikeWrongKeyboardLayout(scan) {
            r.decision = Decision(verdict: .deny, reasons: [Reason(.wrongKeyboardLayout)])
        }
        return r
    }

    private func verifyInvitation(_ scan: String, at clock: Date, lookUp: Bool) -> ScanReport {
        let keys = invitationKeys
        let result = InvitationVerifier(publicKey: keys.publicKey, venueID: config.venue.id).verify(scan, at: clock)
        var r = ScanReport(kind: .invite, decision: Decision(verdict: .deny))
        r.valid = result.valid
        r.steps = InvitationResult.stepNames.map { ($0, result.checks[$0] ?? .skipped) }
        r.problems = result.problems
        r.issuer = config.venue.id
        if lookUp, result.valid, let inv = result.invitation, let problem = invitationStateProblem(inv) {
            r.valid = true
            r.holderName = inv.name
            r.decision = Decision(verdict: .deny, reasons: [problem])
            return r
        }
        let damaged = ["prefix", "base45", "zlib", "cose"].first { result.checks[$0] == .fail }
        if let damaged {
            r.decision = Decision(verdict: .deny, reasons: [Reason(.passDamaged, [damaged])])
            return r
        }
        guard result.checks["signature"] == .pass, let inv = result.invitation else {
            r.decision = Decision(verdict: .deny, reasons: [Reason(.inviteBadSignature)])
            return r
        }
        fillInvitation(&r, inv)
        guard result.valid else {
            // Genuine but outside its window (or for another venue): it names the person, so
            // the refusal is counted and a supervisor can still let them in.
            let why: Reason
            if inv.venueID != config.venue.id {
                why = Reason(.inviteOtherVenue, [TextFolding.clean(inv.venueID)])
            } else if clock < inv.notBefore {
                why = Reason(.inviteNotYetValid)
            } else {
                why = Reason(.inviteExpired)
            }
            r.decision = Decision(verdict: .deny, reasons: [why])
            return r
        }
        let unknownHere = lookUp && config.building.database != nil && ((try? store.read { tx in try tx.invitation(id: inv.idHex) }) ?? nil) == nil
        let verdict: Verdict = config.policy.admit.contains("invite") && !unknownHere ? .admit : .check
        var reasons = [Reason(.inviteWindow, [inv.name, inv.host])]
        if unknownHere { reasons.append(Reason(.inviteNotReceivedYet)) } else if verdict == .check { reasons.append(Reason(.kindNeedsGuard, ["invite"])) }
        r.decision = Decision(verdict: verdict, reasons: reasons)
        return r
    }

    /// Who a genuine invitation names, and what a check-in with it records.
    private func fillInvitation(_ r: inout ScanReport, _ inv: Invitation) {
        r.holderName = inv.name
        r.certificateType = "invitation"
        r.facts = ["host": inv.host, "uses": String(inv.uses), "id": inv.idHex]
        if let p = inv.purpose { r.facts["purpose"] = p }
        r.details = VisitorDetails(name: inv.name, host: inv.host, purpose: inv.purpose)
        r.method = .invite
        r.identityKey = "invite|" + inv.idHex
        r.invitation = .init(
            id: inv.idHex, allowedUses: inv.uses,
            signed: InvitationRecord(
                id: inv.idHex, venue: inv.venueID, name: inv.name, host: inv.host, purpose: inv.purpose, notBefore: inv.notBefore,
                expires: inv.expires, uses: inv.uses, issuedAt: inv.issuedAt))
        r.passSummary = "invitation \(inv.idHex.prefix(8)) verified"
    }

    /// Revoked or used up, from the log (read only; `scan` checks again when it records).
    private func invitationStateProblem(_ inv: Invitation) -> Reason? {
        guard let (record, uses) = try? store.read({ tx in (try tx.invitation(id: inv.idHex), try tx.invitationUses(id: inv.idHex)) }) else {
            return nil
        }
        // With a building log, a genuine invitation may come from a gate not synced yet: the
        // rules see it as such (yellow), not as forged.
        guard let record else { return config.building.database == nil ? Reason(.inviteNotIssuedHere) : nil }
        if let revoked = record.revokedAt { return Reason(.inviteRevoked, [calendar.localTimestamp(revoked)]) }
        if uses.count >= min(inv.uses, record.uses), let last = uses.last {
            return Reason(.inviteUsedUp, [String(uses.count), calendar.localTimestamp(last.at)])
        }
        return nil
    }

    private func identity(_ scan: String, kind: ScanKind) -> ScanReport {
        var r = ScanReport(kind: kind, decision: Decision(verdict: .check))
        let parsed: IdentityDetails? = switch kind {
        case .cccd: try? IdentityQR.cccd(scan)
        case .bhyt: try? IdentityQR.bhyt(scan)
        default: try? IdentityQR.personal(scan)
        }
        guard let id = parsed else {
            r.decision = Decision(verdict: .deny, reasons: [Reason(.unrecognised)])
            return r
        }
        r.holderName = id.name
        r.holderDateOfBirth = id.dateOfBirth
        r.details = VisitorDetails(name: id.name, idNumber: id.idNumber, address: id.address)
        // A masked number (PC-Covid shows `0012********`) cannot be hashed as an id; the
        // visible part with name and birth date still tells a second scan of the same code.
        if let number = id.idNumber, Masking.isMasked(number) {
            r.identityKey = "masked|" + number + "|" + TextFolding.fold(id.name) + "|" + (id.dateOfBirth ?? "")
        }
        switch kind {
        case .cccd: (r.method, r.passSummary) = (.cccd, "CCCD QR, self-declared")
        case .bhyt:
            (r.method, r.passSummary) = (.bhyt, "BHYT QR, self-declared")
            if let until = id.validUntil { r.facts["valid_until"] = until }
        default: (r.method, r.passSummary) = (.personalQR, "PC-Covid QR, self-declared")
        }
        let admits = config.policy.admit.contains(kind.rawValue)
        r.decision = Decision(verdict: admits ? .admit : .check, reasons: [Reason(.selfDeclared)] + (admits ? [] : [Reason(.kindNeedsGuard, [kind.rawValue])]))
        return r
    }

    /// How far in the future a test's sample time may lie before the test is refused.
    static let sampleClockSkew: TimeInterval = 600

    /// The policy applied to a verified (or not) HC1.
    func hc1Decision(_ result: HC1Result, at clock: Date) -> Decision {
        let policy = config.policy
        let early = ["prefix", "base45", "zlib", "cose"].first { result.checks[$0] == .fail }
        if let step = early {
            return Decision(verdict: .deny, reasons: [Reason(.passDamaged, [step])])
        }
        if !result.valid {
            var reasons: [Reason] = []
            if result.checks["signature"] == .fail {
                reasons.append(Reason(result.signer == nil ? .passUnknownSigner : .passUnverified, [result.problems.first ?? "signature"]))
            }
            if result.checks["validity"] == .fail { reasons.append(Reason(.passExpired)) }
            if result.checks["key-usage"] == .fail { reasons.append(Reason(.passUnverified, ["key usage"])) }
            return Decision(verdict: policy.unverified == "ask" ? .check : .deny, reasons: reasons)
        }
        guard let cert = result.certificate, let type = cert.type else {
            return Decision(verdict: .deny, reasons: [Reason(.passUnverified, ["no certificate entry"])])
        }
        guard policy.hc1Types.contains(type.rawValue) else {
            return Decision(verdict: .deny, reasons: [Reason(.certificateTypeNotAccepted, [type.rawValue])])
        }
        switch type {
        case .vaccination:
            if policy.vaccinationComplete {
                // Both numbers, as integers (HealthCertificate keeps only integers), and
                // positive: a certificate that does not say which dose of how many proves
                // nothing about completeness.
                guard let dn = cert.facts["dn"].flatMap({ Int($0) }), let sd = cert.facts["sd"].flatMap({ Int($0) }), dn >= 1, sd >= 1 else {
                    return Decision(verdict: .deny, reasons: [Reason(.vaccinationDosesUnreadable)])
                }
                if dn < sd {
                    return Decision(verdict: .deny, reasons: [Reason(.vaccinationIncomplete, [String(dn), String(sd)])])
                }
            }
        case .test:
            // 260415000: "not detected", the only negative result in the value set.
            if cert.facts["tr"] != "260415000" { return Decision(verdict: .deny, reasons: [Reason(.testPositive)]) }
            guard let taken = cert.facts["sc"].flatMap(ISOTime.parse) else {
                return Decision(verdict: .deny, reasons: [Reason(.testTooOld, [String(policy.testMaxHours)])])
            }
            // A sample from the future is a forged or mistyped date, not a fresh test. Ten
            // minutes allow for a laboratory's clock running a little ahead of the gate's.
            if taken.timeIntervalSince(clock) > Self.sampleClockSkew {
                return Decision(verdict: .deny, reasons: [Reason(.testSampleInFuture, [calendar.localTimestamp(taken)])])
            }
            guard clock.timeIntervalSince(taken) <= Double(policy.testMaxHours) * 3600 else {
                return Decision(verdict: .deny, reasons: [Reason(.testTooOld, [String(policy.testMaxHours)])])
            }
        case .recovery:
            let from = cert.facts["df"].flatMap(VenueDay.init).map { calendar.start(of: $0) }
            let until = cert.facts["du"].flatMap(VenueDay.init).map { calendar.interval(of: $0).end }
            guard let from, let until, clock >= from, clock < until else {
                return Decision(verdict: .deny, reasons: [Reason(.recoveryNotValid)])
            }
        }
        let verdict: Verdict = policy.admit.contains("hc1") ? .admit : .check
        var reasons = [Reason(.passVerified, [type.rawValue, result.issuer ?? "?"])]
        if verdict == .check { reasons.append(Reason(.kindNeedsGuard, ["hc1"])) }
        return Decision(verdict: verdict, reasons: reasons)
    }
}

/// Reads every certificate in the trust folder; unreadable files are skipped (`kiosk trust
/// list` shows what was loaded). A CA (a country's CSCA) in the folder is left out: it signs
/// document signers, never a certificate, and `trust import` no longer puts one there, so
/// one found here came from an older import or by hand. (`verify --cert FILE` still takes
/// the file it is given as the signer: the official test files sign with such certificates.)
func loadTrust(_ dir: String) -> TrustStore {
    var store = TrustStore()
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return store }
    for name in names.sorted() where !name.hasPrefix(".") {
        guard let data = FileManager.default.contents(atPath: dir + "/" + name), data.count <= 1 << 20 else { continue }
        for cert in TrustStore.certificates(from: Array(data)) where !cert.isCertificateAuthority { store.add(cert) }
    }
    return store
}
