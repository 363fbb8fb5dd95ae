import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

extension Integration {
    /// The `billing` executable, run as an operator would run it.
    @Suite("billing command")
    struct BillingCommandTests {
        var baseEnvironment: [String: String] { ServeProcess.environment }

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

        @Test(.timeLimit(.minutes(1)))
        func aPortAlreadyTakenStopsServeWithOneLineNamingIt() throws {
            let held = try HeldPort()
            var environment = baseEnvironment
            environment["BILLING_HTTP_PORT"] = "\(held.port)"
            let result = try TestServers.runCapturing(TestServers.billingExecutable, ["serve"], environment: environment)
            #expect(result.status == 69, "\(result.stderr)")
            let last = result.stderr.split(separator: "\n").last.map(String.init)
            #expect(last == "billing: cannot listen on 127.0.0.1:\(held.port): the address is already in use; stop what holds it or set BILLING_HTTP_PORT to a free port")
            #expect(!result.stderr.contains("Error:"))
        }

        @Test(.timeLimit(.minutes(1)))
        func aTakenOperatorPortIsNamedInTheLine() throws {
            let held = try HeldPort()
            var environment = baseEnvironment
            environment["BILLING_OPS_HTTP_HOST"] = "127.0.0.1"
            environment["BILLING_OPS_HTTP_PORT"] = "\(held.port)"
            let result = try TestServers.runCapturing(TestServers.billingExecutable, ["serve"], environment: environment)
            #expect(result.status == 69, "\(result.stderr)")
            let last = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
            #expect(last.contains("127.0.0.1:\(held.port) (BILLING_OPS_HTTP_PORT)"), "\(last)")
        }

        /// The test harness itself: a child that cannot start fails its test at once, saying why.
        @Test func aServeThatExitsWhileStartingIsReportedAtOnceWithItsError() async throws {
            let clock = ContinuousClock()
            let started = clock.now
            do {
                _ = try await ServeProcess(environment: ["BILLING_INTERNAL_SECRET": "short"])
                Issue.record("billing serve started with a 5-byte internal secret")
            } catch let failure as TestFailure {
                #expect(failure.description.contains("exited with status 78 while starting"), "\(failure)")
                #expect(failure.description.contains("BILLING_INTERNAL_SECRET: must be at least 16 bytes long"), "\(failure)")
            }
            #expect(clock.now - started < .seconds(10))
        }

        @Test func serveAnswersHealthAndReadinessAndStopsCleanlyOnSIGTERM() async throws {
            let serve = try await ServeProcess()
            let health = try await HTTP.request("\(serve.url)/healthz")
            #expect(health.status == 200)
            #expect(health.body == #"{"status":"ok"}"#)
            let readiness = try await HTTP.request("\(serve.url)/readyz")
            #expect(readiness.body == #"{"broker":"ok","database":"ok"}"#)
            let clock = ContinuousClock()
            let stopping = clock.now
            #expect(try await serve.stop() == 0)
            #expect(clock.now - stopping < .seconds(15))
        }

        /// With `BILLING_OPS_HTTP_PORT`, the operator endpoints answer only there: the public
        /// listener, the one facing Stripe, has none of them.
        @Test func operatorEndpointsCanListenApartFromTheWebhooks() async throws {
            let opsPort = try ServeProcess.freePort()
            let serve = try await ServeProcess(["serve"], environment: ["BILLING_OPS_HTTP_PORT": "\(opsPort)"])
            let token = ["Authorization": "Bearer \(ServeProcess.opsToken)"]
            #expect(try await HTTP.request("\(serve.url)/v1/dunning/cases", headers: token).status == 404)
            #expect(try await HTTP.request("http://127.0.0.1:\(opsPort)/v1/dunning/cases", headers: token).status == 200)
            #expect(try await HTTP.request("http://127.0.0.1:\(opsPort)/v1/dunning/cases").status == 401)
            #expect(try await HTTP.request("http://127.0.0.1:\(opsPort)/webhooks/stripe", method: "POST", body: Array("{}".utf8)).status == 404)
            #expect(try await serve.stop() == 0)
        }

        /// `billing consume` and `billing schedule` answer probes and scrapes like `serve`, and
        /// nothing else: no webhook, event or operator route.
        @Test(arguments: [["consume", "--consumer", "usage"], ["schedule"]])
        func consumeAndScheduleServeHealthReadinessAndMetricsOnly(_ arguments: [String]) async throws {
            let process = try await ServeProcess(arguments)  // ready once /readyz answers 200
            #expect(try await HTTP.request("\(process.url)/healthz").status == 200)
            #expect(try await HTTP.request("\(process.url)/readyz").body == #"{"broker":"ok","database":"ok"}"#)
            let metrics = try await HTTP.request("\(process.url)/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.body.contains("billing_intake_requests_total"))
            #expect(try await HTTP.request("\(process.url)/webhooks/stripe", method: "POST", body: Array("{}".utf8)).status == 404)
            #expect(try await HTTP.request("\(process.url)/v1/tenants/t/entitlements").status == 404)
            #expect(try await process.stop() == 0)
        }
    }
}
