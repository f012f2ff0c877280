// swift-tools-version:6.0
import PackageDescription

// Layers, each depending only downward:
//   COpenSSL, CSQLite, CCofferShims   C bridging
//   CofferCrypto                      crypto (and the one drain of OpenSSL's error queue)
//   CofferStore, CofferTLS            storage (the vault engine); TLS over POSIX sockets
//   CofferProtocol                    the line protocol, pure
//   CofferPostgres                    the PostgreSQL client (wire protocol, SCRAM, pool) on CofferTLS
//   CofferServer, CofferClient        listener, sessions, dispatch; the client library
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
        .target(name: "CofferTLS", dependencies: ["COpenSSL", "CCofferShims", "CofferCrypto"]),
        .target(name: "CofferProtocol"),
        .target(name: "CofferServer", dependencies: ["COpenSSL", "CCofferShims", "CofferCrypto", "CofferStore", "CofferTLS", "CofferProtocol"]),
        .target(name: "CofferClient", dependencies: ["COpenSSL", "CofferTLS", "CofferProtocol"]),
        // PostgreSQL wire protocol 3.0 client (TLS verify-full, SCRAM-SHA-256, extended query, pool).
        .target(name: "CofferPostgres", dependencies: ["CofferCrypto", "CofferTLS"]),
        .executableTarget(name: "coffer", dependencies: ["CofferServer", "CofferClient", "CofferStore", "CofferCrypto", "CofferProtocol"]),
        // libFuzzer harness; its plain build replays corpus files (Tests/Fuzz/run-fuzz.sh builds it with -DFUZZING).
        .executableTarget(name: "CofferFuzz", dependencies: ["CofferProtocol", "CofferServer"]),
        // What the test targets share: finding the PostgreSQL test cluster (Tests/Postgres/cluster.sh).
        .target(name: "CofferTestSupport", path: "Tests/CofferTestSupport"),
        .testTarget(name: "CofferCryptoTests", dependencies: ["CofferCrypto"]),
        .testTarget(name: "CofferStoreTests", dependencies: ["CofferStore", "CofferCrypto", "CofferTestSupport"]),
        .testTarget(name: "CofferProtocolTests", dependencies: ["CofferProtocol"]),
        .testTarget(name: "CofferTLSTests", dependencies: ["CofferTLS", "CofferCrypto", "COpenSSL"]),
        .testTarget(name: "CofferPostgresTests", dependencies: ["CofferPostgres", "CofferCrypto", "CofferTLS", "COpenSSL", "CofferTestSupport"]),
        .testTarget(name: "CofferServerTests", dependencies: ["CofferServer", "CofferClient", "CofferStore", "CofferCrypto", "CofferTLS", "CofferProtocol", "coffer", "CofferTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
