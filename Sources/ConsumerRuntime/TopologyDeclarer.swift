import AMQP
import Foundation
import Messages

/// Carries out a topology plan on a connection. Idempotent: declaring what exists is a no-op.
public struct TopologyDeclarer: Sendable {
    let connection: AMQPConnection

    /// A declarer that declares on `connection`.
    public init(connection: AMQPConnection) {
        self.connection = connection
    }

    /// The broker's major version, from the connection's server properties.
    package var brokerMajorVersion: Int {
        Int(connection.serverVersion?.split(separator: ".").first ?? "3") ?? 3
    }

    /// Declares everything the consumers need; returns what was declared.
    @discardableResult
    public func declare(_ consumers: [ConsumerDefinition]) async throws -> [Topology.Declaration] {
        let plan = Topology.plan(for: consumers, brokerMajorVersion: brokerMajorVersion)
        for declaration in plan {
            try await apply(declaration)
        }
        return plan
    }

    func apply(_ declaration: Topology.Declaration) async throws {
        do {
            switch declaration {
            case .exchange(let name, let type):
                try await connection.declareExchange(name, type: type)
            case .queue(let name, let arguments):
                try await connection.declareQueue(name, arguments: arguments)
            case .binding(let queue, let exchange, let pattern):
                try await connection.bindQueue(queue, exchange: exchange, routingKey: pattern)
            }
        } catch let error as AMQPError {
            if case .channelClosed(406, let message) = error, case .queue(let name, _) = declaration {
                throw TopologyError.conflict(queue: name, argument: Self.conflictingArgument(in: message) ?? "arguments", brokerMessage: message)
            }
            throw TopologyError.failed(declaration: "\(declaration)", reason: error.description)
        }
    }

    /// RabbitMQ says `PRECONDITION_FAILED - inequivalent arg 'x-delivery-limit' for queue …`.
    static func conflictingArgument(in message: String) -> String? {
        guard let range = message.range(of: "inequivalent arg '") else { return nil }
        let rest = message[range.upperBound...]
        return rest.firstIndex(of: "'").map { String(rest[..<$0]) }
    }
}
