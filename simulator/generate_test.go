package simulator

import (
	"testing"
	"time"

	"clearinghouse/models"
)

func TestGenerateIsDeterministicAndValid(t *testing.T) {
	plan := Plan{Brokers: BrokerIDs(5), Contracts: 2000, FirstMonth: models.Month{Year: 2023, Month: 9},
		Months: 3, Seed: 42, Prefix: "T"}
	a, b := Generate(plan), Generate(plan)
	months := map[string]int{}
	for i, c := range a {
		if c != b[i] {
			t.Fatalf("contract %d differs between runs: %+v vs %+v", i, c, b[i])
		}
		if c.BuyerID == c.SellerID || c.Amount <= 0 || c.Amount%1000 != 0 {
			t.Errorf("contract %+v breaks the market's rules", c)
		}
		at, err := time.Parse(time.RFC3339, c.TradedAt)
		if err != nil {
			t.Fatalf("traded_at %q: %v", c.TradedAt, err)
		}
		months[models.MonthOf(at).String()]++
	}
	if len(months) != 3 || months["2023-09"] == 0 || months["2023-11"] == 0 {
		t.Errorf("months = %v, want contracts in 2023-09 to 2023-11 only", months)
	}
}

func TestSeedExampleBalances(t *testing.T) {
	balance := map[string]int64{}
	for _, c := range SeedExample() {
		balance[c.SellerID] += c.Amount
		balance[c.BuyerID] -= c.Amount
	}
	if balance["A"] != 2000 || balance["B"] != -5000 || balance["C"] != 3000 {
		t.Errorf("balances = %v, want A +2,000, B -5,000, C +3,000", balance)
	}
}
