package activities

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the activities' Prometheus instruments.
type Metrics struct {
	contracts      *prometheus.CounterVec
	chunkSeconds   prometheus.Histogram
	closingSeconds prometheus.Histogram
	parked         prometheus.Counter
}

// NewMetrics registers the activities' metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		contracts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "clearing_ingested_contracts_total",
			Help: "Contracts processed by ingestion, by outcome (stored, duplicate, conflicting).",
		}, []string{"outcome"}),
		chunkSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "clearing_ingest_chunk_duration_seconds",
			Help:    "Time to store one chunk of a batch.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2, 12),
		}),
		closingSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "clearing_closing_duration_seconds",
			Help:    "Time to close a month (the closing transaction).",
			Buckets: prometheus.ExponentialBuckets(0.05, 2, 12),
		}),
		parked: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "clearing_ingestions_parked_total",
			Help: "Ingestions parked after their retries ran out (the old dead-letter queue).",
		}),
	}
	reg.MustRegister(m.contracts, m.chunkSeconds, m.closingSeconds, m.parked)
	return m
}

func (m *Metrics) chunkStored(seconds float64, r StoreChunkResult) {
	if m == nil {
		return
	}
	m.chunkSeconds.Observe(seconds)
	m.contracts.WithLabelValues("stored").Add(float64(r.Stored))
	m.contracts.WithLabelValues("duplicate").Add(float64(r.Duplicate))
	m.contracts.WithLabelValues("conflicting").Add(float64(r.Conflicting))
}

func (m *Metrics) monthClosed(seconds float64) {
	if m != nil {
		m.closingSeconds.Observe(seconds)
	}
}

func (m *Metrics) batchParked() {
	if m != nil {
		m.parked.Inc()
	}
}
