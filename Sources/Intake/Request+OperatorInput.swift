import Foundation
import Hummingbird

extension Request {
    /// The query string's parameters (the last value of a repeated name).
    public var queryValues: [String: String] {
        var values: [String: String] = [:]
        for (name, value) in uri.queryParameters { values[String(name)] = String(value) }
        return values
    }

    /// The body as JSON of type `T`: `413` over the context's upload limit, `400` naming the
    /// problem when it is not that JSON.
    public func decodeJSON<T: Decodable>(_ type: T.Type, context: BillingRequestContext) async throws -> T {
        let body: ByteBuffer
        do {
            body = try await self.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw OperatorError(status: .contentTooLarge, code: "too_large", reason: "the body is over \(context.maxUploadSize) bytes")
        }
        do { return try JSONDecoder().decode(T.self, from: Data(body.readableBytesView)) } catch {
            throw OperatorError.badRequest("the body is not the expected JSON: \(error)")
        }
    }
}

extension Parameters {
    /// A path parameter the route pattern guarantees; `400` if it is empty.
    public func value(_ name: String) throws -> String {
        guard let value = get(name), !value.isEmpty else { throw OperatorError.badRequest("missing \(name)") }
        return value
    }
}
