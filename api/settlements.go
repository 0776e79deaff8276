package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"clearinghouse/activities"
	"clearinghouse/auth"
	"clearinghouse/models"
	"clearinghouse/store"
	"clearinghouse/workflows"
)

// maxEntryAmount bounds one manual entry: a trillion yen is far beyond any
// real settlement and keeps sums far from overflow.
const maxEntryAmount = 1_000_000_000_000

const idempotencyKeyHelp = "Idempotency-Key must be 8 to 128 letters, digits, '.', '_', ':' or '-'"

var idempotencyKeyPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{8,128}$`)

// Japanese descriptions of manual entries, as the seed's ledger shows them.
var entryDescriptions = map[string]string{
	store.EntryCollection: "清算 払い込み",
	store.EntryPayout:     "清算 引き出し",
}

type ledgerItem struct {
	ID          int64  `json:"id"`
	Date        string `json:"date"`
	Description string `json:"description"`
	Amount      int64  `json:"amount"`
	Balance     int64  `json:"balance"`
	Kind        string `json:"kind"`
	Month       string `json:"month,omitempty"`
	Reverses    int64  `json:"reverses,omitempty"`
	PostedAt    string `json:"posted_at"`
	// For operators only: who or what posted the entry, why, its workflow
	// and whether it may be reversed here.
	Reason      string `json:"reason,omitempty"`
	CreatedBy   string `json:"created_by,omitempty"`
	WorkflowURL string `json:"workflow_url,omitempty"`
	Reversible  *bool  `json:"reversible,omitempty"`
}

type ledgerResponse struct {
	Broker  orgRef       `json:"broker"`
	Items   []ledgerItem `json:"items"`
	Balance int64        `json:"balance"`
	Sign    string       `json:"sign"`
}

// ledger lists a broker's settlement entries oldest first with running
// balances; the rows add up to the balance.
func (s *Server) ledger(c *gin.Context) {
	ctx := c.Request.Context()
	broker, err := s.brokerFor(ctx, session(c), c.Query("broker_id"))
	if err != nil {
		fail(c, err)
		return
	}
	entries, balance, err := s.Store.Ledger(ctx, broker.ID)
	if err != nil {
		fail(c, err)
		return
	}
	resp := ledgerResponse{Broker: orgRef{ID: broker.ID, Name: broker.Name},
		Items: make([]ledgerItem, 0, len(entries)), Balance: balance, Sign: sign(balance)}
	reversed := map[int64]bool{}
	for _, e := range entries {
		if e.Reverses != nil {
			reversed[*e.Reverses] = true
		}
	}
	operator := session(c).Role == store.RoleOperator
	for _, e := range entries {
		item := toLedgerItem(e)
		if operator {
			item = s.operatorLedgerItem(e, reversible(e) && !reversed[e.ID])
		}
		resp.Items = append(resp.Items, item)
	}
	c.JSON(http.StatusOK, resp)
}

// operatorLedgerItem shows an entry to an operator: with who posted it and
// why, linked to the workflow that posted it.
func (s *Server) operatorLedgerItem(e store.Entry, canReverse bool) ledgerItem {
	item := toLedgerItem(e)
	item.Reason, item.CreatedBy, item.Reversible = e.Reason, e.CreatedBy, &canReverse
	if id, ok := strings.CutPrefix(e.CreatedBy, "workflow:"); ok {
		item.WorkflowURL = s.workflowURL(id)
	}
	return item
}

// toLedgerItem shows an entry as its broker sees it.
func toLedgerItem(e store.Entry) ledgerItem {
	item := ledgerItem{
		ID: e.ID, Date: e.EntryDate.Format(time.DateOnly), Description: e.Description,
		Amount: e.Amount, Balance: e.Balance, Kind: e.Kind,
		PostedAt: e.PostedAt.UTC().Format(time.RFC3339),
	}
	if e.Month != nil {
		item.Month = e.Month.Format("2006-01")
	}
	if e.Reverses != nil {
		item.Reverses = *e.Reverses
	}
	return item
}

type entryRequest struct {
	BrokerID string `json:"broker_id"`
	Kind     string `json:"kind"`
	Amount   int64  `json:"amount"`
	Date     string `json:"date"`
	Reason   string `json:"reason"`
}

// postEntry records a collection (the broker paid us: positive) or a payout
// (we paid the broker: negative) outside invoices.
func (s *Server) postEntry(c *gin.Context) {
	var req entryRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	ctx := c.Request.Context()
	in, err := s.checkEntry(ctx, req)
	if err != nil {
		fail(c, err)
		return
	}
	s.runPostEntry(c, in)
}

func (s *Server) checkEntry(ctx context.Context, req entryRequest) (activities.PostEntryInput, error) {
	desc, ok := entryDescriptions[req.Kind]
	switch {
	case !ok:
		return activities.PostEntryInput{}, badRequest(CodeInvalidEntry, "kind must be collection or payout")
	case req.Amount <= 0 || req.Amount > maxEntryAmount:
		return activities.PostEntryInput{}, badRequest(CodeInvalidEntry,
			"amount must be a positive number of yen, at most 1,000,000,000,000")
	}
	if _, err := parseDate(req.Date); err != nil {
		return activities.PostEntryInput{}, badRequest(CodeInvalidEntry, "date must be YYYY-MM-DD")
	}
	if req.Date > models.DateJST(s.Now()) {
		return activities.PostEntryInput{}, badRequest(CodeInvalidEntry,
			"date cannot be later than today in Japan time: money moved on the day it moved")
	}
	if err := checkReason(req.Reason); err != nil {
		return activities.PostEntryInput{}, err
	}
	org, err := s.Store.Organization(ctx, req.BrokerID)
	if errors.Is(err, store.ErrNotFound) || err == nil && org.Kind != store.KindBroker {
		return activities.PostEntryInput{}, badRequest(CodeInvalidEntry, "no data broker has id "+req.BrokerID)
	}
	if err != nil {
		return activities.PostEntryInput{}, err
	}
	amount := req.Amount
	if req.Kind == store.EntryPayout {
		amount = -amount
	}
	return activities.PostEntryInput{
		BrokerID: org.ID, Kind: req.Kind, Amount: amount, Date: req.Date,
		Description: desc, Reason: strings.TrimSpace(req.Reason),
	}, nil
}

func checkReason(reason string) error {
	r := strings.TrimSpace(reason)
	if r == "" || len([]rune(r)) > 500 {
		return badRequest(CodeInvalidEntry, "reason is required, at most 500 characters")
	}
	if !plainText(r, true) {
		return textError(CodeInvalidEntry, "reason")
	}
	return nil
}

type reverseRequest struct {
	Reason string `json:"reason"`
	Date   string `json:"date"`
}

// reverseEntry cancels an entry with a new entry of the opposite amount.
func (s *Server) reverseEntry(c *gin.Context) {
	var req reverseRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		fail(c, newError(http.StatusNotFound, CodeNotFound, "no such ledger entry"))
		return
	}
	if err := checkReason(req.Reason); err != nil {
		fail(c, err)
		return
	}
	date := req.Date
	if date == "" {
		date = models.DateJST(s.Now())
	} else if _, err := parseDate(date); err != nil {
		fail(c, badRequest(CodeInvalidEntry, "date must be YYYY-MM-DD"))
		return
	} else if date > models.DateJST(s.Now()) {
		fail(c, badRequest(CodeInvalidEntry, "a reversal cannot be dated later than today in Japan time"))
		return
	}
	orig, err := s.Store.EntryByID(c.Request.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		fail(c, newError(http.StatusNotFound, CodeNotFound, "no such ledger entry"))
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	if d, _ := parseDate(date); d.Before(orig.EntryDate) {
		// Without a date given, a reversal is dated today, or with the
		// entry it reverses if that one is dated later.
		if req.Date != "" {
			fail(c, badRequest(CodeInvalidEntry, "a reversal cannot be dated before the entry it reverses"))
			return
		}
		date = orig.EntryDate.Format(time.DateOnly)
	}
	if !reversible(orig) {
		fail(c, newError(http.StatusConflict, CodeNotReversible, "this entry cannot be reversed here: "+
			"a closing's, an invoice's or a payment's entry is corrected there, and a reversal by a new entry"))
		return
	}
	s.runPostEntry(c, activities.PostEntryInput{
		BrokerID: orig.BrokerID, Kind: store.EntryReversal, Date: date,
		Reason: strings.TrimSpace(req.Reason), Reverses: id,
	})
}

// reversible tells whether an operator may reverse an entry: manual ones
// only. A closing's figures stay as confirmed, and an invoice's or
// payment's entry belongs to it.
func reversible(e store.Entry) bool {
	switch e.Kind {
	case store.EntryMonthlyBalance, store.EntryAdjustment, store.EntryReversal:
		return false
	}
	return !strings.HasPrefix(e.IdempotencyKey, "invoice:") &&
		!strings.HasPrefix(e.IdempotencyKey, "payment:")
}

// sameRequest tells whether a stored entry is what in asked for, so that an
// Idempotency-Key reused for another request is refused, not answered with
// the first request's entry.
func sameRequest(e store.Entry, in activities.PostEntryInput) bool {
	if in.Reverses != 0 {
		return e.Reverses != nil && *e.Reverses == in.Reverses
	}
	return e.BrokerID == in.BrokerID && e.Kind == in.Kind && e.Amount == in.Amount &&
		e.EntryDate.Format(time.DateOnly) == in.Date
}

// runPostEntry posts the entry through its workflow and waits for it. The
// Idempotency-Key header, when sent, makes a retried request post once.
func (s *Server) runPostEntry(c *gin.Context, in activities.PostEntryInput) {
	key := c.GetHeader("Idempotency-Key")
	if key != "" && !idempotencyKeyPattern.MatchString(key) {
		fail(c, badRequest(CodeInvalidParameter, idempotencyKeyHelp))
		return
	}
	if key == "" {
		var err error
		if key, err = auth.RandomToken(18); err != nil {
			fail(c, err)
			return
		}
	}
	in.IdempotencyKey = "manual:" + key
	in.CreatedBy = "operator:" + session(c).LoginID
	ctx := c.Request.Context()
	id := workflows.LedgerWorkflowID(key)
	opts := client.StartWorkflowOptions{
		ID: id, TaskQueue: s.TaskQueue,
		WorkflowIDReusePolicy:    enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}
	run, err := s.Temporal.ExecuteWorkflow(ctx, opts, workflows.PostEntry, in)
	if err != nil {
		fail(c, fmt.Errorf("starting ledger posting: %w", err))
		return
	}
	var res activities.PostEntryResult
	if err := run.Get(ctx, &res); err != nil {
		fail(c, entryError(err))
		return
	}
	e, err := s.Store.EntryByID(ctx, res.ID)
	if err != nil {
		fail(c, err)
		return
	}
	if !sameRequest(e, in) {
		fail(c, newError(http.StatusConflict, CodeIdempotencyKeyReused,
			"this Idempotency-Key was used for another request"))
		return
	}
	if e.Balance, err = s.Store.RunningBalance(ctx, e); err != nil {
		fail(c, err)
		return
	}
	status := http.StatusCreated
	if !res.Created {
		status = http.StatusOK
	}
	c.JSON(status, s.operatorLedgerItem(e, reversible(e)))
}

func entryError(err error) error {
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) {
		return err
	}
	switch {
	case appErr.Type() == activities.ErrTypeExceedsBalance:
		return newError(http.StatusConflict, CodeExceedsBalance, appErr.Message())
	case appErr.Type() == activities.ErrTypeConflict && strings.Contains(appErr.Error(), "reversed"):
		return newError(http.StatusConflict, CodeAlreadyReversed, "the entry is already reversed, or is a reversal")
	case appErr.Type() == activities.ErrTypeConflict:
		return newError(http.StatusConflict, CodeConflict, "the entry conflicts with the ledger")
	case appErr.Type() == activities.ErrTypeNotFound:
		return newError(http.StatusNotFound, CodeNotFound, "no such ledger entry")
	}
	return err
}
