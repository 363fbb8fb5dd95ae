import BillingCore
import ConfigurationFiles
import Foundation
import Mustache

/// A mapping that remembers which names it was asked for and lacked. Templates use dotted
/// names (`{{brand.company_name}}`) rather than sections over objects, so a miss is a real
/// one and not a lookup climbing the context stack.
final class TemplateScope: MustacheParent {
    let values: [String: Any]
    let path: String
    let recorder: MissingVariables

    init(values: [String: Any], path: String, recorder: MissingVariables) {
        self.values = values
        self.path = path
        self.recorder = recorder
    }

    func child(named name: String) -> Any? {
        guard let value = values[name] else {
            recorder.names.insert(path + name)
            return nil
        }
        if let nested = value as? TemplateObject {
            return TemplateScope(values: nested.fields, path: "\(path)\(name).", recorder: recorder)
        }
        return value
    }
}
