extension Migration {
    /// The SaaS's own view of Stripe's customers, subscriptions and invoices, and what happened
    /// to them. Each object row keeps the version (event `created`, event id) of the last
    /// snapshot applied, so an older snapshot arriving late is recognised and skipped.
    static let m0003_lifecycle = Migration(version: 3, name: "lifecycle", statements: [
        """
        CREATE TABLE billing_accounts (
            stripe_customer_id     text        PRIMARY KEY,
            tenant_id              text,
            company                text,
            billing_email          text,
            contacts               jsonb       NOT NULL DEFAULT '{}',
            default_payment_method text,
            deleted                boolean     NOT NULL DEFAULT false,
            last_event_created     bigint      NOT NULL,
            last_event_id          text        NOT NULL,
            updated_at             timestamptz NOT NULL DEFAULT now()
        )
        """,
        "CREATE INDEX billing_accounts_tenant ON billing_accounts (tenant_id)",
        """
        CREATE TABLE subscriptions (
            stripe_subscription_id text        PRIMARY KEY,
            stripe_customer_id     text        NOT NULL,
            tenant_id              text,
            tier                   text,
            status                 text        NOT NULL,
            price_id               text,
            quantity               bigint      NOT NULL,
            currency               text,
            monthly_amount         bigint,
            mrr                    bigint      NOT NULL DEFAULT 0,
            percent_off            double precision,
            amount_off             bigint,
            trial_start            timestamptz,
            trial_end              timestamptz,
            current_period_start   timestamptz,
            current_period_end     timestamptz,
            cancel_at_period_end   boolean     NOT NULL DEFAULT false,
            cancel_at              timestamptz,
            canceled_at            timestamptz,
            ended_at               timestamptz,
            pause_behavior         text,
            created                timestamptz,
            last_event_created     bigint      NOT NULL,
            last_event_id          text        NOT NULL,
            updated_at             timestamptz NOT NULL DEFAULT now()
        )
        """,
        "CREATE INDEX subscriptions_customer ON subscriptions (stripe_customer_id)",
        "CREATE INDEX subscriptions_tenant ON subscriptions (tenant_id)",
        """
        CREATE TABLE subscription_items (
            stripe_item_id         text        PRIMARY KEY,
            stripe_subscription_id text        NOT NULL,
            price_id               text        NOT NULL,
            tier                   text,
            quantity               bigint      NOT NULL,
            unit_amount            bigint,
            currency               text        NOT NULL,
            recurring_interval     text,
            interval_count         bigint,
            current_period_start   timestamptz,
            current_period_end     timestamptz
        )
        """,
        "CREATE INDEX subscription_items_subscription ON subscription_items (stripe_subscription_id)",
        """
        CREATE TABLE invoices (
            stripe_invoice_id      text        PRIMARY KEY,
            stripe_customer_id     text        NOT NULL,
            stripe_subscription_id text,
            status                 text,
            currency               text        NOT NULL,
            amount_due             bigint      NOT NULL,
            amount_paid            bigint      NOT NULL,
            amount_remaining       bigint      NOT NULL,
            attempt_count          integer     NOT NULL,
            next_payment_attempt   timestamptz,
            billing_reason         text,
            hosted_invoice_url     text,
            created                timestamptz,
            paid_at                timestamptz,
            last_event_created     bigint      NOT NULL,
            last_event_id          text        NOT NULL,
            updated_at             timestamptz NOT NULL DEFAULT now()
        )
        """,
        "CREATE INDEX invoices_subscription ON invoices (stripe_subscription_id)",
        "CREATE INDEX invoices_customer ON invoices (stripe_customer_id)",
        """
        CREATE TABLE subscription_transitions (
            stripe_subscription_id text        NOT NULL,
            event_id               text        NOT NULL,
            from_status            text,
            to_status              text        NOT NULL,
            kind                   text        NOT NULL,
            event_created          bigint      NOT NULL,
            recorded_at            timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (stripe_subscription_id, event_id)
        )
        """,
        """
        CREATE TABLE stale_snapshots (
            event_id               text        NOT NULL,
            object_type            text        NOT NULL,
            object_id              text        NOT NULL,
            event_created          bigint      NOT NULL,
            applied_event_id       text        NOT NULL,
            applied_event_created  bigint      NOT NULL,
            recorded_at            timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (object_id, event_id)
        )
        """,
        """
        CREATE TABLE mrr_movements (
            stripe_subscription_id text        NOT NULL,
            event_id               text        NOT NULL,
            stripe_customer_id     text        NOT NULL,
            tier                   text,
            kind                   text        NOT NULL,
            from_mrr               bigint      NOT NULL,
            to_mrr                 bigint      NOT NULL,
            currency               text        NOT NULL,
            occurred_at            timestamptz NOT NULL,
            PRIMARY KEY (stripe_subscription_id, event_id)
        )
        """,
        "CREATE INDEX mrr_movements_occurred ON mrr_movements (occurred_at)",
        "CREATE INDEX mrr_movements_customer ON mrr_movements (stripe_customer_id)",
        // Set by dunning (degraded, suspended); no row means normal service.
        """
        CREATE TABLE tenant_service_states (
            tenant_id  text        PRIMARY KEY,
            state      text        NOT NULL,
            reason     text,
            updated_at timestamptz NOT NULL DEFAULT now()
        )
        """,
    ])
}
