extension Migration {
    /// The platform's plan changes, cancellations and reactivations, carried out through
    /// Stripe: what was asked, what was sent, and whether Stripe's webhook has confirmed it.
    static let m0004_lifecycleCommands = Migration(version: 4, name: "lifecycle_commands", statements: [
        """
        CREATE TABLE lifecycle_commands (
            command_id                  text        PRIMARY KEY,
            tenant_id                   text        NOT NULL,
            type                        text        NOT NULL,
            request                     jsonb       NOT NULL,
            stripe_subscription_id      text,
            status                      text        NOT NULL,
            reason                      text,
            expect_price_id             text,
            expect_cancel_at_period_end boolean,
            expect_status               text,
            stripe_request_ids          text[]      NOT NULL DEFAULT '{}',
            created_at                  timestamptz NOT NULL DEFAULT now(),
            updated_at                  timestamptz NOT NULL DEFAULT now(),
            confirmed_at                timestamptz
        )
        """,
        "CREATE INDEX lifecycle_commands_tenant ON lifecycle_commands (tenant_id, created_at)",
        "CREATE INDEX lifecycle_commands_awaiting ON lifecycle_commands (stripe_subscription_id) WHERE status = 'sent'",
    ])
}
