package api

import (
	"context"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"clearinghouse/activities"
	"clearinghouse/store"
)

type metrics struct {
	httpRequests     *prometheus.CounterVec
	httpDuration     *prometheus.HistogramVec
	batchesSubmitted *prometheus.CounterVec
	contractsQueued  prometheus.Counter
}

func newMetrics(reg prometheus.Registerer, st *store.Store) *metrics {
	m := &metrics{
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "clearing_http_requests_total",
			Help: "HTTP requests answered, by method, route and status.",
		}, []string{"method", "route", "status"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "clearing_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by method and route.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route"}),
		batchesSubmitted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "clearing_contract_batches_total",
			Help: "Contract batches received from the market, by outcome.",
		}, []string{"outcome"}),
		contractsQueued: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "clearing_contracts_received_total",
			Help: "Contracts in batches accepted for ingestion.",
		}),
	}
	reg.MustRegister(m.httpRequests, m.httpDuration, m.batchesSubmitted, m.contractsQueued,
		newOpenAlerts(st))
	return m
}

func (s *Server) serveMetrics(c *gin.Context) {
	promhttp.HandlerFor(s.Registry, promhttp.HandlerOpts{}).ServeHTTP(c.Writer, c.Request)
}

// openAlerts exports the number of unresolved alerts by kind at each scrape:
// parked ingestions are the old dead-letter queue's depth.
type openAlerts struct {
	store *store.Store
	desc  *prometheus.Desc
}

func newOpenAlerts(st *store.Store) *openAlerts {
	return &openAlerts{store: st, desc: prometheus.NewDesc("clearing_open_alerts",
		"Unresolved alerts by kind (parked ingestions, failed closings, ...).",
		[]string{"kind"}, nil)}
}

// Describe implements prometheus.Collector.
func (o *openAlerts) Describe(ch chan<- *prometheus.Desc) { ch <- o.desc }

// Collect implements prometheus.Collector.
func (o *openAlerts) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := o.store.OpenAlertCounts(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(o.desc, err)
		return
	}
	kinds := []string{activities.AlertIngestionParked, activities.AlertClosingFailed,
		activities.AlertClosingZeroSum, activities.AlertInvoiceOverdue}
	for _, kind := range kinds {
		if _, ok := counts[kind]; !ok {
			counts[kind] = 0
		}
	}
	for kind, n := range counts {
		ch <- prometheus.MustNewConstMetric(o.desc, prometheus.GaugeValue, float64(n), kind)
	}
}
