package e2e

import (
	"net/http"
	"strings"
	"testing"

	"clearinghouse/api"
)

const seedContract = `{"contract_id":"V-1","buyer_id":"B","seller_id":"A","item_code":"xxxx",` +
	`"amount":5000,"traded_at":"2023-09-21T10:00:00+09:00"}`

func batchBody(contracts ...string) string {
	return `{"request_id":"bad-1","contracts":[` + strings.Join(contracts, ",") + `]}`
}

func withField(field, value string) string {
	return strings.Replace(seedContract, fieldValue(field), `"`+field+`":`+value, 1)
}

// fieldValue finds "field":value in seedContract.
func fieldValue(field string) string {
	start := strings.Index(seedContract, `"`+field+`":`)
	end := strings.IndexAny(seedContract[start+len(field)+3:], ",}") + start + len(field) + 3
	return seedContract[start:end]
}

func withoutField(field string) string {
	s := strings.Replace(seedContract, fieldValue(field)+",", "", 1)
	return strings.Replace(s, ","+fieldValue(field), "", 1)
}

func TestBadBatchesAreRefusedAndStoreNothing(t *testing.T) {
	s := newStack(t)
	m := s.market()
	tests := []struct {
		name        string
		contentType string
		body        string
		status      int
		code        string
	}{
		{"malformed JSON", "application/json", `{"request_id": "x", "contracts": [`, 400, "malformed_json"},
		{"not an object", "application/json", `[1,2]`, 400, "invalid_body"},
		{"empty body", "application/json", ``, 400, "malformed_json"},
		{"two values", "application/json", `{} {}`, 400, "malformed_json"},
		{"request id as number", "application/json", `{"request_id":5,"contracts":[]}`, 400, "invalid_body"},
		{"contracts as object", "application/json", `{"request_id":"x","contracts":{}}`, 400, "invalid_body"},
		{"unknown top-level field", "application/json", `{"request_id":"x","contracts":[],"extra":1}`,
			400, "invalid_body"},
		{"missing request id", "application/json", `{"contracts":[` + seedContract + `]}`,
			400, "invalid_request_id"},
		{"bad request id", "application/json", `{"request_id":"a b","contracts":[` + seedContract + `]}`,
			400, "invalid_request_id"},
		{"no contracts", "application/json", `{"request_id":"x","contracts":[]}`, 400, "no_contracts"},
		{"form encoded", "application/x-www-form-urlencoded", `request_id=x`, 415, "unsupported_media_type"},
		{"negative amount", "application/json", batchBody(withField("amount", "-1")), 422, "invalid_contracts"},
		{"fractional amount", "application/json", batchBody(withField("amount", "10.5")), 422, "invalid_contracts"},
		{"amount as string", "application/json", batchBody(withField("amount", `"5000"`)),
			422, "invalid_contracts"},
		{"huge amount", "application/json", batchBody(withField("amount", "99999999999999999999")),
			422, "invalid_contracts"},
		{"buyer is seller", "application/json", batchBody(withField("buyer_id", `"A"`)), 422, "invalid_contracts"},
		{"unknown broker", "application/json", batchBody(withField("buyer_id", `"ZZ"`)), 422, "invalid_contracts"},
		{"clearing house as broker", "application/json", batchBody(withField("buyer_id", `"CH"`)),
			422, "invalid_contracts"},
		{"missing traded_at", "application/json", batchBody(withoutField("traded_at")), 422, "invalid_contracts"},
		{"missing contract id", "application/json", batchBody(withoutField("contract_id")),
			422, "invalid_contracts"},
		{"one bad among good", "application/json", batchBody(seedContract,
			strings.Replace(withField("amount", "0"), "V-1", "V-2", 1)), 422, "invalid_contracts"},
		{"amount twice", "application/json", batchBody(strings.Replace(seedContract, `"amount":5000`,
			`"amount":5000,"amount":500000`, 1)), 400, "duplicate_field"},
		{"request id twice in other case", "application/json",
			`{"request_id":"x","Request_ID":"y","contracts":[` + seedContract + `]}`, 400, "duplicate_field"},
		{"unpaired surrogate", "application/json", batchBody(withField("item_code", `"a\ud800b"`)),
			400, "invalid_body"},
		{"oversized body", "application/json", `{"request_id":"x","contracts":[` +
			strings.Repeat(" ", api.MaxBatchBody) + `]}`, 413, "body_too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := m.send(http.MethodPost, "/api/v1/contract-batches", tt.contentType, []byte(tt.body))
			if resp.Status != tt.status || resp.errorCode() != tt.code {
				t.Errorf("body %.80s: HTTP %d %.300s, want %d %s", tt.body, resp.Status, resp.Body,
					tt.status, tt.code)
			}
		})
	}
	for _, table := range []string{"ingestion_batches", "contracts", "transaction_history"} {
		if n := s.count("SELECT count(*) FROM " + table); n != 0 {
			t.Errorf("%s has %d rows after refused batches, want 0", table, n)
		}
	}
}

func TestRefusedBatchListsEveryProblem(t *testing.T) {
	s := newStack(t)
	bad := strings.Replace(withField("amount", "-3"), `"buyer_id":"B"`, `"buyer_id":"A"`, 1)
	resp := s.market().send(http.MethodPost, "/api/v1/contract-batches", "application/json",
		[]byte(batchBody(seedContract, strings.Replace(bad, "V-1", "V-2", 1))))
	var body struct {
		Error struct {
			Details struct {
				Total  int `json:"total"`
				Issues []struct {
					Index int    `json:"index"`
					Field string `json:"field"`
					Code  string `json:"code"`
				} `json:"issues"`
			} `json:"details"`
		} `json:"error"`
	}
	resp.decode(t, &body)
	got := map[string]bool{}
	for _, is := range body.Error.Details.Issues {
		got[is.Field+"/"+is.Code] = is.Index == 1
	}
	for _, want := range []string{"amount/not_positive", "seller_id/buyer_equals_seller"} {
		if !got[want] {
			t.Errorf("issues = %+v, want %s on contract 1", body.Error.Details.Issues, want)
		}
	}
}

func TestWrongMarketKeyIsRefused(t *testing.T) {
	s := newStack(t)
	m := s.market()
	m.bearer = "not-the-key"
	resp := m.send(http.MethodPost, "/api/v1/contract-batches", "application/json",
		[]byte(batchBody(seedContract)))
	if resp.Status != http.StatusUnauthorized {
		t.Errorf("wrong key: HTTP %d, want 401", resp.Status)
	}
	// A signed-in broker cannot submit contracts either.
	b := s.login("broker-a", testPassword)
	resp = b.send(http.MethodPost, "/api/v1/contract-batches", "application/json",
		[]byte(batchBody(seedContract)))
	if resp.Status != http.StatusUnauthorized {
		t.Errorf("broker submitting: HTTP %d, want 401", resp.Status)
	}
}

// Ids and filters that are not UTF-8 text are refused before they reach the
// database, on every kind of route and for every kind of caller.
func TestAddressesThatAreNotTextAreRefused(t *testing.T) {
	s := newStack(t)
	op := s.login(testOperator, testPassword)
	broker := s.login("broker-a", testPassword)
	market := s.market()
	paths := map[*caller][]string{
		op: {
			"/api/v1/invoices/%FF", "/api/v1/payments/%C0%AF", "/api/v1/counterparties/%FF",
			"/api/v1/settlements?broker_id=%FF", "/api/v1/counterparties?q=%FF",
			"/api/v1/transactions?month=2023-09&broker_id=%FE", "/api/v1/invoices?broker_id=%0A",
			"/api/v1/alerts?open=%1B", "/api/v1/invoices?%FF=1", "/api/v1/invoices?q=%zz",
		},
		broker: {"/api/v1/invoices/%FF", "/api/v1/payments/%FF/pdf", "/api/v1/transactions?month=%FF"},
		market: {"/api/v1/contract-batches/%FF"},
	}
	for c, list := range paths {
		for _, path := range list {
			resp := c.get(path)
			if resp.Status != http.StatusBadRequest || resp.errorCode() != "invalid_parameter" {
				t.Errorf("GET %s: HTTP %d %.200s, want 400 invalid_parameter", path, resp.Status, resp.Body)
			}
		}
	}
	resp := op.post("/api/v1/contract-batches/%FF/retry", map[string]any{})
	if resp.Status != http.StatusBadRequest {
		t.Errorf("retry of a non-text id: HTTP %d %.200s, want 400", resp.Status, resp.Body)
	}
}

// The same kind of mistake gets the same answer on every route.
func TestMistakesAreAnsweredAlike(t *testing.T) {
	s := newStack(t)
	op := s.login(testOperator, testPassword)
	for _, path := range []string{
		"/api/v1/invoices?date_from=2024-01-01&date_to=2023-01-01",
		"/api/v1/payments?period_from=2024-01-01&period_to=2023-01-01",
		"/api/v1/invoices?amount_min=5&amount_max=4",
		"/api/v1/alerts?open=maybe",
	} {
		if resp := op.get(path); resp.Status != http.StatusBadRequest || resp.errorCode() != "invalid_parameter" {
			t.Errorf("GET %s: HTTP %d %.200s, want 400 invalid_parameter", path, resp.Status, resp.Body)
		}
	}
	if resp := op.get("/api/v1/invoices/"); resp.Status != http.StatusNotFound ||
		resp.errorCode() != "route_not_found" {
		t.Errorf("GET with a trailing slash: HTTP %d %.200s, want a JSON 404", resp.Status, resp.Body)
	}
	inv := op.mustBill(t, op.post("/api/v1/invoices", map[string]any{
		"broker_id": "B", "amount": 100, "due_date": "2099-01-31"}), http.StatusCreated)
	for _, body := range []string{`{}`, `null`, `{"scheduled_on":"2099-02-01"}`,
		`{"amount":5,"statement_pdf_base64":"JVBERi0="}`} {
		resp := op.send(http.MethodPatch, "/api/v1/invoices/"+inv.ID, "application/json", []byte(body))
		if resp.Status != http.StatusBadRequest {
			t.Errorf("PATCH invoice %s: HTTP %d %.200s, want 400", body, resp.Status, resp.Body)
		}
	}
	void := map[string]string{"reason": "x", "paid_on": "2023-10-01"}
	if resp := op.post("/api/v1/invoices/"+inv.ID+"/void", void); resp.errorCode() != "invalid_bill" {
		t.Errorf("void with a payment date: HTTP %d %.200s, want invalid_bill", resp.Status, resp.Body)
	}
	for _, body := range []string{`{"name":"\u00ad"}`, `{"billing_email":"billing@b\u202e.example"}`} {
		resp := op.send(http.MethodPatch, "/api/v1/counterparties/B", "application/json", []byte(body))
		if resp.Status != http.StatusBadRequest {
			t.Errorf("PATCH counterparty %s: HTTP %d %.200s, want 400", body, resp.Status, resp.Body)
		}
	}
	if n := s.count("SELECT count(*) FROM audit_log WHERE entity = 'invoice'"); n > 1 {
		t.Errorf("%d audit records for one registration and refused changes, want at most 1", n)
	}
}
