package portal

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

func newRouter(t *testing.T) *gin.Engine {
	t.Helper()
	gin.SetMode(gin.TestMode)
	r := gin.New()
	Register(r)
	return r
}

func get(t *testing.T, h http.Handler, target string, header http.Header) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for name, values := range header {
		req.Header[name] = values
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// concretePath fills a route's :params with a sample value.
func concretePath(route string) string {
	return regexp.MustCompile(`:[a-z_]+`).ReplaceAllString(route, "batch-1")
}

func TestPagesServeTheApp(t *testing.T) {
	r := newRouter(t)
	for _, route := range Pages {
		target := concretePath(route)
		rec := get(t, r, target, nil)
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s: got status %d, want 200", target, rec.Code)
			continue
		}
		if got := rec.Header().Get("Content-Type"); got != "text/html; charset=utf-8" {
			t.Errorf("GET %s: got Content-Type %q, want text/html; charset=utf-8", target, got)
		}
		body := rec.Body.String()
		if !strings.Contains(body, `<script type="module" src="/assets/js/main.js">`) {
			t.Errorf("GET %s: the page does not load /assets/js/main.js", target)
		}
		if !strings.Contains(body, `<html lang="ja">`) {
			t.Errorf("GET %s: the page is not marked as Japanese", target)
		}
	}
}

// Every client-side route must be one of Pages, or reloading or
// bookmarking that page would get a 404 instead of the app.
func TestEveryRouteIsServed(t *testing.T) {
	param := regexp.MustCompile(`:[A-Za-z_]+`)
	served := map[string]bool{}
	for _, p := range Pages {
		served[param.ReplaceAllString(p, ":param")] = true
	}
	routes := readEmbedded(t, "web/assets/js/routes.js")
	paths := regexp.MustCompile(`path: '([^']+)'`).FindAllStringSubmatch(routes, -1)
	if len(paths) == 0 {
		t.Fatal("routes.js: got no paths, want the portal's routes")
	}
	for _, m := range paths {
		if !served[param.ReplaceAllString(m[1], ":param")] {
			t.Errorf("route %s: not in Pages, want it served", m[1])
		}
	}
}

func TestPagesStayOutOfTheAPI(t *testing.T) {
	for _, route := range append(slices.Clone(Pages), AssetPrefix) {
		if strings.HasPrefix(route, "/api/") {
			t.Errorf("route %s is under /api/, which belongs to the JSON API", route)
		}
	}
}

func TestAssetsHaveTheirContentTypes(t *testing.T) {
	r := newRouter(t)
	tests := []struct {
		target string
		want   string
	}{
		{"/assets/js/main.js", "text/javascript; charset=utf-8"},
		{"/assets/js/views/history.js", "text/javascript; charset=utf-8"},
		{"/assets/css/base.css", "text/css; charset=utf-8"},
		{"/assets/favicon.svg", "image/svg+xml"},
	}
	for _, tt := range tests {
		rec := get(t, r, tt.target, nil)
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s: got status %d, want 200", tt.target, rec.Code)
			continue
		}
		if got := rec.Header().Get("Content-Type"); got != tt.want {
			t.Errorf("GET %s: got Content-Type %q, want %q", tt.target, got, tt.want)
		}
		if rec.Body.Len() == 0 {
			t.Errorf("GET %s: got an empty body", tt.target)
		}
	}
}

func TestUnknownAssetsAreNotFound(t *testing.T) {
	r := newRouter(t)
	for _, target := range []string{
		"/assets/nope.js", "/assets/", "/assets/js", "/assets/../portal.go",
		"/assets/../index.html", "/assets/%2e%2e/portal.go",
	} {
		rec := get(t, r, target, nil)
		if rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: got status %d, want 404", target, rec.Code)
		}
	}
}

func TestUnchangedFilesAreNotSentAgain(t *testing.T) {
	r := newRouter(t)
	for _, target := range []string{"/", "/assets/js/main.js"} {
		first := get(t, r, target, nil)
		etag := first.Header().Get("ETag")
		if etag == "" || first.Header().Get("Cache-Control") != "no-cache" {
			t.Fatalf("GET %s: got ETag %q and Cache-Control %q, want an ETag and no-cache",
				target, etag, first.Header().Get("Cache-Control"))
		}
		again := get(t, r, target, http.Header{"If-None-Match": {etag}})
		if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
			t.Errorf("GET %s with If-None-Match %s: got status %d and %d bytes, want 304 and none",
				target, etag, again.Code, again.Body.Len())
		}
	}
}

func TestHeadAnswersWithoutBody(t *testing.T) {
	srv := httptest.NewServer(newRouter(t))
	defer srv.Close()
	resp, err := http.Head(srv.URL + "/history")
	if err != nil {
		t.Fatalf("HEAD /history: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.ContentLength == 0 {
		t.Errorf("HEAD /history: got status %d, length %d; want 200 and the page's length",
			resp.StatusCode, resp.ContentLength)
	}
}

// The API's Content-Security-Policy forbids inline scripts, inline event
// handlers and inline styles: the page must have none of them.
func TestPageHasNoInlineCode(t *testing.T) {
	page := readEmbedded(t, "web/index.html")
	for _, tag := range regexp.MustCompile(`(?is)<script\b[^>]*>`).FindAllString(page, -1) {
		if !regexp.MustCompile(`\ssrc\s*=`).MatchString(tag) {
			t.Errorf("index.html: got inline script %s, want every script loaded with src", tag)
		}
	}
	forbidden := map[string]*regexp.Regexp{
		"event handler attribute": regexp.MustCompile(`(?is)<[^>]*\son[a-z]+\s*=`),
		"style attribute":         regexp.MustCompile(`(?is)<[^>]*\sstyle\s*=`),
		"style element":           regexp.MustCompile(`(?i)<style\b`),
		"javascript: URL":         regexp.MustCompile(`(?i)javascript:`),
		"address off the site":    regexp.MustCompile(`(?i)(src|href)\s*=\s*"(https?:)?//`),
	}
	for what, re := range forbidden {
		if m := re.FindString(page); m != "" {
			t.Errorf("index.html: got %s %q, want none", what, m)
		}
	}
}

// Data must reach the page as text. Scripts that parse strings as HTML or
// code, set inline handlers or styles, or load from other sites could let a
// name such as <img src=x onerror=alert(1)> run.
func TestScriptsInsertNoMarkup(t *testing.T) {
	forbidden := []string{
		"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
		"new Function", "setTimeout('", "setAttribute('on", "setAttribute('style",
		".style.", "http://", "https://", "//cdn", "import(",
	}
	for name, body := range embeddedScripts(t) {
		for _, bad := range forbidden {
			if strings.Contains(body, bad) {
				t.Errorf("%s: got %q, want none", name, bad)
			}
		}
	}
}

// Every file the page or a script refers to must be embedded, or the
// browser would stop at a missing module.
func TestReferencedFilesAreEmbedded(t *testing.T) {
	s, err := load(webFiles)
	if err != nil {
		t.Fatalf("loading: %v", err)
	}
	page := readEmbedded(t, "web/index.html")
	assetRef := regexp.MustCompile(`(?:src|href)="(/assets/[^"]+)"`)
	for _, m := range assetRef.FindAllStringSubmatch(page, -1) {
		if _, ok := s.assets[m[1]]; !ok {
			t.Errorf("index.html refers to %s, which is not embedded", m[1])
		}
	}
	importRE := regexp.MustCompile(`(?m)^\s*import\b[^;]*?\bfrom\s+'([^']+)'`)
	for name, body := range embeddedScripts(t) {
		for _, m := range importRE.FindAllStringSubmatch(body, -1) {
			target := "/" + path.Join(path.Dir(strings.TrimPrefix(name, "web/")), m[1])
			if _, ok := s.assets[target]; !ok {
				t.Errorf("%s imports %s (%s), which is not embedded", name, m[1], target)
			}
		}
	}
}

// The scripts' pure helpers (amounts, dates, return paths, CSV) have unit
// tests of their own, run with Node.js where it is installed.
func TestScriptHelpersWithNode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed; the script helpers' tests need it")
	}
	files, err := filepath.Glob(filepath.Join("testdata", "*.test.mjs"))
	if err != nil || len(files) == 0 {
		t.Fatalf("finding the script tests: got %v, %v; want testdata/*.test.mjs", files, err)
	}
	out, err := exec.Command(node, append([]string{"--test"}, files...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("node --test %s: %v\n%s", strings.Join(files, " "), err, out)
	}
}

func readEmbedded(t *testing.T, name string) string {
	t.Helper()
	body, err := fs.ReadFile(webFiles, name)
	if err != nil {
		t.Fatalf("reading %s: %v", name, err)
	}
	return string(body)
}

func embeddedScripts(t *testing.T) map[string]string {
	t.Helper()
	scripts := map[string]string{}
	err := fs.WalkDir(webFiles, "web", func(name string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(name, ".js") {
			scripts[name] = readEmbedded(t, name)
		}
		return err
	})
	if err != nil || len(scripts) == 0 {
		t.Fatalf("listing scripts: got %d, %v; want some", len(scripts), err)
	}
	return scripts
}
