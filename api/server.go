// Package api is the clearing house's HTTP API (gin): the market's contract
// intake, the portal's JSON API, health and metrics. Handlers bind and check
// the request, call the store or Temporal, and map errors in one place.
package api

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"

	"clearinghouse/auth"
	"clearinghouse/documents"
	"clearinghouse/portal"
	"clearinghouse/store"
	"clearinghouse/workflows"
)

// Body limits. The market's batches may be large; nothing else needs more
// than a small form's worth.
const (
	MaxBatchBody   = 6 << 20
	maxDefaultBody = 64 << 10
)

// Deps is what the API needs from the rest of the program.
type Deps struct {
	Store    *store.Store
	Temporal client.Client
	Auth     *auth.Service
	Log      *slog.Logger
	// Now is the clock; tests replace it.
	Now func() time.Time
	// MarketAPIKey is the market's bearer credential.
	MarketAPIKey string
	// SecureCookies marks the session cookie Secure (everywhere but dev).
	SecureCookies bool
	// TemporalUIURL is the Web UI's base URL for links to workflows.
	TemporalUIURL string
	// Namespace is the Temporal namespace, for Web UI links.
	Namespace string
	// ChunkSize is how many contracts are stored per activity.
	ChunkSize int
	// TaskQueue is where workflows are started; empty means
	// workflows.TaskQueue.
	TaskQueue string
	// Documents keeps invoice and payment PDFs.
	Documents documents.Store
	// Registry receives the API's metrics and is served at /metrics; nil
	// means a private registry.
	Registry *prometheus.Registry
	// ShowOneTimeCodes lets the outbox listing show one-time login codes:
	// only in dev, where the outbox is the only mailbox there is.
	// Elsewhere an operator reading the outbox must not see another
	// user's second factor.
	ShowOneTimeCodes bool
}

// Server is the HTTP API.
type Server struct {
	Deps
	log     *slog.Logger
	metrics *metrics
	engine  *gin.Engine
}

// DefaultChunkSize stores a batch a couple of thousand contracts per
// activity: large enough that per-activity overhead is small next to the
// insert, small enough that a retry redoes little.
const DefaultChunkSize = 2000

// New builds the API.
func New(d Deps) *Server {
	if d.ChunkSize <= 0 {
		d.ChunkSize = DefaultChunkSize
	}
	if d.TaskQueue == "" {
		d.TaskQueue = workflows.TaskQueue
	}
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	s := &Server{Deps: d, log: d.Log, metrics: newMetrics(d.Registry, d.Store)}
	s.engine = s.routes()
	return s
}

// Handler is the API as an http.Handler.
func (s *Server) Handler() http.Handler {
	return s.engine
}

func (s *Server) routes() *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	// The client address (for login throttling) is the connection's own:
	// forwarding headers are trusted from no one, since anyone can send one.
	// TODO: behind a load balancer, list it here so that throttling sees
	// the real client; until then all clients behind it share one address.
	_ = r.SetTrustedProxies(nil)
	r.HandleMethodNotAllowed = true
	// A path with a stray slash is a wrong path: a JSON 404, not a redirect.
	r.RedirectTrailingSlash = false
	r.Use(s.withRequestID, s.accessLog, recoverPanics, securityHeaders, refuseBadAddress)
	r.NoRoute(func(c *gin.Context) {
		fail(c, newError(http.StatusNotFound, CodeRouteNotFound, "no such route"))
	})
	r.NoMethod(func(c *gin.Context) {
		fail(c, newError(http.StatusMethodNotAllowed, CodeMethodNotAllowed,
			"method not allowed on this route"))
	})

	portal.Register(r)
	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	r.GET("/metrics", s.serveMetrics)

	v1 := r.Group("/api/v1")
	v1.GET("/openapi.json", serveOpenAPI)

	small := limitBody(maxDefaultBody)
	v1.POST("/auth/login", small, s.login)
	v1.POST("/auth/verify", small, s.verify)
	v1.POST("/auth/logout", small, s.logout)
	v1.GET("/auth/me", s.requireSession, s.me)

	v1.POST("/contract-batches", limitBody(MaxBatchBody), s.requireMarket, s.submitBatch)
	v1.GET("/contract-batches/:request_id", s.requireMarketOrOperator, s.getBatch)
	v1.GET("/contract-batches", s.requireRole(store.RoleOperator), s.listBatches)
	v1.POST("/contract-batches/:request_id/retry", small,
		s.requireRole(store.RoleOperator), s.resolveBatch)
	v1.POST("/contract-batches/:request_id/discard", small,
		s.requireRole(store.RoleOperator), s.resolveBatch)

	v1.GET("/transactions", s.requireRole(store.RoleOperator, store.RoleBroker), s.transactions)
	v1.GET("/organizations", s.requireRole(store.RoleOperator, store.RoleBroker, store.RoleAdmin),
		s.listOrganizations)
	v1.POST("/organizations", small, s.requireRole(store.RoleOperator), s.createOrganization)
	v1.GET("/alerts", s.requireRole(store.RoleOperator), s.listAlerts)
	v1.POST("/closings", small, s.requireRole(store.RoleOperator), s.createClosing)
	v1.GET("/closings", s.requireRole(store.RoleOperator), s.listClosings)
	v1.GET("/closings/:month", s.requireRole(store.RoleOperator), s.getClosing)
	v1.GET("/settlements", s.requireRole(store.RoleOperator, store.RoleBroker), s.ledger)
	v1.POST("/settlements", small, s.requireRole(store.RoleOperator), s.postEntry)
	v1.POST("/settlements/:id/reverse", small, s.requireRole(store.RoleOperator), s.reverseEntry)
	op := s.requireRole(store.RoleOperator)
	v1.GET("/counterparties", op, s.listCounterparties)
	v1.POST("/counterparties", small, op, s.createCounterparty)
	v1.GET("/counterparties/:id", op, s.getCounterparty)
	v1.PATCH("/counterparties/:id", small, op, s.updateCounterparty)
	v1.POST("/counterparties/:id/deactivate", small, op, s.setCounterpartyActive)
	v1.POST("/counterparties/:id/activate", small, op, s.setCounterpartyActive)
	s.billRoutes(v1)
	v1.GET("/mails", op, s.listMails)
	v1.GET("/users", s.requireRole(store.RoleAdmin), s.listUsers)
	v1.POST("/users", small, s.requireRole(store.RoleAdmin), s.createUser)
	v1.PATCH("/users/:id", small, s.requireRole(store.RoleAdmin), s.updateUser)
	return r
}
