import Testing
import TerminalUI

@Suite struct InputAssemblerTests {
    /// Keys of `text` `gap` milliseconds apart from `start`, then Enter after the same gap.
    func keys(_ text: String, gap: Double, start: Double = 1000, enter: Bool = true) -> [TimedKey] {
        var out: [TimedKey] = []
        var t = start
        for c in text {
            out.append(TimedKey(.character(c), at: t))
            t += gap
        }
        if enter { out.append(TimedKey(.enter, at: t)) }
        return out
    }

    @Test func aFastBurstEndingInEnterIsOneScan() {
        var a = InputAssembler(maxGapMilliseconds: 30, minLength: 6)
        let code = "HC1:6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N"
        #expect(a.feed(keys(code, gap: 2)) == [.scan(code)])
        #expect(a.deadline == nil)
    }

    @Test func typingByHandIsNeverAScan() {
        var a = InputAssembler(maxGapMilliseconds: 30, minLength: 6)
        var events: [InputEvent] = []
        for k in keys("Nguyễn Văn An", gap: 90) { events += a.feed(k) }
        events += a.flush(now: 1_000_000)
        let typed = events.compactMap { if case .key(.character(let c)) = $0 { c } else { nil } }
        #expect(String(typed) == "Nguyễn Văn An")
        #expect(events.last == .key(.enter))
        #expect(!events.contains { if case .scan = $0 { true } else { false } })
    }

    @Test func aFastBurstWithoutEnterIsReleasedAsTypingInOrder() {
        var a = InputAssembler(maxGapMilliseconds: 30, minLength: 6)
        var events = a.feed(keys("pasted Trần Thị Bích", gap: 0.1, enter: false))
        #expect(events.isEmpty)
        #expect(a.deadline != nil)
        events += a.flush(now: 1000 + 40)
        #expect(events.map { if case .key(.character(let c)) = $0 { String(c) } else { "?" } }.joined() == "pasted Trần Thị Bích")
    }

    @Test func aShortFastBurstIsTypingNotAScan() {
        var a = InputAssembler(maxGapMilliseconds: 30, minLength: 6)
        #expect(a.feed(keys("12", gap: 1)) == [.key(.character("1")), .key(.character("2")), .key(.enter)])
    }

    @Test func aSlowLastKeyBeforeEnterMeansAPerson() {
        var a = InputAssembler(maxGapMilliseconds: 30, minLength: 6)
        var ks = keys("ABCDEFGH", gap: 1, enter: false)
        ks.append(TimedKey(.enter, at: 1000 + 8 + 200))
        let events = a.feed(ks)
        #expect(events.count == 9)
        #expect(events.last == .key(.enter))
    }

    @Test func theSecondTerminatorOfCRLFIsSwallowed() {
        var a = InputAssembler(maxGapMilliseconds: 30, minLength: 6)
        var ks = keys("KOUT:ABC234", gap: 1)
        ks.append(TimedKey(.enter, at: ks.last!.at + 1))
        #expect(a.feed(ks) == [.scan("KOUT:ABC234")])
        // A person's Enter a moment later is a real Enter.
        #expect(a.feed(TimedKey(.enter, at: ks.last!.at + 500)) == [.key(.enter)])
    }

    @Test func fiftyScansBackToBackStayWholeAndInOrder() {
        var a = InputAssembler(maxGapMilliseconds: 30, minLength: 6)
        let codes = (0..<50).map { "HC1:" + String(repeating: "ABC$%*+/: ", count: 60) + String($0) }
        var ks: [TimedKey] = []
        var t = 0.0
        for code in codes {
            for c in code {
                ks.append(TimedKey(.character(c), at: t))
                t += 0.01
            }
            ks.append(TimedKey(.enter, at: t))
            t += 0.01
        }
        #expect(a.feed(ks) == codes.map { .scan($0) })
    }

    @Test func escapeThenADigitAtOnceIsAlt() {
        var a = InputAssembler(maxGapMilliseconds: 30, minLength: 6)
        #expect(a.feed([TimedKey(.escape, at: 0), TimedKey(.character("3"), at: 1)]) == [.key(.alt("3"))])
        // A lone Esc is released once the gap has passed.
        #expect(a.feed(TimedKey(.escape, at: 100)).isEmpty)
        #expect(a.flush(now: 140) == [.key(.escape)])
    }

    @Test func functionKeysReleaseHeldTypingFirst() {
        var a = InputAssembler(maxGapMilliseconds: 30, minLength: 6)
        let events = a.feed([TimedKey(.character("a"), at: 0), TimedKey(.function(3), at: 5)])
        #expect(events == [.key(.character("a")), .key(.function(3))])
    }

    @Test func escapeSequencesCursesDidNotKnowAreKeysNotTyping() {
        var a = InputAssembler(maxGapMilliseconds: 30, minLength: 6)
        // vt100's terminfo has no F5–F10: xterm's sequences arrive as characters.
        let f10: [TimedKey] = [TimedKey(.escape, at: 0)] + "[21~".enumerated().map { TimedKey(.character($1), at: 0.1 * Double($0 + 1)) }
        #expect(a.feed(f10) == [.key(.function(10))])
        let f5: [TimedKey] = [TimedKey(.escape, at: 100)] + "[15~".map { TimedKey(.character($0), at: 100.1) }
        #expect(a.feed(f5) == [.key(.function(5))])
        let unknown: [TimedKey] = [TimedKey(.escape, at: 200)] + "[99~".map { TimedKey(.character($0), at: 200.1) }
        #expect(a.feed(unknown).isEmpty)
        #expect(a.feed([TimedKey(.escape, at: 300), TimedKey(.character("O"), at: 300.1), TimedKey(.character("P"), at: 300.2)]) == [.key(.function(1))])
        // Typing after it is typing again.
        #expect(a.feed(TimedKey(.character("x"), at: 400)).isEmpty)
        #expect(a.flush(now: 500) == [.key(.character("x"))])
    }
}
