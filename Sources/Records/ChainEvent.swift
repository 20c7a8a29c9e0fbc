import Foundation
import GRDB

/// One event of one gate's chain, as the building log carries it: the columns of `event`
/// plus the gate it belongs to and the clock offset (server minus gate, ms) measured when it
/// was uploaded, with which every replica orders events of different gates the same way.
public struct ChainEvent: Equatable, Sendable {
    public var gate: String
    public var seq: Int64
    public var at: Int64
    public var kind: String
    public var code: String?
    public var payload: String?
    public var payloadHash: String
    public var prevHash: String
    public var hash: String
    public var clockOffsetMillis: Int64

    public init(
        gate: String, seq: Int64, at: Int64, kind: String, code: String?, payload: String?, payloadHash: String, prevHash: String,
        hash: String, clockOffsetMillis: Int64 = 0
    ) {
        self.gate = gate
        self.seq = seq
        self.at = at
        self.kind = kind
        self.code = code
        self.payload = payload
        self.payloadHash = payloadHash
        self.prevHash = prevHash
        self.hash = hash
        self.clockOffsetMillis = clockOffsetMillis
    }

    /// The event's time on the server's clock: what orders events of different gates.
    public var correctedAt: Int64 {
        let (sum, overflow) = at.addingReportingOverflow(clockOffsetMillis)
        return overflow ? at : sum
    }

    /// The building's one order: corrected time, then gate, then seq. Every replica sorts
    /// the same events the same way, so every replica resolves a conflict the same way.
    public static func buildingOrder(_ a: ChainEvent, _ b: ChainEvent) -> Bool {
        if a.correctedAt != b.correctedAt { return a.correctedAt < b.correctedAt }
        if a.gate != b.gate { return a.gate < b.gate }
        return a.seq < b.seq
    }

    /// The payload as a JSON object (nil when erased or not an object).
    var object: [String: Any]? { payload.flatMap { CanonicalJSON.decode($0) as? [String: Any] } }

    static let columns = "seq, at, kind, code, payload, payload_hash, prev_hash, hash"

    static func from(_ row: Row, gate: String, offset: Int64) -> ChainEvent {
        ChainEvent(
            gate: gate, seq: row[0], at: row[1], kind: row[2], code: row[3], payload: row[4], payloadHash: row[5],
            prevHash: row[6], hash: row[7], clockOffsetMillis: offset)
    }
}
