import AMQP
import ArgumentParser
import BillingCore
import Foundation
import Logging
import Messages
import PostgresNIO
import Prometheus
import ServiceLifecycle
import Storage
import Stripe
import ConfigurationFiles
import ConsumerRuntime
import Dunning
import Lifecycle
import Notifications
import Settings
import Usage
/// Fills a consumer's queue with events from a file, for `bench consume` to drain.
struct FillBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fill",
        abstract: "Publish every line of FILE (one Stripe event per line) to a consumer's queue, as `stripe.<type>` routes it.")

    @Option(help: "One JSON Stripe event per line.") var file: String
    @Option(help: "The consumer whose queue is filled.") var consumer = "lifecycle"
    @Option(help: "Messages per confirmed batch.") var window = 1000
    @Flag(help: "The lines are internal events (`{id, type, tenant_id, …}`), routed as `internal.<type>`.") var `internal` = false

    func run() async throws {
        try await BillingBench.run { environment, logger in
            let definition = try ConsumerDefinition.loadAll(from: environment.consumersDirectory()).first { $0.name == consumer }
            guard let definition else { throw ValidationError("no consumer \(consumer)") }
            guard let text = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            let lines = text.split(separator: UInt8(ascii: "\n"))
            let decoder = JSONDecoder()
            let clock = ContinuousClock()
            let start = clock.now
            try await AMQPConnection.withConnection(configuration: try environment.amqp(), logger: logger) { connection in
                var batch: [AMQPMessage] = []
                struct InternalEnvelope: Decodable {
                    var id: String
                    var type: String
                    var tenant_id: String?
                }
                for line in lines {
                    var properties: AMQPProperties
                    if `internal` {
                        let envelope = try decoder.decode(InternalEnvelope.self, from: Data(line))
                        properties = AMQPProperties(contentType: "application/json", persistent: true, messageID: envelope.id, type: envelope.type)
                        properties.headers[MessageHeader.originalRoutingKey] = .string(RoutingKey.internal(envelope.type))
                        if let tenant = envelope.tenant_id { properties.headers[MessageHeader.tenantID] = .string(tenant) }
                    } else {
                        let envelope = try decoder.decode(StripeEventEnvelope.self, from: Data(line))
                        properties = AMQPProperties(contentType: "application/json", persistent: true, messageID: envelope.id,
                                                    type: envelope.type)
                        properties.headers[MessageHeader.originalRoutingKey] = .string(RoutingKey.stripe(envelope.type))
                        if let customer = envelope.customerID { properties.headers[MessageHeader.partitionKey] = .string(customer) }
                    }
                    batch.append(AMQPMessage(exchange: "", routingKey: definition.queue, body: Array(line), properties: properties))
                    if batch.count == window {
                        try await connection.publish(batch)
                        batch.removeAll(keepingCapacity: true)
                    }
                }
                if !batch.isEmpty { try await connection.publish(batch) }
                let held = try await connection.inspectQueue(definition.queue).messageCount
                print(String(format: "published %d events to %@ in %.1f s; the queue holds %d", lines.count, definition.queue,
                             (clock.now - start).seconds, held))
            }
        }
    }
}
