// Package simulator plays the trading market: it generates realistic
// executed contracts and submits them to the clearing house through the real
// contract-batch endpoint, to demo and to load the system.
package simulator

import (
	"fmt"
	"math/rand/v2"
	"time"

	"clearinghouse/models"
)

// Contract is a contract as the market's API sends it.
type Contract struct {
	ContractID string `json:"contract_id"`
	BuyerID    string `json:"buyer_id"`
	SellerID   string `json:"seller_id"`
	ItemCode   string `json:"item_code"`
	Amount     int64  `json:"amount"`
	TradedAt   string `json:"traded_at"`
}

// SeedExample is the basic design's history example for September 2023:
// A sells xxxx to B for 5,000 and C sells yyyy to A for 3,000, which leaves
// A at +2,000, B at -5,000 and C at +3,000.
func SeedExample() []Contract {
	return []Contract{
		{ContractID: "SEED-2023-09-0001", BuyerID: "B", SellerID: "A", ItemCode: "xxxx",
			Amount: 5000, TradedAt: "2023-09-21T10:00:00+09:00"},
		{ContractID: "SEED-2023-09-0002", BuyerID: "A", SellerID: "C", ItemCode: "yyyy",
			Amount: 3000, TradedAt: "2023-09-21T11:30:00+09:00"},
	}
}

// Plan describes the market activity to generate.
type Plan struct {
	Brokers    []string
	Contracts  int
	FirstMonth models.Month
	Months     int
	Seed       uint64
	// Prefix starts every contract id, so that two runs with other prefixes
	// never collide.
	Prefix string
}

// itemCodes are the data sets traded, in the market's code style.
var itemCodes = []string{
	"WX-JP-HOURLY", "TRAFFIC-TKY", "POS-RETAIL-KANTO", "AIS-SHIPS", "POWER-DEMAND",
	"MOBILITY-OSA", "SATELLITE-NDVI", "FACTORY-IOT-07", "HEALTH-STEPS", "EC-CLICKS",
}

// Generate makes the plan's contracts, in trading order, deterministically
// from the seed. Amounts follow a skewed distribution: many small trades,
// a few large ones.
func Generate(p Plan) []Contract {
	rng := rand.New(rand.NewPCG(p.Seed, p.Seed^0x9e3779b97f4a7c15))
	start := p.FirstMonth.Start()
	end := start.AddDate(0, max(p.Months, 1), 0)
	span := end.Sub(start)
	step := span / time.Duration(max(p.Contracts, 1))

	out := make([]Contract, p.Contracts)
	for i := range out {
		buyer := rng.IntN(len(p.Brokers))
		seller := (buyer + 1 + rng.IntN(len(p.Brokers)-1)) % len(p.Brokers)
		offset := step*time.Duration(i) + time.Duration(rng.Int64N(int64(step)+1))
		at := start.Add(min(offset, span-time.Second))
		out[i] = Contract{
			ContractID: fmt.Sprintf("%s-%08d", p.Prefix, i+1),
			BuyerID:    p.Brokers[buyer],
			SellerID:   p.Brokers[seller],
			ItemCode:   itemCodes[rng.IntN(len(itemCodes))],
			Amount:     amount(rng),
			TradedAt:   at.In(models.Tokyo).Format(time.RFC3339),
		}
	}
	return out
}

func amount(rng *rand.Rand) int64 {
	// 1,000 yen steps from 1,000 to about 2,000,000, most below 100,000.
	f := rng.ExpFloat64() * 40
	return int64(min(f, 2000)+1) * 1000
}

// BrokerIDs names n generated brokers: BRK0001, BRK0002, ...
func BrokerIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("BRK%04d", i+1)
	}
	return ids
}
