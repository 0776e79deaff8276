package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Timeouts of the browser tests. A step is one user action or one screen
// state; a closing runs a workflow through Temporal, which takes longer.
const (
	stepTimeout    = 30 * time.Second
	closingTimeout = 2 * time.Minute
)

// browserNames are the Chromium builds the tests look for on PATH.
var browserNames = []string{"chromium", "chromium-browser", "google-chrome"}

// browser is one headless Chromium tab on a stack's portal. It records
// every JavaScript dialog (alert, confirm, prompt) and every uncaught
// script error, so that a test can check that none happened.
type browser struct {
	t      *testing.T
	ctx    context.Context
	base   string
	prefix string

	mu         sync.Mutex
	dialogs    []string
	exceptions []string
	// opened hands each dialog to the goroutine that closes it; seen
	// tells waitDialogs that one opened.
	opened chan string
	seen   chan struct{}
}

// findBrowser returns the path of a Chromium build, or skips the test when
// there is none: the browser tests need one, and say so.
func findBrowser(t *testing.T) string {
	t.Helper()
	for _, name := range browserNames {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	t.Skipf("no Chromium found on PATH (looked for %s); the browser tests need one",
		strings.Join(browserNames, ", "))
	return ""
}

// browserFlags start Chromium headless and quiet: no first-run screens, no
// background or component downloads, no sync and no QUIC. Host names other
// than 127.0.0.1 do not resolve, so a page can reach no other machine even
// by mistake. Each browser gets a fresh temporary profile (user-data-dir)
// from the allocator, which deletes it when the browser exits.
func browserFlags(path string) []chromedp.ExecAllocatorOption {
	flags := []string{
		"headless", "no-sandbox", "disable-gpu", "disable-dev-shm-usage", "no-first-run",
		"disable-background-networking", "disable-component-update", "disable-sync",
		"disable-quic", "no-default-browser-check", "disable-default-apps",
		"disable-extensions", "disable-breakpad", "disable-domain-reliability",
		"disable-client-side-phishing-detection", "hide-scrollbars", "mute-audio",
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"),
	}
	for _, f := range flags {
		opts = append(opts, chromedp.Flag(f, true))
	}
	return opts
}

// newBrowser starts Chromium for one test. Screenshots are named with
// prefix. The browser closes when the test ends, before the stack stops.
func newBrowser(t *testing.T, s *stack, prefix string) *browser {
	t.Helper()
	path := findBrowser(t)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), browserFlags(path)...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)

	// The first action starts the browser and ties it to ctx, so it runs
	// without a timeout of its own.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	b := &browser{t: t, ctx: ctx, base: s.URL, prefix: prefix, opened: make(chan string, 16),
		seen: make(chan struct{}, 16)}
	if err := chromedp.Listen(ctx, b.record); err != nil {
		t.Fatalf("listening to the browser: %v", err)
	}
	go b.dismissDialogs()
	return b
}

// record keeps dialogs and script errors. It runs on the loop that reads
// the browser's messages, so it only stores and hands over.
func (b *browser) record(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *page.EventJavascriptDialogOpening:
		b.dialogs = append(b.dialogs, ev.Message)
		select {
		case b.opened <- ev.Message:
		default:
		}
		select {
		case b.seen <- struct{}{}:
		default:
		}
	case *runtime.EventExceptionThrown:
		b.exceptions = append(b.exceptions, exceptionText(ev))
	}
}

func exceptionText(ev *runtime.EventExceptionThrown) string {
	d := ev.ExceptionDetails
	if d == nil {
		return "unknown exception"
	}
	if d.Exception != nil && d.Exception.Description != "" {
		return d.Exception.Description
	}
	return d.Text
}

// dismissDialogs closes every dialog the page opens, so that an alert
// cannot block the page while a test waits for it.
func (b *browser) dismissDialogs() {
	for {
		select {
		case <-b.ctx.Done():
			return
		case <-b.opened:
			params := page.HandleJavaScriptDialogParams{Accept: false}
			_, _ = chromedp.Call(b.ctx, page.HandleJavaScriptDialog, params)
		}
	}
}

// dialogsSeen returns the messages of the dialogs opened so far.
func (b *browser) dialogsSeen() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.dialogs...)
}

// waitDialogs waits until n more dialogs have opened.
func (b *browser) waitDialogs(n int) {
	b.t.Helper()
	timeout := time.NewTimer(stepTimeout)
	defer timeout.Stop()
	for range n {
		select {
		case <-b.seen:
		case <-timeout.C:
			b.t.Fatalf("waiting for %d dialogs: got %q", n, b.dialogsSeen())
		}
	}
}

// expectNoScriptErrors fails the test if a page script threw.
func (b *browser) expectNoScriptErrors() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.exceptions) > 0 {
		b.t.Errorf("uncaught script errors: got %q, want none", b.exceptions)
	}
}

// do runs actions within the step timeout; what says what they were for.
func (b *browser) do(what string, actions ...step) {
	b.t.Helper()
	b.doWithin(stepTimeout, what, actions...)
}

// step is a browser action that returns nothing.
type step = chromedp.Action[chromedp.Void]

func (b *browser) doWithin(limit time.Duration, what string, actions ...step) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, limit)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v (page %s, text %q)", what, err, b.location(), b.mainText())
	}
}

// run returns the value of action within the step timeout.
func run[T any](b *browser, what string, action chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, action)
	if err != nil {
		b.t.Fatalf("%s: %v (page %s)", what, err, b.location())
	}
	return v
}

// location is the page's path and query, for messages; "" when unknown.
func (b *browser) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(loc, b.base)
}

// mainText is the start of the text of the page's main column, for
// failure messages.
func (b *browser) mainText() string {
	text := b.pageText("main")
	if r := []rune(text); len(r) > 600 {
		text = string(r[:600]) + "…"
	}
	return text
}

// pageText is the text the page shows in the first element matching css
// (the whole page when none does); "" when it cannot be read.
func (b *browser) pageText(css string) string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	expr := fmt.Sprintf("(document.querySelector(%q) || document.body).innerText", css)
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		return ""
	}
	return text
}

// open loads path (with its query) as if typed into the address bar.
func (b *browser) open(path string) {
	b.t.Helper()
	b.do("opening "+path, chromedp.Navigate(b.base+path),
		chromedp.WaitReady(chromedp.CSS("main h1.page-title")))
}

// waitVisible waits until an element matching css is shown.
func (b *browser) waitVisible(css string) {
	b.t.Helper()
	b.do("waiting for "+css, chromedp.WaitVisible(chromedp.CSS(css)))
}

// waitText waits until the first element matching css contains want.
func (b *browser) waitText(css, want string) {
	b.t.Helper()
	b.waitTextWithin(stepTimeout, css, want)
}

func (b *browser) waitTextWithin(limit time.Duration, css, want string) {
	b.t.Helper()
	check := `(css, want) => {
		const node = document.querySelector(css);
		return node !== null && node.textContent.includes(want);
	}`
	poll := chromedp.PollFunction[chromedp.Void](check,
		chromedp.WithPollingArgs(css, want), chromedp.WithPollingTimeout(limit))
	b.doWithin(limit, fmt.Sprintf("waiting for %q in %s", want, css), poll)
}

// waitHeading waits until the page's heading reads title.
func (b *browser) waitHeading(title string) {
	b.t.Helper()
	check := `(title) => {
		const h = document.querySelector('main h1.page-title');
		return h !== null && h.textContent === title;
	}`
	b.do("waiting for the page "+title, chromedp.PollFunction[chromedp.Void](
		check, chromedp.WithPollingArgs(title), chromedp.WithPollingTimeout(stepTimeout)))
}

// headingFocus says whether the page's heading has focus and, if so, the
// style of the outline it shows: "focused, outline none", say.
func (b *browser) headingFocus() string {
	b.t.Helper()
	expr := `(() => {
		const h = document.querySelector('main h1.page-title');
		if (h === null || document.activeElement !== h) {
			return 'not focused';
		}
		return 'focused, outline ' + getComputedStyle(h).outlineStyle;
	})()`
	return run(b, "reading the heading's focus", chromedp.Evaluate[string](expr))
}

// waitLocation waits until the page's path and query are want.
func (b *browser) waitLocation(want string) {
	b.t.Helper()
	check := `(want) => location.pathname + location.search === want`
	b.do("waiting for the address "+want, chromedp.PollFunction[chromedp.Void](
		check, chromedp.WithPollingArgs(want), chromedp.WithPollingTimeout(stepTimeout)))
}

// text returns the text of the first element matching css.
func (b *browser) text(css string) string {
	b.t.Helper()
	return run(b, "reading "+css, chromedp.TextContent(chromedp.CSS(css)))
}

// count returns how many elements match css right now.
func (b *browser) count(css string) int {
	b.t.Helper()
	expr := fmt.Sprintf("document.querySelectorAll(%q).length", css)
	return run(b, "counting "+css, chromedp.Evaluate[int](expr))
}

// fill types value into the empty field matching css.
func (b *browser) fill(css, value string) {
	b.t.Helper()
	b.do("filling "+css, chromedp.Clear(chromedp.CSS(css)),
		chromedp.SendKeys(chromedp.CSS(css), value))
}

// set sets the value of a select or a date or month field, which do not
// take typed text the same way in every locale.
func (b *browser) set(css, value string) {
	b.t.Helper()
	b.do("setting "+css, chromedp.SetValue(chromedp.CSS(css), value))
}

// click clicks the first element matching css once it is shown.
func (b *browser) click(css string) {
	b.t.Helper()
	b.do("clicking "+css, chromedp.WaitVisible(chromedp.CSS(css)),
		chromedp.Click(chromedp.CSS(css)))
}

// clickMenu follows the menu header's link to path.
func (b *browser) clickMenu(path, title string) {
	b.t.Helper()
	b.click(fmt.Sprintf(`#menu a.menu-link[href=%q]`, path))
	b.waitHeading(title)
}

// confirmDialog checks the open confirmation dialog's title and confirms.
func (b *browser) confirmDialog(title string) {
	b.t.Helper()
	b.waitText("dialog[open] .dialog-title", title)
	b.click("dialog[open] .dialog-actions button:last-child")
	b.do("waiting for the dialog to close", chromedp.WaitNotPresent(chromedp.CSS("dialog[open]")))
}

// signIn fills the login form and waits for the page it leads to.
func (b *browser) signIn(loginID string) {
	b.t.Helper()
	b.waitHeading("ログイン")
	b.fill(`input[name="login_id"]`, loginID)
	b.fill(`input[name="password"]`, testPassword)
	b.click(`main form button[type="submit"]`)
	b.waitText("#menu .menu-user", loginID)
}

// signOut presses ログアウト and waits for the login page.
func (b *browser) signOut() {
	b.t.Helper()
	b.click("#menu .menu-logout")
	b.waitHeading("ログイン")
}

// screenshot saves the whole page as <prefix>-<name>.png in the artifacts
// folder, after checking that the page shows no stray program values.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	b.save(name, chromedp.FullScreenshot(100))
}

// screenshotView saves what the window shows, for modal dialogs, whose
// backdrop covers the window and not the whole page.
func (b *browser) screenshotView(name string) {
	b.t.Helper()
	b.save(name, chromedp.CaptureScreenshot())
}

// strayValue finds words that only leak from a program into a page, such
// as a null appended as text.
var strayValue = regexp.MustCompile(`\b(null|undefined|NaN)\b|\[object Object\]`)

func (b *browser) save(name string, capture chromedp.Action[[]byte]) {
	b.t.Helper()
	if stray := strayValue.FindString(b.pageText("body")); stray != "" {
		b.t.Errorf("screen %s shows %q: got a program value, want none", name, stray)
	}
	png := run(b, "taking a screenshot", capture)
	dir := artifactsDir(b.t)
	file := filepath.Join(dir, b.prefix+"-"+name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Fatalf("saving screenshot: %v", err)
	}
}

// artifactsDir is the folder for screenshots: CLEARING_ARTIFACTS_DIR, or
// artifacts/screenshots under the repository's root. It is made if missing.
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("CLEARING_ARTIFACTS_DIR")
	if dir == "" {
		root, err := repositoryRoot()
		if err != nil {
			t.Fatalf("finding the repository root: %v", err)
		}
		dir = filepath.Join(root, "artifacts", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("making the artifacts folder: %v", err)
	}
	return dir
}

// repositoryRoot is the nearest folder above the working directory (the
// package's folder under go test) that holds go.mod.
func repositoryRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// cookieHeader is the browser's cookies for the portal as a Cookie header,
// to replay them outside the browser.
func (b *browser) cookieHeader() string {
	b.t.Helper()
	params := network.GetCookiesParams{URLs: []string{b.base + "/"}}
	read := func(ctx context.Context, t *chromedp.Target) ([]string, error) {
		res, err := cdp.Call(ctx, t, network.GetCookies, params)
		if err != nil {
			return nil, err
		}
		var pairs []string
		for _, c := range res.Cookies {
			pairs = append(pairs, c.Name+"="+c.Value)
		}
		return pairs, nil
	}
	return strings.Join(run(b, "reading cookies", read), "; ")
}

// statusWithCookies asks the API for path with a Cookie header and returns
// the HTTP status.
func statusWithCookies(t *testing.T, base, path, cookies string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatalf("building request: %v", err)
	}
	req.Header.Set("Cookie", cookies)
	resp, err := (&http.Client{Timeout: stepTimeout}).Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// upload chooses the file at path in the file input matching css, as a
// user picking it in the file dialog would.
func (b *browser) upload(css, path string) {
	b.t.Helper()
	choose := chromedp.SetUploadFiles(chromedp.CSS(css), []string{path})
	b.do("choosing "+filepath.Base(path), choose)
}

// allowDownloads makes the browser save downloads into dir, under the name
// the server suggests, instead of asking where to put them.
func (b *browser) allowDownloads(dir string) {
	b.t.Helper()
	params := cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir,
	}
	allow := func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, cdpbrowser.SetDownloadBehavior, params)
		return chromedp.Void{}, err
	}
	b.do("allowing downloads", allow)
}

// waitDownload waits until the file at path holds want, as a download
// finishes, and fails the test when it does not arrive within a step.
func waitDownload(t *testing.T, path string, want []byte) {
	t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for {
		got, err := os.ReadFile(path)
		if err == nil && bytes.Equal(got, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("download %s: got %d bytes (%v), want the %d bytes sent",
				filepath.Base(path), len(got), err, len(want))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// menuTitles are the menu header's links, in order.
func (b *browser) menuTitles() []string {
	b.t.Helper()
	expr := `Array.from(document.querySelectorAll('#menu .menu-link'), (a) => a.textContent)`
	return run(b, "reading the menu", chromedp.Evaluate[[]string](expr))
}
