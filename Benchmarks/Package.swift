// swift-tools-version:6.1
// Benchmarks live in their own package so library users never resolve package-benchmark.
// Run from this folder: `swift package benchmark`.
import PackageDescription

let package = Package(
    name: "swift-devicecloud-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "swift-devicecloud", path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
    ],
    targets: [
        .executableTarget(
            name: "Throughput",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "DeviceCloud", package: "swift-devicecloud"),
                .product(name: "DeviceCloudProtocol", package: "swift-devicecloud"),
                .product(name: "DeviceCloudSimulator", package: "swift-devicecloud"),
                .product(name: "DeviceCloudRelay", package: "swift-devicecloud"),
                .product(name: "DeviceCloudSQLite", package: "swift-devicecloud"),
                .product(name: "DeviceCloudPostgres", package: "swift-devicecloud"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            path: "Benchmarks/Throughput",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        )
    ]
)
