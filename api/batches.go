package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"

	"clearinghouse/models"
	"clearinghouse/store"
	"clearinghouse/workflows"
)

// maxIssuesListed bounds the per-contract error list of a refused batch; the
// total is always given.
const maxIssuesListed = 1000

type batchRequest struct {
	RequestID *string                      `json:"request_id"`
	Contracts []map[string]json.RawMessage `json:"contracts"`
}

// batchResponse is a batch's status as the market and operators see it.
type batchResponse struct {
	RequestID   string           `json:"request_id"`
	Status      string           `json:"status"`
	Contracts   int              `json:"contracts"`
	Chunks      int              `json:"chunks"`
	Stored      int              `json:"stored"`
	Duplicate   int              `json:"duplicate"`
	Conflicting int              `json:"conflicting"`
	LastError   string           `json:"last_error,omitempty"`
	ReceivedAt  string           `json:"received_at"`
	FinishedAt  string           `json:"finished_at,omitempty"`
	WorkflowID  string           `json:"workflow_id"`
	WorkflowURL string           `json:"workflow_url,omitempty"`
	Conflicts   []store.Conflict `json:"conflicts,omitempty"`
}

type issuesDetail struct {
	Total  int                    `json:"total"`
	Issues []models.ContractIssue `json:"issues"`
}

// submitBatch validates a market batch whole, stages it and starts its
// ingestion workflow. A batch with any invalid contract stores nothing.
func (s *Server) submitBatch(c *gin.Context) {
	var req batchRequest
	if err := bindJSON(c, &req); err != nil {
		s.metrics.batchesSubmitted.WithLabelValues("refused").Inc()
		fail(c, err)
		return
	}
	ctx := c.Request.Context()
	nb, err := s.validateBatch(ctx, req)
	if err != nil {
		s.metrics.batchesSubmitted.WithLabelValues("refused").Inc()
		fail(c, err)
		return
	}
	batch, created, err := s.Store.CreateBatch(ctx, nb)
	if errors.Is(err, store.ErrRequestReused) {
		s.metrics.batchesSubmitted.WithLabelValues("reused_id").Inc()
		fail(c, newError(http.StatusConflict, CodeRequestIDReused,
			"request_id "+nb.RequestID+" was already used for a batch with other content"))
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	if batch.Status == store.BatchProcessing {
		if err := s.startIngestion(ctx, batch); err != nil {
			fail(c, err)
			return
		}
	}
	status := http.StatusOK
	if created {
		status = http.StatusAccepted
		s.metrics.batchesSubmitted.WithLabelValues("accepted").Inc()
		s.metrics.contractsQueued.Add(float64(batch.ContractCount))
	} else {
		s.metrics.batchesSubmitted.WithLabelValues("replayed").Inc()
	}
	s.writeBatch(c, status, batch)
}

func (s *Server) validateBatch(ctx context.Context, req batchRequest) (store.NewBatch, error) {
	if req.RequestID == nil || !models.ValidRequestID(*req.RequestID) {
		return store.NewBatch{}, badRequest(CodeInvalidRequestID,
			"request_id is required: 1 to 128 letters, digits, '.', '_', ':' or '-'")
	}
	if len(req.Contracts) == 0 {
		return store.NewBatch{}, badRequest(CodeNoContracts, "contracts must list at least one contract")
	}
	if len(req.Contracts) > models.MaxContractsPerBatch {
		return store.NewBatch{}, newError(http.StatusRequestEntityTooLarge, CodeTooManyContracts,
			fmt.Sprintf("a batch holds at most %d contracts", models.MaxContractsPerBatch))
	}
	contracts := make([]models.Contract, len(req.Contracts))
	var issues []models.ContractIssue
	for i, raw := range req.Contracts {
		var found []models.ContractIssue
		contracts[i], found = models.ParseContract(i, raw)
		issues = append(issues, found...)
	}
	issues = append(issues, models.CheckRepeats(contracts)...)
	brokerIssues, err := s.checkBrokers(ctx, contracts)
	if err != nil {
		return store.NewBatch{}, err
	}
	issues = append(issues, brokerIssues...)
	if len(issues) > 0 {
		return store.NewBatch{}, invalidContracts(issues)
	}
	return store.NewBatch{
		RequestID: *req.RequestID, Digest: models.BatchDigest(contracts), Contracts: contracts,
		ChunkSize: s.ChunkSize, WorkflowID: workflows.IngestWorkflowID(*req.RequestID),
		ReceivedAt: s.Now(),
	}, nil
}

// checkBrokers reports every contract naming a broker that is not an active
// data broker.
func (s *Server) checkBrokers(ctx context.Context, cs []models.Contract) ([]models.ContractIssue, error) {
	seen := map[string]bool{}
	var ids []string
	for _, c := range cs {
		for _, id := range []string{c.BuyerID, c.SellerID} {
			if id != "" && !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	unknown, err := s.Store.UnknownBrokers(ctx, ids)
	if err != nil || len(unknown) == 0 {
		return nil, err
	}
	var issues []models.ContractIssue
	for i, c := range cs {
		for field, id := range map[string]string{"buyer_id": c.BuyerID, "seller_id": c.SellerID} {
			if slices.Contains(unknown, id) {
				issues = append(issues, models.ContractIssue{
					Index: i, ContractID: c.ContractID, Field: field,
					Code: models.CodeUnknownBroker, Message: "no active data broker has id " + id,
				})
			}
		}
	}
	return issues, nil
}

func invalidContracts(issues []models.ContractIssue) *apiError {
	slices.SortStableFunc(issues, func(a, b models.ContractIssue) int {
		if a.Index != b.Index {
			return a.Index - b.Index
		}
		return strings.Compare(a.Field, b.Field)
	})
	e := newError(http.StatusUnprocessableEntity, CodeInvalidContracts,
		fmt.Sprintf("%d problem(s) in the batch; nothing was stored", len(issues)))
	e.Details = issuesDetail{Total: len(issues), Issues: issues[:min(len(issues), maxIssuesListed)]}
	return e
}

// startIngestion starts the batch's workflow. Starting is idempotent: a
// workflow already running or finished under the same id is left as it is.
func (s *Server) startIngestion(ctx context.Context, b store.Batch) error {
	in := workflows.IngestInput{RequestID: b.RequestID, Chunks: b.ChunkCount}
	err := workflows.StartIngest(ctx, s.Temporal, s.TaskQueue, in)
	if err == nil {
		return nil
	}
	s.log.Warn("ingestion not started", "request_id", b.RequestID, "error", err)
	return newError(http.StatusServiceUnavailable, CodeServiceUnavailable,
		"the batch is recorded but its processing could not start; send it again later")
}

func (s *Server) getBatch(c *gin.Context) {
	b, err := s.Store.Batch(c.Request.Context(), c.Param("request_id"))
	if errors.Is(err, store.ErrNotFound) {
		fail(c, newError(http.StatusNotFound, CodeNotFound, "no batch has this request_id"))
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	s.writeBatch(c, http.StatusOK, b)
}

func (s *Server) writeBatch(c *gin.Context, status int, b store.Batch) {
	resp := s.batchView(b)
	if b.Conflicting > 0 {
		conflicts, err := s.Store.BatchConflicts(c.Request.Context(), b.RequestID, 100)
		if err != nil {
			fail(c, err)
			return
		}
		resp.Conflicts = conflicts
	}
	c.JSON(status, resp)
}

func (s *Server) batchView(b store.Batch) batchResponse {
	resp := batchResponse{
		RequestID: b.RequestID, Status: b.Status, Contracts: b.ContractCount,
		Chunks: b.ChunkCount, Stored: b.Stored, Duplicate: b.Duplicate,
		Conflicting: b.Conflicting, LastError: b.LastError,
		ReceivedAt: b.ReceivedAt.UTC().Format(time.RFC3339), WorkflowID: b.WorkflowID,
		WorkflowURL: s.workflowURL(b.WorkflowID),
	}
	if b.FinishedAt != nil {
		resp.FinishedAt = b.FinishedAt.UTC().Format(time.RFC3339)
	}
	return resp
}

// workflowURL links to a workflow in the Temporal Web UI.
func (s *Server) workflowURL(workflowID string) string {
	if s.TemporalUIURL == "" {
		return ""
	}
	return fmt.Sprintf("%s/namespaces/%s/workflows/%s", strings.TrimRight(s.TemporalUIURL, "/"),
		url.PathEscape(s.Namespace), url.PathEscape(workflowID))
}

type batchList struct {
	Items    []batchResponse `json:"items"`
	Total    int64           `json:"total"`
	Page     int             `json:"page"`
	PageSize int             `json:"page_size"`
}

func (s *Server) listBatches(c *gin.Context) {
	page, err := readPage(c)
	if err != nil {
		fail(c, err)
		return
	}
	status := c.Query("status")
	valid := []string{"", store.BatchProcessing, store.BatchCompleted, store.BatchParked, store.BatchDiscarded}
	if !slices.Contains(valid, status) {
		fail(c, badRequest(CodeInvalidParameter,
			"status must be processing, completed, parked or discarded"))
		return
	}
	filter := store.BatchFilter{Status: status, Limit: page.Size, Offset: page.offset()}
	batches, total, err := s.Store.Batches(c.Request.Context(), filter)
	if err != nil {
		fail(c, err)
		return
	}
	list := batchList{Items: []batchResponse{}, Total: total, Page: page.Number, PageSize: page.Size}
	for _, b := range batches {
		list.Items = append(list.Items, s.batchView(b))
	}
	c.JSON(http.StatusOK, list)
}

// resolveBatch carries an operator's retry or discard of a parked batch to
// its workflow. The workflow's validator refuses it unless the batch is
// parked, before anything is written to its history.
func (s *Server) resolveBatch(c *gin.Context) {
	action := workflows.ActionRetry
	if strings.HasSuffix(c.FullPath(), "/discard") {
		action = workflows.ActionDiscard
	}
	ctx := c.Request.Context()
	b, err := s.Store.Batch(ctx, c.Param("request_id"))
	if errors.Is(err, store.ErrNotFound) {
		fail(c, newError(http.StatusNotFound, CodeNotFound, "no batch has this request_id"))
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	if b.Status != store.BatchParked {
		fail(c, newError(http.StatusConflict, CodeNotParked, "the batch is "+b.Status+", not parked"))
		return
	}
	if err := s.sendResolve(ctx, b.WorkflowID, action, session(c).LoginID); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"request_id": b.RequestID, "action": action})
}

func (s *Server) sendResolve(ctx context.Context, workflowID, action, operator string) error {
	handle, err := s.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID:   workflowID,
		UpdateName:   workflows.UpdateResolveParked,
		Args:         []any{workflows.ResolveParkedInput{Action: action, Operator: operator}},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = handle.Get(ctx, nil)
	}
	if err != nil && strings.Contains(err.Error(), workflows.ErrNotParked.Error()) {
		return newError(http.StatusConflict, CodeNotParked, "the batch is not parked")
	}
	if err != nil {
		return fmt.Errorf("sending %s to %s: %w", action, workflowID, err)
	}
	return nil
}
