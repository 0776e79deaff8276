package api

import (
	"strings"
	"testing"
)

func TestCheckJSONKeys(t *testing.T) {
	tests := []struct {
		body string
		code string
	}{
		{`{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}`, ""},
		{`{"amount":1,"amount":2}`, CodeDuplicateField},
		{`{"amount":1,"AMOUNT":2}`, CodeDuplicateField},
		{`{"\u0061mount":1,"amount":2}`, CodeDuplicateField},
		{`{"kind":1,"\u212aind":2}`, CodeDuplicateField}, // Kelvin sign folds to k
		{`{"x":[{"a":1,"b":2,"a":3}]}`, CodeDuplicateField},
		{`{"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,` +
			`"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k17":17,"k18":18,"K3":0}`, CodeDuplicateField},
		{`{"s":"\ud83d\ude00"}`, ""},
		{`{"s":"\ud83d"}`, CodeInvalidBody},
		{`{"s":"\ude00x"}`, CodeInvalidBody},
		{`{"s":"\ud83d\u0041"}`, CodeInvalidBody},
		{`{"s":"a\\ud800"}`, ""}, // an escaped backslash, then plain text
		{`{"a":1,`, ""},          // malformed: left to the decoder
		{`{"a" 1, "a": 2}`, ""},
		{`[` + strings.Repeat("[", 200) + strings.Repeat("]", 200) + `]`, CodeMalformedJSON},
	}
	for _, tt := range tests {
		err := checkJSONKeys([]byte(tt.body))
		got := ""
		if err != nil {
			got = err.Code
		}
		if got != tt.code {
			t.Errorf("%.60s: got %q, want %q", tt.body, got, tt.code)
		}
	}
}

// BenchmarkCheckJSONKeys scans a batch body near the API's 6 MB limit:
//
//	go test -run '^$' -bench CheckJSONKeys ./api
func BenchmarkCheckJSONKeys(b *testing.B) {
	var body strings.Builder
	body.WriteString(`{"request_id":"bench","contracts":[`)
	for i := range 40_000 {
		if i > 0 {
			body.WriteString(",")
		}
		body.WriteString(`{"contract_id":"C-0000000001","buyer_id":"B","seller_id":"A",` +
			`"item_code":"xxxx","amount":5000,"traded_at":"2023-09-21T10:00:00+09:00"}`)
	}
	body.WriteString(`]}`)
	data := []byte(body.String())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if err := checkJSONKeys(data); err != nil {
			b.Fatal(err)
		}
	}
}
