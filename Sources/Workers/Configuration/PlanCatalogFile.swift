import BillingCore
import Foundation

/// Reads `config/plans.yaml` into a ``PlanCatalog``; errors name the file and the key.
public enum PlanCatalogFile {
    public static func load(path: String) throws(ConfigurationFileError) -> PlanCatalog {
        try parse(yaml: try YAMLFile.text(at: path), file: path)
    }

    public static func parse(yaml text: String, file: String) throws(ConfigurationFileError) -> PlanCatalog {
        func fail(_ key: String?, _ reason: String) -> ConfigurationFileError {
            ConfigurationFileError(file: file, key: key, reason: reason)
        }
        let root = try YAMLFile.mapping(text, file: file)
        try rejectUnknown(root, known: ["currency", "plans", "price_map", "service_states"], prefix: "", fail: fail)
        guard let code = root["currency"] as? String, code.count == 3 else { throw fail("currency", "required; an ISO 4217 code such as usd") }
        let currency = Currency(code)
        guard let plans = root["plans"] as? [String: Any] else { throw fail("plans", "required; a mapping of developer, team and enterprise") }

        func priceID(_ value: Any?, key: String) throws(ConfigurationFileError) -> String? {
            guard let value else { return nil }
            guard let id = value as? String, id.hasPrefix("price_") else { throw fail(key, "must be a Stripe price id such as price_1Abc") }
            return id
        }
        var parsed: [Plan] = []
        for (slug, value) in plans.sorted(by: { $0.key < $1.key }) {
            let key = "plans.\(slug)"
            guard let tier = PlanTier(rawValue: slug) else { throw fail(key, "unknown plan; expected developer, team or enterprise") }
            guard let plan = value as? [String: Any] else { throw fail(key, "expected a mapping") }
            try rejectUnknown(plan, known: ["name", "monthly_price", "trial_days", "limits", "overage", "support", "features", "stripe_price_id"], prefix: key + ".", fail: fail)
            guard let name = plan["name"] as? String, !name.isEmpty else { throw fail("\(key).name", "required") }
            let price = try money(plan["monthly_price"], key: "\(key).monthly_price", currency: currency, fail: fail)
            guard let trialDays = plan["trial_days"] as? Int, (0...365).contains(trialDays) else {
                throw fail("\(key).trial_days", "required; whole days from 0 to 365")
            }
            guard let limits = plan["limits"] as? [String: Any] else { throw fail("\(key).limits", "required; a mapping") }
            let limitKeys = ["users", "projects", "api_calls_per_period", "storage_gb", "ai_requests_per_day", "concurrent_sessions"]
            try rejectUnknown(limits, known: Set(limitKeys), prefix: "\(key).limits.", fail: fail)
            func limit(_ name: String) throws(ConfigurationFileError) -> Limit {
                let field = "\(key).limits.\(name)"
                switch limits[name] {
                case let value as Int where value >= 0: return .limited(Int64(value))
                case let value as String where value == "unlimited": return .unlimited
                case nil: throw fail(field, "required; a whole number or unlimited")
                default: throw fail(field, "must be a whole number ≥ 0 or unlimited")
                }
            }
            let overage = plan["overage"] as? [String: Any] ?? [:]
            try rejectUnknown(overage, known: ["per_api_call", "per_gb_storage"], prefix: "\(key).overage.", fail: fail)
            func unitPrice(_ name: String) throws(ConfigurationFileError) -> UnitPrice? {
                guard let value = overage[name] else { return nil }
                guard let text = value as? String, let price = UnitPrice(decimal: text, currency: currency) else {
                    throw fail("\(key).overage.\(name)", "must be a decimal amount in quotes, such as \"0.01\"")
                }
                return price
            }
            parsed.append(Plan(
                tier: tier, name: name, monthlyPrice: price, trialDays: trialDays,
                limits: PlanLimits(users: try limit("users"), projects: try limit("projects"),
                                   apiCallsPerPeriod: try limit("api_calls_per_period"), storageGB: try limit("storage_gb"),
                                   aiRequestsPerDay: try limit("ai_requests_per_day"), concurrentSessions: try limit("concurrent_sessions")),
                overage: OveragePrices(perAPICall: try unitPrice("per_api_call"), perGBStorage: try unitPrice("per_gb_storage")),
                features: Set(try strings(plan["features"], key: "\(key).features", fail: fail)),
                support: try strings(plan["support"], key: "\(key).support", fail: fail),
                stripePriceID: try priceID(plan["stripe_price_id"], key: "\(key).stripe_price_id")))
        }
        // A plan's own Stripe price maps to it, as the price map's entries do.
        var priceMap: [String: PlanTier] = [:]
        for plan in parsed { if let id = plan.stripePriceID { priceMap[id] = plan.tier } }
        if let map = root["price_map"] {
            guard let map = map as? [String: Any] else { throw fail("price_map", "must map Stripe price ids to plans") }
            for (price, value) in map {
                guard let name = value as? String, let tier = PlanTier(rawValue: name) else {
                    throw fail("price_map.\(price)", "must be developer, team or enterprise")
                }
                priceMap[price] = tier
            }
        }
        var restrictions = ServiceRestrictions.standard
        if let states = root["service_states"] {
            guard let states = states as? [String: Any] else { throw fail("service_states", "must be a mapping with degraded and suspended") }
            try rejectUnknown(states, known: ["degraded", "suspended"], prefix: "service_states.", fail: fail)
            func restriction(_ name: String, default fallback: ServiceRestriction) throws(ConfigurationFileError) -> ServiceRestriction {
                guard let value = states[name] else { return fallback }
                let key = "service_states.\(name)"
                guard let mapping = value as? [String: Any] else { throw fail(key, "must be a mapping with access and ai_requests") }
                try rejectUnknown(mapping, known: ["access", "ai_requests"], prefix: key + ".", fail: fail)
                guard let accessName = mapping["access"] as? String, let access = AccessLevel(rawValue: accessName) else {
                    throw fail("\(key).access", "must be full, read_only or none")
                }
                guard let ai = mapping["ai_requests"] as? Bool else { throw fail("\(key).ai_requests", "must be true or false") }
                return ServiceRestriction(access: access, aiRequests: ai)
            }
            restrictions = ServiceRestrictions(degraded: try restriction("degraded", default: restrictions.degraded),
                                               suspended: try restriction("suspended", default: restrictions.suspended))
        }
        do {
            return try PlanCatalog(parsed, prices: PriceTierResolver(priceMap: priceMap), restrictions: restrictions)
        } catch {
            throw fail("plans", error.description)
        }
    }

    static func money(_ value: Any?, key: String, currency: Currency, fail: (String?, String) -> ConfigurationFileError) throws(ConfigurationFileError) -> Money {
        guard let text = value as? String, let price = UnitPrice(decimal: text, currency: currency), price.scale == 0 else {
            throw fail(key, "required; an amount in quotes with at most two decimals, such as \"50.00\"")
        }
        return Money(minorUnits: price.scaledMinorUnits, currency: currency)
    }

    static func strings(_ value: Any?, key: String, fail: (String?, String) -> ConfigurationFileError) throws(ConfigurationFileError) -> [String] {
        guard let value else { return [] }
        guard let list = value as? [String] else { throw fail(key, "must be a list of names") }
        return list
    }

    static func rejectUnknown(_ mapping: [String: Any], known: Set<String>, prefix: String,
                              fail: (String?, String) -> ConfigurationFileError) throws(ConfigurationFileError) {
        if let unknown = Set(mapping.keys).subtracting(known).sorted().first {
            throw fail(prefix + unknown, "unknown key (known: \(known.sorted().joined(separator: ", ")))")
        }
    }
}
