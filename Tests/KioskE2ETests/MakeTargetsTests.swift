import Foundation
import Testing

/// Issue 20 #1: `make run` right after `make test` rebuilt dozens of modules, because the run
/// build and the test build used different flags. Both must go through the one build, and
/// `make run` must start the binary that build made.
@Suite("make targets")
struct MakeTargetsTests {
    /// What `make -n TARGET` would run, one command per line, without the setup's apt loop.
    func dryRun(_ target: String) throws -> [String] {
        guard let root = KioskBinary.packageRoot() else { throw E2EError("cannot find the package root") }
        let out = try ProcessRunner.run("/usr/bin/make", ["-n", "-C", root, target], environment: [:], stdin: nil, timeout: 30)
        #expect(out.status == 0, "\(out)")
        return out.lines.filter { $0.contains("swift") || $0.contains(".build/") }
    }

    @Test("make run and make test share one build; run starts its binary; test does not build again")
    func oneBuild() throws {
        let run = try dryRun("run"), test = try dryRun("test")
        let runBuilds = run.filter { $0.contains("swift build") || $0.contains("swift run") }
        let testBuilds = test.filter { $0.contains("swift build") || ($0.contains("swift test") && !$0.contains("--skip-build")) }
        #expect(runBuilds == ["swift build --build-tests"], "\(run)")
        #expect(testBuilds == runBuilds, "\(test)")
        #expect(test.contains { $0.hasPrefix("swift test --skip-build") }, "\(test)")
        #expect(run.contains { $0.hasPrefix(".build/debug/kiosk --config") }, "\(run)")
    }
}
