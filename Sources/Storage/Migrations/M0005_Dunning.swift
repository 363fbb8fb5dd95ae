extension Migration {
    /// Dunning: one case per failed subscription invoice, its dated steps, and the account
    /// managers' outreach tasks.
    static let m0005_dunning = Migration(version: 5, name: "dunning", statements: [
        """
        CREATE TABLE dunning_cases (
            case_id                text        PRIMARY KEY,
            stripe_invoice_id      text        NOT NULL UNIQUE,
            stripe_subscription_id text,
            stripe_customer_id     text        NOT NULL,
            tenant_id              text,
            tier                   text,
            status                 text        NOT NULL,
            opened_at              timestamptz NOT NULL,
            attempts               integer     NOT NULL,
            amount_due             bigint,
            currency               text,
            hosted_invoice_url     text,
            retries_paused_reason  text,
            last_decline_code      text,
            closed_at              timestamptz,
            close_reason           text,
            updated_at             timestamptz NOT NULL DEFAULT now()
        )
        """,
        "CREATE INDEX dunning_cases_tenant_open ON dunning_cases (tenant_id, opened_at) WHERE status = 'open'",
        "CREATE INDEX dunning_cases_customer_open ON dunning_cases (stripe_customer_id) WHERE status = 'open'",
        "CREATE INDEX dunning_cases_subscription_open ON dunning_cases (stripe_subscription_id) WHERE status = 'open'",
        """
        CREATE TABLE dunning_steps (
            case_id       text        NOT NULL REFERENCES dunning_cases (case_id),
            step_key      text        NOT NULL,
            kind          text        NOT NULL,
            day           integer     NOT NULL,
            due_at        timestamptz NOT NULL,
            roles         text[]      NOT NULL DEFAULT '{}',
            template      text,
            status        text        NOT NULL,
            reason        text,
            outcome       text,
            dispatched_at timestamptz,
            done_at       timestamptz,
            PRIMARY KEY (case_id, step_key)
        )
        """,
        // The scheduler's query: due pending steps, oldest first.
        "CREATE INDEX dunning_steps_due ON dunning_steps (due_at) WHERE status = 'pending'",
        """
        CREATE TABLE dunning_tasks (
            case_id    text        NOT NULL REFERENCES dunning_cases (case_id),
            step_key   text        NOT NULL,
            tenant_id  text,
            kind       text        NOT NULL,
            status     text        NOT NULL DEFAULT 'open',
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (case_id, step_key)
        )
        """,
    ])
}
