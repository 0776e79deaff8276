package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"clearinghouse/activities"
	"clearinghouse/store"
	"clearinghouse/workflows"
)

// invoiceView is an invoice as the API shows it.
type invoiceView struct {
	ID             string `json:"id"`
	Number         string `json:"number,omitempty"`
	BrokerID       string `json:"broker_id"`
	BrokerName     string `json:"broker_name"`
	Amount         int64  `json:"amount"`
	PeriodFrom     string `json:"period_from,omitempty"`
	PeriodTo       string `json:"period_to,omitempty"`
	DueDate        string `json:"due_date"`
	Status         string `json:"status"`
	Note           string `json:"note"`
	HasPDF         bool   `json:"has_pdf"`
	DocumentSize   int64  `json:"document_size,omitempty"`
	DocumentSHA256 string `json:"document_sha256,omitempty"`
	Replaces       string `json:"replaces,omitempty"`
	CreatedBy      string `json:"created_by,omitempty"`
	CreatedAt      string `json:"created_at"`
	IssuedAt       string `json:"issued_at,omitempty"`
	PaidOn         string `json:"paid_on,omitempty"`
	VoidedAt       string `json:"voided_at,omitempty"`
	VoidReason     string `json:"void_reason,omitempty"`
	LedgerEntryID  int64  `json:"ledger_entry_id,omitempty"`
	WorkflowID     string `json:"workflow_id,omitempty"`
	WorkflowURL    string `json:"workflow_url,omitempty"`
}

func (s *Server) invoiceView(inv store.Invoice) invoiceView {
	return invoiceView{
		ID: inv.ID, Number: deref(inv.Number), BrokerID: inv.BrokerID, BrokerName: inv.BrokerName,
		Amount: inv.Amount, PeriodFrom: dateString(inv.PeriodFrom), PeriodTo: dateString(inv.PeriodTo),
		DueDate: dateString(&inv.DueDate), Status: inv.Status, Note: inv.Note,
		HasPDF: inv.DocumentKey != nil, DocumentSize: deref(inv.DocumentSize),
		DocumentSHA256: deref(inv.DocumentSHA256), Replaces: deref(inv.Replaces),
		CreatedBy: inv.CreatedBy, CreatedAt: timeString(&inv.CreatedAt),
		IssuedAt: timeString(inv.IssuedAt), PaidOn: dateString(inv.PaidOn),
		VoidedAt: timeString(inv.VoidedAt), VoidReason: deref(inv.VoidReason),
		LedgerEntryID: deref(inv.LedgerEntryID), WorkflowID: inv.WorkflowID,
		WorkflowURL: s.workflowURL(inv.WorkflowID),
	}
}

// forCaller leaves out, for brokers, who among the clearing house's staff
// handled a bill and the links into the operators' Temporal Web UI.
func forCaller[V invoiceView | paymentView](c *gin.Context, v V) V {
	if session(c).Role != store.RoleBroker {
		return v
	}
	switch view := any(&v).(type) {
	case *invoiceView:
		view.CreatedBy, view.WorkflowURL, view.WorkflowID = "", "", ""
	case *paymentView:
		view.CreatedBy, view.ApprovedBy, view.WorkflowURL, view.WorkflowID = "", "", "", ""
	}
	return v
}

func (s *Server) listInvoices(c *gin.Context) {
	f, pg, err := readBillFilter(c, workflows.KindInvoice)
	if err == nil {
		err = scopeFilter(c, &f)
	}
	if err != nil {
		fail(c, err)
		return
	}
	invoices, total, err := s.Store.Invoices(c.Request.Context(), f)
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]invoiceView, 0, len(invoices))
	for _, inv := range invoices {
		items = append(items, forCaller(c, s.invoiceView(inv)))
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "total": total, "page": pg.Number, "page_size": pg.Size})
}

// visibleInvoice loads an invoice the caller may see; any other is "not
// found", so that a broker learns nothing of other brokers' invoices.
func (s *Server) visibleInvoice(c *gin.Context) (store.Invoice, bool) {
	inv, err := s.Store.InvoiceByID(c.Request.Context(), c.Param("id"))
	if errors.Is(err, store.ErrNotFound) || err == nil && !visibleTo(c, inv.BrokerID, inv.Status) {
		fail(c, newError(http.StatusNotFound, CodeNotFound, "no such invoice"))
		return store.Invoice{}, false
	}
	if err != nil {
		fail(c, err)
		return store.Invoice{}, false
	}
	return inv, true
}

func (s *Server) getInvoice(c *gin.Context) {
	inv, ok := s.visibleInvoice(c)
	if !ok {
		return
	}
	view := gin.H{"invoice": forCaller(c, s.invoiceView(inv))}
	if session(c).Role == store.RoleOperator {
		trail, err := s.Store.AuditTrail(c.Request.Context(), "invoice", inv.ID)
		if err != nil {
			fail(c, err)
			return
		}
		view["history"] = trail
	}
	c.JSON(http.StatusOK, view)
}

func (s *Server) invoicePDF(c *gin.Context) {
	inv, ok := s.visibleInvoice(c)
	if !ok {
		return
	}
	name := inv.ID
	if inv.Number != nil {
		name = *inv.Number
	}
	s.servePDF(c, inv.DocumentKey, name+".pdf")
}

// createInvoice registers a draft invoice (with its PDF, or without it to be
// attached before issuing). A correction names the void invoice it replaces.
func (s *Server) createInvoice(c *gin.Context) {
	var req billRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	ctx := c.Request.Context()
	if req.ScheduledOn != nil || req.StatementPDF != nil {
		fail(c, badRequest(CodeInvalidBill, "scheduled_on and statement_pdf_base64 belong to payments"))
		return
	}
	draft, err := s.newBill(c, workflows.KindInvoice, req)
	if err != nil {
		fail(c, err)
		return
	}
	if prior, err := s.Store.InvoiceByID(ctx, draft.ID); err == nil {
		if err := sameBill(invoiceAsDraft(prior), draft); err != nil {
			fail(c, err)
			return
		}
		c.JSON(http.StatusOK, s.invoiceView(prior))
		return
	}
	if err := s.checkReplaces(c, req.Replaces, draft.BrokerID); err != nil {
		fail(c, err)
		return
	}
	draft.Replaces = deref(req.Replaces)
	if req.PDFBase64 != nil {
		if draft.Doc, err = s.storePDF(ctx, "invoices", *req.PDFBase64); err != nil {
			fail(c, err)
			return
		}
	}
	if err := s.startBill(ctx, workflows.KindInvoice, draft); err != nil {
		fail(c, err)
		return
	}
	inv, err := s.Store.InvoiceByID(ctx, draft.ID)
	if err != nil {
		fail(c, err)
		return
	}
	status, err := s.registrationOutcome(draft, invoiceAsDraft(inv), inv.DocumentKey)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(status, s.invoiceView(inv))
}

// checkReplaces allows a correction only of a void invoice of the same broker.
func (s *Server) checkReplaces(c *gin.Context, replaces *string, broker string) error {
	if replaces == nil || *replaces == "" {
		return nil
	}
	old, err := s.Store.InvoiceByID(c.Request.Context(), *replaces)
	if errors.Is(err, store.ErrNotFound) {
		return badRequest(CodeInvalidBill, "replaces names no invoice")
	}
	if err != nil {
		return err
	}
	if old.Status != store.InvoiceVoid || old.BrokerID != broker {
		return badRequest(CodeInvalidBill, "a correction replaces a void invoice of the same broker")
	}
	corrected, err := s.Store.InvoiceCorrectedBy(c.Request.Context(), old.ID)
	if err != nil {
		return err
	}
	if corrected != "" {
		return newError(http.StatusConflict, CodeConflict, "invoice "+old.ID+" is already corrected by "+corrected)
	}
	return nil
}

// updateInvoice changes a draft; an issued invoice is never edited.
func (s *Server) updateInvoice(c *gin.Context) {
	var req billRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	inv, ok := s.visibleInvoice(c)
	if !ok {
		return
	}
	// Refuse before storing any PDF the change carries.
	if inv.Status != store.InvoiceDraft {
		fail(c, transitionError(workflows.ErrInvalidTransition))
		return
	}
	ch, err := s.billPatch(c, "invoices", req)
	if err != nil {
		fail(c, err)
		return
	}
	ch.ID = inv.ID
	s.runInvoiceAction(c, inv.ID, ch)
}

// billPatch checks a draft's change; folder says which kind of bill it is.
func (s *Server) billPatch(c *gin.Context, folder string, req billRequest) (activities.BillChange, error) {
	date, pdf, other := req.DueDate, req.PDFBase64, [2]*string{req.ScheduledOn, req.StatementPDF}
	if folder == "payments" {
		date, pdf, other = req.ScheduledOn, req.StatementPDF, [2]*string{req.DueDate, req.PDFBase64}
	}
	if req.BrokerID != nil || req.Replaces != nil || req.PeriodFrom != nil || req.PeriodTo != nil ||
		other[0] != nil || other[1] != nil {
		return activities.BillChange{}, badRequest(CodeInvalidBill,
			"only the amount, date, note and PDF of a draft can change")
	}
	if req.Amount == nil && date == nil && req.Note == nil && pdf == nil {
		return activities.BillChange{}, badRequest(CodeInvalidBill,
			"send at least one of the amount, date, note or PDF to change")
	}
	day, err := checkDate("date", date, false)
	if err == nil {
		err = firstError(errors.Join(checkAmount(req.Amount, false), checkNote(req.Note)))
	}
	if err != nil {
		return activities.BillChange{}, err
	}
	ch := activities.BillChange{Action: workflows.ActionUpdate, Actor: actor(c), Amount: req.Amount,
		Date: day, Note: req.Note}
	if pdf != nil {
		if ch.Doc, err = s.storePDF(c.Request.Context(), folder, *pdf); err != nil {
			return activities.BillChange{}, err
		}
	}
	return ch, nil
}

func (s *Server) invoiceAction(action string) gin.HandlerFunc {
	return func(c *gin.Context) {
		req, err := readAction(c, action)
		if err != nil {
			fail(c, err)
			return
		}
		inv, ok := s.visibleInvoice(c)
		if !ok {
			return
		}
		if err := s.checkPaidOn(req.PaidOn, inv.IssuedAt, "issued"); err != nil {
			fail(c, err)
			return
		}
		due := inv.DueDate.Format(time.DateOnly)
		if action == workflows.ActionIssue && inv.Status == store.InvoiceDraft && due < s.today() {
			fail(c, newError(http.StatusConflict, CodeDueDatePassed, "the due date "+due+
				" has passed; change it before issuing"))
			return
		}
		s.runInvoiceAction(c, inv.ID, activities.BillChange{
			ID: inv.ID, Action: action, Actor: actor(c), PaidOn: req.PaidOn, Reason: req.Reason,
		})
	}
}

func (s *Server) runInvoiceAction(c *gin.Context, id string, ch activities.BillChange) {
	ctx := c.Request.Context()
	if err := s.updateBill(ctx, workflows.KindInvoice, id, ch.Action, &ch); err != nil {
		fail(c, err)
		return
	}
	inv, err := s.Store.InvoiceByID(ctx, id)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, s.invoiceView(inv))
}
