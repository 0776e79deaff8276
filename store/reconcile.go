package store

import (
	"context"
	"fmt"
)

// Check is one reconciliation check and what it found wrong.
type Check struct {
	Name     string
	Problems []string
}

// reconcileChecks recompute figures from the contracts and compare them with
// what was closed and posted. Each query returns one text line per problem.
var reconcileChecks = []struct{ name, sql string }{
	{"every contract has its purchase and its sale in the history", `
		SELECT 'contract ' || c.contract_id || ' has ' || count(h.side) || ' history rows'
		FROM contracts c LEFT JOIN transaction_history h
		  ON h.contract_id = c.contract_id AND h.amount = c.amount AND h.trade_month = c.trade_month
		 AND ((h.side = 'sale' AND h.broker_id = c.seller_id AND h.counterparty_id = c.buyer_id)
		   OR (h.side = 'purchase' AND h.broker_id = c.buyer_id AND h.counterparty_id = c.seller_id))
		GROUP BY c.contract_id HAVING count(h.side) <> 2
		ORDER BY c.contract_id LIMIT 100`},
	{"closed balances equal the balances recomputed from the history", `
		WITH recomputed AS (
		    SELECT h.trade_month AS month, h.broker_id,
		           sum(CASE h.side WHEN 'sale' THEN h.amount ELSE -h.amount END) AS balance
		    FROM transaction_history h JOIN month_closings mc ON mc.month = h.trade_month
		    WHERE NOT h.late GROUP BY h.trade_month, h.broker_id)
		SELECT to_char(coalesce(r.month, b.month), 'YYYY-MM') || ' ' ||
		       coalesce(r.broker_id, b.broker_id) || ': closed ' ||
		       coalesce(b.balance::text, 'nothing') || ', recomputed ' ||
		       coalesce(r.balance::text, 'nothing')
		FROM recomputed r FULL JOIN monthly_balances b
		  ON b.month = r.month AND b.broker_id = r.broker_id
		WHERE r.balance IS DISTINCT FROM b.balance
		ORDER BY 1 LIMIT 100`},
	{"each closed month's balances sum to zero", `
		SELECT to_char(mc.month, 'YYYY-MM') || ': balances sum to ' ||
		       coalesce(sum(b.balance), 0) || ', recorded ' || mc.sum_balances
		FROM month_closings mc LEFT JOIN monthly_balances b ON b.month = mc.month
		GROUP BY mc.month, mc.sum_balances
		HAVING coalesce(sum(b.balance), 0) <> 0 OR mc.sum_balances <> 0
		ORDER BY mc.month`},
	{"each closed balance is posted to the ledger once, with its amount", `
		SELECT to_char(coalesce(b.month, e.month), 'YYYY-MM') || ' ' ||
		       coalesce(b.broker_id, e.broker_id) || ': closed ' ||
		       coalesce(b.balance::text, 'nothing') || ', posted ' || coalesce(e.amount::text, 'nothing')
		FROM monthly_balances b FULL JOIN
		     (SELECT * FROM ledger_entries WHERE kind = 'monthly_balance') e
		  ON e.broker_id = b.broker_id AND e.month = b.month
		WHERE b.balance IS DISTINCT FROM e.amount
		ORDER BY 1 LIMIT 100`},
	{"late contracts are adjusted once, with their effect", `
		WITH effects AS (
		    SELECT h.broker_id, h.trade_month AS month, a.closing_month,
		           sum(CASE h.side WHEN 'sale' THEN h.amount ELSE -h.amount END) AS amount
		    FROM late_adjustments a JOIN transaction_history h USING (contract_id)
		    GROUP BY h.broker_id, h.trade_month, a.closing_month)
		SELECT coalesce(f.broker_id, e.broker_id) || ' ' ||
		       to_char(coalesce(f.month, e.month), 'YYYY-MM') || ' adjusted by ' ||
		       to_char(coalesce(f.closing_month, e.closing_month), 'YYYY-MM') || ': late contracts ' ||
		       coalesce(f.amount::text, 'nothing') || ', posted ' || coalesce(e.amount::text, 'nothing')
		FROM effects f FULL JOIN (SELECT * FROM ledger_entries WHERE kind = 'adjustment') e
		  ON e.broker_id = f.broker_id AND e.month = f.month AND e.closing_month = f.closing_month
		WHERE f.amount IS DISTINCT FROM e.amount
		ORDER BY 1 LIMIT 100`},
	{"only contracts of closed months are late, and none is adjusted before it arrived", `
		SELECT 'contract ' || c.contract_id || ' is late for an unclosed month ' ||
		       to_char(c.trade_month, 'YYYY-MM')
		FROM contracts c LEFT JOIN month_closings mc ON mc.month = c.trade_month
		WHERE c.late AND mc.month IS NULL
		UNION ALL
		SELECT 'contract ' || a.contract_id || ' is adjusted but not late'
		FROM late_adjustments a JOIN contracts c USING (contract_id) WHERE NOT c.late
		LIMIT 100`},
	{"reversals cancel the entry they name, for the same broker", `
		SELECT 'entry ' || r.id || ' reverses entry ' || o.id || ' wrongly'
		FROM ledger_entries r JOIN ledger_entries o ON o.id = r.reverses
		WHERE r.amount <> -o.amount OR r.broker_id <> o.broker_id
		LIMIT 100`},
}

// Reconcile runs every reconciliation check.
func (s *Store) Reconcile(ctx context.Context) ([]Check, error) {
	checks := make([]Check, 0, len(reconcileChecks))
	for _, rc := range reconcileChecks {
		var problems []string
		if err := s.db.WithContext(ctx).Raw(rc.sql).Scan(&problems).Error; err != nil {
			return nil, fmt.Errorf("checking that %s: %w", rc.name, err)
		}
		checks = append(checks, Check{Name: rc.name, Problems: problems})
	}
	return checks, nil
}

// PendingLateContracts counts late contracts no closing has adjusted yet:
// the next closing will.
func (s *Store) PendingLateContracts(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Raw(`SELECT count(*) FROM contracts c
		WHERE c.late AND NOT EXISTS (SELECT 1 FROM late_adjustments a
		                             WHERE a.contract_id = c.contract_id)`).Scan(&n).Error
	if err != nil {
		return 0, fmt.Errorf("counting pending late contracts: %w", err)
	}
	return n, nil
}
