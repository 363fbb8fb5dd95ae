import BillingCore

/// A setting that is missing or malformed. Names the variable; never repeats a secret's value.
public enum ConfigurationError: Error, Equatable, CustomStringConvertible {
    case missing(variable: String)
    case invalid(variable: String, reason: String)

    /// What to fix, naming the variable: `missing setting BILLING_AMQP_URL: …`.
    public var description: String {
        switch self {
        case .missing(let variable): "missing setting \(variable): set it in the environment (see config/billing.env.example)"
        case .invalid(let variable, let reason): "invalid setting \(variable): \(reason)"
        }
    }
}
