import Foundation
import Testing
@testable import Passes

@Suite struct Base45Tests {
    @Test(arguments: [("AB", "BB8"), ("Hello!!", "%69 VD92EX0"), ("base-45", "UJCLQE7W581"), ("ietf!", "QED8WEX0")])
    func rfc9285Examples(plain: String, encoded: String) throws {
        #expect(Base45.encode(Array(plain.utf8)) == encoded)
        #expect(try Base45.decode(encoded) == Array(plain.utf8))
    }

    @Test func roundTripsAnyBytes() throws {
        var rng = SystemRandomNumberGenerator()
        for n in 0..<64 {
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            #expect(try Base45.decode(Base45.encode(bytes)) == bytes)
        }
    }

    @Test func rejectsBadInput() {
        #expect(throws: Base45.Failure.invalidLength) { try Base45.decode("ABCD") }
        #expect(throws: Base45.Failure.invalidCharacter(offset: 1)) { try Base45.decode("Aa") }
        #expect(throws: Base45.Failure.overflow(offset: 0)) { try Base45.decode("GGW") }  // 65535 + 1
        #expect(throws: Base45.Failure.overflow(offset: 0)) { try Base45.decode(":::") }
    }
}

@Suite struct CBORTests {
    func hex(_ s: String) -> [UInt8] {
        stride(from: 0, to: s.count, by: 2).map { UInt8(String(Array(s)[$0..<$0 + 2]), radix: 16)! }
    }

    @Test func rfc8949Examples() throws {
        #expect(try CBORReader.decode(hex("1903e8")) == .unsigned(1000))
        #expect(try CBORReader.decode(hex("3903e7")).int == -1000)
        #expect(try CBORReader.decode(hex("6449455446")) == .text("IETF"))
        #expect(try CBORReader.decode(hex("83010203")) == .array([.unsigned(1), .unsigned(2), .unsigned(3)]))
        #expect(try CBORReader.decode(hex("a201020304"))[int: 3] == .unsigned(4))
        #expect(try CBORReader.decode(hex("f93c00")) == .double(1.0))
        #expect(try CBORReader.decode(hex("fa47c35000")) == .double(100000.0))
        #expect(try CBORReader.decode(hex("c11a514b67b0")) == .tagged(1, .unsigned(1363896240)))
        // Indefinite lengths.
        #expect(try CBORReader.decode(hex("5f42010243030405ff")) == .bytes([1, 2, 3, 4, 5]))
        #expect(try CBORReader.decode(hex("9f018202039f0405ffff")) == .array([.unsigned(1), .array([.unsigned(2), .unsigned(3)]), .array([.unsigned(4), .unsigned(5)])]))
        #expect(try CBORReader.decode(hex("bf6346756ef563416d7421ff"))[text: "Fun"] == .bool(true))
    }

    @Test func writerRoundTrips() throws {
        let item = CBOR.map([(.unsigned(1), .text("VN")), (CBORWriter.int(-260), .map([(.unsigned(1), .array([.bytes([1, 2]), .null, .bool(false), .double(1.5)]))]))])
        #expect(try CBORReader.decode(CBORWriter.encode(item)) == item)
    }

    @Test func limitsAreEnforced() {
        #expect(throws: CBORReader.Failure.tooDeep(limit: 16)) { try CBORReader.decode(Array(repeating: 0x81, count: 10_000) + [0x01]) }
        #expect(throws: CBORReader.Failure.truncated) { try CBORReader.decode(hex("5a7fffffff00")) }  // 2 GB byte string
        #expect(throws: CBORReader.Failure.truncated) { try CBORReader.decode(hex("9b7fffffffffffffff")) }  // huge array count
        #expect(throws: CBORReader.Failure.trailingBytes(count: 1)) { try CBORReader.decode(hex("0101")) }
        #expect(throws: CBORReader.Failure.invalidUTF8(offset: 0)) { try CBORReader.decode(hex("62c328")) }
        #expect(throws: CBORReader.Failure.reservedAdditionalInfo(offset: 0)) { try CBORReader.decode(hex("1c")) }
        #expect(throws: CBORReader.Failure.unexpectedBreak(offset: 0)) { try CBORReader.decode(hex("ff")) }
        #expect(throws: CBORReader.Failure.invalidIndefinite(offset: 1)) { try CBORReader.decode(hex("5f6161ff")) }
        #expect(throws: CBORReader.Failure.truncated) { try CBORReader.decode([]) }
    }

    @Test func zlibBombIsRefused() throws {
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        let bomb = Deflate.zlib(zeros)
        #expect(bomb.count < 2000)
        #expect(throws: Inflate.Failure.tooLarge(limit: Inflate.maxOutput)) { try Inflate.zlib(bomb) }
        #expect(try Inflate.zlib(Deflate.zlib(Array("xin chào".utf8))) == Array("xin chào".utf8))
        #expect(throws: Inflate.Failure.truncated) { try Inflate.zlib(Array(Deflate.zlib(Array(repeating: 7, count: 5000)).prefix(10))) }
        #expect(throws: Inflate.Failure.self) { try Inflate.zlib([1, 2, 3, 4]) }
    }
}
