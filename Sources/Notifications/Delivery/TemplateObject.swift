import BillingCore
import ConfigurationFiles
import Foundation
import Mustache

/// An object inside a template's values (a JSON object of the request, or `brand`): a scope of
/// its own for dotted names, and a plain mapping inside sections.
struct TemplateObject: MustacheParent {
    var fields: [String: Any]

    func child(named name: String) -> Any? { fields[name] }
}
