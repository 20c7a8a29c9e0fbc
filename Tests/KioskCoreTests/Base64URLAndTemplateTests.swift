import Foundation
import Testing
import KioskCore

@Suite struct Base64URLTests {
    /// The RFC 4648 test vectors, in the URL alphabet and without padding.
    @Test func rfc4648Vectors() {
        let vectors = ["": "", "f": "Zg", "fo": "Zm8", "foo": "Zm9v", "foob": "Zm9vYg", "fooba": "Zm9vYmE", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors { #expect(Base64URL.encode(Array(plain.utf8)) == encoded) }
    }

    /// Agrees with Foundation's base64 turned URL-safe, on every length and on the bytes
    /// that give `+` and `/`.
    @Test func agreesWithFoundation() {
        var rng = SystemRandomNumberGenerator()
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) } + [0xFB, 0xFF, 0xBF]
            let expected = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.encode(bytes) == expected)
        }
    }
}

@Suite struct TemplateTests {
    @Test func fillsNumberedPlaces() {
        #expect(Template.fill("{0} of {1}, {0} again", ["a", "b"]) == "a of b, a again")
        #expect(Template.fill("no places", ["a"]) == "no places")
        #expect(Template.fill("{0}", []) == "{0}")
    }

    /// An argument is text, not template: what a visitor typed is never filled in.
    @Test func argumentsAreNotFilledAgain() {
        #expect(Template.fill("Xin chào {0}, cổng {1}", ["{1}", "Chính"]) == "Xin chào {1}, cổng Chính")
    }

    @Test func strayBracesStay() {
        #expect(Template.fill("{ {x} {9} {0", ["a"]) == "{ {x} {9} {0")
        #expect(Template.fill("{{0}}", ["a"]) == "{a}")
        #expect(Template.fill("{+0} {-0} { 0}", ["a"]) == "{+0} {-0} { 0}")
    }
}
