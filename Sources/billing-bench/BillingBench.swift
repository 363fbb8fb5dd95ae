import ArgumentParser
import ConfigurationFiles
import Foundation
import Logging
import Settings

/// `billing-bench`: the drivers of `Benchmarks/*.sh`. A separate executable so that the
/// shipped `billing` carries no benchmark code; it reads the same environment as `billing`.
@main
struct BillingBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "billing-bench",
        abstract: "Benchmarks that print figures.",
        subcommands: [PublishBench.self, VerifyBench.self, FillBench.self, ConsumeBench.self, DunningBench.self])

    /// Reads the environment once and sets up logging; a bad setting is one line and exit 78.
    static func run(_ body: (EnvironmentReader, Logger) async throws -> Void) async throws {
        let environment = EnvironmentReader()
        do {
            try environment.bootstrapLogging()
            try await body(environment, Logger(label: "billing.bench"))
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("billing-bench: \(error)\n".utf8))
            throw ExitCode(78)
        } catch let error as ConfigurationFileError {
            FileHandle.standardError.write(Data("billing-bench: \(error)\n".utf8))
            throw ExitCode(78)
        }
    }
}
