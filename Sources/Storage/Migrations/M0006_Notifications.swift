extension Migration {
    /// Notifications: the outbox (one row per message to one recipient on one channel, keyed so
    /// a repeated request is a no-op) and the tenants' webhook endpoints.
    static let m0006_notifications = Migration(version: 6, name: "notifications", statements: [
        """
        CREATE TABLE notifications (
            delivery_key      text        PRIMARY KEY,
            request_key       text        NOT NULL,
            tenant_id         text        NOT NULL,
            template          text        NOT NULL,
            channel           text        NOT NULL,
            role              text        NOT NULL,
            recipient         text        NOT NULL,
            status            text        NOT NULL DEFAULT 'pending'
                              CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
            attempts          integer     NOT NULL DEFAULT 0,
            last_error        text,
            provider_response text,
            subject           text,
            created_at        timestamptz NOT NULL DEFAULT now(),
            updated_at        timestamptz NOT NULL DEFAULT now(),
            sending_since     timestamptz,
            sent_at           timestamptz
        )
        """,
        "CREATE INDEX notifications_tenant ON notifications (tenant_id, created_at DESC)",
        "CREATE INDEX notifications_request ON notifications (request_key)",
        """
        CREATE TABLE notification_webhooks (
            tenant_id  text        PRIMARY KEY,
            url        text        NOT NULL,
            secret     text        NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now()
        )
        """,
    ])
}
