import AMQP
import Foundation
import Messages

public struct ReplayResult: Sendable, Equatable {
    public var consumer: String
    public var examined: Int
    public var replayed: [String]
    public var kept: Int
}
