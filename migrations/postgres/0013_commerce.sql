-- Commerce (issue 11): orders, their ledger, coupons, the webhook inbox and the sandbox provider.
--
-- Duplicates are made impossible by constraints, not by care: one idempotency key per buyer, one
-- pending order per buyer and course, one inbox row per provider event, one entitlement per order,
-- and (migration 0009) one active entitlement per buyer and course. Every status change is a
-- compare-and-set on the old status and refunded total (domain::order).

-- A coupon: a percentage (`percent_bp`, basis points) or a fixed amount (`fixed_minor` in
-- `currency`) off; for every course (no author), every course of `author_id`, or `course_id`.
-- `redeemed` counts orders holding a redemption: taken at checkout, given back when the order is
-- cancelled or expires. Checkout never takes one beyond `max_redemptions`; only a payment that
-- arrives after its order was given up on counts again regardless (the money was taken).
CREATE TABLE coupons (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code             TEXT    NOT NULL UNIQUE,
    author_id        BIGINT REFERENCES users (id) ON DELETE CASCADE,
    course_id        BIGINT REFERENCES courses (id) ON DELETE CASCADE,
    percent_bp       BIGINT CHECK (percent_bp BETWEEN 1 AND 10000),
    fixed_minor      BIGINT CHECK (fixed_minor > 0),
    currency         TEXT    CHECK (currency IN ('CNY', 'USD')),
    expires_at       BIGINT,
    max_redemptions  BIGINT CHECK (max_redemptions > 0),
    redeemed         BIGINT NOT NULL DEFAULT 0 CHECK (redeemed >= 0),
    created_by       BIGINT NOT NULL REFERENCES users (id),
    created_at       BIGINT NOT NULL,
    CHECK ((percent_bp IS NULL) <> (fixed_minor IS NULL)),
    CHECK ((fixed_minor IS NULL) = (currency IS NULL)),
    CHECK (course_id IS NULL OR author_id IS NOT NULL)
);
CREATE INDEX coupons_author ON coupons (author_id, id);

-- An order: the price shown at checkout (`list_minor - discount_minor = amount_minor`), the
-- platform's share and the refund window as they were when it was made, and the provider's
-- references once known.
CREATE TABLE orders (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id            BIGINT NOT NULL REFERENCES users (id),
    course_id          BIGINT NOT NULL REFERENCES courses (id),
    status             TEXT    NOT NULL CHECK (status IN
                           ('pending', 'paid', 'partially_refunded', 'refunded', 'cancelled', 'expired')),
    currency           TEXT    NOT NULL CHECK (currency IN ('CNY', 'USD')),
    list_minor         BIGINT NOT NULL CHECK (list_minor >= 0),
    discount_minor     BIGINT NOT NULL CHECK (discount_minor >= 0),
    amount_minor       BIGINT NOT NULL CHECK (amount_minor >= 0),
    refunded_minor     BIGINT NOT NULL DEFAULT 0 CHECK (refunded_minor BETWEEN 0 AND amount_minor),
    platform_share_bp  BIGINT NOT NULL CHECK (platform_share_bp BETWEEN 0 AND 10000),
    refund_days        BIGINT NOT NULL CHECK (refund_days BETWEEN 0 AND 30),
    coupon_id          BIGINT REFERENCES coupons (id),
    provider           TEXT    NOT NULL,
    provider_session   TEXT,
    provider_payment   TEXT,
    pay_url            TEXT,
    idempotency_key    TEXT    NOT NULL,
    lang               TEXT    NOT NULL CHECK (lang IN ('en', 'zh-CN')),
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    paid_at            BIGINT,
    CHECK (list_minor - discount_minor = amount_minor)
);
CREATE UNIQUE INDEX orders_idempotency ON orders (user_id, idempotency_key);
CREATE UNIQUE INDEX orders_one_pending ON orders (user_id, course_id) WHERE status = 'pending';
CREATE UNIQUE INDEX orders_provider_session ON orders (provider, provider_session)
    WHERE provider_session IS NOT NULL;
CREATE INDEX orders_user ON orders (user_id, id DESC);
CREATE INDEX orders_waiting ON orders (created_at) WHERE status = 'pending';

-- The entitlement a paid order gives: at most one per order.
ALTER TABLE entitlements ADD COLUMN order_id BIGINT REFERENCES orders (id);
CREATE UNIQUE INDEX entitlements_order ON entitlements (order_id) WHERE order_id IS NOT NULL;

-- Append-only, double-entry: the entries of one posting (order, seq) sum to zero.
CREATE TABLE ledger_entries (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id      BIGINT NOT NULL REFERENCES orders (id),
    seq           BIGINT NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('sale', 'refund')),
    account       TEXT    NOT NULL CHECK (account IN ('learner', 'platform', 'author')),
    author_id     BIGINT NOT NULL REFERENCES users (id),
    currency      TEXT    NOT NULL CHECK (currency IN ('CNY', 'USD')),
    amount_minor  BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    UNIQUE (order_id, seq, account)
);
CREATE INDEX ledger_author ON ledger_entries (author_id, created_at) WHERE account = 'author';

-- Every provider event, once: the inbox row is written before the event is applied, in the same
-- unit of work, so a repeat delivery finds it and changes nothing. Events that failed to apply
-- wait for a retry with backoff; an admin sees them and can retry them at once.
CREATE TABLE payment_events (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider         TEXT    NOT NULL,
    event_id         TEXT    NOT NULL,
    order_id         BIGINT REFERENCES orders (id),
    kind             TEXT    NOT NULL,
    body             TEXT    NOT NULL,
    received_at      BIGINT NOT NULL,
    processed_at     BIGINT,
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT,
    last_error       TEXT,
    UNIQUE (provider, event_id)
);
CREATE INDEX payment_events_waiting ON payment_events (next_attempt_at) WHERE processed_at IS NULL;

-- The built-in sandbox provider's own books: what a real provider would keep on its side. In the
-- database, so any node can show the pay page and deliver its webhooks.
CREATE TABLE sandbox_payments (
    id              TEXT    PRIMARY KEY,
    order_id        BIGINT NOT NULL,
    amount_minor    BIGINT NOT NULL,
    currency        TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('open', 'paid', 'failed', 'cancelled', 'expired')),
    refunded_minor  BIGINT NOT NULL DEFAULT 0,
    success_url     TEXT    NOT NULL,
    cancel_url      TEXT    NOT NULL,
    created_at      BIGINT NOT NULL
);
