// Package portal serves the portal's pages and assets, embedded in the binary.
//
// The portal is a single-page app: every path in Pages answers with the same
// HTML page, whose scripts draw the screen for the path. Assets live under
// /assets/. Nothing is served under /api/, which belongs to the JSON API.
package portal

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"
)

//go:embed web
var webFiles embed.FS

// AssetPrefix is the URL path under which the portal's scripts, styles and
// images are served.
const AssetPrefix = "/assets/"

// Pages lists the portal's client-side routes, in gin's syntax. Each answers
// with the app's HTML page; the scripts then draw the screen.
var Pages = []string{
	"/",
	"/login",
	"/history",
	"/settlement",
	"/invoices",
	"/invoices/new",
	"/invoices/:id",
	"/invoices/:id/edit",
	"/payments",
	"/payments/new",
	"/payments/:id",
	"/payments/:id/edit",
	"/payments/:id/statement",
	"/counterparties",
	"/counterparties/new",
	"/counterparties/:id",
	"/counterparties/:id/edit",
	"/mails",
	"/closings",
	"/batches",
	"/batches/:request_id",
	"/alerts",
	"/users",
}

// contentTypes names the media type of each kind of file the portal embeds.
// A file of any other kind makes Register panic, so that a stray file is
// caught by the package's tests rather than served as a guess.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".svg":  "image/svg+xml",
}

// file is one embedded file ready to serve.
type file struct {
	body        []byte
	contentType string
	etag        string
}

// site holds the app's page and its assets by URL path.
type site struct {
	page   file
	assets map[string]file
}

// Register adds GET and HEAD routes for the portal's pages and assets to r.
func Register(r gin.IRoutes) {
	s, err := load(webFiles)
	if err != nil {
		panic(fmt.Sprintf("portal: loading embedded files: %v", err))
	}
	for _, p := range Pages {
		r.Match([]string{http.MethodGet, http.MethodHead}, p, s.servePage)
	}
	assets := strings.TrimSuffix(AssetPrefix, "/") + "/*path"
	r.Match([]string{http.MethodGet, http.MethodHead}, assets, s.serveAsset)
}

// load reads the embedded tree: web/index.html is the page, and every file
// under web/assets/ is an asset.
func load(fsys fs.FS) (*site, error) {
	root, err := fs.Sub(fsys, "web")
	if err != nil {
		return nil, err
	}
	page, err := readFile(root, "index.html")
	if err != nil {
		return nil, err
	}
	s := &site{page: page, assets: map[string]file{}}
	err = fs.WalkDir(root, "assets", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := readFile(root, name)
		if err != nil {
			return err
		}
		s.assets["/"+name] = f
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

func readFile(fsys fs.FS, name string) (file, error) {
	contentType, ok := contentTypes[path.Ext(name)]
	if !ok {
		return file{}, fmt.Errorf("no content type for %s", name)
	}
	body, err := fs.ReadFile(fsys, name)
	if err != nil {
		return file{}, err
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	return file{body: body, contentType: contentType, etag: etag}, nil
}

func (s *site) servePage(c *gin.Context) {
	serve(c, s.page)
}

func (s *site) serveAsset(c *gin.Context) {
	f, ok := s.assets[AssetPrefix+strings.TrimPrefix(c.Param("path"), "/")]
	if !ok {
		c.Data(http.StatusNotFound, "text/plain; charset=utf-8", []byte("not found\n"))
		return
	}
	serve(c, f)
}

// serve answers with f. Browsers revalidate every time (no-cache) and get a
// 304 while the file is unchanged, so a new release is picked up at once
// without versioned file names.
func serve(c *gin.Context, f file) {
	h := c.Writer.Header()
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", f.etag)
	if c.GetHeader("If-None-Match") == f.etag {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, f.contentType, f.body)
}
