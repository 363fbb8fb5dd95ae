import AMQP
import ConfigurationFiles
import ConsumerRuntime
import Dunning
#if canImport(Glibc)
import Glibc
#endif
import BillingCore
import Intake
import Lifecycle
import Logging
import NIOCore
import Notifications
import Prometheus
import ServiceLifecycle
import Settings
import Storage
import Stripe
import Usage

/// The HTTP server could not listen because another socket holds its address: another
/// `billing serve` or `billing intake`, or any other program on that port.
struct ListenError: Error, CustomStringConvertible {
    var host: String
    var port: Int

    var description: String {
        "cannot listen on \(host):\(port): the address is already in use; stop what holds it or set BILLING_HTTP_PORT to a free port"
    }
}
