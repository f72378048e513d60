// swift-tools-version:6.1
import PackageDescription

let strictSwift6: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "swift-devicecloud",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "DeviceCloud", targets: ["DeviceCloud"]),
        .library(name: "DeviceCloudProtocol", targets: ["DeviceCloudProtocol"]),
        .library(name: "DeviceCloudSimulator", targets: ["DeviceCloudSimulator"]),
        .library(name: "DeviceCloudHTTPReceiver", targets: ["DeviceCloudHTTPReceiver"]),
        .library(name: "DeviceCloudRelay", targets: ["DeviceCloudRelay"]),
        .library(name: "DeviceCloudSQLite", targets: ["DeviceCloudSQLite"]),
        .library(name: "DeviceCloudPostgres", targets: ["DeviceCloudPostgres"]),
        .executable(name: "dcmon", targets: ["dcmon"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin.git", from: "1.5.0"),
    ],
    targets: [
        .target(
            name: "DeviceCloudServerSupport",
            swiftSettings: strictSwift6
        ),
        .target(
            name: "DeviceCloudProtocol",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: strictSwift6
        ),
        .target(
            name: "DeviceCloud",
            dependencies: [
                "DeviceCloudProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSwift6
        ),
        .target(
            name: "DeviceCloudSimulator",
            dependencies: [
                "DeviceCloudProtocol",
                "DeviceCloudServerSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift6
        ),
        .target(
            name: "DeviceCloudHTTPReceiver",
            dependencies: [
                "DeviceCloudProtocol",
                "DeviceCloudServerSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift6
        ),
        .target(
            name: "DeviceCloudRelay",
            dependencies: [
                "DeviceCloud",
                "DeviceCloudProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSwift6
        ),
        .target(
            name: "DeviceCloudSQLite",
            dependencies: [
                "DeviceCloud",
                "DeviceCloudProtocol",
                "DeviceCloudRelay",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift6
        ),
        .target(
            name: "DeviceCloudPostgres",
            dependencies: [
                "DeviceCloud",
                "DeviceCloudProtocol",
                "DeviceCloudRelay",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift6
        ),
        .executableTarget(
            name: "dcmon",
            dependencies: [
                "DeviceCloud",
                "DeviceCloudProtocol",
                "DeviceCloudSimulator",
                "DeviceCloudHTTPReceiver",
                "DeviceCloudRelay",
                "DeviceCloudSQLite",
                "DeviceCloudPostgres",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift6
        ),
        .target(
            name: "DeviceCloudTestSupport",
            dependencies: [
                "DeviceCloudProtocol",
                "DeviceCloudSimulator",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Tests/DeviceCloudTestSupport",
            resources: [.copy("Certificates")],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "DeviceCloudProtocolTests",
            dependencies: [
                "DeviceCloudProtocol",
                "DeviceCloudTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "DeviceCloudTests",
            dependencies: [
                "DeviceCloud",
                "DeviceCloudProtocol",
                "DeviceCloudSimulator",
                "DeviceCloudTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "DeviceCloudOneImportTests",
            dependencies: [
                "DeviceCloud",
                "DeviceCloudSimulator",
                "DeviceCloudTestSupport",
            ],
            swiftSettings: strictSwift6 + [.enableUpcomingFeature("MemberImportVisibility")]
        ),
        .testTarget(
            name: "DeviceCloudSimulatorTests",
            dependencies: [
                "DeviceCloud",
                "DeviceCloudProtocol",
                "DeviceCloudSimulator",
                "DeviceCloudTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "DeviceCloudHTTPReceiverTests",
            dependencies: [
                "DeviceCloudHTTPReceiver",
                "DeviceCloud",
                "DeviceCloudProtocol",
                "DeviceCloudSimulator",
                "DeviceCloudTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "DeviceCloudRelayTests",
            dependencies: [
                "DeviceCloud",
                "DeviceCloudProtocol",
                "DeviceCloudSimulator",
                "DeviceCloudTestSupport",
                "DeviceCloudRelay",
                "DeviceCloudSQLite",
                "DeviceCloudPostgres",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "DCMonTests",
            dependencies: [
                "dcmon",
                "DeviceCloudTestSupport",
                "DeviceCloudProtocol",
                "DeviceCloudSimulator",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSwift6
        ),
    ]
)
