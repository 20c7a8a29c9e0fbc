import CheckinWeb
import Foundation
import Gate
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KioskCore
import NIOCore
import Testing
import TestSupport

/// The slip as a picture on the visitor's phone (issue 16): the confirmation links it with a
/// MAC of the code; nobody else's slip is reachable by guessing codes.
@Suite struct SlipPictureTests {
    static func slipPath(_ html: String) -> String? {
        guard let start = html.range(of: "/c/demo/slip/") else { return nil }
        let rest = html[start.lowerBound...]
        return rest.prefix { $0 != "\"" }.replacingOccurrences(of: "&amp;", with: "&")
    }

    static func zbar(_ bytes: [UInt8]) throws -> [String] { try QRReader.read(png: bytes) }

    @Test func anAdmittedVisitorGetsTheirSlipAndNobodyElses() async throws {
        let web = try Web { $0.checkinWeb.mode = .autoAdmit }
        try await web.app().test(.router) { client in
            let v = Visitor(client: client)
            let page = String(buffer: try await v.submit().body)
            let code = try #require(Page.code(page))
            let path = try #require(Self.slipPath(page), "no slip link in \(page)")
            #expect(page.contains("<img src=\"/c/demo/slip/\(code)?k="))
            let r = try await v.get(path)
            #expect(r.status == .ok)
            #expect(r.headers[.contentType] == "image/png")
            #expect(r.headers[.cacheControl] == "no-store")
            #expect(try Self.zbar(Array(buffer: r.body)) == ["KOUT:\(code)"])

            // Another code with this MAC, this code with another MAC or none: nothing.
            var other = Submission()
            other.name = "Trần Thị Bé"
            other.phone = "0987654321"
            other.idNumber = "001099054321"
            let second = try #require(Page.code(String(buffer: try await v.submit(other).body)))
            let key = String(path.split(separator: "k=").last ?? "")
            for forged in ["/c/demo/slip/\(second)?k=\(key)", "/c/demo/slip/\(code)", "/c/demo/slip/\(code)?k=AAAAAAAAAAAAAAAAAAAAAA",
                           "/c/other/slip/\(code)?k=\(key)"] {
                let f = try await v.get(forged)
                #expect(f.status == .notFound, "\(forged)")
                #expect(f.headers[.contentType]?.hasPrefix("text/html") == true)
            }
            // Checked out: the slip has nothing left to do.
            _ = try web.gate.checkOut(code: code)
            #expect(try await v.get(path).status == .notFound)
        }
    }

    @Test func aWaitingVisitorIsToldTheSlipComesOnceLetIn() async throws {
        let web = try Web()
        try await web.app().test(.router) { client in
            let v = Visitor(client: client)
            let page = String(buffer: try await v.submit().body)
            let code = try #require(Page.code(page))
            let path = try #require(Self.slipPath(page))
            #expect(!page.contains("<img src=\"/c/demo/slip/"))
            let waiting = try await v.get(path)
            #expect(waiting.status == .conflict)
            #expect(String(buffer: waiting.body).contains("bảo vệ xác nhận"))
            _ = try web.gate.confirmSelfCheckIn(code: code, guardName: "Bảo vệ An")
            let ready = try await v.get(path)
            #expect(ready.status == .ok)
            #expect(try Self.zbar(Array(buffer: ready.body)) == ["KOUT:\(code)"])
        }
    }
}
