import Crypto
import Foundation
import KioskCore
import Passes
import Records

extension GateService {
    /// Issues a signed `KIV1:` invitation and keeps it in the log for use counting and
    /// revocation. Returns the code to print or send and the record.
    public func issueInvitation(name: String, host: String, purpose: String?, from: Date, until: Date, uses: Int) throws -> (code: String, record: InvitationRecord) {
        let cleanName = TextFolding.clean(name), cleanHost = TextFolding.clean(host)
        guard !cleanName.isEmpty else { throw RuleViolation(.nameRequired) }
        guard !cleanHost.isEmpty, cleanName.count <= 200, cleanHost.count <= 200 else {
            throw RuleViolation(.fieldTooLong, [L10nField.host, "200"])
        }
        guard until > from else { throw RuleViolation(.invalidRange) }
        let now = clock.now()
        var rng = SystemRandomNumberGenerator()
        let id = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let invitation = Invitation(
            venueID: config.venue.id, name: cleanName, host: cleanHost, purpose: purpose.map(TextFolding.clean),
            notBefore: from, expires: until, issuedAt: now, id: id, uses: max(1, min(uses, 1000)))
        let code = try invitationKeys.issue(invitation)
        let record = InvitationRecord(
            id: invitation.idHex, venue: invitation.venueID, name: cleanName, host: cleanHost, purpose: invitation.purpose,
            notBefore: from, expires: until, uses: invitation.uses, issuedAt: now)
        try store.recordInvitation(record, at: now)
        return (code, record)
    }

    public func revokeInvitation(_ idPrefix: String) throws -> InvitationRecord {
        guard idPrefix.filter(\.isHexDigit).count >= 8 else { throw RuleViolation(.inviteIdTooShort) }
        guard let inv = try store.revokeInvitation(idPrefix: idPrefix, at: clock.now()) else {
            throw RuleViolation(.inviteNotFound, [TextFolding.clean(String(idPrefix.prefix(40)))])
        }
        return inv
    }

    public func invitations() throws -> [InvitationRecord] { try store.invitations() }

    /// Each invitation with the entries it has left (its uses less those already made).
    public func invitationsWithUsesLeft() throws -> [(record: InvitationRecord, usesLeft: Int)] {
        let used = try store.invitationUseCounts()
        return try store.invitations().map { ($0, max(0, $0.uses - (used[$0.id] ?? 0))) }
    }

    /// What `importTrust` did.
    public struct TrustImport: Sendable, Equatable {
        /// Signer certificates new to the trust folder.
        public var added: Int
        /// Certificate authorities (CSCAs) found and left out: they sign DSCs, never an HC1.
        public var authoritiesSkipped: Int
    }

    /// Adds signer certificates from a file (PEM, DER, base64 DER, or a WHO GDHCN / DID
    /// trust-list document with `publicKeyJwk.x5c`) to the trust folder, one PEM per
    /// certificate named by its kid. Only document signers are added: of an `x5c` chain only
    /// its first certificate (the DSC; the rest is its CSCA chain), and never a CA.
    public func importTrust(file: String) throws -> TrustImport {
        guard let data = FileManager.default.contents(atPath: file), data.count <= 16 << 20 else {
            throw RuleViolation(.outputUnwritable, [file, "cannot be read"])
        }
        var found = TrustStore.certificates(from: Array(data))
        if found.isEmpty, let json = try? JSONSerialization.jsonObject(with: data) {
            found = x5cCertificates(in: json)
        }
        guard !found.isEmpty else { throw RuleViolation(.trustNothing, [file]) }
        let authorities = found.filter(\.isCertificateAuthority).count
        found.removeAll(where: \.isCertificateAuthority)
        guard !found.isEmpty else { throw RuleViolation(.trustOnlyAuthorities, [file, String(authorities)]) }
        let dir = config.passes.trustDir
        do { try SecureFiles.makeDirectory(dir) } catch {
            throw RuleViolation(.outputUnwritable, [dir, (error as? SecureFiles.Failure)?.reason ?? "\(error)"])
        }
        var added = 0
        for cert in found {
            // kid plus a digest of the whole certificate: stable across runs, unique per DSC.
            let name = hex(cert.kid) + "-" + hex(SHA256.hash(data: cert.der).prefix(4))
            let path = dir + "/" + name + ".pem"
            if trust.signers.contains(where: { $0.der == cert.der }) { continue }
            let b64 = Data(cert.der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
            try writeFile(Array("-----BEGIN CERTIFICATE-----\n\(b64)\n-----END CERTIFICATE-----\n".utf8), to: path, mode: 0o600)
            added += 1
        }
        return TrustImport(added: added, authoritiesSkipped: authorities)
    }

    /// Every `x5c` array anywhere in a JSON trust list.
    private func x5cCertificates(in json: Any) -> [SignerCertificate] {
        var out: [SignerCertificate] = []
        func walk(_ v: Any, depth: Int) {
            guard depth < 32 else { return }
            if let dict = v as? [String: Any] {
                for (k, value) in dict {
                    if k == "x5c", let list = value as? [String] {
                        // RFC 7517: the first certificate holds the key; the others certify it.
                        if let leaf = list.first.flatMap({ Data(base64Encoded: $0) }).flatMap({ try? SignerCertificate(der: Array($0)) }) {
                            out.append(leaf)
                        }
                    } else {
                        walk(value, depth: depth + 1)
                    }
                }
            } else if let list = v as? [Any] {
                for item in list { walk(item, depth: depth + 1) }
            }
        }
        walk(json, depth: 0)
        return out
    }
}
