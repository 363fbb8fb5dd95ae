import Crypto
import Foundation

/// HMAC-SHA256 (RFC 2104) with the key's two padded blocks hashed once, when the verifier is
/// made: each verification then hashes only the signed bytes. The result is the same as
/// `HMAC<SHA256>` (the tests check both against the vectors and Stripe's SDK).
struct KeyedSHA256: Sendable {
    private let inner: SHA256
    private let outer: SHA256

    init(key: [UInt8]) {
        var block = key.count > 64 ? Array(SHA256.hash(data: key)) : key
        block += [UInt8](repeating: 0, count: 64 - block.count)
        var inner = SHA256()
        inner.update(data: block.map { $0 ^ 0x36 })
        var outer = SHA256()
        outer.update(data: block.map { $0 ^ 0x5c })
        self.inner = inner
        self.outer = outer
    }

    func authenticate(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> SHA256Digest {
        var hash = inner
        hash.update(bufferPointer: first)
        hash.update(bufferPointer: second)
        var outerHash = outer
        hash.finalize().withUnsafeBytes { outerHash.update(bufferPointer: $0) }
        return outerHash.finalize()
    }
}
