package api

import (
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
)

// TestOpenAPIDescribesEveryRoute keeps the published description in step
// with the router.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	s := New(Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	for _, r := range s.engine.Routes() {
		if r.Path == "/api/v1/openapi.json" || !strings.HasPrefix(r.Path, "/api/") && !isOps(r.Path) {
			continue
		}
		path := ginToOpenAPI(r.Path)
		if _, ok := doc.Paths[path][strings.ToLower(r.Method)]; !ok {
			t.Errorf("%s %s is not in openapi.json", r.Method, path)
		}
	}
}

func isOps(path string) bool {
	return path == "/healthz" || path == "/readyz" || path == "/metrics"
}

// ginToOpenAPI turns /x/:id into /x/{id}.
func ginToOpenAPI(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") {
			parts[i] = "{" + p[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}
