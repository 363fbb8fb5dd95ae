import BillingCore
import ConfigurationFiles
import Foundation
import Mustache

/// The names lookups did not find, shared by every scope of one render.
final class MissingVariables {
    var names: Set<String> = []
}
