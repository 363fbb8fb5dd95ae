extension Migration {
    /// Usage: every recorded event once (its id is the idempotency key), in exact whole units
    /// of its metric (storage in MB); period totals are read from it by time range.
    static let m0007_usage = Migration(version: 7, name: "usage", statements: [
        """
        CREATE TABLE usage_events (
            event_id    text        PRIMARY KEY,
            tenant_id   text        NOT NULL,
            metric      text        NOT NULL,
            units       bigint      NOT NULL CHECK (units >= 0),
            occurred_at timestamptz NOT NULL,
            received_at timestamptz NOT NULL DEFAULT now(),
            -- false: the tenant had no live subscription when it arrived (kept, and counted once
            -- one appears, because periods are read by time range)
            attributed  boolean     NOT NULL
        )
        """,
        "CREATE INDEX usage_events_tenant_metric_time ON usage_events (tenant_id, metric, occurred_at)",
        "CREATE INDEX usage_events_unattributed ON usage_events (tenant_id) WHERE NOT attributed",
    ])
}
