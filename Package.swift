// swift-tools-version:6.1
import PackageDescription

/// Module map: docs/ARCHITECTURE.md. A module depends only on those listed before it.
let package = Package(
    name: "billing",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "billing", targets: ["billing"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.9.0"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        // 1.33.2 with a fix for queries that hang on a closed connection: Vendor/postgres-nio/PATCHES.md.
        .package(path: "Vendor/postgres-nio"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.27.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.24.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.10.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.0"),
    ],
    targets: [
        .target(
            name: "CAMQP",
            linkerSettings: [.linkedLibrary("rabbitmq")]
        ),
        // Non-variadic wrappers over libcurl, which sends the notification emails over SMTP.
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        .target(name: "BillingCore"),
        // The message contract: exchange, queue and header names, routing keys, typed payloads.
        .target(name: "Messages", dependencies: ["BillingCore"]),
        .target(
            name: "AMQP",
            dependencies: [
                "CAMQP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "Stripe",
            dependencies: [
                "Messages", "BillingCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "Storage",
            dependencies: [
                "BillingCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Intake",
            dependencies: [
                "Messages", "AMQP", "Stripe",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOPosix", package: "swift-nio"),
                // Per-request deadlines around Hummingbird's HTTP/1 channel (SlowClientGuard).
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
            ]
        ),
        // Reads YAML configuration files into typed values; errors name the file and key.
        .target(
            name: "ConfigurationFiles",
            dependencies: ["BillingCore", .product(name: "Yams", package: "Yams")]
        ),
        // The generic consumer: runner, delivery decision, retry and dead-letter topology,
        // dead-letter tools, consumer definitions. Knows nothing of billing.
        .target(
            name: "ConsumerRuntime",
            dependencies: [
                "Messages", "AMQP", "Storage", "ConfigurationFiles",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // The pool's own error type (its circuit breaker tripped: the database is down),
                // which `PostgresClient` throws as is.
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Templates, SMTP, signed tenant webhooks, and the notifications consumer's outbox sender.
        .target(
            name: "Notifications",
            dependencies: [
                "Messages", "BillingCore", "CCurl", "Storage", "Stripe", "Intake", "ConsumerRuntime", "ConfigurationFiles",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The lifecycle consumer: subscription state, entitlements, plan changes, MRR.
        .target(
            name: "Lifecycle",
            dependencies: [
                "Messages", "BillingCore", "Storage", "Stripe", "Intake", "ConsumerRuntime",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The dunning consumer, its scheduler and its policy file.
        .target(
            name: "Dunning",
            dependencies: [
                "Messages", "BillingCore", "AMQP", "Storage", "Stripe", "Intake", "ConsumerRuntime", "ConfigurationFiles",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The usage consumer, its quota alerts, and the meter-event reporter.
        .target(
            name: "Usage",
            dependencies: [
                "Messages", "BillingCore", "AMQP", "Storage", "Stripe", "Intake", "ConsumerRuntime", "ConfigurationFiles",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The process environment, read once at start-up into typed settings.
        .target(
            name: "Settings",
            dependencies: [
                "BillingCore", "AMQP", "Storage", "Stripe", "Intake", "Notifications", "Dunning", "Usage",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The one shipped executable and the composition root.
        .executableTarget(
            name: "billing",
            dependencies: [
                "Messages", "BillingCore", "AMQP", "Storage", "Stripe", "Intake", "ConfigurationFiles", "ConsumerRuntime",
                "Notifications", "Lifecycle", "Dunning", "Usage", "Settings",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // Benchmark drivers for Benchmarks/*.sh; not part of the shipped product.
        .executableTarget(
            name: "billing-bench",
            dependencies: [
                "Messages", "BillingCore", "AMQP", "Storage", "Stripe", "ConfigurationFiles", "ConsumerRuntime",
                "Notifications", "Lifecycle", "Dunning", "Usage", "Settings",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Stripe-shaped event bodies shared by the unit and integration tests.
        .target(name: "StripeFixtures", path: "Tests/StripeFixtures"),
        .testTarget(name: "BillingCoreTests", dependencies: ["BillingCore"]),
        .testTarget(name: "MessagesTests", dependencies: ["Messages", "BillingCore"]),
        .testTarget(name: "AMQPTests", dependencies: ["AMQP"]),
        .testTarget(name: "StripeTests", dependencies: ["Stripe", "StripeFixtures", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "StorageTests", dependencies: ["Storage"]),
        .testTarget(
            name: "IntakeTests",
            dependencies: [
                "Intake", "Messages",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .testTarget(name: "ConfigurationFilesTests", dependencies: ["ConfigurationFiles", "BillingCore"]),
        .testTarget(name: "ConsumerRuntimeTests", dependencies: [
            "Messages", "ConsumerRuntime", "AMQP", "ConfigurationFiles",
            .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
        ]),
        .testTarget(name: "NotificationsTests", dependencies: ["Messages", "Notifications", "BillingCore", "Storage", "ConfigurationFiles", "ConsumerRuntime", "Dunning", "Usage"]),
        .testTarget(name: "LifecycleTests", dependencies: ["Messages", "Lifecycle", "BillingCore", "Storage", "Stripe", "StripeFixtures", "ConfigurationFiles", "ConsumerRuntime"]),
        .testTarget(name: "DunningTests", dependencies: ["Messages", "Dunning", "BillingCore", "ConfigurationFiles", "ConsumerRuntime", "Storage"]),
        .testTarget(name: "UsageTests", dependencies: ["Messages", "Usage", "BillingCore", "Storage", "ConfigurationFiles", "ConsumerRuntime"]),
        .testTarget(name: "SettingsTests", dependencies: ["Settings", "Intake"]),
        // The rules of docs/ARCHITECTURE.md that a reader of the sources can check.
        .testTarget(name: "ArchitectureTests"),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "AMQP", "Messages", "Storage", "Stripe", "Intake", "ConfigurationFiles", "ConsumerRuntime", "Notifications", "Lifecycle",
                "Dunning", "Usage", "Settings", "StripeFixtures",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
