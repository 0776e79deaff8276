-- +goose Up

-- Scanning one month of contracts stays proportional to that month as the
-- history grows: contracts arrive roughly in time order, so the month's rows
-- are also mostly adjacent on disk.
CREATE INDEX contracts_month ON contracts (trade_month);
-- Late contracts are few; closings look for the ones not yet adjusted.
CREATE INDEX contracts_late ON contracts (trade_month) WHERE late;

-- One row per closed month: the database's guarantee that a month is closed
-- once, whoever asks and however often.
CREATE TABLE month_closings (
    month          date PRIMARY KEY CHECK (extract(day FROM month) = 1),
    workflow_id    text NOT NULL,
    triggered_by   text NOT NULL,
    due_on         date NOT NULL,
    closed_at      timestamptz NOT NULL,
    brokers        integer NOT NULL,
    contracts      bigint NOT NULL,
    total_sales    bigint NOT NULL,
    sum_balances   bigint NOT NULL
);

-- Each broker's confirmed balance for a closed month, never edited.
CREATE TABLE monthly_balances (
    month      date NOT NULL REFERENCES month_closings (month),
    broker_id  text NOT NULL REFERENCES organizations (id),
    sales      bigint NOT NULL,
    purchases  bigint NOT NULL,
    balance    bigint NOT NULL CHECK (balance = sales - purchases),
    rows       bigint NOT NULL,
    PRIMARY KEY (month, broker_id)
);

-- The settlement ledger: append-only; amount is the entry's signed effect
-- on the broker's settlement balance (positive: the clearing house owes the
-- broker more). Corrections are reversing entries.
CREATE TABLE ledger_entries (
    id              bigserial PRIMARY KEY,
    broker_id       text NOT NULL REFERENCES organizations (id),
    kind            text NOT NULL
        CHECK (kind IN ('monthly_balance', 'adjustment', 'collection', 'payout', 'reversal')),
    amount          bigint NOT NULL,
    entry_date      date NOT NULL,
    description     text NOT NULL,
    month           date,
    closing_month   date REFERENCES month_closings (month),
    reverses        bigint UNIQUE REFERENCES ledger_entries (id),
    reason          text,
    created_by      text NOT NULL,
    idempotency_key text NOT NULL UNIQUE,
    posted_at       timestamptz NOT NULL,
    CHECK ((kind IN ('monthly_balance', 'adjustment')) = (month IS NOT NULL)),
    CHECK ((kind = 'reversal') = (reverses IS NOT NULL)),
    CHECK (kind NOT IN ('collection', 'payout', 'reversal') OR reason IS NOT NULL)
);
CREATE UNIQUE INDEX ledger_one_monthly_balance ON ledger_entries (broker_id, month)
    WHERE kind = 'monthly_balance';
CREATE UNIQUE INDEX ledger_one_adjustment ON ledger_entries (broker_id, month, closing_month)
    WHERE kind = 'adjustment';
CREATE INDEX ledger_broker ON ledger_entries (broker_id, entry_date, id);

-- Late contracts whose effect has been posted, and by which closing: each
-- late contract is adjusted once.
CREATE TABLE late_adjustments (
    contract_id   text PRIMARY KEY REFERENCES contracts (contract_id),
    closing_month date NOT NULL REFERENCES month_closings (month)
);

CREATE TRIGGER month_closings_append_only BEFORE UPDATE OR DELETE ON month_closings
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER monthly_balances_append_only BEFORE UPDATE OR DELETE ON monthly_balances
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER late_adjustments_append_only BEFORE UPDATE OR DELETE ON late_adjustments
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- +goose Down
DROP TABLE late_adjustments;
DROP TABLE ledger_entries;
DROP TABLE monthly_balances;
DROP TABLE month_closings;
DROP INDEX contracts_late;
DROP INDEX contracts_month;
