// Package config reads the clearing house's settings from the environment,
// once, at start-up, and validates them before anything starts.
package config

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
)

// DefaultHTTPAddr is where the API and portal listen unless told otherwise.
const DefaultHTTPAddr = "127.0.0.1:8080"

// Config is every setting of the clearing house. Zero values mean "not set";
// Load fills in the defaults.
type Config struct {
	// DatabaseURL is a PostgreSQL URL. Empty in dev: a private cluster is
	// provisioned under DataDir.
	DatabaseURL string
	// TemporalAddress is a Temporal frontend host:port. Empty in dev: an
	// embedded server is started.
	TemporalAddress   string
	TemporalNamespace string
	HTTPAddr          string
	TemporalUIAddr    string
	DataDir           string
	MarketAPIKey      string
	BootstrapOperator string
	BootstrapPassword string
	// LogFormat is "json" or "text".
	LogFormat string
	// TemporalUIURL is the Web UI's address as browsers reach it, for links
	// from the portal to workflows.
	TemporalUIURL string
	// ClosingCron is when the monthly closing runs, as a cron expression in
	// Japan time.
	ClosingCron string
	// S3Bucket keeps invoice and payment PDFs in S3 (standard AWS settings
	// from the environment); empty keeps them under DataDir/documents.
	S3Bucket string
	// SESFrom sends mail through Amazon SES from this address; empty keeps
	// mail in the outbox table only.
	SESFrom string
	// MetricsAddr is where the worker serves /metrics (the API serves its
	// own on its HTTP address).
	MetricsAddr string
}

// Load reads the environment.
func Load() Config {
	return Config{
		DatabaseURL:       os.Getenv("DATABASE_URL"),
		TemporalAddress:   os.Getenv("TEMPORAL_ADDRESS"),
		TemporalNamespace: envOr("TEMPORAL_NAMESPACE", "default"),
		HTTPAddr:          envOr("CLEARING_HTTP_ADDR", DefaultHTTPAddr),
		TemporalUIAddr:    envOr("CLEARING_TEMPORAL_UI_ADDR", "127.0.0.1:8233"),
		DataDir:           envOr("CLEARING_DATA_DIR", "./.data"),
		MarketAPIKey:      os.Getenv("CLEARING_MARKET_API_KEY"),
		BootstrapOperator: os.Getenv("CLEARING_BOOTSTRAP_OPERATOR"),
		BootstrapPassword: os.Getenv("CLEARING_BOOTSTRAP_PASSWORD"),
		LogFormat:         envOr("CLEARING_LOG_FORMAT", "json"),
		TemporalUIURL:     os.Getenv("CLEARING_TEMPORAL_UI_URL"),
		ClosingCron:       envOr("CLEARING_CLOSING_CRON", "0 2 1 * *"),
		S3Bucket:          os.Getenv("CLEARING_S3_BUCKET"),
		SESFrom:           os.Getenv("CLEARING_SES_FROM"),
		MetricsAddr:       envOr("CLEARING_METRICS_ADDR", "127.0.0.1:9464"),
	}
}

func envOr(name, fallback string) string {
	if v := strings.TrimSpace(os.Getenv(name)); v != "" {
		return v
	}
	return fallback
}

// MinSecretLength is the shortest market key and bootstrap password accepted.
const MinSecretLength = 12

// Needs says which settings a subcommand requires.
type Needs struct {
	Database bool
	Temporal bool
	HTTP     bool
	Secrets  bool
}

// Validate checks the settings a subcommand needs and reports every problem
// at once.
func (c Config) Validate(n Needs) error {
	var errs []error
	if n.Database && c.DatabaseURL == "" {
		errs = append(errs, errors.New("DATABASE_URL is required"))
	}
	if n.Temporal && c.TemporalAddress == "" {
		errs = append(errs, errors.New("TEMPORAL_ADDRESS is required"))
	}
	if n.HTTP {
		errs = append(errs, checkAddr("CLEARING_HTTP_ADDR", c.HTTPAddr))
	}
	if n.Secrets {
		errs = append(errs, checkSecret("CLEARING_MARKET_API_KEY", c.MarketAPIKey))
		if c.BootstrapOperator != "" || c.BootstrapPassword != "" {
			errs = append(errs, checkSecret("CLEARING_BOOTSTRAP_PASSWORD", c.BootstrapPassword))
		}
	}
	if len(strings.Fields(c.ClosingCron)) != 5 {
		errs = append(errs, fmt.Errorf("CLEARING_CLOSING_CRON must have five fields, not %q", c.ClosingCron))
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		errs = append(errs, fmt.Errorf("CLEARING_LOG_FORMAT must be json or text, not %q", c.LogFormat))
	}
	return errors.Join(errs...)
}

func checkAddr(name, addr string) error {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return fmt.Errorf("%s must be host:port: %w", name, err)
	}
	return nil
}

func checkSecret(name, value string) error {
	if len(value) < MinSecretLength {
		return fmt.Errorf("%s must be at least %d characters", name, MinSecretLength)
	}
	return nil
}
