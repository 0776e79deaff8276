-- +goose Up

-- Closings that run at the same time must not draft a broker's balance
-- twice: at most one open bill drafted by a closing per broker.
CREATE UNIQUE INDEX invoices_one_open_auto ON invoices (broker_id)
    WHERE status IN ('draft', 'issued', 'overdue') AND created_by LIKE 'workflow:%';
CREATE UNIQUE INDEX payments_one_open_auto ON payments (broker_id)
    WHERE status IN ('draft', 'approved') AND created_by LIKE 'workflow:%';

-- +goose Down
DROP INDEX payments_one_open_auto;
DROP INDEX invoices_one_open_auto;
