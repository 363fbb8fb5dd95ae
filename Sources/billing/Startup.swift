import AMQP
import ArgumentParser
import BillingCore
import ConfigurationFiles
import ConsumerRuntime
import Dunning
import Foundation
import Intake
import Lifecycle
import Logging
import Notifications
import PostgresNIO
import Settings
import Storage
import Stripe
import Usage

/// Reads the environment once, sets up logging, and turns a configuration error into one
/// clear line and exit status 78 (EX_CONFIG), and a port already taken into one line and
/// 69 (EX_UNAVAILABLE), and a database error into one line with its SQLSTATE and message and
/// 69, instead of a stack trace (postgres-nio's own description hides the server's message).
enum Startup {
    static func run(_ label: String, _ body: (EnvironmentReader, Logger) async throws -> Void) async throws {
        let environment = EnvironmentReader()
        do {
            try environment.bootstrapLogging()
            try await body(environment, Logger(label: label))
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("billing: \(error)\n".utf8))
            throw ExitCode(78)
        } catch let error as ConfigurationFileError {
            FileHandle.standardError.write(Data("billing: \(error)\n".utf8))
            throw ExitCode(78)
        } catch let error as ListenError {
            FileHandle.standardError.write(Data("billing: \(error)\n".utf8))
            throw ExitCode(69)
        } catch let error as PSQLError {
            FileHandle.standardError.write(Data("billing: \(FailureClassifier.describe(error))\n".utf8))
            throw ExitCode(69)
        }
    }
}
