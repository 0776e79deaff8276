package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"clearinghouse/models"
	"clearinghouse/store"
	"clearinghouse/workflows"
)

// maxBackfillMonths bounds one backfill request: ten years.
const maxBackfillMonths = 120

// Closing statuses shown by the API.
const (
	closingOpen       = "open"
	closingInProgress = "in_progress"
	closingClosed     = "closed"
	closingFailed     = "failed"
)

const closingRequestHelp = `send {"month": "YYYY-MM"} or {"from": "YYYY-MM", "to": "YYYY-MM"}`

type closingRequest struct {
	Month string `json:"month"`
	From  string `json:"from"`
	To    string `json:"to"`
}

type closingView struct {
	Month       string `json:"month"`
	FiscalLabel string `json:"fiscal_label"`
	Status      string `json:"status"`
	WorkflowID  string `json:"workflow_id,omitempty"`
	WorkflowURL string `json:"workflow_url,omitempty"`
	TriggeredBy string `json:"triggered_by,omitempty"`
	DueOn       string `json:"due_on,omitempty"`
	ClosedAt    string `json:"closed_at,omitempty"`
	Brokers     int    `json:"brokers"`
	Contracts   int64  `json:"contracts"`
	TotalSales  int64  `json:"total_sales"`
	SumBalances int64  `json:"sum_balances"`
	Adjustments int    `json:"adjustments"`
}

// createClosing closes one month now, or a range of months in order.
func (s *Server) createClosing(c *gin.Context) {
	var req closingRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	if req.Month != "" && (req.From != "" || req.To != "") || req.Month == "" && req.From == "" {
		fail(c, badRequest(CodeInvalidParameter, closingRequestHelp))
		return
	}
	if req.Month != "" {
		s.closeOneMonth(c, req.Month)
		return
	}
	s.closeRange(c, req.From, req.To)
}

func (s *Server) closeOneMonth(c *gin.Context, raw string) {
	ctx := c.Request.Context()
	m, err := s.endedMonth("month", raw)
	if err != nil {
		fail(c, err)
		return
	}
	if closed, err := s.Store.Closing(ctx, m); err == nil {
		e := newError(http.StatusConflict, CodeAlreadyClosed, m.String()+" is already closed")
		e.Details = s.closingView(closed)
		fail(c, e)
		return
	} else if !errors.Is(err, store.ErrNotFound) {
		fail(c, err)
		return
	}
	in := workflows.CloseInput{Month: m.String(), TriggeredBy: "operator:" + session(c).LoginID}
	run, err := s.Temporal.ExecuteWorkflow(ctx, s.closeOptions(workflows.CloseWorkflowID(m.String())),
		workflows.Close, in)
	if err != nil {
		fail(c, s.startError(err, m))
		return
	}
	c.JSON(http.StatusAccepted, closingView{
		Month: m.String(), FiscalLabel: m.FiscalLabel(), Status: closingInProgress,
		WorkflowID: run.GetID(), WorkflowURL: s.workflowURL(run.GetID()),
	})
}

// closeOptions start a closing workflow once: a second request while it
// runs joins the running one, and a failed one may be started again.
func (s *Server) closeOptions(id string) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                s.TaskQueue,
		WorkflowIDReusePolicy:    enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			workflows.SearchAttributeState.ValueSet(workflows.StateProcessing)),
	}
}

func (s *Server) startError(err error, m models.Month) error {
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return newError(http.StatusConflict, CodeAlreadyClosed, m.String()+" is already closed")
	}
	s.log.Warn("closing not started", "month", m.String(), "error", err)
	return newError(http.StatusServiceUnavailable, CodeServiceUnavailable,
		"the closing could not start; try again later")
}

func (s *Server) closeRange(c *gin.Context, rawFrom, rawTo string) {
	from, err := models.ParseMonth(rawFrom)
	if err != nil {
		fail(c, badRequest(CodeInvalidParameter, "from must be YYYY-MM"))
		return
	}
	to, err := s.endedMonth("to", rawTo)
	if err != nil {
		fail(c, err)
		return
	}
	var months []string
	for m := from; !to.Before(m); m = m.Next() {
		months = append(months, m.String())
		if len(months) > maxBackfillMonths {
			fail(c, badRequest(CodeInvalidParameter, "a backfill covers at most 120 months"))
			return
		}
	}
	if len(months) == 0 {
		fail(c, badRequest(CodeInvalidParameter, "from must not be after to"))
		return
	}
	id := workflows.CloseRunWorkflowID(from.String(), to.String())
	in := workflows.CloseMonthsInput{Months: months, TriggeredBy: "backfill:" + session(c).LoginID}
	run, err := s.Temporal.ExecuteWorkflow(c.Request.Context(), s.backfillOptions(id), workflows.CloseMonths, in)
	if err != nil {
		fail(c, s.startError(err, to))
		return
	}
	c.JSON(http.StatusAccepted, gin.H{
		"months": months, "status": closingInProgress, "workflow_id": run.GetID(),
		"workflow_url": s.workflowURL(run.GetID()),
	})
}

// backfillOptions let a range be backfilled again later: each month's
// closing is idempotent, so a second run only reports what was closed.
func (s *Server) backfillOptions(id string) client.StartWorkflowOptions {
	o := s.closeOptions(id)
	o.WorkflowIDReusePolicy = enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE
	return o
}

// endedMonth parses a month that has ended in Japan time.
func (s *Server) endedMonth(field, raw string) (models.Month, error) {
	m, err := models.ParseMonth(raw)
	if err != nil {
		return models.Month{}, badRequest(CodeInvalidParameter, field+" must be YYYY-MM")
	}
	if s.Now().Before(m.Next().Start()) {
		return models.Month{}, newError(http.StatusConflict, CodeMonthNotEnded,
			m.String()+" has not ended yet in Japan time")
	}
	return m, nil
}

// getClosing says whether a month is open, closing, closed or failed.
func (s *Server) getClosing(c *gin.Context) {
	m, err := models.ParseMonth(c.Param("month"))
	if err != nil {
		fail(c, badRequest(CodeInvalidParameter, "month must be YYYY-MM"))
		return
	}
	ctx := c.Request.Context()
	closed, err := s.Store.Closing(ctx, m)
	if err == nil {
		c.JSON(http.StatusOK, s.closingView(closed))
		return
	}
	if !errors.Is(err, store.ErrNotFound) {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, closingView{
		Month: m.String(), FiscalLabel: m.FiscalLabel(), Status: s.workflowStatus(ctx, m),
		WorkflowID:  workflows.CloseWorkflowID(m.String()),
		WorkflowURL: s.workflowURL(workflows.CloseWorkflowID(m.String())),
	})
}

// workflowStatus tells an unclosed month's closing workflow state.
func (s *Server) workflowStatus(ctx context.Context, m models.Month) string {
	desc, err := s.Temporal.DescribeWorkflowExecution(ctx, workflows.CloseWorkflowID(m.String()), "")
	if err != nil {
		return closingOpen
	}
	switch desc.GetWorkflowExecutionInfo().GetStatus() {
	case enums.WORKFLOW_EXECUTION_STATUS_RUNNING:
		return closingInProgress
	case enums.WORKFLOW_EXECUTION_STATUS_COMPLETED:
		return closingClosed
	default:
		return closingFailed
	}
}

func (s *Server) listClosings(c *gin.Context) {
	closings, err := s.Store.Closings(c.Request.Context(), 240)
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]closingView, 0, len(closings))
	for _, cl := range closings {
		items = append(items, s.closingView(cl))
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

func (s *Server) closingView(cl store.Closing) closingView {
	return closingView{
		Month: cl.Month.String(), FiscalLabel: cl.Month.FiscalLabel(), Status: closingClosed,
		WorkflowID: cl.WorkflowID, WorkflowURL: s.workflowURL(cl.WorkflowID),
		TriggeredBy: cl.TriggeredBy, DueOn: cl.DueOn.Format(time.DateOnly),
		ClosedAt: cl.ClosedAt.UTC().Format(time.RFC3339), Brokers: cl.Brokers,
		Contracts: cl.Contracts, TotalSales: cl.TotalSales, SumBalances: cl.SumBalances,
		Adjustments: cl.Adjustments,
	}
}
