import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

extension Integration {
    /// The `billing` executable, run as an operator would run it.
    @Suite("billing command")
    struct BillingCommandTests {
        var baseEnvironment: [String: String] {
            var environment = ProcessInfo.processInfo.environment
            environment["BILLING_AMQP_URL"] = TestServers.amqp.redactedDescription.replacingOccurrences(of: "amqp://guest@", with: "amqp://guest:guest@")
            environment["BILLING_DATABASE_URL"] = ProcessInfo.processInfo.environment["BILLING_DATABASE_URL"] ?? "postgres://billing:billing@127.0.0.1:5442/billing"
            environment["STRIPE_WEBHOOK_SECRETS"] = "whsec_test_secret"
            environment["STRIPE_API_KEY"] = "sk_test_localfake"
            environment["STRIPE_API_BASE"] = "http://127.0.0.1:12111"
            environment["BILLING_INTERNAL_SECRET"] = "internal-secret-for-tests"
            environment["BILLING_OPS_TOKEN"] = "ops-token-for-tests-0123"
            environment["BILLING_LOG_LEVEL"] = "warning"
            return environment
        }

        @Test(arguments: ["BILLING_DATABASE_URL", "BILLING_AMQP_URL", "BILLING_OPS_TOKEN"])
        func aMissingSettingStopsStartupWithOneLineNamingIt(_ variable: String) throws {
            var environment = baseEnvironment
            environment[variable] = nil
            let result = try TestServers.runCapturing(TestServers.billingExecutable, ["serve"], environment: environment)
            #expect(result.status == 78)
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1)
            #expect(lines.first?.hasPrefix("billing: missing setting \(variable)") == true)
        }

        @Test func aMalformedSettingNamesItWithoutPrintingTheSecret() throws {
            var environment = baseEnvironment
            environment["BILLING_AMQP_URL"] = "amqp://guest:topsecretpassword@127.0.0.1:5682/%2f?nonsense=1"
            let result = try TestServers.runCapturing(TestServers.billingExecutable, ["topology", "declare"], environment: environment)
            #expect(result.status == 78)
            #expect(result.stderr.contains("BILLING_AMQP_URL"))
            #expect(!result.stderr.contains("topsecretpassword"))
        }

        @Test func migrateAndTopologyDeclareAreIdempotent() throws {
            for _ in 0..<2 {
                let migrate = try TestServers.runCapturing(TestServers.billingExecutable, ["migrate"], environment: baseEnvironment)
                #expect(migrate.status == 0, "\(migrate.stderr)")
                let topology = try TestServers.runCapturing(TestServers.billingExecutable, ["topology", "declare"], environment: baseEnvironment)
                #expect(topology.status == 0, "\(topology.stderr)")
                #expect(topology.stdout.contains("queue    billing.lifecycle.dead"))
                #expect(topology.stdout.contains("binding  billing.events stripe.# -> billing.lifecycle"))
            }
        }

        @Test func serveAnswersHealthAndReadinessAndStopsCleanlyOnSIGTERM() async throws {
            let port = Int.random(in: 20000...40000)
            var environment = baseEnvironment
            environment["BILLING_HTTP_PORT"] = "\(port)"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: TestServers.billingExecutable)
            process.arguments = ["serve", "--migrate", "--declare-topology"]
            process.environment = environment
            process.currentDirectoryURL = TestServers.repositoryRoot
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            defer { if process.isRunning { process.terminate() } }

            let ready = try await eventually(timeout: .seconds(30)) {
                (try? await get("http://127.0.0.1:\(port)/readyz"))?.status == 200
            }
            #expect(ready)
            let health = try await get("http://127.0.0.1:\(port)/healthz")
            #expect(health.status == 200)
            #expect(health.body == #"{"status":"ok"}"#)
            let readiness = try await get("http://127.0.0.1:\(port)/readyz")
            #expect(readiness.body == #"{"broker":"ok","database":"ok"}"#)

            let clock = ContinuousClock()
            let stopping = clock.now
            kill(process.processIdentifier, SIGTERM)
            #expect(try await eventually(timeout: .seconds(15)) { !process.isRunning })
            #expect(process.terminationStatus == 0)
            #expect(clock.now - stopping < .seconds(15))
        }

        func get(_ url: String) async throws -> (status: Int, body: String) {
            let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
            return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
        }
    }
}
