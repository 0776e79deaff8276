package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"io/fs"
	"path/filepath"

	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"clearinghouse/documents"
	"clearinghouse/simulator"
)

// pdfOfSize builds a well-formed PDF of exactly n bytes (n >= 200), padded
// with a comment, so that size limits can be tested to the byte.
func pdfOfSize(n int) []byte {
	head := "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
		"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n%"
	tail := "\nxref\n0 3\n0000000000 65535 f \ntrailer << /Size 3 /Root 1 0 R >>\nstartxref\n9\n%%EOF\n"
	pad := n - len(head) - len(tail)
	var b bytes.Buffer
	b.WriteString(head)
	b.Write(bytes.Repeat([]byte("x"), pad))
	b.WriteString(tail)
	return b.Bytes()
}

func b64(data []byte) string { return base64.StdEncoding.EncodeToString(data) }

type billView struct {
	ID            string `json:"id"`
	Number        string `json:"number"`
	Status        string `json:"status"`
	Amount        int64  `json:"amount"`
	HasPDF        bool   `json:"has_pdf"`
	HasStatement  bool   `json:"has_statement"`
	DocumentSize  int64  `json:"document_size"`
	LedgerEntryID int64  `json:"ledger_entry_id"`
	ApprovedBy    string `json:"approved_by"`
	PaidOn        string `json:"paid_on"`
	WorkflowID    string `json:"workflow_id"`
}

func (c *caller) mustBill(t *testing.T, resp response, want int) billView {
	t.Helper()
	if resp.Status != want {
		t.Fatalf("HTTP %d %.400s, want %d", resp.Status, resp.Body, want)
	}
	var v billView
	resp.decode(t, &v)
	return v
}

func TestInvoiceLifecycleWithPDF(t *testing.T) {
	s := newStack(t)
	s.setBalance("B", -5000)
	op := s.login(testOperator, testPassword)
	pdf := pdfOfSize(1_600_000)

	inv := op.mustBill(t, op.post("/api/v1/invoices", map[string]any{
		"broker_id": "B", "amount": 5000, "due_date": "2099-10-31", "period_from": "2023-09-01",
		"period_to": "2023-09-30", "pdf_base64": b64(pdf),
	}), http.StatusCreated)
	if inv.Status != "draft" || !inv.HasPDF || inv.DocumentSize != int64(len(pdf)) {
		t.Fatalf("draft = %+v", inv)
	}
	b := s.login("broker-b", testPassword)
	if resp := b.get("/api/v1/invoices/" + inv.ID); resp.Status != http.StatusNotFound {
		t.Errorf("broker seeing a draft: HTTP %d, want 404", resp.Status)
	}
	if resp := op.post("/api/v1/invoices/"+inv.ID+"/pay", nil); resp.errorCode() != "invalid_transition" {
		t.Errorf("paying a draft: HTTP %d %s, want invalid_transition", resp.Status, resp.Body)
	}
	// An invoice whose due date has passed is not issued as it is.
	stale := op.mustBill(t, op.post("/api/v1/invoices", map[string]any{
		"broker_id": "B", "amount": 5000, "due_date": "2023-10-02", "pdf_base64": b64(pdfOfSize(300)),
	}), http.StatusCreated)
	if resp := op.post("/api/v1/invoices/"+stale.ID+"/issue", nil); resp.errorCode() != "due_date_passed" {
		t.Errorf("issuing past its due date: HTTP %d %s, want due_date_passed", resp.Status, resp.Body)
	}
	issued := op.mustBill(t, op.post("/api/v1/invoices/"+inv.ID+"/issue", nil), http.StatusOK)
	if issued.Status != "issued" || !strings.HasPrefix(issued.Number, "INV-2023-") {
		t.Errorf("issued = %+v, want a number of fiscal 2023", issued)
	}
	patch := op.send(http.MethodPatch, "/api/v1/invoices/"+inv.ID, "application/json",
		mustJSON(t, map[string]any{"amount": 1}))
	if patch.errorCode() != "invalid_transition" {
		t.Errorf("editing an issued invoice: HTTP %d %s, want invalid_transition", patch.Status, patch.Body)
	}

	// Broker B sees and downloads it; broker A does not even learn it exists.
	got := b.get("/api/v1/invoices/" + inv.ID + "/pdf")
	if got.Status != http.StatusOK || !bytes.Equal(got.Body, pdf) {
		t.Fatalf("download: HTTP %d, %d bytes, want the %d-byte PDF", got.Status, len(got.Body), len(pdf))
	}
	for header, want := range map[string]string{
		"Content-Type": "application/pdf", "X-Content-Type-Options": "nosniff",
	} {
		if got.Header.Get(header) != want {
			t.Errorf("%s = %q, want %q", header, got.Header.Get(header), want)
		}
	}
	if !strings.HasPrefix(got.Header.Get("Content-Disposition"), "attachment") ||
		!strings.Contains(got.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("download headers let a browser render it inline: %v", got.Header)
	}
	a := s.login("broker-a", testPassword)
	for _, path := range []string{"", "/pdf"} {
		if resp := a.get("/api/v1/invoices/" + inv.ID + path); resp.Status != http.StatusNotFound {
			t.Errorf("broker A GET invoice%s of B: HTTP %d, want 404", path, resp.Status)
		}
	}

	paidOn := map[string]string{"paid_on": "2023-11-15"}
	// A payment date later than today, or before the invoice was issued
	// (2023-10-03), is refused: the collection entry takes that date.
	if resp := op.post("/api/v1/invoices/"+inv.ID+"/pay", paidOn); resp.errorCode() != "invalid_bill" {
		t.Errorf("paid tomorrow: HTTP %d %s, want invalid_bill", resp.Status, resp.Body)
	}
	s.clock.now = time.Date(2023, 11, 20, 3, 0, 0, 0, time.UTC)
	op = s.login(testOperator, testPassword) // the session idled out meanwhile
	early := map[string]string{"paid_on": "2023-10-02"}
	if resp := op.post("/api/v1/invoices/"+inv.ID+"/pay", early); resp.errorCode() != "invalid_bill" {
		t.Errorf("paid before issue: HTTP %d %s, want invalid_bill", resp.Status, resp.Body)
	}
	paid := op.mustBill(t, op.post("/api/v1/invoices/"+inv.ID+"/pay", paidOn), http.StatusOK)
	again := op.post("/api/v1/invoices/"+inv.ID+"/pay", paidOn)
	if paid.Status != "paid" || paid.LedgerEntryID == 0 || again.errorCode() != "invalid_transition" {
		t.Errorf("paid = %+v; paying again: %s", paid, again.Body)
	}
	ledger := s.login("broker-b", testPassword).ledger(t, "")
	if ledger.Balance != 0 || len(ledger.Items) != 2 || ledger.Items[1].Date != "2023-11-15" ||
		ledger.Items[1].Amount != 5000 {
		t.Errorf("B's ledger = %+v, want -5,000 settled by a collection of 5,000 on 2023-11-15", ledger)
	}
	if n := s.count("SELECT count(*) FROM ledger_entries WHERE kind = 'collection'"); n != 1 {
		t.Errorf("%d collection entries, want exactly 1", n)
	}
	events, largest := s.historySize(inv.WorkflowID)
	if largest > 8192 {
		t.Errorf("invoice workflow history: %d events, largest %d bytes; the PDF must stay out", events, largest)
	}
}

func TestPaymentNeedsTwoOperators(t *testing.T) {
	s := newStack(t)
	s.setBalance("A", 2500)
	s.createOperator("operator2")
	op1 := s.login(testOperator, testPassword)
	op2 := s.login("operator2", testPassword)

	p := op1.mustBill(t, op1.post("/api/v1/payments", map[string]any{
		"broker_id": "A", "amount": 2000, "scheduled_on": "2023-10-31",
	}), http.StatusCreated)
	approve := map[string]int64{"amount": 2000}
	if resp := op1.post("/api/v1/payments/"+p.ID+"/approve", approve); resp.errorCode() != "same_operator" {
		t.Errorf("approval by the registrant: HTTP %d %s, want same_operator", resp.Status, resp.Body)
	}
	// An operator who changed the draft cannot approve it either.
	s.createOperator("operator3")
	op3 := s.login("operator3", testPassword)
	patch := op3.send(http.MethodPatch, "/api/v1/payments/"+p.ID, "application/json",
		mustJSON(t, map[string]any{"amount": 2000}))
	if patch.Status != http.StatusOK {
		t.Fatalf("update: HTTP %d %s", patch.Status, patch.Body)
	}
	if resp := op3.post("/api/v1/payments/"+p.ID+"/approve", approve); resp.errorCode() != "same_operator" {
		t.Errorf("approval by an operator who changed it: HTTP %d %s, want same_operator", resp.Status, resp.Body)
	}
	// The approver approves a documented payment, at the amount checked.
	if resp := op2.post("/api/v1/payments/"+p.ID+"/approve", approve); resp.errorCode() != "document_missing" {
		t.Errorf("approval without a statement: HTTP %d %s, want document_missing", resp.Status, resp.Body)
	}
	statement := pdfOfSize(5_900_000)
	withDoc := op1.mustBill(t, op1.post("/api/v1/payments/"+p.ID+"/statement",
		map[string]string{"statement_pdf_base64": b64(statement)}), http.StatusOK)
	if !withDoc.HasStatement {
		t.Fatalf("statement not attached: %+v", withDoc)
	}
	// The registrant raises the amount after the approver looked at it.
	raised := op1.send(http.MethodPatch, "/api/v1/payments/"+p.ID, "application/json",
		mustJSON(t, map[string]any{"amount": 2_500}))
	if raised.Status != http.StatusOK {
		t.Fatalf("update: HTTP %d %s", raised.Status, raised.Body)
	}
	if resp := op2.post("/api/v1/payments/"+p.ID+"/approve", approve); resp.errorCode() != "amount_changed" {
		t.Errorf("approving a changed amount: HTTP %d %s, want amount_changed", resp.Status, resp.Body)
	}
	if resp := op2.post("/api/v1/payments/"+p.ID+"/approve", nil); resp.errorCode() != "invalid_bill" {
		t.Errorf("approving without an amount: HTTP %d %s, want invalid_bill", resp.Status, resp.Body)
	}
	approve["amount"] = 2_500
	approved := op2.mustBill(t, op2.post("/api/v1/payments/"+p.ID+"/approve", approve), http.StatusOK)
	if approved.Status != "approved" || approved.ApprovedBy != "operator:operator2" {
		t.Errorf("approved = %+v", approved)
	}
	again := op1.post("/api/v1/payments/"+p.ID+"/statement",
		map[string]string{"statement_pdf_base64": b64(pdfOfSize(300))})
	if again.errorCode() != "invalid_transition" {
		t.Errorf("replacing the statement after approval: HTTP %d %s, want invalid_transition",
			again.Status, again.Body)
	}
	paidOn := map[string]string{"paid_on": "2023-10-31"}
	s.clock.now = time.Date(2023, 11, 1, 3, 0, 0, 0, time.UTC)
	op1 = s.login(testOperator, testPassword)
	paid := op1.mustBill(t, op1.post("/api/v1/payments/"+p.ID+"/pay", paidOn), http.StatusOK)
	if paid.Status != "paid" {
		t.Errorf("paid = %+v", paid)
	}
	a := s.login("broker-a", testPassword)
	if got := a.get("/api/v1/payments/" + p.ID + "/statement"); !bytes.Equal(got.Body, statement) {
		t.Errorf("broker A's statement download: HTTP %d, %d bytes", got.Status, len(got.Body))
	}
	b := s.login("broker-b", testPassword)
	if resp := b.get("/api/v1/payments/" + p.ID); resp.Status != http.StatusNotFound {
		t.Errorf("broker B reading A's payment: HTTP %d, want 404", resp.Status)
	}
	if page := a.ledger(t, ""); page.Balance != 0 || len(page.Items) != 2 || page.Items[1].Amount != -2500 {
		t.Errorf("A's ledger = %+v, want +2,500 settled by a payout of -2,500", page)
	}
	_, largest := s.historySize(paid.WorkflowID)
	if largest > 8192 {
		t.Errorf("largest history event %d bytes; the statement must stay out of history", largest)
	}
}

func TestDocumentSizeLimitsAndContentChecks(t *testing.T) {
	s := newStack(t)
	op := s.login(testOperator, testPassword)
	register := func(pdf string) response {
		return op.post("/api/v1/invoices", map[string]any{
			"broker_id": "B", "amount": 100, "due_date": "2099-01-31", "pdf_base64": pdf,
		})
	}
	if resp := register(b64(pdfOfSize(documents.MaxSize))); resp.Status != http.StatusCreated {
		t.Errorf("a PDF of exactly %d bytes: HTTP %d %.200s, want 201", documents.MaxSize, resp.Status, resp.Body)
	}
	before := s.count("SELECT count(*) FROM invoices")
	png := []byte("\x89PNG\r\n\x1a\n" + strings.Repeat("x", 100))
	tests := []struct {
		name   string
		pdf    string
		status int
		code   string
	}{
		{"one byte too many", b64(pdfOfSize(documents.MaxSize + 1)), 413, "document_too_large"},
		{"empty", "", 400, "invalid_document"},
		{"a PNG named pdf", b64(png), 400, "invalid_document"},
		{"data URL prefix", "data:application/pdf;base64," + b64(pdfOfSize(300)), 400, "invalid_document"},
		{"broken base64", "JVBERi0xLjQK!!!", 400, "invalid_document"},
		{"truncated PDF", b64(pdfOfSize(300)[:250]), 400, "invalid_document"},
	}
	for _, tt := range tests {
		resp := register(tt.pdf)
		if resp.Status != tt.status || resp.errorCode() != tt.code {
			t.Errorf("%s: HTTP %d %.200s, want %d %s", tt.name, resp.Status, resp.Body, tt.status, tt.code)
		}
	}
	if after := s.count("SELECT count(*) FROM invoices"); after != before {
		t.Errorf("refused uploads stored %d invoices", after-before)
	}
}

// createOperator adds a second operator with the test password.
func (s *stack) createOperator(login string) {
	s.t.Helper()
	admin := s.login("admin", testPassword)
	resp := admin.post("/api/v1/users", map[string]string{
		"login_id": login, "password": testPassword, "role": "operator", "organization_id": "CH",
	})
	if resp.Status != http.StatusCreated {
		s.t.Fatalf("creating operator %s: HTTP %d %s", login, resp.Status, resp.Body)
	}
}

func TestClosingDraftsInvoicesAndPayments(t *testing.T) {
	s := newStack(t)
	s.submitExample("seed-1")
	s.waitBatch("seed-1", "completed")
	op := s.login(testOperator, testPassword)
	op.post("/api/v1/closings", map[string]string{"month": "2023-09"})
	s.waitClosed(op, "2023-09")

	type bills struct {
		Items []struct {
			ID        string `json:"id"`
			BrokerID  string `json:"broker_id"`
			Amount    int64  `json:"amount"`
			Status    string `json:"status"`
			DueDate   string `json:"due_date"`
			Scheduled string `json:"scheduled_on"`
		} `json:"items"`
	}
	deadline := time.Now().Add(30 * time.Second)
	var invoices, payments bills
	for time.Now().Before(deadline) {
		op.get("/api/v1/invoices").decode(t, &invoices)
		op.get("/api/v1/payments").decode(t, &payments)
		if len(invoices.Items) == 1 && len(payments.Items) == 2 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(invoices.Items) != 1 || invoices.Items[0].BrokerID != "B" || invoices.Items[0].Amount != 5000 ||
		invoices.Items[0].Status != "draft" || invoices.Items[0].DueDate != "2023-10-31" {
		t.Errorf("drafted invoices = %+v, want one of 5,000 for B due 2023-10-31", invoices.Items)
	}
	got := map[string]int64{}
	for _, p := range payments.Items {
		got[p.BrokerID] = p.Amount
	}
	if len(got) != 2 || got["A"] != 2000 || got["C"] != 3000 {
		t.Errorf("drafted payments = %+v, want 2,000 for A and 3,000 for C", payments.Items)
	}
	// A second closing request drafts nothing more.
	op.post("/api/v1/closings", map[string]string{"month": "2023-09"})
	if n := s.count("SELECT count(*) FROM invoices") + s.count("SELECT count(*) FROM payments"); n != 3 {
		t.Errorf("%d bills after a repeated closing request, want 3", n)
	}
}

// A closing run long after its month (a backfill) drafts bills that still
// give the broker two weeks.
func TestLateClosingDraftsBillsWithTwoWeeksToPay(t *testing.T) {
	s := newStack(t)
	s.submitExample("seed-1")
	s.waitBatch("seed-1", "completed")
	s.clock.now = time.Date(2024, 1, 31, 16, 0, 0, 0, time.UTC) // 2024-02-01 in Japan
	op := s.login(testOperator, testPassword)
	op.post("/api/v1/closings", map[string]string{"month": "2023-09"})
	s.waitClosed(op, "2023-09")
	var due string
	for deadline := time.Now().Add(30 * time.Second); due == "" && time.Now().Before(deadline); {
		var list struct {
			Items []struct {
				DueDate string `json:"due_date"`
			} `json:"items"`
		}
		op.get("/api/v1/invoices").decode(t, &list)
		if len(list.Items) == 1 {
			due = list.Items[0].DueDate
		}
		time.Sleep(20 * time.Millisecond)
	}
	if due != "2024-02-15" {
		t.Errorf("drafted invoice due %q, want 2024-02-15 (two weeks after the closing)", due)
	}
}

func TestRegistrationSentTwiceMakesOneBill(t *testing.T) {
	s := newStack(t)
	op := s.login(testOperator, testPassword)
	register := func(amount int) response {
		body := mustJSON(t, map[string]any{"broker_id": "B", "amount": amount, "due_date": "2099-01-31"})
		return op.sendWith(http.MethodPost, "/api/v1/invoices", body,
			map[string]string{"Idempotency-Key": "register-invoice-0001"})
	}
	first := op.mustBill(t, register(900), http.StatusCreated)
	again := op.mustBill(t, register(900), http.StatusOK)
	if again.ID != first.ID {
		t.Errorf("the repeated registration made %s beside %s", again.ID, first.ID)
	}
	if resp := register(901); resp.errorCode() != "idempotency_key_reused" {
		t.Errorf("the key reused for another invoice: HTTP %d %s, want idempotency_key_reused",
			resp.Status, resp.Body)
	}
	if n := s.count("SELECT count(*) FROM invoices"); n != 1 {
		t.Errorf("%d invoices, want 1", n)
	}
	op.mustBill(t, op.post("/api/v1/invoices/"+first.ID+"/void", map[string]string{"reason": "test"}),
		http.StatusOK)
	if resp := register(900); resp.Status != http.StatusOK {
		t.Errorf("the registration sent again after its lifecycle ended: HTTP %d %s", resp.Status, resp.Body)
	}
}

func TestConcurrentClosingsDraftABalanceOnce(t *testing.T) {
	s := newStack(t)
	var trades []simulator.Contract
	for _, month := range []string{"2023-05", "2023-06", "2023-07"} {
		trades = append(trades, simulator.Contract{ContractID: "F-" + month, BuyerID: "B",
			SellerID: "A", ItemCode: "x", Amount: 1000, TradedAt: month + "-10T10:00:00+09:00"})
	}
	s.market().post("/api/v1/contract-batches", map[string]any{"request_id": "f", "contracts": trades})
	s.waitBatch("f", "completed")
	op := s.login(testOperator, testPassword)
	var wg sync.WaitGroup
	for _, month := range []string{"2023-05", "2023-06", "2023-07"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			op.post("/api/v1/closings", map[string]string{"month": month})
		}()
	}
	wg.Wait()
	for _, month := range []string{"2023-05", "2023-06", "2023-07"} {
		s.waitClosed(op, month)
	}
	// Drafts start after the closings; wait until every closing's drafting
	// has run, then count.
	for _, id := range []string{"close-2023-05", "close-2023-06", "close-2023-07"} {
		ctx := context.Background()
		if err := s.Temporal.GetWorkflow(ctx, id, "").Get(ctx, nil); err != nil {
			t.Fatalf("closing %s: %v", id, err)
		}
	}
	open := `SELECT count(*) FROM payments WHERE broker_id = 'A' AND status IN ('draft', 'approved')`
	if n := s.count(open); n > 1 {
		t.Errorf("%d open drafted payments for A's one balance, want at most 1", n)
	}
}

// Two operators recording an invoice's payment with different dates at
// once: one is recorded, the other hears 409, as it would a moment later.
func TestRacingPaymentsWithDifferentDatesRecordOne(t *testing.T) {
	s := newStack(t)
	s.setBalance("B", -1000)
	op := s.login(testOperator, testPassword)
	inv := op.mustBill(t, op.post("/api/v1/invoices", map[string]any{"broker_id": "B", "amount": 700,
		"due_date": "2099-01-31", "pdf_base64": b64(pdfOfSize(400))}), http.StatusCreated)
	op.mustBill(t, op.post("/api/v1/invoices/"+inv.ID+"/issue", nil), http.StatusOK)
	s.clock.now = time.Date(2023, 10, 9, 23, 30, 0, 0, time.UTC) // 2023-10-10 08:30 in Japan
	op = s.login(testOperator, testPassword)
	dates := []string{"2023-10-05", "2023-10-06", "2023-10-07", "2023-10-08"}
	statuses := make([]int, len(dates))
	var wg sync.WaitGroup
	for i, d := range dates {
		wg.Go(func() {
			statuses[i] = op.post("/api/v1/invoices/"+inv.ID+"/pay", map[string]string{"paid_on": d}).Status
		})
	}
	wg.Wait()
	oneWinner(t, "racing payment", statuses, http.StatusOK)
	if n := s.count("SELECT count(*) FROM ledger_entries WHERE kind = 'collection'"); n != 1 {
		t.Errorf("%d collection entries, want 1", n)
	}

	// Without a date, a payment is dated today in Japan, not by UTC.
	other := op.mustBill(t, op.post("/api/v1/invoices", map[string]any{"broker_id": "B", "amount": 300,
		"due_date": "2099-01-31", "pdf_base64": b64(pdfOfSize(400))}), http.StatusCreated)
	op.mustBill(t, op.post("/api/v1/invoices/"+other.ID+"/issue", nil), http.StatusOK)
	paid := op.mustBill(t, op.post("/api/v1/invoices/"+other.ID+"/pay", nil), http.StatusOK)
	if paid.PaidOn != "2023-10-10" {
		t.Errorf("paid_on = %q, want 2023-10-10 (today in Japan)", paid.PaidOn)
	}
	if again := op.post("/api/v1/invoices/"+other.ID+"/pay", nil); again.Status != http.StatusConflict {
		t.Errorf("paying again: HTTP %d, want 409", again.Status)
	}
}

// A request refused after its PDF was stored leaves no PDF behind: here a
// second correction of the same void invoice.
func TestRefusedRegistrationKeepsNoPDF(t *testing.T) {
	s := newStack(t)
	op := s.login(testOperator, testPassword)
	old := op.mustBill(t, op.post("/api/v1/invoices", map[string]any{"broker_id": "B", "amount": 700,
		"due_date": "2099-01-31", "pdf_base64": b64(pdfOfSize(400))}), http.StatusCreated)
	op.mustBill(t, op.post("/api/v1/invoices/"+old.ID+"/void", map[string]string{"reason": "金額誤り"}),
		http.StatusOK)
	correction := map[string]any{"broker_id": "B", "amount": 600, "due_date": "2099-01-31",
		"replaces": old.ID, "pdf_base64": b64(pdfOfSize(500))}
	op.mustBill(t, op.post("/api/v1/invoices", correction), http.StatusCreated)
	if resp := op.post("/api/v1/invoices", correction); resp.Status/100 != 4 {
		t.Fatalf("a second correction of the same invoice: HTTP %d %s, want 4xx", resp.Status, resp.Body)
	}
	files := s.storedPDFs()
	if used := s.count("SELECT count(*) FROM invoices WHERE document_key IS NOT NULL"); int64(files) != used {
		t.Errorf("%d PDFs stored for %d invoices with one; a refused request kept its PDF", files, used)
	}
}

// setBalance gives a broker a settlement balance with one manual entry: a
// payout makes it owe (negative), a collection makes it owed (positive).
func (s *stack) setBalance(broker string, balance int64) {
	s.t.Helper()
	kind, desc := "collection", "清算 払い込み"
	if balance < 0 {
		kind, desc = "payout", "清算 引き出し"
	}
	_, err := s.db.ExecContext(context.Background(), `
		INSERT INTO ledger_entries (broker_id, kind, amount, entry_date, description, reason,
		                            created_by, idempotency_key, posted_at)
		VALUES ($1, $2, $3, date '2023-10-01', $4, 'test setup', 'test', 'setup:' || $1, now())`,
		broker, kind, balance, desc)
	if err != nil {
		s.t.Fatalf("setting %s's balance: %v", broker, err)
	}
}

// Open invoices never bill a broker more than it owes, nor open payments
// pay it more than it is owed: a second bill for a balance already billed
// is refused at issue or approval, with the figures.
func TestBillsStayWithinTheSettlementBalance(t *testing.T) {
	s := newStack(t)
	s.setBalance("B", -5000)
	s.setBalance("A", 1000)
	s.createOperator("operator2")
	op := s.login(testOperator, testPassword)
	op2 := s.login("operator2", testPassword)
	invoice := func(amount int) billView {
		return op.mustBill(t, op.post("/api/v1/invoices", map[string]any{"broker_id": "B",
			"amount": amount, "due_date": "2099-01-31", "pdf_base64": b64(pdfOfSize(300))}), http.StatusCreated)
	}
	first, second, third := invoice(3000), invoice(3000), invoice(2000)
	op.mustBill(t, op.post("/api/v1/invoices/"+first.ID+"/issue", nil), http.StatusOK)
	resp := op.post("/api/v1/invoices/"+second.ID+"/issue", nil)
	if resp.errorCode() != "exceeds_balance" || !strings.Contains(string(resp.Body), "at most 2000 yen") {
		t.Errorf("a second invoice beyond what B owes: HTTP %d %s, want exceeds_balance", resp.Status, resp.Body)
	}
	op.mustBill(t, op.post("/api/v1/invoices/"+third.ID+"/issue", nil), http.StatusOK)

	pay := op.mustBill(t, op.post("/api/v1/payments", map[string]any{"broker_id": "A", "amount": 1500,
		"scheduled_on": "2099-01-31", "statement_pdf_base64": b64(pdfOfSize(300))}), http.StatusCreated)
	resp = op2.post("/api/v1/payments/"+pay.ID+"/approve", map[string]int64{"amount": 1500})
	if resp.errorCode() != "exceeds_balance" {
		t.Errorf("paying A more than it is owed: HTTP %d %s, want exceeds_balance", resp.Status, resp.Body)
	}
	nothingOwed := op.mustBill(t, op.post("/api/v1/payments", map[string]any{"broker_id": "C", "amount": 1,
		"scheduled_on": "2099-01-31", "statement_pdf_base64": b64(pdfOfSize(300))}), http.StatusCreated)
	resp = op2.post("/api/v1/payments/"+nothingOwed.ID+"/approve", map[string]int64{"amount": 1})
	if resp.errorCode() != "exceeds_balance" {
		t.Errorf("paying C, owed nothing: HTTP %d %s, want exceeds_balance", resp.Status, resp.Body)
	}
}

// A change racing another on the same bill waits its turn: whatever the
// order, the workflow and the database agree afterwards, so the bill can
// still be paid.
func TestRacingChangesLeaveTheLifecycleConsistent(t *testing.T) {
	s := newStack(t)
	s.setBalance("B", -10_000)
	op := s.login(testOperator, testPassword)
	for i := range 4 {
		inv := op.mustBill(t, op.post("/api/v1/invoices", map[string]any{"broker_id": "B", "amount": 1000,
			"due_date": "2099-01-31", "pdf_base64": b64(pdfOfSize(300))}), http.StatusCreated)
		var wg sync.WaitGroup
		var issue, patch response
		wg.Go(func() { issue = op.post("/api/v1/invoices/"+inv.ID+"/issue", nil) })
		wg.Go(func() {
			patch = op.send(http.MethodPatch, "/api/v1/invoices/"+inv.ID, "application/json",
				mustJSON(t, map[string]string{"due_date": "2099-02-2" + itoa(int64(i))}))
		})
		wg.Wait()
		for _, r := range []response{issue, patch} {
			if r.Status != http.StatusOK && r.Status != http.StatusConflict {
				t.Errorf("racing issue and update of %s: HTTP %d %s", inv.ID, r.Status, r.Body)
			}
		}
		if issue.Status != http.StatusOK {
			op.mustBill(t, op.post("/api/v1/invoices/"+inv.ID+"/issue", nil), http.StatusOK)
		}
		paid := op.mustBill(t, op.post("/api/v1/invoices/"+inv.ID+"/pay", nil), http.StatusOK)
		if paid.Status != "paid" {
			t.Errorf("invoice %s after the race: %+v, want paid", inv.ID, paid)
		}
	}
}

// Registrations sent at once with one Idempotency-Key but different
// amounts make one bill; the others hear 409, as they would a moment later.
func TestRacingRegistrationsWithOneKeyMakeOneBill(t *testing.T) {
	s := newStack(t)
	op := s.login(testOperator, testPassword)
	statuses := make([]int, 5)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Go(func() {
			body := mustJSON(t, map[string]any{"broker_id": "B", "amount": 100 + i, "due_date": "2099-01-31",
				"pdf_base64": b64(pdfOfSize(300))})
			statuses[i] = op.sendWith(http.MethodPost, "/api/v1/invoices", body,
				map[string]string{"Idempotency-Key": "racing-registration-1"}).Status
		})
	}
	wg.Wait()
	oneWinner(t, "racing registration", statuses, http.StatusCreated)
	if n := s.count("SELECT count(*) FROM invoices"); n != 1 {
		t.Errorf("%d invoices, want 1", n)
	}
	if n := s.storedPDFs(); n != 1 {
		t.Errorf("%d PDFs stored for one invoice; the refused registrations kept theirs", n)
	}
}

// storedPDFs counts the files in the API's document folder.
func (s *stack) storedPDFs() int {
	files := 0
	err := filepath.WalkDir(s.docsDir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files++
		}
		return err
	})
	if err != nil {
		s.t.Fatal(err)
	}
	return files
}

// oneWinner checks the answers to racing requests: exactly one won,
// answered with won, and every other one heard 409.
func oneWinner(t *testing.T, what string, statuses []int, won int) {
	t.Helper()
	winners := 0
	for _, st := range statuses {
		switch st {
		case won:
			winners++
		case http.StatusConflict:
		default:
			t.Errorf("%s: HTTP %d", what, st)
		}
	}
	if winners != 1 {
		t.Errorf("%s: statuses %v, want exactly one %d and the rest 409", what, statuses, won)
	}
}
