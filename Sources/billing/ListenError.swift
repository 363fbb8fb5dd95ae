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

/// An HTTP server could not listen because another socket holds its address: another
/// `billing serve` or `billing intake`, or any other program on that port. NIO's error does not
/// say which listener failed, so with an operator listener both addresses are named.
struct ListenError: Error, CustomStringConvertible {
    var host: String
    var port: Int
    /// The operator listener (`BILLING_OPS_HTTP_HOST`, `BILLING_OPS_HTTP_PORT`), when there is one.
    var operatorListener: (host: String, port: Int)?

    var description: String {
        guard let operatorListener else {
            return "cannot listen on \(host):\(port): the address is already in use; stop what holds it or set BILLING_HTTP_PORT to a free port"
        }
        return "cannot listen on \(host):\(port) (BILLING_HTTP_PORT) or \(operatorListener.host):\(operatorListener.port) "
            + "(BILLING_OPS_HTTP_PORT): one of these addresses is already in use; stop what holds it or choose free ports"
    }
}
