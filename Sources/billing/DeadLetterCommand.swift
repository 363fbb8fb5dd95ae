import AMQP
import ArgumentParser
import BillingCore
import ConfigurationFiles
import ConsumerRuntime
import Dunning
import Foundation
import Intake
import Lifecycle
import Notifications
import Settings
import Storage
import Stripe
import Usage

struct DeadLetterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq", abstract: "Inspect, replay and purge the consumers' dead-letter queues without losing a message.",
        subcommands: [List.self, Show.self, Replay.self, Purge.self])

    /// Loads the consumers (all, or the one named) and runs `body` with a connection.
    static func withQueues<T: Sendable>(consumer name: String?, _ body: (DeadLetterQueues, [ConsumerDefinition]) async throws -> T) async throws -> T {
        var result: T?
        try await Startup.run("billing.dlq") { environment, logger in
            let amqp = try environment.amqp()
            let all = try ConsumerDefinition.loadAll(from: environment.consumersDirectory())
            let selected = try name.map { name in
                guard let consumer = all.first(where: { $0.name == name }) else {
                    throw ValidationError("unknown consumer \(name); known: \(all.map(\.name).joined(separator: ", "))")
                }
                return [consumer]
            } ?? all
            result = try await AMQPConnection.withConnection(configuration: amqp, logger: logger) { connection in
                try await body(DeadLetterQueues(connection: connection, consumers: all), selected)
            }
        }
        return result!
    }

    static func format(_ date: Date?) -> String {
        date.map { $0.formatted(.iso8601) } ?? "-"
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One row per message as it is read, then counts by consumer, type and reason. Leaves the queues as they are.")
        @Option(help: "Only this consumer.") var consumer: String?
        @Option(help: "Only this event type.") var type: String?
        @Flag(help: "Print JSON (an array, written as the messages are read).") var json = false

        func run() async throws {
            // Streams: each message is printed as it is read and not kept, so a queue of a
            // million takes the memory of one; only the counts per reason kind are kept.
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            var groups: [String: Int] = [:]
            var listed = 0
            if json { print("[") } else { print("consumer\tid\ttype\tattempts\tfirst failed at\tlast error") }
            try await DeadLetterCommand.withQueues(consumer: consumer) { queues, consumers in
                for consumer in consumers {
                    var examined = 0
                    try await queues.forEach(consumer) { letter in
                        examined += 1
                        if examined % 10_000 == 0 { FileHandle.standardError.write(Data("\(consumer.name): \(examined) read\n".utf8)) }
                        guard type == nil || letter.type == type else { return }
                        if json {
                            print((listed == 0 ? "" : ",\n") + String(decoding: try encoder.encode(letter), as: UTF8.self), terminator: "")
                        } else {
                            print("\(letter.consumer)\t\(letter.id)\t\(letter.type)\t\(letter.attempts)\t\(DeadLetterCommand.format(letter.firstFailedAt))\t\(letter.reason)")
                        }
                        listed += 1
                        // Grouped by the reason's kind (ids and numbers taken out), so one cause is one line.
                        groups["\(letter.consumer)\t\(letter.type)\t\(ReasonKind.of(letter.reason))", default: 0] += 1
                    }
                }
            }
            if json {
                print(listed == 0 ? "]" : "\n]")
                return
            }
            print("\n\(listed) dead-lettered message\(listed == 1 ? "" : "s")")
            for (key, count) in groups.sorted(by: { $0.key < $1.key }) { print("  \(count)\t\(key)") }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One dead letter in full (headers and body). Leaves it in place.")
        @Argument(help: "The event id (message id).") var id: String
        @Option(help: "Only look in this consumer's queue.") var consumer: String?

        func run() async throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            var found = 0
            try await DeadLetterCommand.withQueues(consumer: consumer) { queues, consumers in
                for consumer in consumers {
                    try await queues.forEach(consumer) { letter in
                        guard letter.id == id else { return }
                        found += 1
                        print(String(decoding: try encoder.encode(letter), as: UTF8.self))
                    }
                }
            }
            guard found > 0 else { throw ValidationError("no dead letter with id \(id)") }
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Republish dead letters to their consumer's queue with attempts reset; each is removed only after the broker confirmed its copy.")
        @Option(help: "Only this consumer.") var consumer: String?
        @Option(name: .customLong("id"), help: "Only these event ids (repeatable).") var ids: [String] = []
        @Option(help: "Only this event type.") var type: String?
        @Option(help: "Replay at most this many (per consumer).") var limit: Int?
        @Flag(help: "Say what would be replayed; change nothing.") var dryRun = false

        func run() async throws {
            let filter = ReplayFilter(ids: Set(ids), type: type, limit: limit)
            let verb = dryRun ? "would replay" : "replayed"
            // Each id is printed as it is replayed (after its copy was confirmed), so a replay
            // cut short shows exactly how far it got.
            let results = try await DeadLetterCommand.withQueues(consumer: consumer) { queues, consumers in
                var results: [ReplayResult] = []
                for consumer in consumers {
                    results.append(try await queues.replay(consumer, filter: filter, dryRun: dryRun, progress: { done, total in
                        FileHandle.standardError.write(Data("\(consumer.name): \(done)/\(total) examined\n".utf8))
                    }, replayedOne: { id in print("\(verb)\t\(consumer.name)\t\(id)") }))
                }
                return results
            }
            for result in results {
                print("\(result.consumer): examined \(result.examined), \(verb) \(result.replayedCount), left \(result.kept)")
            }
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete every dead letter of one consumer.")
        @Option(help: "The consumer whose dead-letter queue to empty.") var consumer: String
        @Flag(help: "Confirm: the messages are deleted for good.") var yes = false

        func run() async throws {
            guard yes else { throw ValidationError("purging deletes the messages for good: add --yes to confirm") }
            let (purged, queue) = try await DeadLetterCommand.withQueues(consumer: consumer) { queues, consumers in
                (try await queues.purge(consumers[0]), consumers[0].deadLetterQueue)
            }
            print("purged \(purged) message\(purged == 1 ? "" : "s") from \(queue)")
        }
    }
}
