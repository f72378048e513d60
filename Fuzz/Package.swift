// swift-tools-version:6.1
// libFuzzer targets for every parser of untrusted bytes, in their own package so the library's
// users never build them. Build and run from this folder: `./run.sh SECONDS` (see the README).
import PackageDescription

let strictSwift6: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

/// One libFuzzer executable; its sources are `Sources/<name>`.
func fuzzTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(name: name, dependencies: ["FuzzSupport"] + dependencies, swiftSettings: strictSwift6)
}

let package = Package(
    name: "swift-devicecloud-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "swift-devicecloud", path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
    ],
    targets: [
        .target(
            name: "FuzzSupport",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strictSwift6
        ),
        fuzzTarget("FuzzPushFrame", [
            .product(name: "DeviceCloudProtocol", package: "swift-devicecloud"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        fuzzTarget("FuzzBlockDecoder", [
            .product(name: "DeviceCloudProtocol", package: "swift-devicecloud"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "CompressNIO", package: "compress-nio"),
        ]),
        fuzzTarget("FuzzJSONScanner", [
            .product(name: "DeviceCloudProtocol", package: "swift-devicecloud"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        fuzzTarget("FuzzXMLScanner", [
            .product(name: "DeviceCloudProtocol", package: "swift-devicecloud"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        fuzzTarget("FuzzMonitorCondition", [
            .product(name: "DeviceCloudProtocol", package: "swift-devicecloud"),
        ]),
        fuzzTarget("FuzzDeliveryDecoder", [
            .product(name: "DeviceCloudHTTPReceiver", package: "swift-devicecloud"),
            .product(name: "DeviceCloudProtocol", package: "swift-devicecloud"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "CompressNIO", package: "compress-nio"),
        ]),
        fuzzTarget("FuzzMonitorResponses", [
            .product(name: "DeviceCloudProtocol", package: "swift-devicecloud"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
    ]
)
