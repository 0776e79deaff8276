package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"clearinghouse/activities"
	"clearinghouse/store"
	"clearinghouse/workflows"
)

// paymentView is a payment as the API shows it.
type paymentView struct {
	ID             string `json:"id"`
	BrokerID       string `json:"broker_id"`
	BrokerName     string `json:"broker_name"`
	Amount         int64  `json:"amount"`
	PeriodFrom     string `json:"period_from,omitempty"`
	PeriodTo       string `json:"period_to,omitempty"`
	ScheduledOn    string `json:"scheduled_on"`
	Status         string `json:"status"`
	Note           string `json:"note"`
	HasStatement   bool   `json:"has_statement"`
	DocumentSize   int64  `json:"document_size,omitempty"`
	DocumentSHA256 string `json:"document_sha256,omitempty"`
	CreatedBy      string `json:"created_by,omitempty"`
	CreatedAt      string `json:"created_at"`
	ApprovedBy     string `json:"approved_by,omitempty"`
	ApprovedAt     string `json:"approved_at,omitempty"`
	PaidOn         string `json:"paid_on,omitempty"`
	VoidedAt       string `json:"voided_at,omitempty"`
	VoidReason     string `json:"void_reason,omitempty"`
	LedgerEntryID  int64  `json:"ledger_entry_id,omitempty"`
	WorkflowID     string `json:"workflow_id,omitempty"`
	WorkflowURL    string `json:"workflow_url,omitempty"`
}

func (s *Server) paymentView(p store.Payment) paymentView {
	return paymentView{
		ID: p.ID, BrokerID: p.BrokerID, BrokerName: p.BrokerName, Amount: p.Amount,
		PeriodFrom: dateString(p.PeriodFrom), PeriodTo: dateString(p.PeriodTo),
		ScheduledOn: dateString(&p.ScheduledOn), Status: p.Status, Note: p.Note,
		HasStatement: p.DocumentKey != nil, DocumentSize: deref(p.DocumentSize),
		DocumentSHA256: deref(p.DocumentSHA256), CreatedBy: p.CreatedBy,
		CreatedAt: timeString(&p.CreatedAt), ApprovedBy: deref(p.ApprovedBy),
		ApprovedAt: timeString(p.ApprovedAt), PaidOn: dateString(p.PaidOn),
		VoidedAt: timeString(p.VoidedAt), VoidReason: deref(p.VoidReason),
		LedgerEntryID: deref(p.LedgerEntryID), WorkflowID: p.WorkflowID,
		WorkflowURL: s.workflowURL(p.WorkflowID),
	}
}

func (s *Server) listPayments(c *gin.Context) {
	f, pg, err := readBillFilter(c, workflows.KindPayment)
	if err == nil {
		err = scopeFilter(c, &f)
	}
	if err != nil {
		fail(c, err)
		return
	}
	payments, total, err := s.Store.Payments(c.Request.Context(), f)
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]paymentView, 0, len(payments))
	for _, p := range payments {
		items = append(items, forCaller(c, s.paymentView(p)))
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "total": total, "page": pg.Number, "page_size": pg.Size})
}

func (s *Server) visiblePayment(c *gin.Context) (store.Payment, bool) {
	p, err := s.Store.PaymentByID(c.Request.Context(), c.Param("id"))
	if errors.Is(err, store.ErrNotFound) || err == nil && !visibleTo(c, p.BrokerID, p.Status) {
		fail(c, newError(http.StatusNotFound, CodeNotFound, "no such payment"))
		return store.Payment{}, false
	}
	if err != nil {
		fail(c, err)
		return store.Payment{}, false
	}
	return p, true
}

func (s *Server) getPayment(c *gin.Context) {
	p, ok := s.visiblePayment(c)
	if !ok {
		return
	}
	view := gin.H{"payment": forCaller(c, s.paymentView(p))}
	if session(c).Role == store.RoleOperator {
		trail, err := s.Store.AuditTrail(c.Request.Context(), "payment", p.ID)
		if err != nil {
			fail(c, err)
			return
		}
		view["history"] = trail
	}
	c.JSON(http.StatusOK, view)
}

func (s *Server) paymentStatement(c *gin.Context) {
	p, ok := s.visiblePayment(c)
	if ok {
		s.servePDF(c, p.DocumentKey, "statement-"+p.ID+".pdf")
	}
}

// createPayment registers a draft payment, with its statement or without.
func (s *Server) createPayment(c *gin.Context) {
	var req billRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	if req.DueDate != nil || req.PDFBase64 != nil || req.Replaces != nil {
		fail(c, badRequest(CodeInvalidBill, "due_date, pdf_base64 and replaces belong to invoices"))
		return
	}
	ctx := c.Request.Context()
	draft, err := s.newBill(c, workflows.KindPayment, req)
	if err != nil {
		fail(c, err)
		return
	}
	if prior, err := s.Store.PaymentByID(ctx, draft.ID); err == nil {
		if err := sameBill(paymentAsDraft(prior), draft); err != nil {
			fail(c, err)
			return
		}
		c.JSON(http.StatusOK, s.paymentView(prior))
		return
	}
	if req.StatementPDF != nil {
		if draft.Doc, err = s.storePDF(ctx, "payments", *req.StatementPDF); err != nil {
			fail(c, err)
			return
		}
	}
	if err := s.startBill(ctx, workflows.KindPayment, draft); err != nil {
		fail(c, err)
		return
	}
	p, err := s.Store.PaymentByID(ctx, draft.ID)
	if err != nil {
		fail(c, err)
		return
	}
	status, err := s.registrationOutcome(draft, paymentAsDraft(p), p.DocumentKey)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(status, s.paymentView(p))
}

func (s *Server) updatePayment(c *gin.Context) {
	var req billRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	p, ok := s.visiblePayment(c)
	if !ok {
		return
	}
	if req.DueDate != nil || req.PDFBase64 != nil {
		fail(c, badRequest(CodeInvalidBill, "due_date and pdf_base64 belong to invoices"))
		return
	}
	if p.Status != store.PaymentDraft {
		fail(c, transitionError(workflows.ErrInvalidTransition))
		return
	}
	ch, err := s.billPatch(c, "payments", req)
	if err != nil {
		fail(c, err)
		return
	}
	ch.ID = p.ID
	s.runPaymentAction(c, p.ID, ch)
}

type statementRequest struct {
	StatementPDF string `json:"statement_pdf_base64"`
}

// attachStatement registers the payment statement (支払明細書) PDF.
func (s *Server) attachStatement(c *gin.Context) {
	var req statementRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	p, ok := s.visiblePayment(c)
	if !ok {
		return
	}
	if p.Status != store.PaymentDraft {
		fail(c, transitionError(workflows.ErrInvalidTransition))
		return
	}
	doc, err := s.storePDF(c.Request.Context(), "payments", req.StatementPDF)
	if err != nil {
		fail(c, err)
		return
	}
	s.runPaymentAction(c, p.ID, activities.BillChange{
		ID: p.ID, Action: workflows.ActionStatement, Actor: actor(c), Doc: doc,
	})
}

func (s *Server) paymentAction(action string) gin.HandlerFunc {
	return func(c *gin.Context) {
		req, err := readAction(c, action)
		if err != nil {
			fail(c, err)
			return
		}
		p, ok := s.visiblePayment(c)
		if !ok {
			return
		}
		if err := s.checkPaidOn(req.PaidOn, p.ApprovedAt, "approved"); err != nil {
			fail(c, err)
			return
		}
		s.runPaymentAction(c, p.ID, activities.BillChange{
			ID: p.ID, Action: action, Actor: actor(c), PaidOn: req.PaidOn, Reason: req.Reason,
			Amount: req.Amount,
		})
	}
}

func (s *Server) runPaymentAction(c *gin.Context, id string, ch activities.BillChange) {
	ctx := c.Request.Context()
	if err := s.updateBill(ctx, workflows.KindPayment, id, ch.Action, &ch); err != nil {
		fail(c, err)
		return
	}
	p, err := s.Store.PaymentByID(ctx, id)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, s.paymentView(p))
}
