-- +goose Up

-- Billing and payout details of each data broker (取引先). One row per
-- broker organisation; the organisation keeps its id, name and active flag.
CREATE TABLE counterparties (
    organization_id       text PRIMARY KEY REFERENCES organizations (id),
    name_kana             text NOT NULL DEFAULT '',
    registration_number   text CHECK (registration_number ~ '^T[0-9]{13}$'),
    postal_code           text NOT NULL DEFAULT '',
    address               text NOT NULL DEFAULT '',
    billing_email         text NOT NULL DEFAULT '',
    bank_code             text CHECK (bank_code ~ '^[0-9]{4}$'),
    branch_code           text CHECK (branch_code ~ '^[0-9]{3}$'),
    account_type          text CHECK (account_type IN ('ordinary', 'current', 'savings')),
    account_number        text CHECK (account_number ~ '^[0-9]{7}$'),
    account_holder_kana   text NOT NULL DEFAULT '',
    updated_at            timestamptz NOT NULL,
    updated_by            text NOT NULL
);

-- Who changed what, when: counterparties, invoices and payments.
CREATE TABLE audit_log (
    id         bigserial PRIMARY KEY,
    entity     text NOT NULL,
    entity_id  text NOT NULL,
    action     text NOT NULL,
    actor      text NOT NULL,
    at         timestamptz NOT NULL,
    before     jsonb,
    after      jsonb
);
CREATE INDEX audit_entity ON audit_log (entity, entity_id, id);
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- Invoices (請求). An issued invoice is never edited: a correction is a void
-- plus a new invoice that names the one it replaces.
CREATE TABLE invoices (
    id              text PRIMARY KEY,
    broker_id       text NOT NULL REFERENCES organizations (id),
    amount          bigint NOT NULL CHECK (amount > 0),
    period_from     date,
    period_to       date,
    due_date        date NOT NULL,
    status          text NOT NULL CHECK (status IN ('draft', 'issued', 'overdue', 'paid', 'void')),
    number          text UNIQUE,
    fiscal_year     integer,
    seq             integer,
    note            text NOT NULL DEFAULT '',
    document_key    text,
    document_size   bigint,
    document_sha256 text,
    replaces        text REFERENCES invoices (id),
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL,
    issued_at       timestamptz,
    paid_on         date,
    paid_at         timestamptz,
    voided_at       timestamptz,
    void_reason     text,
    ledger_entry_id bigint REFERENCES ledger_entries (id),
    workflow_id     text NOT NULL,
    UNIQUE (fiscal_year, seq),
    CHECK ((number IS NULL) = (status = 'draft' OR (status = 'void' AND issued_at IS NULL))),
    CHECK ((status = 'paid') = (ledger_entry_id IS NOT NULL)),
    CHECK (period_from IS NULL OR period_to IS NULL OR period_from <= period_to)
);
CREATE INDEX invoices_broker ON invoices (broker_id, created_at);
CREATE INDEX invoices_status ON invoices (status, due_date);
CREATE UNIQUE INDEX invoices_one_correction ON invoices (replaces) WHERE replaces IS NOT NULL;

-- Invoice numbers run from 1 in each fiscal year.
CREATE TABLE invoice_counters (
    fiscal_year integer PRIMARY KEY,
    last_seq    integer NOT NULL
);

-- Payments (支払) to brokers the clearing house owes. The operator who
-- approves is never the one who registered.
CREATE TABLE payments (
    id              text PRIMARY KEY,
    broker_id       text NOT NULL REFERENCES organizations (id),
    amount          bigint NOT NULL CHECK (amount > 0),
    period_from     date,
    period_to       date,
    scheduled_on    date NOT NULL,
    status          text NOT NULL CHECK (status IN ('draft', 'approved', 'paid', 'void')),
    note            text NOT NULL DEFAULT '',
    document_key    text,
    document_size   bigint,
    document_sha256 text,
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL,
    approved_by     text,
    approved_at     timestamptz,
    paid_on         date,
    paid_at         timestamptz,
    voided_at       timestamptz,
    void_reason     text,
    ledger_entry_id bigint REFERENCES ledger_entries (id),
    workflow_id     text NOT NULL,
    CHECK (approved_by IS NULL OR approved_by <> created_by),
    CHECK ((status = 'paid') = (ledger_entry_id IS NOT NULL)),
    CHECK (status NOT IN ('approved', 'paid') OR approved_by IS NOT NULL)
);
CREATE INDEX payments_broker ON payments (broker_id, created_at);
CREATE INDEX payments_status ON payments (status, scheduled_on);

-- Mail sent by activities: the dev outbox, and the record that makes a
-- retried activity send a mail once.
CREATE TABLE mails (
    id              bigserial PRIMARY KEY,
    idempotency_key text NOT NULL UNIQUE,
    to_address      text NOT NULL,
    subject         text NOT NULL,
    body            text NOT NULL,
    transport       text NOT NULL,
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz
);

-- +goose Down
DROP TABLE mails;
DROP TABLE payments;
DROP TABLE invoice_counters;
DROP TABLE invoices;
DROP TABLE audit_log;
DROP TABLE counterparties;
