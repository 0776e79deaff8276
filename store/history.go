package store

import (
	"context"
	"fmt"
	"time"

	"clearinghouse/models"
)

// History sides.
const (
	SidePurchase = "purchase"
	SideSale     = "sale"
)

// HistoryRow is one side of a contract as its broker sees it.
type HistoryRow struct {
	ContractID       string
	Side             string
	BrokerID         string
	BrokerName       string
	CounterpartyID   string
	CounterpartyName string
	ItemCode         string
	Amount           int64
	TradedAt         time.Time
	Late             bool
}

// MonthSummary is a broker's month: how many history rows and the balance
// (sales minus purchases).
type MonthSummary struct {
	Rows    int64
	Balance int64
}

// History lists a broker's rows for a month, oldest first, one page at a
// time.
func (s *Store) History(ctx context.Context, id string, m models.Month, n, skip int) ([]HistoryRow, error) {
	var rows []HistoryRow
	err := s.db.WithContext(ctx).Raw(`
		SELECT h.contract_id, h.side, h.broker_id, b.name AS broker_name,
		       h.counterparty_id, c.name AS counterparty_name, h.item_code, h.amount,
		       h.traded_at, h.late
		FROM transaction_history h
		JOIN organizations b ON b.id = h.broker_id
		JOIN organizations c ON c.id = h.counterparty_id
		WHERE h.broker_id = ? AND h.trade_month = ?
		ORDER BY h.traded_at, h.contract_id
		LIMIT ? OFFSET ?`, id, m.Date(), n, skip).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("reading history: %w", err)
	}
	return rows, nil
}

// Summary counts a broker's rows for a month and computes its balance.
func (s *Store) Summary(ctx context.Context, brokerID string, m models.Month) (MonthSummary, error) {
	var sum MonthSummary
	err := s.db.WithContext(ctx).Raw(`
		SELECT count(*) AS rows,
		       coalesce(sum(CASE side WHEN 'sale' THEN amount ELSE -amount END), 0)::bigint
		           AS balance
		FROM transaction_history
		WHERE broker_id = ? AND trade_month = ?`, brokerID, m.Date()).Scan(&sum).Error
	if err != nil {
		return MonthSummary{}, fmt.Errorf("summing history: %w", err)
	}
	return sum, nil
}
