-- +goose Up

-- Organisations: the data brokers and the clearing house itself.
CREATE TABLE organizations (
    id         text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$'),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind       text NOT NULL CHECK (kind IN ('broker', 'clearing_house')),
    active     boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Portal users. subject is the identity provider's id (Cognito's sub);
-- password_hash is used by the local provider only.
CREATE TABLE users (
    id              bigserial PRIMARY KEY,
    login_id        text NOT NULL UNIQUE CHECK (length(login_id) BETWEEN 1 AND 128),
    subject         text NOT NULL UNIQUE,
    role            text NOT NULL CHECK (role IN ('operator', 'broker', 'admin')),
    organization_id text NOT NULL REFERENCES organizations (id),
    email           text,
    email_verified  boolean NOT NULL DEFAULT true,
    password_hash   text,
    disabled        boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- Server-side sessions, keyed by a hash of the cookie's token so that a
-- stolen database row cannot be replayed as a cookie.
CREATE TABLE sessions (
    token_hash      bytea PRIMARY KEY,
    user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role            text NOT NULL,
    organization_id text NOT NULL,
    csrf_token      text NOT NULL,
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed logins per key (a login id or a client address), for throttling.
CREATE TABLE login_throttle (
    key          text PRIMARY KEY,
    failures     integer NOT NULL,
    window_start timestamptz NOT NULL,
    locked_until timestamptz
);

-- One row per market request: its id is the idempotency key.
CREATE TABLE ingestion_batches (
    request_id     text PRIMARY KEY,
    digest         bytea NOT NULL,
    contract_count integer NOT NULL CHECK (contract_count > 0),
    chunk_count    integer NOT NULL CHECK (chunk_count > 0),
    status         text NOT NULL
        CHECK (status IN ('processing', 'completed', 'parked', 'discarded')),
    stored         integer NOT NULL DEFAULT 0,
    duplicate      integer NOT NULL DEFAULT 0,
    conflicting    integer NOT NULL DEFAULT 0,
    last_error     text,
    workflow_id    text NOT NULL,
    received_at    timestamptz NOT NULL,
    finished_at    timestamptz
);

-- A batch's contracts, staged by the API in chunks so that the workflow
-- passes only (request id, chunk number) through its history.
CREATE TABLE ingestion_chunks (
    request_id   text NOT NULL REFERENCES ingestion_batches (request_id),
    chunk_no     integer NOT NULL CHECK (chunk_no >= 0),
    contracts    jsonb NOT NULL,
    stored       integer,
    duplicate    integer,
    conflicting  integer,
    processed_at timestamptz,
    PRIMARY KEY (request_id, chunk_no)
);

-- Contracts whose id was already stored with other content: refused, kept
-- here as reported so that an operator can see what the market sent.
CREATE TABLE ingestion_conflicts (
    request_id  text NOT NULL REFERENCES ingestion_batches (request_id),
    contract_id text NOT NULL,
    reported    jsonb NOT NULL,
    PRIMARY KEY (request_id, contract_id)
);

-- Executed contracts: append-only, one row per contract id, forever.
CREATE TABLE contracts (
    contract_id text PRIMARY KEY,
    buyer_id    text NOT NULL REFERENCES organizations (id),
    seller_id   text NOT NULL REFERENCES organizations (id),
    item_code   text NOT NULL,
    amount      bigint NOT NULL CHECK (amount > 0),
    traded_at   timestamptz NOT NULL,
    trade_month date NOT NULL
        CHECK (trade_month = date_trunc('month', traded_at AT TIME ZONE 'Asia/Tokyo')::date),
    request_id  text NOT NULL,
    late        boolean NOT NULL DEFAULT false,
    received_at timestamptz NOT NULL DEFAULT now(),
    CHECK (buyer_id <> seller_id)
);

-- Each contract's two sides: the buyer's purchase and the seller's sale.
-- Rows are written only by the trigger below, so every contract has both.
CREATE TABLE transaction_history (
    contract_id     text NOT NULL REFERENCES contracts (contract_id),
    side            text NOT NULL CHECK (side IN ('purchase', 'sale')),
    broker_id       text NOT NULL,
    counterparty_id text NOT NULL,
    item_code       text NOT NULL,
    amount          bigint NOT NULL,
    traded_at       timestamptz NOT NULL,
    trade_month     date NOT NULL,
    late            boolean NOT NULL,
    PRIMARY KEY (contract_id, side)
);
CREATE INDEX transaction_history_broker_month
    ON transaction_history (broker_id, trade_month, traded_at, contract_id);

-- +goose StatementBegin
CREATE FUNCTION contracts_write_history() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO transaction_history
        (contract_id, side, broker_id, counterparty_id, item_code, amount,
         traded_at, trade_month, late)
    SELECT n.contract_id, s.side, s.broker_id, s.counterparty_id, n.item_code,
           n.amount, n.traded_at, n.trade_month, n.late
    FROM new_contracts n
    CROSS JOIN LATERAL (VALUES
        ('purchase', n.buyer_id, n.seller_id),
        ('sale', n.seller_id, n.buyer_id)) AS s (side, broker_id, counterparty_id);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER contracts_history AFTER INSERT ON contracts
    REFERENCING NEW TABLE AS new_contracts
    FOR EACH STATEMENT EXECUTE FUNCTION contracts_write_history();

-- +goose StatementBegin
CREATE FUNCTION refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER contracts_append_only BEFORE UPDATE OR DELETE ON contracts
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER history_append_only BEFORE UPDATE OR DELETE ON transaction_history
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER contracts_no_truncate BEFORE TRUNCATE ON contracts
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER history_no_truncate BEFORE TRUNCATE ON transaction_history
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- Things an operator must look at: parked batches, failed closings, ...
-- dedupe_key makes raising an alert idempotent when an activity is retried.
CREATE TABLE alerts (
    id          bigserial PRIMARY KEY,
    dedupe_key  text NOT NULL UNIQUE,
    kind        text NOT NULL,
    subject     text NOT NULL,
    message     text NOT NULL,
    created_at  timestamptz NOT NULL,
    resolved_at timestamptz
);
CREATE INDEX alerts_open ON alerts (created_at) WHERE resolved_at IS NULL;

-- +goose Down
DROP TABLE alerts;
DROP TABLE transaction_history;
DROP TABLE contracts;
DROP FUNCTION contracts_write_history;
DROP FUNCTION refuse_change;
DROP TABLE ingestion_conflicts;
DROP TABLE ingestion_chunks;
DROP TABLE ingestion_batches;
DROP TABLE login_throttle;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE organizations;
