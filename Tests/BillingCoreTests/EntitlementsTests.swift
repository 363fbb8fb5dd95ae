import Testing

@testable import BillingCore

@Suite("Price to plan, and entitlements")
struct EntitlementsTests {
    let resolver = PriceTierResolver(priceMap: ["price_legacy": .team])

    @Test func priceMetadataThenProductMetadataThenTheMap() {
        #expect(resolver.tier(priceID: "price_1", priceMetadata: ["plan_tier": "Enterprise"], productMetadata: ["plan_slug": "team"]) == .success(.enterprise))
        #expect(resolver.tier(priceID: "price_1", priceMetadata: [:], productMetadata: ["plan_slug": "developer"]) == .success(.developer))
        #expect(resolver.tier(priceID: "price_legacy", priceMetadata: [:], productMetadata: [:]) == .success(.team))
    }

    @Test func anUnknownPriceIsAnErrorNotAGuess() {
        guard case .failure(let error) = resolver.tier(priceID: "price_x", priceMetadata: [:], productMetadata: [:]) else {
            Issue.record("expected an error")
            return
        }
        #expect(error.priceID == "price_x")
        guard case .failure(let bad) = resolver.tier(priceID: "price_y", priceMetadata: ["plan_tier": "gold"], productMetadata: [:]) else {
            Issue.record("expected an error")
            return
        }
        #expect(bad.description.contains("gold"))
    }

    static let plan = Plan(
        tier: .team, name: "Team", monthlyPrice: Money(minorUnits: 20000, currency: .usd), trialDays: 14,
        limits: PlanLimits(users: .limited(10), projects: .limited(50), apiCallsPerPeriod: .limited(100_000), storageGB: .limited(10),
                           aiRequestsPerDay: .limited(1000), concurrentSessions: .limited(10)),
        overage: OveragePrices(perAPICall: nil, perGBStorage: nil), features: ["api_access", "sso"], support: ["chat"])

    func entitlements(_ status: SubscriptionStatus?, _ state: ServiceState = .normal) -> Entitlements {
        Entitlements.compute(plan: Self.plan, status: status, serviceState: state, restrictions: .standard)
    }

    @Test(arguments: [SubscriptionStatus.trialing, .active, .pastDue])
    func payingAndGraceStatusesGetTheFullPlan(_ status: SubscriptionStatus) {
        let result = entitlements(status)
        #expect(result.access == .full)
        #expect(result.limits == Self.plan.limits)
        #expect(result.features == ["api_access", "sso"])
        #expect(result.aiRequests)
        #expect(entitlements(status, .degraded).access == .readOnly)
        #expect(!entitlements(status, .degraded).aiRequests)
        #expect(entitlements(status, .degraded).features.isEmpty)
        #expect(entitlements(status, .suspended).access == .none)
        #expect(entitlements(status, .suspended).limits == nil)
    }

    @Test func unpaidIsServedAsDegradedAtLeast() {
        #expect(entitlements(.unpaid).access == .readOnly)
        #expect(entitlements(.unpaid).reason == "subscription unpaid, service degraded")
        #expect(entitlements(.unpaid, .suspended).access == .none)
    }

    @Test(arguments: [SubscriptionStatus.incomplete, .paused, .canceled, .incompleteExpired])
    func unpaidForOrEndedSubscriptionsGetNothing(_ status: SubscriptionStatus) {
        for state in ServiceState.allCases {
            #expect(entitlements(status, state).access == .none)
            #expect(!entitlements(status, state).aiRequests)
        }
    }

    @Test func noSubscriptionGetsNothing() {
        #expect(entitlements(nil).access == .none)
        #expect(Entitlements.compute(plan: nil, status: .active, serviceState: .normal, restrictions: .standard).access == .none)
    }

    @Test func restrictionsAreConfigurable() {
        let lenient = ServiceRestrictions(degraded: ServiceRestriction(access: .full, aiRequests: false),
                                          suspended: ServiceRestriction(access: .readOnly, aiRequests: false))
        let result = Entitlements.compute(plan: Self.plan, status: .active, serviceState: .suspended, restrictions: lenient)
        #expect(result.access == .readOnly)
        #expect(result.limits == Self.plan.limits)
    }
}
