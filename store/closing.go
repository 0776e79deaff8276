package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"clearinghouse/models"
)

// Ledger entry kinds.
const (
	EntryMonthlyBalance = "monthly_balance"
	EntryAdjustment     = "adjustment"
	EntryCollection     = "collection"
	EntryPayout         = "payout"
	EntryReversal       = "reversal"
)

// Closing is a closed month's record.
type Closing struct {
	Month       models.Month
	WorkflowID  string
	TriggeredBy string
	DueOn       time.Time
	ClosedAt    time.Time
	Brokers     int
	Contracts   int64
	TotalSales  int64
	SumBalances int64
	Adjustments int
}

type closingRow struct {
	Month       time.Time
	WorkflowID  string
	TriggeredBy string
	DueOn       time.Time
	ClosedAt    time.Time
	Brokers     int
	Contracts   int64
	TotalSales  int64
	SumBalances int64
	// Adjustments is read by the queries that count them.
	Adjustments int
}

func (r closingRow) toClosing() Closing {
	return Closing{
		Month: models.MonthFromDate(r.Month), WorkflowID: r.WorkflowID,
		TriggeredBy: r.TriggeredBy, DueOn: r.DueOn, ClosedAt: r.ClosedAt,
		Brokers: r.Brokers, Contracts: r.Contracts, TotalSales: r.TotalSales,
		SumBalances: r.SumBalances, Adjustments: r.Adjustments,
	}
}

// contractsGate is the advisory lock key that orders closings and contract
// inserts: inserts hold it shared, a closing exclusively. An advisory lock
// rather than a table lock, so that a closing never queues behind
// autovacuum.
const contractsGate = 7_301_001

// CloseRequest asks for one month's closing.
type CloseRequest struct {
	Month       models.Month
	WorkflowID  string
	TriggeredBy string
	Now         time.Time
}

// ErrAlreadyClosed reports a month closed before; the error's closing is
// returned beside it.
var ErrAlreadyClosed = errors.New("month already closed")

// CloseMonth closes a month in one transaction: every broker's balance from
// one set-based aggregation, one ledger entry per broker with activity dated
// the first day of the next month, and adjustments for contracts that
// arrived late for months closed before. Contract inserts wait meanwhile
// (see contractsGate), so that each contract is counted by its month's
// closing or marked late. A month closed before gives ErrAlreadyClosed and its
// record.
func (s *Store) CloseMonth(ctx context.Context, req CloseRequest) (Closing, error) {
	var c Closing
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		c, err = closeMonth(tx, req)
		return err
	})
	if isUniqueViolation(err) || errors.Is(err, ErrAlreadyClosed) {
		existing, readErr := s.Closing(ctx, req.Month)
		if readErr != nil {
			return Closing{}, readErr
		}
		return existing, ErrAlreadyClosed
	}
	if err != nil {
		return Closing{}, fmt.Errorf("closing %s: %w", req.Month, err)
	}
	return c, nil
}

func closeMonth(tx *gorm.DB, req CloseRequest) (Closing, error) {
	if err := tx.Exec(`SELECT pg_advisory_xact_lock(?)`, contractsGate).Error; err != nil {
		return Closing{}, err
	}
	var exists bool
	err := tx.Raw(`SELECT EXISTS (SELECT 1 FROM month_closings WHERE month = ?)`,
		req.Month.Date()).Scan(&exists).Error
	if err != nil {
		return Closing{}, err
	}
	if exists {
		return Closing{}, ErrAlreadyClosed
	}
	args := map[string]any{
		"month": req.Month.Date(), "due": req.Month.Next().Date(), "now": req.Now,
		"workflow": req.WorkflowID, "trigger": req.TriggeredBy,
		"label": req.Month.FiscalLabel() + "取引収支", "by": "workflow:" + req.WorkflowID,
	}
	if err := tx.Exec(aggregateMonthSQL, args).Error; err != nil {
		return Closing{}, err
	}
	if err := tx.Exec(closeMonthSQL, args).Error; err != nil {
		return Closing{}, err
	}
	if err := tx.Exec(adjustLateSQL, args).Error; err != nil {
		return Closing{}, err
	}
	return readClosing(tx, req.Month)
}

// readClosing reads a closing and counts the late contracts it adjusted.
func readClosing(db *gorm.DB, m models.Month) (Closing, error) {
	var rows []closingRow
	err := db.Raw(`SELECT * FROM month_closings WHERE month = ?`, m.Date()).Scan(&rows).Error
	if err != nil {
		return Closing{}, fmt.Errorf("reading closing: %w", err)
	}
	if len(rows) == 0 {
		return Closing{}, ErrNotFound
	}
	c := rows[0].toClosing()
	err = db.Raw(`SELECT count(*) FROM late_adjustments WHERE closing_month = ?`, m.Date()).
		Scan(&c.Adjustments).Error
	if err != nil {
		return Closing{}, fmt.Errorf("counting adjustments: %w", err)
	}
	return c, nil
}

// aggregateMonthSQL sums the month's contracts per broker into a temporary
// table. It is a statement of its own, not part of the inserts below,
// because PostgreSQL plans a query that writes without parallel workers,
// and the month's scan is the closing's whole cost. Sales and purchases are
// grouped apart and joined, rather than grouped over a union of both sides,
// so that each grouping runs in parallel over the month's rows.
const aggregateMonthSQL = `
CREATE TEMPORARY TABLE closing_agg ON COMMIT DROP AS
WITH sold AS (
    SELECT seller_id AS broker_id, sum(amount)::bigint AS sales, count(*) AS n
    FROM contracts WHERE trade_month = @month GROUP BY seller_id
), bought AS (
    SELECT buyer_id AS broker_id, sum(amount)::bigint AS purchases, count(*) AS n
    FROM contracts WHERE trade_month = @month GROUP BY buyer_id
)
SELECT broker_id, coalesce(sold.sales, 0) AS sales, coalesce(bought.purchases, 0) AS purchases,
       coalesce(sold.n, 0) + coalesce(bought.n, 0) AS rows, coalesce(sold.n, 0) AS sold
FROM sold FULL JOIN bought USING (broker_id)`

// closeMonthSQL records the closing and the balances from the aggregate,
// and posts one ledger entry per broker.
const closeMonthSQL = `
WITH agg AS (
    SELECT * FROM closing_agg
), closing AS (
    INSERT INTO month_closings (month, workflow_id, triggered_by, due_on, closed_at, brokers,
                                contracts, total_sales, sum_balances)
    SELECT @month, @workflow, @trigger, @due, @now, count(*), coalesce(sum(sold), 0),
           coalesce(sum(sales), 0), coalesce(sum(sales - purchases), 0)
    FROM agg
    RETURNING month
), balances AS (
    INSERT INTO monthly_balances (month, broker_id, sales, purchases, balance, rows)
    SELECT (SELECT month FROM closing), broker_id, sales, purchases, sales - purchases, rows
    FROM agg
    RETURNING broker_id, balance
)
INSERT INTO ledger_entries (broker_id, kind, amount, entry_date, description, month,
                            closing_month, created_by, idempotency_key, posted_at)
SELECT broker_id, 'monthly_balance', balance, @due, @label, @month, @month, @by,
       'close:' || CAST(@month AS text) || ':' || broker_id, @now
FROM balances`

// adjustLateSQL claims the late contracts of months before this one that no
// closing has adjusted yet, and posts their effect per broker and month.
const adjustLateSQL = `
WITH claimed AS (
    INSERT INTO late_adjustments (contract_id, closing_month)
    SELECT c.contract_id, @month FROM contracts c
    WHERE c.late AND c.trade_month < @month
      AND NOT EXISTS (SELECT 1 FROM late_adjustments a WHERE a.contract_id = c.contract_id)
    ON CONFLICT DO NOTHING
    RETURNING contract_id
), effects AS (
    SELECT h.broker_id, h.trade_month,
           sum(CASE h.side WHEN 'sale' THEN h.amount ELSE -h.amount END)::bigint AS amount
    FROM claimed JOIN transaction_history h USING (contract_id)
    GROUP BY h.broker_id, h.trade_month
)
INSERT INTO ledger_entries (broker_id, kind, amount, entry_date, description, month,
                            closing_month, created_by, idempotency_key, posted_at)
SELECT broker_id, 'adjustment', amount, @due,
       (extract(year FROM trade_month)::int
            - CASE WHEN extract(month FROM trade_month) < 4 THEN 1 ELSE 0 END)::text
           || '年度' || extract(month FROM trade_month)::int::text || '月取引収支 遅延分調整',
       trade_month, @month, @by,
       'adjust:' || CAST(@month AS text) || ':' || broker_id || ':' || trade_month::text, @now
FROM effects`

// Closing returns a closed month's record, or ErrNotFound.
func (s *Store) Closing(ctx context.Context, m models.Month) (Closing, error) {
	return readClosing(s.db.WithContext(ctx), m)
}

// Closings lists closed months, newest first.
func (s *Store) Closings(ctx context.Context, limit int) ([]Closing, error) {
	var rows []closingRow
	err := s.db.WithContext(ctx).Raw(`
		SELECT mc.*, (SELECT count(*) FROM late_adjustments a WHERE a.closing_month = mc.month)
		           AS adjustments
		FROM month_closings mc ORDER BY month DESC LIMIT ?`, limit).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("listing closings: %w", err)
	}
	out := make([]Closing, len(rows))
	for i, r := range rows {
		out[i] = r.toClosing()
	}
	return out, nil
}

// UnclosedMonths lists, oldest first, the months before `before` without a
// closing, from the first month with contracts on, so that a missed closing
// is caught up rather than skipped (quiet months too: they become confirmed
// with nothing in them).
func (s *Store) UnclosedMonths(ctx context.Context, before models.Month) ([]models.Month, error) {
	var dates []time.Time
	err := s.db.WithContext(ctx).Raw(`
		WITH RECURSIVE months AS (
		    SELECT min(trade_month) AS month FROM contracts
		    UNION ALL
		    SELECT (month + interval '1 month')::date FROM months
		    WHERE month + interval '1 month' < ?
		)
		SELECT m.month FROM months m
		WHERE m.month < ? AND m.month IS NOT NULL
		  AND NOT EXISTS (SELECT 1 FROM month_closings mc WHERE mc.month = m.month)
		ORDER BY m.month`, before.Date(), before.Date()).Scan(&dates).Error
	if err != nil {
		return nil, fmt.Errorf("finding unclosed months: %w", err)
	}
	months := make([]models.Month, len(dates))
	for i, d := range dates {
		months[i] = models.MonthFromDate(d)
	}
	return months, nil
}

// MonthBalance is a broker's confirmed balance for a closed month.
func (s *Store) MonthBalance(ctx context.Context, brokerID string, m models.Month) (int64, bool, error) {
	var rows []struct{ Balance int64 }
	err := s.db.WithContext(ctx).Raw(`SELECT balance FROM monthly_balances
		WHERE month = ? AND broker_id = ?`, m.Date(), brokerID).Scan(&rows).Error
	if err != nil {
		return 0, false, fmt.Errorf("reading monthly balance: %w", err)
	}
	if len(rows) == 0 {
		return 0, false, nil
	}
	return rows[0].Balance, true, nil
}
