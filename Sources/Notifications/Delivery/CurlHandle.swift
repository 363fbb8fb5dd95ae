import BillingCore
import CCurl
import Foundation
import NIOPosix
import Synchronization

/// A libcurl handle between sends. Unchecked because a raw pointer cannot be checked: the
/// mutex hands each handle to one thread at a time, and only that thread uses it until it is
/// put back.
struct CurlHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}
