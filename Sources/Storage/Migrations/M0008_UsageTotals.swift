extension Migration {
    /// Usage totals per window (kept in step with `usage_events` by the consumer's statement),
    /// the quota alerts already announced, and the meter events reported to Stripe.
    static let m0008_usageTotals = Migration(version: 8, name: "usage_totals", statements: [
        """
        CREATE TABLE usage_totals (
            tenant_id          text        NOT NULL,
            metric             text        NOT NULL,
            -- a window lies inside one billing period: period, day (AI requests) or late (a day
            -- before the current period)
            window_kind        text        NOT NULL CHECK (window_kind IN ('period', 'day', 'late')),
            window_start       timestamptz NOT NULL,
            window_end         timestamptz NOT NULL,
            stripe_customer_id text        NOT NULL,
            units_sum          bigint      NOT NULL,
            last_units         bigint      NOT NULL,
            last_at            timestamptz NOT NULL,
            last_event_id      text        NOT NULL,
            max_units          bigint      NOT NULL,
            events             bigint      NOT NULL,
            -- what the reporter has claimed for meter events (sums: the total so far; levels:
            -- the last value) and how many reports it made
            reported_sum       bigint      NOT NULL DEFAULT 0,
            reported_last      bigint,
            report_sequence    integer     NOT NULL DEFAULT 0,
            updated_at         timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, metric, window_end)
        )
        """,
        "CREATE INDEX usage_totals_updated ON usage_totals (updated_at)",
        """
        CREATE TABLE usage_alerts (
            tenant_id  text        NOT NULL,
            metric     text        NOT NULL,
            window_end timestamptz NOT NULL,
            threshold  integer     NOT NULL,
            used_units bigint      NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, metric, window_end, threshold)
        )
        """,
        """
        CREATE TABLE usage_meter_reports (
            identifier         text        PRIMARY KEY,
            tenant_id          text        NOT NULL,
            metric             text        NOT NULL,
            window_end         timestamptz NOT NULL,
            sequence           integer     NOT NULL,
            stripe_customer_id text        NOT NULL,
            event_name         text        NOT NULL,
            value              bigint      NOT NULL,
            event_timestamp    timestamptz NOT NULL,
            status             text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
            attempts           integer     NOT NULL DEFAULT 0,
            claimed_until      timestamptz,
            last_error         text,
            created_at         timestamptz NOT NULL DEFAULT now(),
            sent_at            timestamptz,
            UNIQUE (tenant_id, metric, window_end, sequence)
        )
        """,
        """
        CREATE INDEX usage_meter_reports_pending ON usage_meter_reports (stripe_customer_id, event_name, window_end, sequence)
         WHERE status = 'pending'
        """,
    ])
}
