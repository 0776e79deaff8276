package e2e

import (
	"net/http"
	"strings"
	"testing"
)

func TestCounterpartyRegistryIsValidatedAndAudited(t *testing.T) {
	s := newStack(t)
	op := s.login(testOperator, testPassword)
	valid := map[string]string{
		"id": "D", "name": "データブローカーD", "name_kana": "データブローカーディー",
		"registration_number": "T7000012050002", "postal_code": "100-0001", "address": "東京都千代田区",
		"billing_email": "billing@broker-d.example", "bank_code": "0001", "branch_code": "123",
		"account_type": "ordinary", "account_number": "1234567",
		"account_holder_kana": "ｶ)ﾃﾞｰﾀﾌﾞﾛｰｶｰﾃﾞｨｰ",
	}
	bad := map[string]string{}
	for k, v := range valid {
		bad[k] = v
	}
	bad["registration_number"] = "T8000012050002" // wrong check digit
	bad["bank_code"] = "01"
	resp := op.post("/api/v1/counterparties", bad)
	var refused struct {
		Error struct {
			Code    string `json:"code"`
			Details []struct {
				Field string `json:"field"`
			} `json:"details"`
		} `json:"error"`
	}
	resp.decode(t, &refused)
	fields := map[string]bool{}
	for _, d := range refused.Error.Details {
		fields[d.Field] = true
	}
	if resp.Status != http.StatusBadRequest || !fields["registration_number"] || !fields["bank_code"] {
		t.Errorf("invalid counterparty: HTTP %d %s, want 400 naming both fields", resp.Status, resp.Body)
	}
	if n := s.count("SELECT count(*) FROM organizations WHERE id = 'D'"); n != 0 {
		t.Fatalf("a refused registration stored the organisation")
	}

	if resp := op.post("/api/v1/counterparties", valid); resp.Status != http.StatusCreated {
		t.Fatalf("register: HTTP %d %s", resp.Status, resp.Body)
	}
	valid["billing_email"] = "accounts@broker-d.example"
	patch := op.send(http.MethodPatch, "/api/v1/counterparties/D", "application/json", mustJSON(t, valid))
	if patch.Status != http.StatusOK {
		t.Fatalf("update: HTTP %d %s", patch.Status, patch.Body)
	}
	var detail struct {
		History []struct {
			Action string         `json:"action"`
			Actor  string         `json:"actor"`
			Before map[string]any `json:"before"`
			After  map[string]any `json:"after"`
		} `json:"history"`
	}
	op.get("/api/v1/counterparties/D").decode(t, &detail)
	if len(detail.History) != 2 || detail.History[1].Action != "update" ||
		detail.History[1].Before["billing_email"] != "billing@broker-d.example" ||
		detail.History[1].After["billing_email"] != "accounts@broker-d.example" ||
		detail.History[1].Actor != "operator:"+testOperator {
		t.Errorf("history = %+v, want create then update with before and after", detail.History)
	}

	// A change that changes nothing, or a second deactivation, is no event.
	if patch := op.send(http.MethodPatch, "/api/v1/counterparties/D", "application/json",
		mustJSON(t, valid)); patch.Status != http.StatusOK {
		t.Fatalf("same update again: HTTP %d %s", patch.Status, patch.Body)
	}
	if resp := op.send(http.MethodPost, "/api/v1/counterparties/D/deactivate", "application/json",
		[]byte(`{"active":`)); resp.Status != http.StatusBadRequest {
		t.Errorf("deactivate with a malformed body: HTTP %d %s, want 400", resp.Status, resp.Body)
	}
	for range 2 {
		if resp := op.post("/api/v1/counterparties/D/deactivate", nil); resp.Status != http.StatusOK {
			t.Fatalf("deactivate: HTTP %d %s", resp.Status, resp.Body)
		}
	}
	op.get("/api/v1/counterparties/D").decode(t, &detail)
	if len(detail.History) != 3 || detail.History[2].Action != "deactivate" {
		t.Errorf("history = %+v, want create, update, deactivate", detail.History)
	}
	batch := s.market().post("/api/v1/contract-batches", map[string]any{"request_id": "to-inactive",
		"contracts": []map[string]any{{"contract_id": "X-1", "buyer_id": "D", "seller_id": "A",
			"item_code": "x", "amount": 1, "traded_at": "2023-09-21T10:00:00+09:00"}}})
	if batch.errorCode() != "invalid_contracts" {
		t.Errorf("contract with an inactive broker: HTTP %d %s, want invalid_contracts", batch.Status, batch.Body)
	}
	a := s.login("broker-a", testPassword)
	if resp := a.get("/api/v1/counterparties"); resp.Status != http.StatusForbidden {
		t.Errorf("broker reading the registry: HTTP %d, want 403", resp.Status)
	}
}

func TestIssuingAnInvoiceMailsTheBillingContact(t *testing.T) {
	s := newStack(t)
	s.setBalance("B", -700)
	op := s.login(testOperator, testPassword)
	valid := map[string]string{"name": "データブローカーB", "billing_email": "billing@broker-b.example"}
	resp := op.send(http.MethodPatch, "/api/v1/counterparties/B", "application/json", mustJSON(t, valid))
	if resp.Status != http.StatusOK {
		t.Fatalf("setting B's billing contact: HTTP %d %s", resp.Status, resp.Body)
	}
	inv := op.mustBill(t, op.post("/api/v1/invoices", map[string]any{"broker_id": "B", "amount": 700,
		"due_date": "2099-01-31", "pdf_base64": b64(pdfOfSize(400))}), http.StatusCreated)
	op.mustBill(t, op.post("/api/v1/invoices/"+inv.ID+"/issue", nil), http.StatusOK)

	var outbox struct {
		Items []struct {
			To      string `json:"to"`
			Subject string `json:"subject"`
		} `json:"items"`
	}
	op.get("/api/v1/mails").decode(t, &outbox)
	if len(outbox.Items) != 1 || outbox.Items[0].To != "billing@broker-b.example" {
		t.Errorf("outbox = %+v, want one mail to B's billing contact", outbox.Items)
	}
}

// Without a billing contact, the mail an issue sends cannot go anywhere:
// operators are told with an alert rather than a line in a log.
func TestIssuingWithoutABillingContactRaisesAnAlert(t *testing.T) {
	s := newStack(t)
	s.setBalance("B", -700)
	op := s.login(testOperator, testPassword)
	inv := op.mustBill(t, op.post("/api/v1/invoices", map[string]any{"broker_id": "B", "amount": 700,
		"due_date": "2099-01-31", "pdf_base64": b64(pdfOfSize(400))}), http.StatusCreated)
	op.mustBill(t, op.post("/api/v1/invoices/"+inv.ID+"/issue", nil), http.StatusOK)
	var alerts struct {
		Items []struct {
			Kind    string `json:"kind"`
			Subject string `json:"subject"`
		} `json:"items"`
	}
	op.get("/api/v1/alerts?open=true").decode(t, &alerts)
	if len(alerts.Items) != 1 || alerts.Items[0].Kind != "mail_not_sent" ||
		!strings.Contains(alerts.Items[0].Subject, inv.ID) {
		t.Errorf("open alerts = %+v, want one mail_not_sent for %s", alerts.Items, inv.ID)
	}
}
