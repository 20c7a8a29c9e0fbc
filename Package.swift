// swift-tools-version:6.0
import PackageDescription

/// Module arrows point down only (see DESIGN.md):
/// kiosk → TerminalUI, CheckinWeb → Gate → Building, Notify, Printing, Passes, Records, VenueCode → KioskCore
/// (Building → Records; Notify → Records; Printing → VenueCode); C libraries only
/// behind the C* shims (curses only in TerminalUI).
let package = Package(
    name: "kiosk",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kiosk", targets: ["kiosk"]),
        .executable(name: "kiosk-bench", targets: ["KioskBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        .target(name: "KioskCore"),
        .systemLibrary(
            name: "CQRencode", pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]
        ),
        .systemLibrary(
            name: "CCairo", pkgConfig: "cairo",
            providers: [.apt(["libcairo2-dev"])]
        ),
        .target(name: "CTermSize"),
        // The version string, set by the package build (a C macro: SwiftPM passes -Xcc flags).
        .target(name: "CKioskVersion"),
        .systemLibrary(
            // No pkgConfig: ncursesw's .pc only adds feature macros SwiftPM refuses (and warns
            // about on every build); the shim defines what the wide API needs itself.
            name: "CNcursesw",
            providers: [.apt(["libncurses-dev"])]
        ),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // libpq: the building log's client (see docs/DECISIONS.md on why not postgres-nio).
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // OpenSSL: TLS for the mail relay (STARTTLS) and https webhooks (see docs/DECISIONS.md).
        .systemLibrary(name: "CSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .target(
            name: "Passes",
            dependencies: [
                "KioskCore", "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .target(
            name: "VenueCode",
            dependencies: [
                "KioskCore", "CQRencode", "CCairo", "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "Records",
            dependencies: [
                "KioskCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Visitor slips: layout (cairo, VenueCode's QR) and the ESC/POS printer's queue.
        .target(name: "Printing", dependencies: ["KioskCore", "VenueCode", "CCairo"]),
        // The building log on PostgreSQL: the only module that talks to it.
        .target(name: "Building", dependencies: ["KioskCore", "Records", "CLibPQ"]),
        // Telling hosts: the outbox's worker, SMTP and webhook clients, the approval link.
        .target(
            name: "Notify",
            dependencies: ["KioskCore", "Records", "CSSL", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "Gate",
            dependencies: [
                "KioskCore", "Records", "VenueCode", "Passes", "Building", "Printing", "Notify",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // glibc's malloc.h (no library to link): the terminal's heap figures.
        .systemLibrary(name: "CMalloc"),
        .target(name: "TerminalUI", dependencies: ["Gate", "Building", "Printing", "Notify", "KioskCore", "CNcursesw", "CMalloc"]),
        .target(
            name: "CheckinWeb",
            dependencies: [
                "Gate", "KioskCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "kiosk",
            dependencies: [
                "Gate", "KioskCore", "CTermSize", "CKioskVersion", "TerminalUI", "CheckinWeb", "Building", "Records", "Printing", "Notify",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "KioskBench",
            // TestSupport: the same throwaway PostgreSQL the tests start, for the building figures.
            // Crypto: the HC1 figure's limit, the signature checks alone through swift-crypto.
            dependencies: [
                "Gate", "Records", "KioskCore", "Passes", "VenueCode", "TerminalUI", "Building", "Printing", "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]),
        // Threads for tests that claim concurrency (not concurrentPerform's one per core).
        // (and the stand-in receipt printer: a TCP listener that reads ESC/POS as a printer does).
        .target(name: "TestSupport", dependencies: ["Printing"], path: "Tests/TestSupport"),
        .testTarget(name: "KioskCoreTests", dependencies: ["KioskCore"]),
        .testTarget(
            name: "RecordsTests",
            dependencies: ["Records", "KioskCore", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "PassesTests", dependencies: ["Passes", "KioskCore"]),
        .testTarget(name: "VenueCodeTests", dependencies: ["VenueCode", "KioskCore"]),
        .testTarget(name: "PrintingTests", dependencies: ["Printing", "KioskCore", "TestSupport"]),
        .testTarget(name: "NotifyTests", dependencies: ["Notify", "Records", "KioskCore", "TestSupport"]),
        .testTarget(name: "GateTests", dependencies: ["Gate", "Records", "KioskCore", "Passes", "Notify", "TestSupport"]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI", "Gate", "Records", "KioskCore"]),
        .testTarget(
            name: "CheckinWebTests",
            dependencies: [
                "CheckinWeb", "Gate", "Records", "KioskCore", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                // SHA-256 of the consent text a visit must name (issue 15).
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "KioskE2ETests",
            // Printing: the recorded printer bytes are decoded back into the slip's picture.
            dependencies: ["KioskCore", "Printing", "TestSupport", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "KioskBenchTests", dependencies: ["KioskBench"]),
    ]
)
