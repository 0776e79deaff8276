package config

import (
	"strings"
	"testing"
)

func TestLoadDefaults(t *testing.T) {
	for _, name := range []string{"CLEARING_HTTP_ADDR", "CLEARING_TEMPORAL_UI_ADDR",
		"CLEARING_DATA_DIR", "TEMPORAL_NAMESPACE", "CLEARING_LOG_FORMAT"} {
		t.Setenv(name, "")
	}
	c := Load()
	if c.HTTPAddr != "127.0.0.1:8080" || c.TemporalUIAddr != "127.0.0.1:8233" ||
		c.DataDir != "./.data" || c.TemporalNamespace != "default" {
		t.Errorf("defaults = %+v", c)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := Config{HTTPAddr: "nonsense", MarketAPIKey: "short", LogFormat: "xml"}
	err := c.Validate(Needs{Database: true, Temporal: true, HTTP: true, Secrets: true})
	if err == nil {
		t.Fatal("Validate accepted an empty config")
	}
	for _, want := range []string{"DATABASE_URL", "TEMPORAL_ADDRESS", "CLEARING_HTTP_ADDR",
		"CLEARING_MARKET_API_KEY", "CLEARING_LOG_FORMAT"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func TestValidateAcceptsAGoodConfig(t *testing.T) {
	c := Config{
		DatabaseURL: "postgres://x", TemporalAddress: "127.0.0.1:7233",
		HTTPAddr: "127.0.0.1:8080", MarketAPIKey: "a-long-market-key", LogFormat: "json",
		ClosingCron: "0 2 1 * *",
	}
	if err := c.Validate(Needs{Database: true, Temporal: true, HTTP: true, Secrets: true}); err != nil {
		t.Errorf("Validate(%+v) = %v, want nil", c, err)
	}
}
