/// A value with its own form in the configuration files; errors say what it takes.
package protocol ConfigurationValue {
    /// What the value takes, e.g. `an amount in quotes, such as "0.01"`.
    static var expectation: String { get }
}
