package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"clearinghouse/models"
	"clearinghouse/store"
)

// Japanese labels of the two sides, as the portal shows them.
var sideLabels = map[string]string{store.SidePurchase: "購入", store.SideSale: "売却"}

type historyItem struct {
	ContractID       string `json:"contract_id"`
	Type             string `json:"type"`
	TypeLabel        string `json:"type_label"`
	BrokerID         string `json:"broker_id"`
	BrokerName       string `json:"broker_name"`
	CounterpartyID   string `json:"counterparty_id"`
	CounterpartyName string `json:"counterparty_name"`
	ItemCode         string `json:"item_code"`
	Amount           int64  `json:"amount"`
	SignedAmount     int64  `json:"signed_amount"`
	TradedAt         string `json:"traded_at"`
	Late             bool   `json:"late"`
}

type orgRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type historyResponse struct {
	Month       string        `json:"month"`
	FiscalLabel string        `json:"fiscal_label"`
	Broker      orgRef        `json:"broker"`
	Items       []historyItem `json:"items"`
	Balance     int64         `json:"balance"`
	Sign        string        `json:"sign"`
	Confirmed   bool          `json:"confirmed"`
	// LateBalance is the effect of contracts that arrived after the month
	// was closed: not in the confirmed balance, posted as an adjustment.
	LateBalance int64  `json:"late_balance"`
	AsOf        string `json:"as_of"`
	Total       int64  `json:"total"`
	Page        int    `json:"page"`
	PageSize    int    `json:"page_size"`
}

// transactions lists a broker's history for a month, oldest first, with the
// month's balance. Brokers see their own organisation only.
func (s *Server) transactions(c *gin.Context) {
	month, err := models.ParseMonth(c.Query("month"))
	if err != nil {
		fail(c, badRequest(CodeInvalidParameter, "month is required as YYYY-MM"))
		return
	}
	pg, err := readPage(c)
	if err != nil {
		fail(c, err)
		return
	}
	ctx := c.Request.Context()
	broker, err := s.brokerFor(ctx, session(c), c.Query("broker_id"))
	if err != nil {
		fail(c, err)
		return
	}
	resp, err := s.history(ctx, historyQuery{org: broker, month: month, page: pg})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, resp)
}

// brokerFor decides whose data a request may see: a broker its own
// organisation whatever it asks, an operator the broker it names.
func (s *Server) brokerFor(ctx context.Context, sess store.Session, id string) (store.Organization, error) {
	if sess.Role == store.RoleBroker {
		if id != "" && id != sess.OrganizationID {
			return store.Organization{}, newError(http.StatusForbidden, CodeForbidden,
				"brokers may only see their own organisation")
		}
		id = sess.OrganizationID
	}
	if id == "" {
		return store.Organization{}, badRequest(CodeBrokerRequired, "broker_id is required")
	}
	org, err := s.Store.Organization(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && org.Kind != store.KindBroker) {
		return store.Organization{}, newError(http.StatusNotFound, CodeNotFound,
			"no data broker has id "+id)
	}
	return org, err
}

// historyQuery names one page of a broker's month.
type historyQuery struct {
	org   store.Organization
	month models.Month
	page  page
}

func (s *Server) history(ctx context.Context, q historyQuery) (historyResponse, error) {
	org, m, pg := q.org, q.month, q.page
	summary, err := s.Store.Summary(ctx, org.ID, m)
	if err != nil {
		return historyResponse{}, err
	}
	rows, err := s.Store.History(ctx, org.ID, m, pg.Size, pg.offset())
	if err != nil {
		return historyResponse{}, err
	}
	resp := historyResponse{
		Month: m.String(), FiscalLabel: m.FiscalLabel(),
		Broker: orgRef{ID: org.ID, Name: org.Name}, Items: make([]historyItem, 0, len(rows)),
		Balance: summary.Balance, AsOf: models.DateJST(s.Now()), Total: summary.Rows,
		Page: pg.Number, PageSize: pg.Size,
	}
	if err := s.confirm(ctx, &resp, org.ID, m); err != nil {
		return historyResponse{}, err
	}
	resp.Sign = sign(resp.Balance)
	for _, r := range rows {
		resp.Items = append(resp.Items, toHistoryItem(r))
	}
	return resp, nil
}

// confirm replaces a closed month's live figures with its confirmed ones:
// the closed balance, and the closing's date as the as-of date.
// resp holds the live figures when called.
func (s *Server) confirm(ctx context.Context, resp *historyResponse, brokerID string, m models.Month) error {
	closing, err := s.Store.Closing(ctx, m)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	balance, _, err := s.Store.MonthBalance(ctx, brokerID, m)
	if err != nil {
		return err
	}
	resp.Confirmed = true
	resp.LateBalance = resp.Balance - balance
	resp.Balance = balance
	resp.AsOf = models.DateJST(closing.ClosedAt)
	return nil
}

func toHistoryItem(r store.HistoryRow) historyItem {
	signed := r.Amount
	if r.Side == store.SidePurchase {
		signed = -r.Amount
	}
	return historyItem{
		ContractID: r.ContractID, Type: r.Side, TypeLabel: sideLabels[r.Side],
		BrokerID: r.BrokerID, BrokerName: r.BrokerName, CounterpartyID: r.CounterpartyID,
		CounterpartyName: r.CounterpartyName, ItemCode: r.ItemCode, Amount: r.Amount,
		SignedAmount: signed, TradedAt: r.TradedAt.In(models.Tokyo).Format(time.RFC3339),
		Late: r.Late,
	}
}

// sign spells a balance's sign for display: "+", "-" or "" for zero.
func sign(n int64) string {
	switch {
	case n > 0:
		return "+"
	case n < 0:
		return "-"
	default:
		return ""
	}
}
