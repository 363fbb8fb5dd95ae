import Hummingbird

/// A module's operator routes. The intake asks for the `RouteCollection` when it builds its
/// router and mounts it behind the ops token; the provider stays a `Sendable` value (a
/// `RouteCollection` is a class that is built once and not shared).
public protocol OperatorRouteProvider: Sendable {
    /// The routes, with paths relative to the server's root (e.g. `v1/dunning/cases`).
    var routes: RouteCollection<BillingRequestContext> { get }
}
