/**
 * Forward-only, numbered migrations. A released migration is never edited: add the next one.
 * `PRAGMA user_version` records the last one applied.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: "accounts, projects, api keys, allowed origins",
    sql: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        email TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        -- Bumped on password change; a JWT carrying an older value is refused.
        token_version INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX users_email_unique ON users (email);

      CREATE TABLE projects (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        slug TEXT NOT NULL,
        support_email TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX projects_user_slug_unique ON projects (user_id, slug);
      CREATE INDEX projects_user_created ON projects (user_id, created_at);

      CREATE TABLE project_origins (
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        origin TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (project_id, origin)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        key_type TEXT NOT NULL CHECK (key_type IN ('public', 'secret')),
        -- SHA-256 of the raw key, hex. The raw key is never stored.
        key_hash TEXT NOT NULL,
        key_hint TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_used_at TEXT,
        expires_at TEXT,
        revoked_at TEXT
      ) STRICT;
      CREATE UNIQUE INDEX api_keys_hash_unique ON api_keys (key_hash);
      CREATE INDEX api_keys_project ON api_keys (project_id, key_type, created_at);
    `,
  },
  {
    version: 2,
    name: "retention offers, churn events, track events",
    sql: `
      CREATE TABLE retention_offers (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        cancel_reason TEXT NOT NULL CHECK (cancel_reason IN ('too_expensive', 'missing_features',
          'not_using_enough', 'switching_competitor', 'technical_issues', 'poor_support',
          'dont_need_anymore', 'other')),
        offer_type TEXT NOT NULL CHECK (offer_type IN ('discount', 'pause', 'extension',
          'downgrade', 'feature_unlock', 'custom')),
        title TEXT NOT NULL,
        description TEXT NOT NULL,
        cta_button_text TEXT NOT NULL,
        cta_url TEXT,
        -- One column per type-specific field; the route validates which ones a type needs.
        discount_percent INTEGER,
        discount_duration_months INTEGER,
        pause_days INTEGER,
        extension_days INTEGER,
        downgrade_plan TEXT,
        feature_name TEXT,
        feature_unlock_days INTEGER,
        enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (project_id, cancel_reason)
      ) STRICT;

      CREATE TABLE churn_events (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        -- Trimmed and lower-cased before it is stored.
        customer_email TEXT NOT NULL,
        customer_name TEXT,
        provider TEXT NOT NULL DEFAULT 'custom',
        provider_subscription_id TEXT,
        plan_name TEXT,
        mrr_cents INTEGER NOT NULL DEFAULT 0 CHECK (mrr_cents >= 0),
        currency TEXT NOT NULL DEFAULT 'usd',
        tenure_days INTEGER,
        cancel_reason TEXT,
        cancel_reason_text TEXT,
        status TEXT NOT NULL DEFAULT 'new'
          CHECK (status IN ('new', 'offer_accepted', 'recovered', 'lost')),
        source TEXT NOT NULL CHECK (source IN ('api', 'cancel_flow')),
        offer_type TEXT,
        offer_shown INTEGER NOT NULL DEFAULT 0 CHECK (offer_shown IN (0, 1)),
        offer_declined INTEGER NOT NULL DEFAULT 0 CHECK (offer_declined IN (0, 1)),
        offer_accepted_at TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      -- The dashboard list, newest first, with and without a status filter. Ascending and read
      -- backwards: ORDER BY created_at DESC, rowid DESC then needs no sort (a DESC column would
      -- pair with the index's ascending rowid and force one).
      CREATE INDEX churn_events_project_created ON churn_events (project_id, created_at);
      CREATE INDEX churn_events_project_status_created
        ON churn_events (project_id, status, created_at);
      -- Covers both stats queries (no table lookups) and orders by_reason's GROUP BY.
      CREATE INDEX churn_events_project_stats ON churn_events
        (project_id, source, cancel_reason, status, mrr_cents, offer_shown, offer_declined,
         offer_accepted_at);
      -- Submit's 24-hour de-duplication and accept-offer's "latest event of this customer".
      CREATE INDEX churn_events_project_email_created
        ON churn_events (project_id, customer_email, created_at);

      CREATE TABLE track_events (
        id INTEGER PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        api_key_id TEXT,
        customer_email TEXT,
        customer_id TEXT,
        event TEXT NOT NULL,
        -- A JSON object, or NULL.
        properties TEXT CHECK (properties IS NULL OR json_valid(properties)),
        occurred_at TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX track_events_project_occurred ON track_events (project_id, occurred_at);
    `,
  },
  {
    version: 3,
    name: "churn stats kept by triggers",
    sql: `
      -- Stats and list totals read these per-project counters (a few hundred rows at most)
      -- instead of counting churn_events: O(1) in the number of events. Triggers keep them in
      -- the same transaction as every write, whichever code path makes it.
      CREATE TABLE churn_stats (
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        source TEXT NOT NULL,
        -- '' for events without a reason (a primary key column cannot be NULL).
        cancel_reason TEXT NOT NULL,
        status TEXT NOT NULL,
        offer_shown INTEGER NOT NULL,
        offer_declined INTEGER NOT NULL,
        offer_accepted INTEGER NOT NULL,
        events INTEGER NOT NULL,
        mrr_cents INTEGER NOT NULL,
        PRIMARY KEY (project_id, source, cancel_reason, status, offer_shown, offer_declined,
          offer_accepted)
      ) STRICT, WITHOUT ROWID;

      INSERT INTO churn_stats
        SELECT project_id, source, coalesce(cancel_reason, ''), status, offer_shown,
          offer_declined, offer_accepted_at IS NOT NULL, count(*), sum(mrr_cents)
        FROM churn_events
        GROUP BY 1, 2, 3, 4, 5, 6, 7;

      CREATE TRIGGER churn_stats_after_insert AFTER INSERT ON churn_events BEGIN
        INSERT INTO churn_stats VALUES (NEW.project_id, NEW.source,
          coalesce(NEW.cancel_reason, ''), NEW.status, NEW.offer_shown, NEW.offer_declined,
          NEW.offer_accepted_at IS NOT NULL, 1, NEW.mrr_cents)
        ON CONFLICT DO UPDATE SET events = events + 1, mrr_cents = mrr_cents + excluded.mrr_cents;
      END;

      CREATE TRIGGER churn_stats_after_delete AFTER DELETE ON churn_events BEGIN
        UPDATE churn_stats SET events = events - 1, mrr_cents = mrr_cents - OLD.mrr_cents
        WHERE project_id = OLD.project_id AND source = OLD.source
          AND cancel_reason = coalesce(OLD.cancel_reason, '') AND status = OLD.status
          AND offer_shown = OLD.offer_shown AND offer_declined = OLD.offer_declined
          AND offer_accepted = (OLD.offer_accepted_at IS NOT NULL);
      END;

      CREATE TRIGGER churn_stats_after_update AFTER UPDATE OF project_id, source, cancel_reason,
        status, offer_shown, offer_declined, offer_accepted_at, mrr_cents ON churn_events
      BEGIN
        UPDATE churn_stats SET events = events - 1, mrr_cents = mrr_cents - OLD.mrr_cents
        WHERE project_id = OLD.project_id AND source = OLD.source
          AND cancel_reason = coalesce(OLD.cancel_reason, '') AND status = OLD.status
          AND offer_shown = OLD.offer_shown AND offer_declined = OLD.offer_declined
          AND offer_accepted = (OLD.offer_accepted_at IS NOT NULL);
        INSERT INTO churn_stats VALUES (NEW.project_id, NEW.source,
          coalesce(NEW.cancel_reason, ''), NEW.status, NEW.offer_shown, NEW.offer_declined,
          NEW.offer_accepted_at IS NOT NULL, 1, NEW.mrr_cents)
        ON CONFLICT DO UPDATE SET events = events + 1, mrr_cents = mrr_cents + excluded.mrr_cents;
      END;

      -- The stats no longer read churn_events, so its covering index only cost writes.
      DROP INDEX churn_events_project_stats;
    `,
  },
  {
    version: 4,
    name: "domain events",
    sql: `
      -- Every change to a churn event, written in the transaction of the change (the outbox that
      -- webhooks deliver from, and each event's history). payload is the churn event as the API
      -- returned it right after the change.
      CREATE TABLE domain_events (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        type TEXT NOT NULL,
        churn_event_id TEXT NOT NULL,
        payload TEXT NOT NULL CHECK (json_valid(payload)),
        occurred_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX domain_events_churn_event ON domain_events (project_id, churn_event_id, seq);
    `,
  },
  {
    version: 5,
    name: "flows owned by their client, served offer terms, claimed MRR, live/test data",
    sql: `
      -- Who started a cancel-flow event: a keyed hash of the client (the verified customer, or the
      -- browser's address by /64). Only that client may continue the flow (accept, decline).
      ALTER TABLE churn_events ADD COLUMN client_key TEXT;
      -- 0 when the MRR is only a browser's claim; 1 when a secret key, a billing provider or a
      -- customer token vouches for it. Cancel-flow events recorded before this migration came
      -- from browsers as far as anyone can tell.
      ALTER TABLE churn_events ADD COLUMN mrr_verified INTEGER NOT NULL DEFAULT 1
        CHECK (mrr_verified IN (0, 1));
      UPDATE churn_events SET mrr_verified = 0 WHERE source = 'cancel_flow';
      -- The offer as served for the event's reason (JSON, the widget's PublicOffer): what the
      -- merchant applies when it is accepted, whatever a browser claims afterwards.
      ALTER TABLE churn_events ADD COLUMN offer_terms TEXT
        CHECK (offer_terms IS NULL OR json_valid(offer_terms));
      -- 0 for data written with a test key.
      ALTER TABLE churn_events ADD COLUMN livemode INTEGER NOT NULL DEFAULT 1
        CHECK (livemode IN (0, 1));
      ALTER TABLE domain_events ADD COLUMN livemode INTEGER NOT NULL DEFAULT 1;

      -- The counters gain the two dimensions, so stats can keep claimed MRR apart and test data
      -- out: rebuilt (a primary key cannot change in place) and refilled from the events.
      DROP TRIGGER churn_stats_after_insert;
      DROP TRIGGER churn_stats_after_delete;
      DROP TRIGGER churn_stats_after_update;
      DROP TABLE churn_stats;
      CREATE TABLE churn_stats (
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        livemode INTEGER NOT NULL,
        source TEXT NOT NULL,
        cancel_reason TEXT NOT NULL,
        status TEXT NOT NULL,
        offer_shown INTEGER NOT NULL,
        offer_declined INTEGER NOT NULL,
        offer_accepted INTEGER NOT NULL,
        mrr_verified INTEGER NOT NULL,
        events INTEGER NOT NULL,
        mrr_cents INTEGER NOT NULL,
        PRIMARY KEY (project_id, livemode, source, cancel_reason, status, offer_shown,
          offer_declined, offer_accepted, mrr_verified)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO churn_stats
        SELECT project_id, livemode, source, coalesce(cancel_reason, ''), status, offer_shown,
          offer_declined, offer_accepted_at IS NOT NULL, mrr_verified, count(*), sum(mrr_cents)
        FROM churn_events
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;

      CREATE TRIGGER churn_stats_after_insert AFTER INSERT ON churn_events BEGIN
        INSERT INTO churn_stats VALUES (NEW.project_id, NEW.livemode, NEW.source,
          coalesce(NEW.cancel_reason, ''), NEW.status, NEW.offer_shown, NEW.offer_declined,
          NEW.offer_accepted_at IS NOT NULL, NEW.mrr_verified, 1, NEW.mrr_cents)
        ON CONFLICT DO UPDATE SET events = events + 1, mrr_cents = mrr_cents + excluded.mrr_cents;
      END;

      CREATE TRIGGER churn_stats_after_delete AFTER DELETE ON churn_events BEGIN
        UPDATE churn_stats SET events = events - 1, mrr_cents = mrr_cents - OLD.mrr_cents
        WHERE project_id = OLD.project_id AND livemode = OLD.livemode AND source = OLD.source
          AND cancel_reason = coalesce(OLD.cancel_reason, '') AND status = OLD.status
          AND offer_shown = OLD.offer_shown AND offer_declined = OLD.offer_declined
          AND offer_accepted = (OLD.offer_accepted_at IS NOT NULL)
          AND mrr_verified = OLD.mrr_verified;
      END;

      CREATE TRIGGER churn_stats_after_update AFTER UPDATE OF project_id, livemode, source,
        cancel_reason, status, offer_shown, offer_declined, offer_accepted_at, mrr_cents,
        mrr_verified ON churn_events
      BEGIN
        UPDATE churn_stats SET events = events - 1, mrr_cents = mrr_cents - OLD.mrr_cents
        WHERE project_id = OLD.project_id AND livemode = OLD.livemode AND source = OLD.source
          AND cancel_reason = coalesce(OLD.cancel_reason, '') AND status = OLD.status
          AND offer_shown = OLD.offer_shown AND offer_declined = OLD.offer_declined
          AND offer_accepted = (OLD.offer_accepted_at IS NOT NULL)
          AND mrr_verified = OLD.mrr_verified;
        INSERT INTO churn_stats VALUES (NEW.project_id, NEW.livemode, NEW.source,
          coalesce(NEW.cancel_reason, ''), NEW.status, NEW.offer_shown, NEW.offer_declined,
          NEW.offer_accepted_at IS NOT NULL, NEW.mrr_verified, 1, NEW.mrr_cents)
        ON CONFLICT DO UPDATE SET events = events + 1, mrr_cents = mrr_cents + excluded.mrr_cents;
      END;

      -- Project settings of the cancel flow.
      ALTER TABLE projects ADD COLUMN max_claimed_mrr_cents INTEGER NOT NULL DEFAULT 1000000
        CHECK (max_claimed_mrr_cents >= 0);

      -- /track: a per-project storage quota needs the bytes stored, kept with every write.
      ALTER TABLE track_events ADD COLUMN size_bytes INTEGER NOT NULL DEFAULT 0;
      UPDATE track_events SET size_bytes = 200 + length(event) + coalesce(length(properties), 0)
        + coalesce(length(customer_email), 0) + coalesce(length(customer_id), 0);
      CREATE TABLE track_usage (
        project_id TEXT PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
        events INTEGER NOT NULL,
        bytes INTEGER NOT NULL
      ) STRICT;
      INSERT INTO track_usage SELECT project_id, count(*), sum(size_bytes) FROM track_events
        GROUP BY project_id;
      CREATE TRIGGER track_usage_after_insert AFTER INSERT ON track_events BEGIN
        INSERT INTO track_usage VALUES (NEW.project_id, 1, NEW.size_bytes)
        ON CONFLICT DO UPDATE SET events = events + 1, bytes = bytes + excluded.bytes;
      END;
      CREATE TRIGGER track_usage_after_delete AFTER DELETE ON track_events BEGIN
        UPDATE track_usage SET events = events - 1, bytes = bytes - OLD.size_bytes
        WHERE project_id = OLD.project_id;
      END;
      -- Retention prunes by age in small batches.
      CREATE INDEX track_events_created ON track_events (created_at);
    `,
  },
  {
    version: 6,
    name: "dashboard sessions, billing-sourced events, daily rollup",
    sql: `
      -- Dashboard cookie sessions: only a hash of the cookie's random value is stored.
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX sessions_user ON sessions (user_id);
      CREATE INDEX sessions_expires ON sessions (expires_at);

      -- churn_events.source gains 'billing' (events a billing provider's webhook records). SQLite
      -- cannot change a CHECK in place: the table is rebuilt (docs: "Making Other Kinds Of Table
      -- Schema Changes"), keeping every row, rowid order, index and trigger.
      DROP TRIGGER churn_stats_after_insert;
      DROP TRIGGER churn_stats_after_delete;
      DROP TRIGGER churn_stats_after_update;
      CREATE TABLE churn_events_new (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        customer_email TEXT NOT NULL,
        customer_name TEXT,
        provider TEXT NOT NULL DEFAULT 'custom',
        provider_subscription_id TEXT,
        plan_name TEXT,
        mrr_cents INTEGER NOT NULL DEFAULT 0 CHECK (mrr_cents >= 0),
        currency TEXT NOT NULL DEFAULT 'usd',
        tenure_days INTEGER,
        cancel_reason TEXT,
        cancel_reason_text TEXT,
        status TEXT NOT NULL DEFAULT 'new'
          CHECK (status IN ('new', 'offer_accepted', 'recovered', 'lost')),
        source TEXT NOT NULL CHECK (source IN ('api', 'cancel_flow', 'billing')),
        offer_type TEXT,
        offer_shown INTEGER NOT NULL DEFAULT 0 CHECK (offer_shown IN (0, 1)),
        offer_declined INTEGER NOT NULL DEFAULT 0 CHECK (offer_declined IN (0, 1)),
        offer_accepted_at TEXT,
        client_key TEXT,
        mrr_verified INTEGER NOT NULL DEFAULT 1 CHECK (mrr_verified IN (0, 1)),
        offer_terms TEXT CHECK (offer_terms IS NULL OR json_valid(offer_terms)),
        livemode INTEGER NOT NULL DEFAULT 1 CHECK (livemode IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      INSERT INTO churn_events_new (rowid, id, project_id, customer_email, customer_name, provider, provider_subscription_id,
          plan_name, mrr_cents, currency, tenure_days, cancel_reason, cancel_reason_text, status,
          source, offer_type, offer_shown, offer_declined, offer_accepted_at, client_key,
          mrr_verified, offer_terms, livemode, created_at, updated_at)
        SELECT rowid, id, project_id, customer_email, customer_name, provider, provider_subscription_id,
          plan_name, mrr_cents, currency, tenure_days, cancel_reason, cancel_reason_text, status,
          source, offer_type, offer_shown, offer_declined, offer_accepted_at, client_key,
          mrr_verified, offer_terms, livemode, created_at, updated_at FROM churn_events;
      DROP TABLE churn_events;
      ALTER TABLE churn_events_new RENAME TO churn_events;
      CREATE INDEX churn_events_project_created ON churn_events (project_id, created_at);
      CREATE INDEX churn_events_project_status_created
        ON churn_events (project_id, status, created_at);
      CREATE INDEX churn_events_project_email_created
        ON churn_events (project_id, customer_email, created_at);
      -- Billing webhooks find a customer's event by subscription.
      CREATE INDEX churn_events_project_subscription
        ON churn_events (project_id, provider_subscription_id)
        WHERE provider_subscription_id IS NOT NULL;

      -- churn_daily: the counters of churn_stats per UTC day of creation, so stats for a period
      -- and the timeseries cost O(days), not O(events). Kept by the same triggers, in the same
      -- transaction as every change.
      CREATE TABLE churn_daily (
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        livemode INTEGER NOT NULL,
        day TEXT NOT NULL,
        source TEXT NOT NULL,
        cancel_reason TEXT NOT NULL,
        status TEXT NOT NULL,
        offer_shown INTEGER NOT NULL,
        offer_declined INTEGER NOT NULL,
        offer_accepted INTEGER NOT NULL,
        mrr_verified INTEGER NOT NULL,
        events INTEGER NOT NULL,
        mrr_cents INTEGER NOT NULL,
        PRIMARY KEY (project_id, livemode, day, source, cancel_reason, status, offer_shown,
          offer_declined, offer_accepted, mrr_verified)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO churn_daily
        SELECT project_id, livemode, substr(created_at, 1, 10), source,
          coalesce(cancel_reason, ''), status, offer_shown, offer_declined,
          offer_accepted_at IS NOT NULL, mrr_verified, count(*), sum(mrr_cents)
        FROM churn_events
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10;

      CREATE TRIGGER churn_counters_after_insert AFTER INSERT ON churn_events BEGIN
        INSERT INTO churn_stats VALUES (NEW.project_id, NEW.livemode, NEW.source,
          coalesce(NEW.cancel_reason, ''), NEW.status, NEW.offer_shown, NEW.offer_declined,
          NEW.offer_accepted_at IS NOT NULL, NEW.mrr_verified, 1, NEW.mrr_cents)
        ON CONFLICT DO UPDATE SET events = events + 1, mrr_cents = mrr_cents + excluded.mrr_cents;
        INSERT INTO churn_daily VALUES (NEW.project_id, NEW.livemode,
          substr(NEW.created_at, 1, 10), NEW.source, coalesce(NEW.cancel_reason, ''), NEW.status,
          NEW.offer_shown, NEW.offer_declined, NEW.offer_accepted_at IS NOT NULL,
          NEW.mrr_verified, 1, NEW.mrr_cents)
        ON CONFLICT DO UPDATE SET events = events + 1, mrr_cents = mrr_cents + excluded.mrr_cents;
      END;

      CREATE TRIGGER churn_counters_after_delete AFTER DELETE ON churn_events BEGIN
        UPDATE churn_stats SET events = events - 1, mrr_cents = mrr_cents - OLD.mrr_cents
        WHERE project_id = OLD.project_id AND livemode = OLD.livemode AND source = OLD.source
          AND cancel_reason = coalesce(OLD.cancel_reason, '') AND status = OLD.status
          AND offer_shown = OLD.offer_shown AND offer_declined = OLD.offer_declined
          AND offer_accepted = (OLD.offer_accepted_at IS NOT NULL)
          AND mrr_verified = OLD.mrr_verified;
        UPDATE churn_daily SET events = events - 1, mrr_cents = mrr_cents - OLD.mrr_cents
        WHERE project_id = OLD.project_id AND livemode = OLD.livemode
          AND day = substr(OLD.created_at, 1, 10) AND source = OLD.source
          AND cancel_reason = coalesce(OLD.cancel_reason, '') AND status = OLD.status
          AND offer_shown = OLD.offer_shown AND offer_declined = OLD.offer_declined
          AND offer_accepted = (OLD.offer_accepted_at IS NOT NULL)
          AND mrr_verified = OLD.mrr_verified;
      END;

      CREATE TRIGGER churn_counters_after_update AFTER UPDATE OF project_id, livemode, source,
        cancel_reason, status, offer_shown, offer_declined, offer_accepted_at, mrr_cents,
        mrr_verified, created_at ON churn_events
      BEGIN
        UPDATE churn_stats SET events = events - 1, mrr_cents = mrr_cents - OLD.mrr_cents
        WHERE project_id = OLD.project_id AND livemode = OLD.livemode AND source = OLD.source
          AND cancel_reason = coalesce(OLD.cancel_reason, '') AND status = OLD.status
          AND offer_shown = OLD.offer_shown AND offer_declined = OLD.offer_declined
          AND offer_accepted = (OLD.offer_accepted_at IS NOT NULL)
          AND mrr_verified = OLD.mrr_verified;
        INSERT INTO churn_stats VALUES (NEW.project_id, NEW.livemode, NEW.source,
          coalesce(NEW.cancel_reason, ''), NEW.status, NEW.offer_shown, NEW.offer_declined,
          NEW.offer_accepted_at IS NOT NULL, NEW.mrr_verified, 1, NEW.mrr_cents)
        ON CONFLICT DO UPDATE SET events = events + 1, mrr_cents = mrr_cents + excluded.mrr_cents;
        UPDATE churn_daily SET events = events - 1, mrr_cents = mrr_cents - OLD.mrr_cents
        WHERE project_id = OLD.project_id AND livemode = OLD.livemode
          AND day = substr(OLD.created_at, 1, 10) AND source = OLD.source
          AND cancel_reason = coalesce(OLD.cancel_reason, '') AND status = OLD.status
          AND offer_shown = OLD.offer_shown AND offer_declined = OLD.offer_declined
          AND offer_accepted = (OLD.offer_accepted_at IS NOT NULL)
          AND mrr_verified = OLD.mrr_verified;
        INSERT INTO churn_daily VALUES (NEW.project_id, NEW.livemode,
          substr(NEW.created_at, 1, 10), NEW.source, coalesce(NEW.cancel_reason, ''), NEW.status,
          NEW.offer_shown, NEW.offer_declined, NEW.offer_accepted_at IS NOT NULL,
          NEW.mrr_verified, 1, NEW.mrr_cents)
        ON CONFLICT DO UPDATE SET events = events + 1, mrr_cents = mrr_cents + excluded.mrr_cents;
      END;
    `,
  },
  {
    version: 7,
    name: "test mode and verified customers",
    sql: `
      -- Test keys (pub_test_, sk_test_) write test data, kept apart from live data.
      ALTER TABLE api_keys ADD COLUMN livemode INTEGER NOT NULL DEFAULT 1
        CHECK (livemode IN (0, 1));
      ALTER TABLE track_events ADD COLUMN livemode INTEGER NOT NULL DEFAULT 1
        CHECK (livemode IN (0, 1));

      -- off: tokens are ignored; optional: a token, when sent, must be valid; required: every
      -- cancel-flow request needs a valid one.
      ALTER TABLE projects ADD COLUMN customer_verification TEXT NOT NULL DEFAULT 'off'
        CHECK (customer_verification IN ('off', 'optional', 'required'));

      -- The HMAC keys merchants' servers sign customer tokens with. A token is verified with the
      -- key itself, so the key is stored (like a webhook secret); at most two are active at once.
      CREATE TABLE customer_token_secrets (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        secret TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT
      ) STRICT;
      CREATE INDEX customer_token_secrets_project
        ON customer_token_secrets (project_id, created_at);
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
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        description TEXT,
        -- A JSON array of event types; NULL means every type.
        event_types TEXT CHECK (event_types IS NULL OR json_valid(event_types)),
        enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        disabled_reason TEXT,
        secret TEXT NOT NULL,
        previous_secret TEXT,
        previous_secret_expires_at TEXT,
        -- When the current run of failed attempts began; NULL after a success. Five days of
        -- failures disable the endpoint.
        failing_since TEXT,
        last_success_at TEXT,
        last_failure_at TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX webhook_endpoints_project ON webhook_endpoints (project_id, created_at);

      -- The transactional outbox: one row per (event, endpoint), written in the transaction of
      -- the change that caused it. \`id\` is the webhook-id header, the same on every attempt;
      -- \`body\` is the exact JSON that is signed and sent.
      CREATE TABLE webhook_messages (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        event_type TEXT NOT NULL,
        livemode INTEGER NOT NULL CHECK (livemode IN (0, 1)),
        body TEXT NOT NULL CHECK (json_valid(body)),
        status TEXT NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'succeeded', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX webhook_messages_endpoint ON webhook_messages (endpoint_id, seq);

      -- Every attempt, planned (pending, due at next_attempt_at) or made. The worker leases a
      -- due attempt by moving next_attempt_at past the attempt's time limit, so an attempt cut
      -- short by a crash is made again once the lease runs out: at least once.
      CREATE TABLE webhook_attempts (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        message_id TEXT NOT NULL REFERENCES webhook_messages (id) ON DELETE CASCADE,
        endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        attempt INTEGER NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'succeeded', 'failed')),
        next_attempt_at TEXT,
        response_status INTEGER,
        response_body TEXT,
        error TEXT,
        duration_ms INTEGER,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX webhook_attempts_due ON webhook_attempts (next_attempt_at)
        WHERE status = 'pending';
      CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, seq);
      CREATE INDEX webhook_attempts_message ON webhook_attempts (message_id, attempt);

      -- A billing provider's webhook signing secret per project (docs/design.md §10).
      CREATE TABLE billing_integrations (
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        provider TEXT NOT NULL CHECK (provider IN ('stripe')),
        webhook_secret TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (project_id, provider)
      ) STRICT, WITHOUT ROWID;

      -- The provider's event ids already processed: each is processed once.
      CREATE TABLE billing_webhook_events (
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        provider TEXT NOT NULL,
        event_id TEXT NOT NULL,
        event_type TEXT NOT NULL,
        received_at TEXT NOT NULL,
        PRIMARY KEY (project_id, provider, event_id)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 9,
    name: "churn_daily keyed for the timeseries: its grouping dimensions right after the day",
    sql: `
      -- The timeseries groups a day's counters by source, status and the offer flags, not by
      -- reason or MRR verification: with those two last in the key, its read is one ordered pass
      -- over the key (no sort), whatever the number of events. Rebuilt under the same name; the
      -- triggers on churn_events insert into it by name and column order, both unchanged
      -- (legacy_alter_table: the rename must not try to rewrite them while the old table is gone).
      CREATE TABLE churn_daily_new (
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        livemode INTEGER NOT NULL,
        day TEXT NOT NULL,
        source TEXT NOT NULL,
        cancel_reason TEXT NOT NULL,
        status TEXT NOT NULL,
        offer_shown INTEGER NOT NULL,
        offer_declined INTEGER NOT NULL,
        offer_accepted INTEGER NOT NULL,
        mrr_verified INTEGER NOT NULL,
        events INTEGER NOT NULL,
        mrr_cents INTEGER NOT NULL,
        PRIMARY KEY (project_id, livemode, day, source, status, offer_shown, offer_declined,
          offer_accepted, cancel_reason, mrr_verified)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO churn_daily_new (project_id, livemode, day, source, cancel_reason, status,
          offer_shown, offer_declined, offer_accepted, mrr_verified, events, mrr_cents)
        SELECT project_id, livemode, day, source, cancel_reason, status, offer_shown,
          offer_declined, offer_accepted, mrr_verified, events, mrr_cents
        FROM churn_daily;
      PRAGMA legacy_alter_table = ON;
      DROP TABLE churn_daily;
      ALTER TABLE churn_daily_new RENAME TO churn_daily;
      PRAGMA legacy_alter_table = OFF;
    `,
  },
];
