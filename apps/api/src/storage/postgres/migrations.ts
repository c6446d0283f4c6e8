/**
 * PostgreSQL migrations: forward-only and numbered like SQLite's (../sqlite/migrations.ts), so
 * version N means the same schema on both backends. Version 7 creates in one step what SQLite's
 * migrations 1–7 built up (PostgreSQL has no deployments older than that to carry along); the next
 * SQLite migration gets its PostgreSQL twin here under the same number. `schema_migrations`
 * records what was applied.
 *
 * Differences from SQLite, each for a reason:
 * - timestamps stay ISO-8601 text (what the repositories compare and return), with `COLLATE "C"`
 *   so ordering is bytewise whatever the database's default collation;
 * - `seq` identity columns replace SQLite's rowid as the tie-breaker of "newest first";
 * - the counters (churn_stats, churn_daily, track_usage) are kept by triggers, as in SQLite, so
 *   every write changes them in its own transaction whichever code path makes it;
 * - churn_stats and churn_daily are sharded per connection (migration 9): SQLite has one writer,
 *   PostgreSQL many, and one shared counter row would make them wait for each other's commit.
 */
export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

export const pgMigrations: readonly PgMigration[] = [
  {
    version: 7,
    name: "schema of SQLite migrations 1-7: accounts, projects, keys, offers, churn events and counters, track events, sessions, customer-token secrets",
    sql: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        email TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        -- Bumped on password change; a JWT carrying an older value is refused.
        token_version INTEGER NOT NULL DEFAULT 1,
        created_at TEXT COLLATE "C" NOT NULL,
        updated_at TEXT COLLATE "C" NOT NULL
      );
      CREATE UNIQUE INDEX users_email_unique ON users (email);

      CREATE TABLE projects (
        seq BIGINT GENERATED ALWAYS AS IDENTITY,
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        slug TEXT COLLATE "C" NOT NULL,
        support_email TEXT,
        max_claimed_mrr_cents BIGINT NOT NULL DEFAULT 1000000 CHECK (max_claimed_mrr_cents >= 0),
        customer_verification TEXT NOT NULL DEFAULT 'off'
          CHECK (customer_verification IN ('off', 'optional', 'required')),
        created_at TEXT COLLATE "C" NOT NULL,
        updated_at TEXT COLLATE "C" NOT NULL
      );
      CREATE UNIQUE INDEX projects_user_slug_unique ON projects (user_id, slug);
      CREATE INDEX projects_user_created ON projects (user_id, created_at, seq);

      CREATE TABLE project_origins (
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        origin TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (project_id, origin)
      );

      CREATE TABLE api_keys (
        seq BIGINT GENERATED ALWAYS AS IDENTITY,
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        key_type TEXT NOT NULL CHECK (key_type IN ('public', 'secret')),
        livemode BOOLEAN NOT NULL DEFAULT TRUE,
        -- SHA-256 of the raw key, hex. The raw key is never stored.
        key_hash TEXT NOT NULL,
        key_hint TEXT NOT NULL,
        created_at TEXT COLLATE "C" NOT NULL,
        last_used_at TEXT COLLATE "C",
        expires_at TEXT COLLATE "C",
        revoked_at TEXT COLLATE "C"
      );
      CREATE UNIQUE INDEX api_keys_hash_unique ON api_keys (key_hash);
      CREATE INDEX api_keys_project ON api_keys (project_id, key_type, created_at);

      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at TEXT COLLATE "C" NOT NULL,
        last_seen_at TEXT COLLATE "C" NOT NULL,
        expires_at TEXT COLLATE "C" NOT NULL
      );
      CREATE INDEX sessions_user ON sessions (user_id);
      CREATE INDEX sessions_expires ON sessions (expires_at);

      CREATE TABLE customer_token_secrets (
        seq BIGINT GENERATED ALWAYS AS IDENTITY,
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        secret TEXT NOT NULL,
        created_at TEXT COLLATE "C" NOT NULL,
        revoked_at TEXT COLLATE "C"
      );
      CREATE INDEX customer_token_secrets_project
        ON customer_token_secrets (project_id, created_at);

      CREATE TABLE retention_offers (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        cancel_reason TEXT COLLATE "C" NOT NULL CHECK (cancel_reason IN ('too_expensive',
          'missing_features', 'not_using_enough', 'switching_competitor', 'technical_issues',
          'poor_support', 'dont_need_anymore', 'other')),
        offer_type TEXT NOT NULL CHECK (offer_type IN ('discount', 'pause', 'extension',
          'downgrade', 'feature_unlock', 'custom')),
        title TEXT NOT NULL,
        description TEXT NOT NULL,
        cta_button_text TEXT NOT NULL,
        cta_url TEXT,
        discount_percent INTEGER,
        discount_duration_months INTEGER,
        pause_days INTEGER,
        extension_days INTEGER,
        downgrade_plan TEXT,
        feature_name TEXT,
        feature_unlock_days INTEGER,
        enabled BOOLEAN NOT NULL DEFAULT TRUE,
        created_at TEXT COLLATE "C" NOT NULL,
        updated_at TEXT COLLATE "C" NOT NULL,
        UNIQUE (project_id, cancel_reason)
      );

      CREATE TABLE churn_events (
        seq BIGINT GENERATED ALWAYS AS IDENTITY,
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        -- Trimmed and lower-cased before it is stored.
        customer_email TEXT NOT NULL,
        customer_name TEXT,
        provider TEXT NOT NULL DEFAULT 'custom',
        provider_subscription_id TEXT,
        plan_name TEXT,
        mrr_cents BIGINT NOT NULL DEFAULT 0 CHECK (mrr_cents >= 0),
        currency TEXT NOT NULL DEFAULT 'usd',
        tenure_days INTEGER,
        cancel_reason TEXT COLLATE "C",
        cancel_reason_text TEXT,
        status TEXT NOT NULL DEFAULT 'new'
          CHECK (status IN ('new', 'offer_accepted', 'recovered', 'lost')),
        source TEXT NOT NULL CHECK (source IN ('api', 'cancel_flow', 'billing')),
        offer_type TEXT,
        offer_shown BOOLEAN NOT NULL DEFAULT FALSE,
        offer_declined BOOLEAN NOT NULL DEFAULT FALSE,
        offer_accepted_at TEXT COLLATE "C",
        client_key TEXT,
        mrr_verified BOOLEAN NOT NULL DEFAULT TRUE,
        -- JSON text (the widget's PublicOffer), checked by a cast; kept as text so it reads back
        -- exactly as written.
        offer_terms TEXT CHECK (offer_terms IS NULL OR offer_terms::jsonb IS NOT NULL),
        livemode BOOLEAN NOT NULL DEFAULT TRUE,
        created_at TEXT COLLATE "C" NOT NULL,
        updated_at TEXT COLLATE "C" NOT NULL
      );
      CREATE INDEX churn_events_project_created ON churn_events (project_id, created_at, seq);
      CREATE INDEX churn_events_project_status_created
        ON churn_events (project_id, status, created_at, seq);
      CREATE INDEX churn_events_project_email_created
        ON churn_events (project_id, customer_email, created_at, seq);
      CREATE INDEX churn_events_project_subscription
        ON churn_events (project_id, provider_subscription_id)
        WHERE provider_subscription_id IS NOT NULL;

      CREATE TABLE domain_events (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        type TEXT NOT NULL,
        churn_event_id TEXT NOT NULL,
        payload TEXT NOT NULL CHECK (payload::jsonb IS NOT NULL),
        livemode BOOLEAN NOT NULL DEFAULT TRUE,
        occurred_at TEXT COLLATE "C" NOT NULL
      );
      CREATE INDEX domain_events_churn_event ON domain_events (project_id, churn_event_id, seq);

      -- Counters of the events per combination of dimensions, all time and per UTC day of
      -- creation: stats and the timeseries read these, never count churn_events.
      CREATE TABLE churn_stats (
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        livemode BOOLEAN NOT NULL,
        source TEXT NOT NULL,
        cancel_reason TEXT COLLATE "C" NOT NULL,
        status TEXT NOT NULL,
        offer_shown BOOLEAN NOT NULL,
        offer_declined BOOLEAN NOT NULL,
        offer_accepted BOOLEAN NOT NULL,
        mrr_verified BOOLEAN NOT NULL,
        events BIGINT NOT NULL,
        mrr_cents BIGINT NOT NULL,
        PRIMARY KEY (project_id, livemode, source, cancel_reason, status, offer_shown,
          offer_declined, offer_accepted, mrr_verified)
      );
      CREATE TABLE churn_daily (
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        livemode BOOLEAN NOT NULL,
        day TEXT COLLATE "C" NOT NULL,
        source TEXT NOT NULL,
        cancel_reason TEXT COLLATE "C" NOT NULL,
        status TEXT NOT NULL,
        offer_shown BOOLEAN NOT NULL,
        offer_declined BOOLEAN NOT NULL,
        offer_accepted BOOLEAN NOT NULL,
        mrr_verified BOOLEAN NOT NULL,
        events BIGINT NOT NULL,
        mrr_cents BIGINT NOT NULL,
        PRIMARY KEY (project_id, livemode, day, source, cancel_reason, status, offer_shown,
          offer_declined, offer_accepted, mrr_verified)
      );

      CREATE FUNCTION churn_counters_add(e churn_events, delta INTEGER) RETURNS void
      LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO churn_stats VALUES (e.project_id, e.livemode, e.source,
          coalesce(e.cancel_reason, ''), e.status, e.offer_shown, e.offer_declined,
          e.offer_accepted_at IS NOT NULL, e.mrr_verified, delta, delta * e.mrr_cents)
        ON CONFLICT (project_id, livemode, source, cancel_reason, status, offer_shown,
          offer_declined, offer_accepted, mrr_verified)
        DO UPDATE SET events = churn_stats.events + excluded.events,
          mrr_cents = churn_stats.mrr_cents + excluded.mrr_cents;
        INSERT INTO churn_daily VALUES (e.project_id, e.livemode, substr(e.created_at, 1, 10),
          e.source, coalesce(e.cancel_reason, ''), e.status, e.offer_shown, e.offer_declined,
          e.offer_accepted_at IS NOT NULL, e.mrr_verified, delta, delta * e.mrr_cents)
        ON CONFLICT (project_id, livemode, day, source, cancel_reason, status, offer_shown,
          offer_declined, offer_accepted, mrr_verified)
        DO UPDATE SET events = churn_daily.events + excluded.events,
          mrr_cents = churn_daily.mrr_cents + excluded.mrr_cents;
      END $$;

      CREATE FUNCTION churn_counters_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM churn_counters_add(OLD, -1); END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM churn_counters_add(NEW, 1); END IF;
        RETURN NULL;
      END $$;

      CREATE TRIGGER churn_counters_after_insert_delete AFTER INSERT OR DELETE ON churn_events
        FOR EACH ROW EXECUTE FUNCTION churn_counters_trigger();
      CREATE TRIGGER churn_counters_after_update AFTER UPDATE OF project_id, livemode, source,
        cancel_reason, status, offer_shown, offer_declined, offer_accepted_at, mrr_cents,
        mrr_verified, created_at ON churn_events
        FOR EACH ROW EXECUTE FUNCTION churn_counters_trigger();

      CREATE TABLE track_events (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        api_key_id TEXT,
        livemode BOOLEAN NOT NULL DEFAULT TRUE,
        customer_email TEXT,
        customer_id TEXT,
        event TEXT NOT NULL,
        -- A JSON object, or NULL.
        properties TEXT CHECK (properties IS NULL OR properties::jsonb IS NOT NULL),
        occurred_at TEXT COLLATE "C" NOT NULL,
        created_at TEXT COLLATE "C" NOT NULL,
        size_bytes INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX track_events_project_occurred ON track_events (project_id, occurred_at);
      CREATE INDEX track_events_created ON track_events (created_at);

      CREATE TABLE track_usage (
        project_id TEXT PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
        events BIGINT NOT NULL,
        bytes BIGINT NOT NULL
      );
      CREATE FUNCTION track_usage_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO track_usage VALUES (NEW.project_id, 1, NEW.size_bytes)
          ON CONFLICT (project_id) DO UPDATE SET events = track_usage.events + 1,
            bytes = track_usage.bytes + excluded.bytes;
        ELSE
          UPDATE track_usage SET events = events - 1, bytes = bytes - OLD.size_bytes
          WHERE project_id = OLD.project_id;
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER track_usage_after_insert_delete AFTER INSERT OR DELETE ON track_events
        FOR EACH ROW EXECUTE FUNCTION track_usage_trigger();
    `,
  },
  {
    version: 8,
    name: "outbound webhooks (outbox, attempts) and billing-provider webhooks",
    sql: `
      -- Endpoints a project's events are sent to (docs/design.md §9). The signing secret is
      -- stored (a signature is made with the key itself); during a rotation the previous secret
      -- also signs until previous_secret_expires_at.
      CREATE TABLE webhook_endpoints (
        seq BIGINT GENERATED ALWAYS AS IDENTITY,
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        description TEXT,
        -- A JSON array of event types; NULL means every type.
        event_types TEXT
          CHECK (event_types IS NULL OR jsonb_typeof(event_types::jsonb) = 'array'),
        enabled BOOLEAN NOT NULL DEFAULT TRUE,
        disabled_reason TEXT,
        secret TEXT NOT NULL,
        previous_secret TEXT,
        previous_secret_expires_at TEXT COLLATE "C",
        -- When the current run of failed attempts began; NULL after a success. Five days of
        -- failures disable the endpoint.
        failing_since TEXT COLLATE "C",
        last_success_at TEXT COLLATE "C",
        last_failure_at TEXT COLLATE "C",
        created_at TEXT COLLATE "C" NOT NULL,
        updated_at TEXT COLLATE "C" NOT NULL
      );
      CREATE INDEX webhook_endpoints_project ON webhook_endpoints (project_id, created_at, seq);

      -- The transactional outbox: one row per (event, endpoint), written in the transaction of
      -- the change that caused it. \`id\` is the webhook-id header, the same on every attempt;
      -- \`body\` is the exact JSON that is signed and sent (text, not jsonb, to keep its bytes).
      CREATE TABLE webhook_messages (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        event_type TEXT NOT NULL,
        livemode BOOLEAN NOT NULL,
        body TEXT NOT NULL CHECK (body::jsonb IS NOT NULL),
        status TEXT NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'succeeded', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at TEXT COLLATE "C" NOT NULL,
        updated_at TEXT COLLATE "C" NOT NULL
      );
      CREATE INDEX webhook_messages_endpoint ON webhook_messages (endpoint_id, seq);

      -- Every attempt, planned (pending, due at next_attempt_at) or made. The worker leases a
      -- due attempt by moving next_attempt_at past the attempt's time limit, so an attempt cut
      -- short by a crash is made again once the lease runs out: at least once. Workers on
      -- several instances lease with FOR UPDATE SKIP LOCKED, so no two take the same attempt.
      CREATE TABLE webhook_attempts (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        message_id TEXT NOT NULL REFERENCES webhook_messages (id) ON DELETE CASCADE,
        endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        attempt INTEGER NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'succeeded', 'failed')),
        next_attempt_at TEXT COLLATE "C",
        response_status INTEGER,
        response_body TEXT,
        error TEXT,
        duration_ms INTEGER,
        created_at TEXT COLLATE "C" NOT NULL,
        updated_at TEXT COLLATE "C" NOT NULL
      );
      CREATE INDEX webhook_attempts_due ON webhook_attempts (next_attempt_at)
        WHERE status = 'pending';
      CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, seq);
      CREATE INDEX webhook_attempts_message ON webhook_attempts (message_id, attempt);

      -- A billing provider's webhook signing secret per project (docs/design.md §10).
      CREATE TABLE billing_integrations (
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        provider TEXT NOT NULL CHECK (provider IN ('stripe')),
        webhook_secret TEXT NOT NULL,
        created_at TEXT COLLATE "C" NOT NULL,
        updated_at TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (project_id, provider)
      );

      -- The provider's event ids already processed: each is processed once (the primary key
      -- makes a concurrent second claim a no-op).
      CREATE TABLE billing_webhook_events (
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        provider TEXT NOT NULL,
        event_id TEXT NOT NULL,
        event_type TEXT NOT NULL,
        received_at TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (project_id, provider, event_id)
      );
    `,
  },
  {
    version: 9,
    name: "counters sharded per connection, so concurrent writes of one project do not queue on one row, changed in a fixed order; churn_daily keyed for the timeseries; a project's deletion cascades past its counters",
    sql: `
      -- Every write of a project's events adds to the same counter rows (same reason, status and
      -- day), and a row's lock is held until COMMIT: concurrent writes would wait for each other's
      -- fsync. Each connection now adds to its own shard of a row (the backend's pid modulo 16);
      -- readers sum the shards. Existing rows become shard 0.
      ALTER TABLE churn_stats ADD COLUMN shard SMALLINT NOT NULL DEFAULT 0;
      ALTER TABLE churn_stats DROP CONSTRAINT churn_stats_pkey;
      ALTER TABLE churn_stats ADD PRIMARY KEY (project_id, livemode, source, cancel_reason, status,
        offer_shown, offer_declined, offer_accepted, mrr_verified, shard);
      ALTER TABLE churn_daily ADD COLUMN shard SMALLINT NOT NULL DEFAULT 0;
      ALTER TABLE churn_daily DROP CONSTRAINT churn_daily_pkey;
      -- As SQLite's migration 9: the timeseries' grouping dimensions right after the day.
      ALTER TABLE churn_daily ADD PRIMARY KEY (project_id, livemode, day, source, status,
        offer_shown, offer_declined, offer_accepted, cancel_reason, mrr_verified, shard);

      CREATE OR REPLACE FUNCTION churn_counters_add(e churn_events, delta INTEGER) RETURNS void
      LANGUAGE plpgsql AS $$
      DECLARE
        s SMALLINT := pg_backend_pid() % 16;
      BEGIN
        INSERT INTO churn_stats (project_id, livemode, source, cancel_reason, status, offer_shown,
          offer_declined, offer_accepted, mrr_verified, shard, events, mrr_cents)
        VALUES (e.project_id, e.livemode, e.source, coalesce(e.cancel_reason, ''), e.status,
          e.offer_shown, e.offer_declined, e.offer_accepted_at IS NOT NULL, e.mrr_verified, s,
          delta, delta * e.mrr_cents)
        ON CONFLICT (project_id, livemode, source, cancel_reason, status, offer_shown,
          offer_declined, offer_accepted, mrr_verified, shard)
        DO UPDATE SET events = churn_stats.events + excluded.events,
          mrr_cents = churn_stats.mrr_cents + excluded.mrr_cents;
        INSERT INTO churn_daily (project_id, livemode, day, source, cancel_reason, status,
          offer_shown, offer_declined, offer_accepted, mrr_verified, shard, events, mrr_cents)
        VALUES (e.project_id, e.livemode, substr(e.created_at, 1, 10), e.source,
          coalesce(e.cancel_reason, ''), e.status, e.offer_shown, e.offer_declined,
          e.offer_accepted_at IS NOT NULL, e.mrr_verified, s, delta, delta * e.mrr_cents)
        ON CONFLICT (project_id, livemode, day, source, cancel_reason, status, offer_shown,
          offer_declined, offer_accepted, mrr_verified, shard)
        DO UPDATE SET events = churn_daily.events + excluded.events,
          mrr_cents = churn_daily.mrr_cents + excluded.mrr_cents;
      END $$;

      -- Writers of one project now run side by side, so the two counter changes of an UPDATE
      -- are made in one global order (the smaller counter key first): two writers moving events
      -- between the same two rows of one shard in opposite directions would otherwise each hold
      -- one row and wait for the other's (a deadlock). A day's row is only locked right after
      -- its all-time row, so ordering those is enough.
      -- A project's deletion cascades to its events after the project row (and its counters)
      -- are gone: there is nothing left to keep, and adding to a counter of a deleted project
      -- would violate its foreign key.
      CREATE OR REPLACE FUNCTION churn_counters_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM churn_counters_add(NEW, 1);
        ELSIF TG_OP = 'DELETE' THEN
          IF EXISTS (SELECT 1 FROM projects WHERE id = OLD.project_id) THEN
            PERFORM churn_counters_add(OLD, -1);
          END IF;
        ELSIF ROW(OLD.livemode, OLD.source, coalesce(OLD.cancel_reason, ''), OLD.status,
            OLD.offer_shown, OLD.offer_declined, OLD.offer_accepted_at IS NOT NULL,
            OLD.mrr_verified)
          <= ROW(NEW.livemode, NEW.source, coalesce(NEW.cancel_reason, ''), NEW.status,
            NEW.offer_shown, NEW.offer_declined, NEW.offer_accepted_at IS NOT NULL,
            NEW.mrr_verified) THEN
          PERFORM churn_counters_add(OLD, -1);
          PERFORM churn_counters_add(NEW, 1);
        ELSE
          PERFORM churn_counters_add(NEW, 1);
          PERFORM churn_counters_add(OLD, -1);
        END IF;
        RETURN NULL;
      END $$;
    `,
  },
];
