// swift-tools-version:6.0
import PackageDescription

// Layers, each depending only downward:
//   COpenSSL, CSQLite, CCofferShims   C bridging
//   CofferCrypto, CofferStore         crypto and storage (the vault engine)
//   CofferProtocol                    the line protocol, pure
//   CofferPostgres                    the PostgreSQL client (wire protocol, SCRAM, pool)
//   CofferServer, CofferClient        TLS, sessions, dispatch; the client library
//   coffer                            the executable
let package = Package(
    name: "Coffer",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "coffer", targets: ["coffer"]),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(name: "CCofferShims", dependencies: ["COpenSSL", "CSQLite"]),
        .target(name: "CofferCrypto", dependencies: ["COpenSSL", "CCofferShims"]),
        .target(name: "CofferStore", dependencies: ["CSQLite", "CCofferShims", "CofferCrypto"]),
        .target(name: "CofferProtocol"),
        .target(name: "CofferServer", dependencies: ["COpenSSL", "CCofferShims", "CofferCrypto", "CofferStore", "CofferProtocol"]),
        .target(name: "CofferClient", dependencies: ["COpenSSL", "CCofferShims", "CofferProtocol"]),
        // PostgreSQL wire protocol 3.0 client (TLS verify-full, SCRAM-SHA-256, extended query, pool).
        .target(name: "CofferPostgres", dependencies: ["COpenSSL", "CCofferShims", "CofferCrypto"]),
        .executableTarget(name: "coffer", dependencies: ["CofferServer", "CofferClient", "CofferStore", "CofferCrypto", "CofferProtocol"]),
        // libFuzzer harness; its plain build replays corpus files (Tests/Fuzz/run-fuzz.sh builds it with -DFUZZING).
        .executableTarget(name: "CofferFuzz", dependencies: ["CofferProtocol", "CofferServer"]),
        .testTarget(name: "CofferCryptoTests", dependencies: ["CofferCrypto"]),
        .testTarget(name: "CofferStoreTests", dependencies: ["CofferStore", "CofferCrypto"]),
        .testTarget(name: "CofferProtocolTests", dependencies: ["CofferProtocol"]),
        .testTarget(name: "CofferPostgresTests", dependencies: ["CofferPostgres", "CofferCrypto", "COpenSSL"]),
        .testTarget(name: "CofferServerTests", dependencies: ["CofferServer", "CofferClient", "CofferStore", "CofferCrypto", "CofferProtocol", "coffer"]),
    ],
    swiftLanguageModes: [.v6]
)
