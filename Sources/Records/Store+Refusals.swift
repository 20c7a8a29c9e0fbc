import Foundation
import GRDB
import KioskCore

/// Refusals that leave no visit row. DECISIONS: a capacity refusal keeps nothing about the
/// visitor, and neither does a refused code; yet the day's count of refusals, the override
/// and `kiosk stats` must agree with what the guard saw. So each such refusal is one chain
/// event holding only when, at which gate, how the visitor came and why (a reason key):
/// countable and tamper-evident, and nothing a person could be found by.
extension StoreTransaction {
    public func recordRefusal(reason: MessageKey, method: String, gate: String, at now: Date) throws {
        let payload = CanonicalJSON.object([
            ("gate", .string(gate)), ("method", .string(method)), ("reason", .string(reason.rawValue)),
        ])
        try append(.refusal, code: nil, payload: payload, at: now)
    }

    /// Refusals without a visit row checked in within [from, to).
    func refusalCount(from: Date, to: Date) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(sql: "SELECT COUNT(*) FROM event WHERE kind = 'refusal' AND at >= ? AND at < ?"),
            arguments: [VisitRow.millis(from), VisitRow.millis(to)]) ?? 0
    }
}

extension Store {
    /// Records a refusal on its own (a refused scan that never reached a check-in).
    public func recordRefusal(reason: MessageKey, method: String, gate: String, at now: Date) throws {
        try write { tx in try tx.recordRefusal(reason: reason, method: method, gate: gate, at: now) }
    }
}
