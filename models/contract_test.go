package models

import (
	"encoding/json"
	"testing"
)

func parseOne(t *testing.T, body string) (Contract, []ContractIssue) {
	t.Helper()
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &raw); err != nil {
		t.Fatalf("test body %s: %v", body, err)
	}
	return ParseContract(0, raw)
}

func TestParseContractAcceptsTheSeedExample(t *testing.T) {
	c, issues := parseOne(t, `{"contract_id":"C-1","buyer_id":"B","seller_id":"A",
		"item_code":"xxxx","amount":5000,"traded_at":"2023-09-21T10:00:00+09:00"}`)
	if len(issues) != 0 {
		t.Fatalf("issues = %+v, want none", issues)
	}
	if c.Amount != 5000 || c.BuyerID != "B" || c.Month().String() != "2023-09" {
		t.Errorf("contract = %+v", c)
	}
}

func TestParseContractRefusals(t *testing.T) {
	const ok = `"contract_id":"C-1","buyer_id":"B","seller_id":"A","item_code":"x",` +
		`"traded_at":"2023-09-21T10:00:00+09:00"`
	tests := []struct {
		name  string
		body  string
		field string
		code  string
	}{
		{"negative amount", `{` + ok + `,"amount":-5}`, "amount", CodeNotPositive},
		{"zero amount", `{` + ok + `,"amount":0}`, "amount", CodeNotPositive},
		{"fractional amount", `{` + ok + `,"amount":10.5}`, "amount", CodeNotInteger},
		{"exponent amount", `{` + ok + `,"amount":1e3}`, "amount", CodeNotInteger},
		{"amount beyond int64", `{` + ok + `,"amount":9223372036854775808}`, "amount", CodeOutOfRange},
		{"amount as string", `{` + ok + `,"amount":"5000"}`, "amount", CodeWrongType},
		{"missing amount", `{` + ok + `}`, "amount", CodeMissing},
		{"null amount", `{` + ok + `,"amount":null}`, "amount", CodeMissing},
		{"buyer equals seller", `{"contract_id":"C","buyer_id":"A","seller_id":"A","item_code":"x",` +
			`"amount":1,"traded_at":"2023-09-21T10:00:00+09:00"}`, "seller_id", CodeSameBroker},
		{"no zone", `{"contract_id":"C","buyer_id":"A","seller_id":"B","item_code":"x",` +
			`"amount":1,"traded_at":"2023-09-21T10:00:00"}`, "traded_at", CodeInvalid},
		{"id as number", `{"contract_id":7,"buyer_id":"A","seller_id":"B","item_code":"x",` +
			`"amount":1,"traded_at":"2023-09-21T10:00:00Z"}`, "contract_id", CodeWrongType},
		{"empty item", `{"contract_id":"C","buyer_id":"A","seller_id":"B","item_code":" ",` +
			`"amount":1,"traded_at":"2023-09-21T10:00:00Z"}`, "item_code", CodeMissing},
		{"unknown field", `{` + ok + `,"amount":1,"price":1}`, "price", CodeUnknownField},
		{"year out of range", `{"contract_id":"C","buyer_id":"A","seller_id":"B","item_code":"x",` +
			`"amount":1,"traded_at":"1999-09-21T10:00:00Z"}`, "traded_at", CodeOutOfRange},
		{"year out of range in Japan time", `{"contract_id":"C","buyer_id":"A","seller_id":"B",` +
			`"item_code":"x","amount":1,"traded_at":"2000-01-01T00:30:00+14:00"}`, "traded_at", CodeOutOfRange},
		{"finer than a microsecond", `{"contract_id":"C","buyer_id":"A","seller_id":"B",` +
			`"item_code":"x","amount":1,"traded_at":"2023-05-31T23:59:59.9999996+09:00"}`,
			"traded_at", CodeInvalid},
		{"amount above a trillion yen", `{` + ok + `,"amount":1000000000001}`, "amount", CodeOutOfRange},
		{"lone surrogate in id", `{"contract_id":"MKT-\udc00","buyer_id":"A","seller_id":"B",` +
			`"item_code":"x","amount":1,"traded_at":"2023-09-21T10:00:00Z"}`, "contract_id", CodeInvalid},
		{"zero-width space in id", `{"contract_id":"MKT-\u200b1","buyer_id":"A","seller_id":"B",` +
			`"item_code":"x","amount":1,"traded_at":"2023-09-21T10:00:00Z"}`, "contract_id", CodeInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, issues := parseOne(t, tt.body)
			for _, is := range issues {
				if is.Field == tt.field && is.Code == tt.code {
					return
				}
			}
			t.Errorf("body %s: issues = %+v, want %s/%s", tt.body, issues, tt.field, tt.code)
		})
	}
}

func TestCheckRepeats(t *testing.T) {
	a := Contract{ContractID: "X", BuyerID: "A", SellerID: "B", ItemCode: "i", Amount: 1}
	b := a
	b.Amount = 2
	if issues := CheckRepeats([]Contract{a, a}); len(issues) != 0 {
		t.Errorf("identical repeat: issues = %+v, want none", issues)
	}
	issues := CheckRepeats([]Contract{a, b})
	if len(issues) != 1 || issues[0].Index != 1 || issues[0].Code != CodeRepeated {
		t.Errorf("different repeat: issues = %+v, want one at index 1", issues)
	}
}

func TestBatchDigestComparesInstants(t *testing.T) {
	c1, _ := parseOne(t, `{"contract_id":"C","buyer_id":"A","seller_id":"B","item_code":"x",`+
		`"amount":1,"traded_at":"2023-09-21T10:00:00+09:00"}`)
	c2, _ := parseOne(t, `{"contract_id":"C","buyer_id":"A","seller_id":"B","item_code":"x",`+
		`"amount":1,"traded_at":"2023-09-21T01:00:00Z"}`)
	if string(BatchDigest([]Contract{c1})) != string(BatchDigest([]Contract{c2})) {
		t.Error("same instant in two zones gave different digests")
	}
	c2.Amount = 2
	if string(BatchDigest([]Contract{c1})) == string(BatchDigest([]Contract{c2})) {
		t.Error("different amounts gave the same digest")
	}
}
