import Foundation

/// The time one delivery may take, start to end (monotonic clock): each network wait gets at
/// most `step` seconds and never more than what is left, so a relay that drips one line every
/// few seconds cannot hold the worker (and every other host's message) for minutes.
struct Budget {
    let step: Double
    private let end: Double

    init(total: Double, step: Double) {
        self.step = step
        end = ProcessInfo.processInfo.systemUptime + total
    }

    /// The timeout for the next wait; throws once the delivery's time is spent.
    func next(_ what: String) throws(DeliveryError) -> Double {
        let left = end - ProcessInfo.processInfo.systemUptime
        guard left > 0.05 else { throw DeliveryError("\(what): no answer within the time one delivery may take", refused: false) }
        return min(step, left)
    }
}
