import CheckinWeb
import Foundation
import Gate
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KioskCore
import NIOCore
import Testing

/// A morning rush: many phones at once against a live server and a real database on disk.
@Suite struct LoadTests {
    static let submissions = 1_000
    static let clients = 40

    @Test func thousandConcurrentSubmissionsAreAllRecordedOnce() async throws {
        let dir = Web.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Every client is 127.0.0.1.
        let web = try Web.onDisk(dir) { $0.checkinWeb.rateLimit = 100_000 }

        let started = ContinuousClock.now
        let results: [(index: Int, status: HTTPResponse.Status, code: String?)] = try await web.app().test(.live) { client in
            let port = try #require(client.port)
            return try await withThrowingTaskGroup(of: [(Int, HTTPResponse.Status, String?)].self) { group in
                for worker in 0..<Self.clients {
                    group.addTask {
                        // One connection per phone-like client, each sending its share in turn.
                        try await TestClient.withClient(host: "localhost", port: port, configuration: .init(timeout: .seconds(60))) { c in
                            var out: [(Int, HTTPResponse.Status, String?)] = []
                            for i in stride(from: worker, to: Self.submissions, by: Self.clients) {
                                let form = try await c.get("/c/demo?g=\(i % 2 == 0 ? "main" : "north")")
                                guard let csrf = Page.csrf(String(buffer: form.body ?? ByteBuffer())) else {
                                    out.append((i, form.status, nil))
                                    continue
                                }
                                var s = Submission()
                                s.csrf = csrf
                                s.name = "Khách Số \(i)"
                                s.phone = String(format: "09%08d", i)
                                s.idNumber = String(format: "0010%08d", i)
                                s.gate = i % 2 == 0 ? "main" : "north"
                                let r = try await c.post("/c/demo", headers: Visitor.formType, body: ByteBuffer(string: s.body))
                                out.append((i, r.status, Page.code(String(buffer: r.body ?? ByteBuffer()))))
                            }
                            return out
                        }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
        }
        let elapsed = ContinuousClock.now - started
        print("CheckinWeb load: \(Self.submissions) GET+POST from \(Self.clients) clients, on-disk log, in \(elapsed)")

        #expect(results.count == Self.submissions)
        let failed = results.filter { $0.status != .ok || $0.code == nil }
        #expect(failed.isEmpty, "\(failed.count) failed, e.g. \(failed.prefix(3))")
        let codes = results.compactMap(\.code)
        #expect(Set(codes).count == Self.submissions, "codes handed out are not distinct")

        // The log, read back from disk through a fresh connection.
        let reopened = try GateService.open(config: web.gate.config, clock: web.clock)
        let visits = try reopened.list(day: nil, insideOnly: false, search: nil)
        #expect(visits.count == Self.submissions)
        #expect(Set(visits.map(\.code)) == Set(codes))
        #expect(Set(visits.compactMap(\.details.phone)) == Set((0..<Self.submissions).map { String(format: "09%08d", $0) }))
        #expect(visits.allSatisfy { $0.status == .pending && $0.method == .selfService })
        // Each code handed out is the visit of the phone it was handed to.
        let byCode = Dictionary(visits.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let mismatched = results.filter { r in
            guard let code = r.code, let v = byCode[code] else { return false }
            return v.details.phone != String(format: "09%08d", r.index) || v.details.name != "Khách Số \(r.index)"
                || v.gate != (r.index % 2 == 0 ? "main" : "north")
        }
        #expect(mismatched.isEmpty, "\(mismatched.count) codes name another visitor or gate, e.g. \(mismatched.prefix(3))")
        let audit = try reopened.audit()
        #expect(audit.ok)
        #expect(audit.visits == Self.submissions)
    }
}
