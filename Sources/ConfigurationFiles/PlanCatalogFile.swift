import BillingCore
import Foundation
import Yams

/// Reads `config/plans.yaml` into a ``PlanCatalog``: decoded into ``Document``, then checked by
/// ``Document/validate(file:)``; errors name the file and the key.
public enum PlanCatalogFile {
    /// Reads and checks the catalog at `path`.
    public static func load(path: String) throws(ConfigurationFileError) -> PlanCatalog {
        try YAMLFile.load(Document.self, path: path)
    }

    /// Reads and checks a catalog's text; `file` names it in errors.
    package static func parse(yaml text: String, file: String) throws(ConfigurationFileError) -> PlanCatalog {
        try YAMLFile.parse(Document.self, yaml: text, file: file)
    }

    /// The file as written.
    struct Document: ConfigurationDocument {
        var currency: String?
        var plans: [String: Strict<PlanEntry>]?
        var priceMap: [String: String]?
        var serviceStates: Strict<ServiceStates>?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case currency, plans
            case priceMap = "price_map"
            case serviceStates = "service_states"
        }
    }

    struct PlanEntry: StrictDecodable {
        var name: String?
        var monthlyPrice: QuotedDecimal?
        var trialDays: Int?
        var limits: Strict<Limits>?
        var overage: Strict<Overage>?
        var support: [String]?
        var features: [String]?
        var stripePriceID: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, limits, overage, support, features
            case monthlyPrice = "monthly_price"
            case trialDays = "trial_days"
            case stripePriceID = "stripe_price_id"
        }
    }

    struct Limits: StrictDecodable {
        var users: LimitValue
        var projects: LimitValue
        var apiCallsPerPeriod: LimitValue
        var storageGB: LimitValue
        var aiRequestsPerDay: LimitValue
        var concurrentSessions: LimitValue

        enum CodingKeys: String, CodingKey, CaseIterable {
            case users, projects
            case apiCallsPerPeriod = "api_calls_per_period"
            case storageGB = "storage_gb"
            case aiRequestsPerDay = "ai_requests_per_day"
            case concurrentSessions = "concurrent_sessions"
        }

        var planLimits: PlanLimits {
            PlanLimits(users: users.limit, projects: projects.limit, apiCallsPerPeriod: apiCallsPerPeriod.limit, storageGB: storageGB.limit,
                       aiRequestsPerDay: aiRequestsPerDay.limit, concurrentSessions: concurrentSessions.limit)
        }
    }

    struct Overage: StrictDecodable {
        var perAPICall: QuotedDecimal?
        var perGBStorage: QuotedDecimal?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case perAPICall = "per_api_call"
            case perGBStorage = "per_gb_storage"
        }
    }

    struct ServiceStates: StrictDecodable {
        var degraded: Strict<Restriction>?
        var suspended: Strict<Restriction>?

        enum CodingKeys: String, CodingKey, CaseIterable { case degraded, suspended }
    }

    struct Restriction: StrictDecodable {
        var access: String?
        var aiRequests: Bool?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case access
            case aiRequests = "ai_requests"
        }
    }

    /// A limit: a whole number ≥ 0 or `unlimited`.
    struct LimitValue: Decodable, ScalarConstructible, ConfigurationValue {
        var limit: Limit

        static let expectation = "a whole number ≥ 0 or unlimited"

        static func construct(from scalar: Node.Scalar) -> LimitValue? {
            if scalar.string == "unlimited" { return LimitValue(limit: .unlimited) }
            guard let value = Int.construct(from: scalar), value >= 0 else { return nil }
            return LimitValue(limit: .limited(Int64(value)))
        }

        init(limit: Limit) { self.limit = limit }

        /// Only Yams' decoder is used, and it constructs the value from its scalar.
        init(from decoder: any Decoder) throws {
            throw DecodingError.typeMismatch(Self.self, .init(codingPath: decoder.codingPath, debugDescription: Self.expectation))
        }
    }
}

extension PlanCatalogFile.Document {
    /// The catalog the file describes, or the first thing wrong with it.
    func validate(file: String) throws(ConfigurationFileError) -> PlanCatalog {
        func fail(_ key: String?, _ reason: String) -> ConfigurationFileError {
            ConfigurationFileError(file: file, key: key, reason: reason)
        }
        guard let code = currency, code.count == 3 else { throw fail("currency", "required; an ISO 4217 code such as usd") }
        let currency = Currency(code)
        guard let plans else { throw fail("plans", "required; a mapping of developer, team and enterprise") }
        var parsed: [Plan] = []
        for (slug, entry) in plans.sorted(by: { $0.key < $1.key }) {
            let key = "plans.\(slug)"
            guard let tier = PlanTier(rawValue: slug) else { throw fail(key, "unknown plan; expected developer, team or enterprise") }
            guard let name = entry.name, !name.isEmpty else { throw fail("\(key).name", "required") }
            guard let priceText = entry.monthlyPrice?.text, let price = UnitPrice(decimal: priceText, currency: currency), price.scale == 0 else {
                throw fail("\(key).monthly_price", "required; an amount in quotes with at most two decimals, such as \"50.00\"")
            }
            guard let trialDays = entry.trialDays, (0...365).contains(trialDays) else {
                throw fail("\(key).trial_days", "required; whole days from 0 to 365")
            }
            guard let limits = entry.limits else { throw fail("\(key).limits", "required; a mapping") }
            func unitPrice(_ value: QuotedDecimal?, _ name: String) throws(ConfigurationFileError) -> UnitPrice? {
                guard let value else { return nil }
                guard let price = UnitPrice(decimal: value.text, currency: currency) else {
                    throw fail("\(key).overage.\(name)", "must be a decimal amount in quotes, such as \"0.01\"")
                }
                return price
            }
            if let id = entry.stripePriceID, !id.hasPrefix("price_") {
                throw fail("\(key).stripe_price_id", "must be a Stripe price id such as price_1Abc")
            }
            parsed.append(Plan(
                tier: tier, name: name, monthlyPrice: Money(minorUnits: price.scaledMinorUnits, currency: currency), trialDays: trialDays,
                limits: limits.value.planLimits,
                overage: OveragePrices(perAPICall: try unitPrice(entry.overage?.perAPICall, "per_api_call"),
                                       perGBStorage: try unitPrice(entry.overage?.perGBStorage, "per_gb_storage")),
                features: Set(entry.features ?? []), support: entry.support ?? [], stripePriceID: entry.stripePriceID))
        }
        // A plan's own Stripe price maps to it, as the price map's entries do.
        var priceMap: [String: PlanTier] = [:]
        for plan in parsed { if let id = plan.stripePriceID { priceMap[id] = plan.tier } }
        for (price, name) in (self.priceMap ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let tier = PlanTier(rawValue: name) else { throw fail("price_map.\(price)", "must be developer, team or enterprise") }
            priceMap[price] = tier
        }
        var restrictions = ServiceRestrictions.standard
        func restriction(_ entry: Strict<PlanCatalogFile.Restriction>?, _ name: String, default fallback: ServiceRestriction)
            throws(ConfigurationFileError) -> ServiceRestriction
        {
            guard let entry else { return fallback }
            guard let access = entry.access.flatMap(AccessLevel.init(rawValue:)) else {
                throw fail("service_states.\(name).access", "must be full, read_only or none")
            }
            guard let ai = entry.aiRequests else { throw fail("service_states.\(name).ai_requests", "must be true or false") }
            return ServiceRestriction(access: access, aiRequests: ai)
        }
        if let states = serviceStates {
            restrictions = ServiceRestrictions(degraded: try restriction(states.degraded, "degraded", default: restrictions.degraded),
                                               suspended: try restriction(states.suspended, "suspended", default: restrictions.suspended))
        }
        do {
            return try PlanCatalog(parsed, prices: PriceTierResolver(priceMap: priceMap), restrictions: restrictions)
        } catch {
            throw fail("plans", error.description)
        }
    }
}
