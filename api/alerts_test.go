package api

import "testing"

func TestAlertWorkflow(t *testing.T) {
	tests := map[[2]string]string{
		{"ingestion_parked", "batch-1"}:         "ingest-batch-1",
		{"closing_zero_sum", "2023-09"}:         "close-2023-09",
		{"invoice_overdue", "inv_1"}:            "invoice-inv_1",
		{"mail_not_sent", "payment:pay_1:paid"}: "payment-pay_1",
		{"mail_not_sent", "otp:abc"}:            "",
		{"something_else", "x"}:                 "",
	}
	for in, want := range tests {
		if got := alertWorkflow(in[0], in[1]); got != want {
			t.Errorf("alertWorkflow(%q, %q) = %q, want %q", in[0], in[1], got, want)
		}
	}
}
