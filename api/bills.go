package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"clearinghouse/activities"
	"clearinghouse/auth"
	"clearinghouse/models"
	"clearinghouse/store"
	"clearinghouse/workflows"
)

// maxBillAmount bounds one invoice or payment: a trillion yen.
const maxBillAmount = 1_000_000_000_000

func (s *Server) billRoutes(v1 *gin.RouterGroup) {
	op := s.requireRole(store.RoleOperator)
	any := s.requireRole(store.RoleOperator, store.RoleBroker)
	docs := limitBody(MaxDocumentBody)
	small := limitBody(maxDefaultBody)

	v1.GET("/invoices", any, s.listInvoices)
	v1.POST("/invoices", docs, s.dropRefusedUploads, op, s.createInvoice)
	v1.GET("/invoices/:id", any, s.getInvoice)
	v1.PATCH("/invoices/:id", docs, s.dropRefusedUploads, op, s.updateInvoice)
	v1.GET("/invoices/:id/pdf", any, s.invoicePDF)
	for _, action := range []string{workflows.ActionIssue, workflows.ActionPay, workflows.ActionVoid} {
		v1.POST("/invoices/:id/"+action, small, op, s.invoiceAction(action))
	}

	v1.GET("/payments", any, s.listPayments)
	v1.POST("/payments", docs, s.dropRefusedUploads, op, s.createPayment)
	v1.GET("/payments/:id", any, s.getPayment)
	v1.PATCH("/payments/:id", docs, s.dropRefusedUploads, op, s.updatePayment)
	v1.POST("/payments/:id/statement", docs, s.dropRefusedUploads, op, s.attachStatement)
	v1.GET("/payments/:id/statement", any, s.paymentStatement)
	for _, action := range []string{workflows.ActionApprove, workflows.ActionPay, workflows.ActionVoid} {
		v1.POST("/payments/:id/"+action, small, op, s.paymentAction(action))
	}
}

// billRequest is an invoice or payment as registered or updated.
type billRequest struct {
	BrokerID     *string `json:"broker_id"`
	Amount       *int64  `json:"amount"`
	DueDate      *string `json:"due_date"`
	ScheduledOn  *string `json:"scheduled_on"`
	PeriodFrom   *string `json:"period_from"`
	PeriodTo     *string `json:"period_to"`
	Note         *string `json:"note"`
	PDFBase64    *string `json:"pdf_base64"`
	StatementPDF *string `json:"statement_pdf_base64"`
	Replaces     *string `json:"replaces"`
}

type actionRequest struct {
	PaidOn string `json:"paid_on"`
	Reason string `json:"reason"`
	// Amount is, for a payment's approval, the amount the approver checked.
	Amount *int64 `json:"amount"`
}

func checkDate(field string, v *string, required bool) (string, error) {
	if v == nil || *v == "" {
		if required {
			return "", badRequest(CodeInvalidBill, field+" is required (YYYY-MM-DD)")
		}
		return "", nil
	}
	if _, err := parseDate(*v); err != nil {
		return "", badRequest(CodeInvalidBill, field+": "+errBadDate.Error())
	}
	return *v, nil
}

func checkAmount(v *int64, required bool) error {
	if v == nil {
		if required {
			return badRequest(CodeInvalidBill, "amount is required")
		}
		return nil
	}
	if *v <= 0 || *v > maxBillAmount {
		return badRequest(CodeInvalidBill, "amount must be a positive number of yen, at most 1,000,000,000,000")
	}
	return nil
}

func checkNote(v *string) error {
	if v != nil && len([]rune(*v)) > 1000 {
		return badRequest(CodeInvalidBill, "note must be at most 1,000 characters")
	}
	if v != nil && !plainText(*v, true) {
		return textError(CodeInvalidBill, "note")
	}
	return nil
}

// newBill checks a registration and builds the draft; the PDF is stored
// last, once everything else is known to be valid.
func (s *Server) newBill(c *gin.Context, kind string, req billRequest) (activities.NewBill, error) {
	ctx := c.Request.Context()
	dateField, date := "due_date", req.DueDate
	if kind == workflows.KindPayment {
		dateField, date = "scheduled_on", req.ScheduledOn
	}
	day, err := checkDate(dateField, date, true)
	if err != nil {
		return activities.NewBill{}, err
	}
	from, err := checkDate("period_from", req.PeriodFrom, false)
	if err != nil {
		return activities.NewBill{}, err
	}
	to, err := checkDate("period_to", req.PeriodTo, false)
	if err != nil {
		return activities.NewBill{}, err
	}
	if from != "" && to != "" && from > to {
		return activities.NewBill{}, badRequest(CodeInvalidBill, "period_from must not be after period_to")
	}
	if err := errors.Join(checkAmount(req.Amount, true), checkNote(req.Note)); err != nil {
		return activities.NewBill{}, firstError(err)
	}
	broker, err := s.billBroker(ctx, req.BrokerID)
	if err != nil {
		return activities.NewBill{}, err
	}
	id, err := billID(c, kind)
	if err != nil {
		return activities.NewBill{}, err
	}
	bill := activities.NewBill{
		ID:       id,
		BrokerID: broker, Amount: *req.Amount, PeriodFrom: from, PeriodTo: to, Date: day,
		CreatedBy: actor(c),
	}
	if req.Note != nil {
		bill.Note = *req.Note
	}
	return bill, nil
}

func firstError(err error) error {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	return err
}

func (s *Server) billBroker(ctx context.Context, id *string) (string, error) {
	if id == nil || *id == "" {
		return "", badRequest(CodeInvalidBill, "broker_id is required")
	}
	org, err := s.Store.Organization(ctx, *id)
	if errors.Is(err, store.ErrNotFound) || err == nil && org.Kind != store.KindBroker {
		return "", badRequest(CodeInvalidBill, "no data broker has id "+*id)
	}
	return org.ID, err
}

// billID names a new bill: from the request's Idempotency-Key when it sends
// one (so that a registration sent again finds the first), else at random.
func billID(c *gin.Context, kind string) (string, error) {
	prefix := kind[:3] + "_"
	key := c.GetHeader("Idempotency-Key")
	if key == "" {
		id, err := auth.RandomToken(9)
		return prefix + strings.NewReplacer("-", "x", "_", "y").Replace(id), err
	}
	if !idempotencyKeyPattern.MatchString(key) {
		return "", badRequest(CodeInvalidParameter, idempotencyKeyHelp)
	}
	sum := sha256.Sum256([]byte(actor(c) + "\x00" + key))
	return prefix + "k" + hex.EncodeToString(sum[:9]), nil
}

// sameBill tells whether a stored bill is the one a repeated registration
// asks for; an Idempotency-Key reused for another bill is refused.
func sameBill(stored, draft activities.NewBill) error {
	stored.ID, stored.Doc, stored.Replaces = draft.ID, draft.Doc, draft.Replaces
	if stored == draft {
		return nil
	}
	return newError(http.StatusConflict, CodeIdempotencyKeyReused,
		"this Idempotency-Key was used for another registration")
}

// registrationOutcome answers a registration once its bill is stored.
// Requests sent at once with one Idempotency-Key all join one lifecycle,
// and only one of them made the bill (its PDF is the stored one): the
// others are answered as if sent a moment later, 200 with the bill when
// they asked for the same, 409 when not, and their PDFs are dropped.
func (s *Server) registrationOutcome(draft, stored activities.NewBill, docKey *string) (int, error) {
	if err := sameBill(stored, draft); err != nil {
		return 0, err // the request's PDF goes with the refusal
	}
	if draft.Doc != nil && (docKey == nil || *docKey != draft.Doc.Key) {
		s.dropUpload(draft.Doc.Key)
		return http.StatusOK, nil
	}
	return http.StatusCreated, nil
}

// invoiceAsDraft and paymentAsDraft show a stored bill as the registration
// that made it, to compare with a registration sent again.
func invoiceAsDraft(inv store.Invoice) activities.NewBill {
	return activities.NewBill{BrokerID: inv.BrokerID, Amount: inv.Amount, PeriodFrom: dateString(inv.PeriodFrom),
		PeriodTo: dateString(inv.PeriodTo), Date: inv.DueDate.Format(time.DateOnly), Note: inv.Note,
		CreatedBy: inv.CreatedBy}
}

func paymentAsDraft(p store.Payment) activities.NewBill {
	return activities.NewBill{BrokerID: p.BrokerID, Amount: p.Amount, PeriodFrom: dateString(p.PeriodFrom),
		PeriodTo: dateString(p.PeriodTo), Date: p.ScheduledOn.Format(time.DateOnly), Note: p.Note,
		CreatedBy: p.CreatedBy}
}

// startBill starts a bill's lifecycle and waits until its draft is stored.
func (s *Server) startBill(ctx context.Context, kind string, draft activities.NewBill) error {
	wf := workflows.Invoice
	if kind == workflows.KindPayment {
		wf = workflows.Payment
	}
	id := workflows.BillWorkflowID(kind, draft.ID)
	opts := client.StartWorkflowOptions{
		ID: id, TaskQueue: s.TaskQueue,
		WorkflowIDReusePolicy:    enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			workflows.SearchAttributeState.ValueSet(workflows.StateProcessing)),
	}
	in := workflows.BillInput{Kind: kind, Draft: draft}
	_, err := s.Temporal.ExecuteWorkflow(ctx, opts, wf, in)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return nil // registered before, and its lifecycle has ended since
	}
	if err != nil {
		return fmt.Errorf("starting %s: %w", id, err)
	}
	return s.updateBill(ctx, kind, draft.ID, workflows.ActionCreated, nil)
}

// updateBill carries an action to a bill's workflow and waits for it.
// A refusal by the workflow's validator becomes a 409 with its reason.
func (s *Server) updateBill(ctx context.Context, kind, id, action string, ch *activities.BillChange) error {
	var args []any
	if ch != nil {
		args = []any{*ch}
	}
	var err error
	// A lifecycle continuing as a new run turns away the updates that reach
	// its old run as it closes: those are sent once more, to the new run.
	for attempt := 0; attempt < 2; attempt++ {
		var handle client.WorkflowUpdateHandle
		handle, err = s.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID: workflows.BillWorkflowID(kind, id), UpdateName: workflows.BillUpdateName(kind, action),
			Args: args, WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err == nil {
			err = handle.Get(ctx, nil)
		}
		if err == nil || !strings.Contains(err.Error(), "update was aborted by closing workflow") {
			break
		}
	}
	return transitionError(err)
}

func transitionError(err error) error {
	if err == nil {
		return nil
	}
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		switch appErr.Type() {
		case activities.ErrTypeInvalidTransition, activities.ErrTypeConflict:
			return newError(http.StatusConflict, CodeInvalidTransition, workflows.ErrInvalidTransition.Error())
		case activities.ErrTypeSameOperator:
			return newError(http.StatusConflict, CodeSameOperator, workflows.ErrSameOperator.Error())
		case activities.ErrTypeNoDocument:
			return newError(http.StatusConflict, CodeDocumentMissing, workflows.ErrNoDocument.Error())
		case activities.ErrTypeAmountChanged:
			return newError(http.StatusConflict, CodeAmountChanged, workflows.ErrAmountChanged.Error())
		case activities.ErrTypeExceedsBalance:
			return newError(http.StatusConflict, CodeExceedsBalance, appErr.Message())
		case activities.ErrTypeDueDatePassed:
			return newError(http.StatusConflict, CodeDueDatePassed,
				"the due date has passed; change it before issuing")
		case activities.ErrTypePaidTooEarly:
			return newError(http.StatusConflict, CodeInvalidBill,
				"paid_on cannot be before the day the bill was issued or approved")
		}
	}
	msg := err.Error()
	for text, code := range map[string]string{
		workflows.ErrInvalidTransition.Error():   CodeInvalidTransition,
		workflows.ErrSameOperator.Error():        CodeSameOperator,
		workflows.ErrNoDocument.Error():          CodeDocumentMissing,
		workflows.ErrAmountChanged.Error():       CodeAmountChanged,
		"workflow execution already completed":   CodeInvalidTransition,
		"update was aborted by closing workflow": CodeInvalidTransition,
		"Workflow completed before the Update":   CodeInvalidTransition,
	} {
		if strings.Contains(msg, text) {
			if code == CodeInvalidTransition {
				text = workflows.ErrInvalidTransition.Error()
			}
			return newError(http.StatusConflict, code, text)
		}
	}
	return err
}

// readAction reads an action's optional body (paid_on, reason).
func readAction(c *gin.Context, action string) (actionRequest, error) {
	var req actionRequest
	if c.Request.ContentLength != 0 {
		if err := bindJSON(c, &req); err != nil {
			return req, err
		}
	}
	if req.PaidOn != "" && action != workflows.ActionPay {
		return req, badRequest(CodeInvalidBill, "paid_on is only sent to record a payment")
	}
	if req.PaidOn != "" {
		if _, err := parseDate(req.PaidOn); err != nil {
			return req, badRequest(CodeInvalidBill, "paid_on: "+errBadDate.Error())
		}
	}
	if action == workflows.ActionApprove && req.Amount == nil {
		return req, badRequest(CodeInvalidBill, "amount is required to approve: the amount in yen you checked")
	}
	if action != workflows.ActionApprove && req.Amount != nil {
		return req, badRequest(CodeInvalidBill, "amount is only sent to approve a payment")
	}
	if action == workflows.ActionVoid && strings.TrimSpace(req.Reason) == "" {
		return req, badRequest(CodeInvalidBill, "reason is required to void")
	}
	if len([]rune(req.Reason)) > 500 {
		return req, badRequest(CodeInvalidBill, "reason must be at most 500 characters")
	}
	if !plainText(req.Reason, true) {
		return req, textError(CodeInvalidBill, "reason")
	}
	return req, nil
}

// today is the current date in Japan time, YYYY-MM-DD.
func (s *Server) today() string {
	return models.DateJST(s.Now())
}

// checkPaidOn refuses a payment date in the future or before the bill
// could be paid (issued, approved): the ledger entry takes that date.
func (s *Server) checkPaidOn(paidOn string, since *time.Time, what string) error {
	if paidOn == "" {
		return nil
	}
	if paidOn > s.today() {
		return badRequest(CodeInvalidBill, "paid_on cannot be later than today in Japan time")
	}
	if since != nil && paidOn < models.DateJST(*since) {
		return badRequest(CodeInvalidBill, "paid_on cannot be before the day it was "+what+
			" ("+models.DateJST(*since)+")")
	}
	return nil
}

// Statuses each kind of bill can be searched by.
var billStatuses = map[string][]string{
	workflows.KindInvoice: {store.InvoiceDraft, store.InvoiceIssued, store.InvoiceOverdue,
		store.InvoicePaid, store.InvoiceVoid},
	workflows.KindPayment: {store.PaymentDraft, store.PaymentApproved, store.PaymentPaid,
		store.PaymentVoid},
}

// readBillFilter reads the search parameters shared by invoices and payments.
func readBillFilter(c *gin.Context, kind string) (store.BillFilter, page, error) {
	pg, err := readPage(c)
	if err != nil {
		return store.BillFilter{}, pg, err
	}
	if st := c.Query("status"); st != "" && !slices.Contains(billStatuses[kind], st) {
		return store.BillFilter{}, pg, badRequest(CodeInvalidParameter,
			"status must be one of "+strings.Join(billStatuses[kind], ", "))
	}
	f := store.BillFilter{BrokerID: c.Query("broker_id"), Status: c.Query("status"),
		Limit: pg.Size, Offset: pg.offset()}
	dates := map[string]**time.Time{
		"period_from": &f.PeriodFrom, "period_to": &f.PeriodTo,
		"date_from": &f.DateFrom, "date_to": &f.DateTo,
	}
	for name, dst := range dates {
		if v := c.Query(name); v != "" {
			d, err := parseDate(v)
			if err != nil {
				return f, pg, badRequest(CodeInvalidParameter, name+" must be YYYY-MM-DD")
			}
			*dst = &d
		}
	}
	for name, dst := range map[string]**int64{"amount_min": &f.AmountMin, "amount_max": &f.AmountMax} {
		if v := c.Query(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return f, pg, badRequest(CodeInvalidParameter, name+" must be a non-negative integer")
			}
			*dst = &n
		}
	}
	if f.AmountMin != nil && f.AmountMax != nil && *f.AmountMin > *f.AmountMax {
		return f, pg, badRequest(CodeInvalidParameter, "amount_min must not be above amount_max")
	}
	for _, r := range [][2]*time.Time{{f.PeriodFrom, f.PeriodTo}, {f.DateFrom, f.DateTo}} {
		if r[0] != nil && r[1] != nil && r[0].After(*r[1]) {
			return f, pg, badRequest(CodeInvalidParameter, "a range's start must not be after its end")
		}
	}
	return f, pg, nil
}

// scopeFilter keeps a broker to its own organisation.
func scopeFilter(c *gin.Context, f *store.BillFilter) error {
	sess := session(c)
	if sess.Role != store.RoleBroker {
		return nil
	}
	if f.BrokerID != "" && f.BrokerID != sess.OrganizationID {
		return newError(http.StatusForbidden, CodeForbidden, "brokers may only see their own organisation")
	}
	f.BrokerID = sess.OrganizationID
	f.ExcludeDraft = true
	return nil
}

// visibleTo reports whether the caller may see a bill of broker in status:
// operators all, brokers their own once it left draft.
func visibleTo(c *gin.Context, broker, status string) bool {
	sess := session(c)
	if sess.Role == store.RoleOperator {
		return true
	}
	return broker == sess.OrganizationID && status != "draft"
}

func dateString(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.DateOnly)
}

func timeString(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
