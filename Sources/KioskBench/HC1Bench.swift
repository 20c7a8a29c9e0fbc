import Foundation
import KioskCore
import Passes

/// HC1 verifications per second on one core, in process, over the official test files that
/// verify (signature and validity), beside the Python reference verifier built on the PyPI
/// packages base45, cbor2 and cryptography over the same files. Also the latency of one
/// verification. Goals (issue 4): ≥ 10× the Python rate, one verification under 0.5 ms.
struct HC1Bench {
    let fixtures: String
    let reference: String
    let python: String
    let seconds: Int
    let workDir: String

    static let goalRatio = 10.0
    static let goalLatency = 0.0005

    struct Vector {
        var prefix: String
        var verifier: HC1Verifier
        var clock: Date
    }

    func vectors() throws -> [Vector] {
        guard !fixtures.isEmpty, let names = FileManager.default.enumerator(atPath: fixtures)?.compactMap({ $0 as? String }) else {
            throw BenchFailure("no HC1 fixtures at \(fixtures)")
        }
        var out: [Vector] = []
        for name in names.sorted() where name.hasSuffix(".json") {
            guard let data = FileManager.default.contents(atPath: fixtures + "/" + name),
                let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let prefix = obj["PREFIX"] as? String, let ctx = obj["TESTCTX"] as? [String: Any],
                let expected = obj["EXPECTEDRESULTS"] as? [String: Any],
                expected["EXPECTEDVERIFY"] as? Bool == true, expected["EXPECTEDEXPIRATIONCHECK"] as? Bool == true,
                let b64 = ctx["CERTIFICATE"] as? String, let der = Data(base64Encoded: b64),
                let clockText = (ctx["VALIDATIONCLOCK"] ?? ctx["validationClockInstant"]) as? String,
                let clock = ISOTime.parse(clockText), let cert = try? SignerCertificate(der: Array(der))
            else { continue }
            let verifier = HC1Verifier(trust: TrustStore([cert]))
            let r = verifier.verify(prefix, at: clock)
            guard r.checks["signature"] == .pass, r.checks["validity"] == .pass else { continue }
            out.append(Vector(prefix: prefix, verifier: verifier, clock: clock))
        }
        guard !out.isEmpty else { throw BenchFailure("no verifiable HC1 vectors in \(fixtures)") }
        return out
    }

    func run() throws -> SuiteResult {
        let vs = try vectors()
        Progress.note("HC1: \(vs.count) vectors, \(seconds) s per run")
        var rates: [Double] = []
        var latencies: [Double] = []
        for _ in 0..<3 {
            var count = 0
            let clock = ContinuousClock()
            let end = clock.now + .seconds(seconds)
            let start = clock.now
            while clock.now < end {
                for v in vs {
                    let t0 = clock.now
                    let r = v.verifier.verify(v.prefix, at: v.clock)
                    let t = clock.now - t0
                    guard r.checks["signature"] == .pass else { throw BenchFailure("a vector stopped verifying") }
                    if latencies.count < 20_000 {
                        latencies.append(Double(t.components.seconds) + Double(t.components.attoseconds) / 1e18)
                    }
                    count += 1
                }
            }
            let elapsed = clock.now - start
            rates.append(Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
        }
        var pyRates: [Double] = []
        for r in 0..<3 {
            let out = try Spawn.output(
                Command(program: python, arguments: [reference, fixtures, String(seconds)]), scratch: workDir + "/hc1-python-\(r)")
            let fields = out.split(separator: " ")
            guard fields.count >= 3, let rate = Double(fields[2]) else { throw BenchFailure("reference verifier printed: \(out)") }
            pyRates.append(rate)
        }
        let group = "HC1 verification (\(vs.count) official vectors)"
        let subject = Figure(id: "hc1.kiosk", group: group, label: "kiosk HC1Verifier, one core", role: .subject, unit: .perSecond, samples: Samples(rates))
        let baseline = Figure(id: "hc1.python", group: group, label: "Python base45+cbor2+cryptography", role: .baseline, unit: .perSecond, samples: Samples(pyRates))
        let single = Figure(id: "hc1.latency", group: group, label: "one verification (median of calls)", role: .reference, unit: .seconds, samples: Samples([Samples(latencies).median]))
        let ratio = subject.samples.median / baseline.samples.median
        let p50 = Samples(latencies).median
        return SuiteResult(
            figures: [subject, baseline, single],
            goals: [
                Goal(id: "hc1.rate", text: "HC1 verifications ≥ 10× the Python reference", measured: String(format: "%.1f×", ratio), value: ratio, met: ratio >= Self.goalRatio),
                Goal(id: "hc1.latency", text: "one HC1 verification < 0.5 ms", measured: String(format: "%.3f ms", p50 * 1000), value: p50, met: p50 < Self.goalLatency),
            ])
    }
}
