package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"clearinghouse/simulator"
)

// Selectors of the portal's screens that the browser tests use.
const (
	monthBalance      = "#month-balance"
	settlementBalance = "#settlement-balance"
	historyMonth      = `main form[role="search"] input[name="month"]`
	brokerPicker      = `main form[role="search"] select[name="broker_id"]`
	searchButton      = `main form[role="search"] button[type="submit"]`
	ledgerTable       = "main .results table"
	closeNowPanel     = `section[aria-labelledby="close-now-title"]`
	recordPanel       = `section[aria-labelledby="record-title"]`
)

// TestBrowserOperatorClosesAMonthAndRecordsACollection follows an operator
// through the seed's example: September is provisional, the operator closes
// it on the 締め処理 screen, the history turns confirmed, the ledger shows
// the month's balance, and a collection recorded on 清算確認 (then
// reversed) moves the settlement balance.
func TestBrowserOperatorClosesAMonthAndRecordsACollection(t *testing.T) {
	s := newStack(t)
	s.submitExample("seed-1")
	s.waitBatch("seed-1", "completed")
	b := newBrowser(t, s, "operator")

	b.open("/")
	b.signIn(testOperator)
	b.waitHeading("取引履歴")
	b.screenshot("01-history-choose")
	searchHistory(b, "2023-09", "A")
	b.waitText(monthBalance, "+2,000円")
	b.waitText(monthBalance, "[未確定]")
	b.screenshot("02-history-provisional")

	b.open("/settlement?broker_id=A")
	b.waitText("main .empty-state", "清算明細はまだありません。")
	b.waitText(settlementBalance, "0円")
	b.screenshot("03-settlement-empty")

	closeMonthOnScreen(b, "2023-09")
	expectClosingErrorsBesideFields(b)
	backfillOnScreen(b)

	b.open("/history?month=2023-09&broker_id=A")
	b.waitText(monthBalance, "[確定]")
	b.waitText(monthBalance, "+2,000円")
	b.screenshot("09-history-confirmed")

	b.clickMenu("/settlement", "清算確認")
	b.screenshot("10-settlement-choose")
	b.set(brokerPicker, "A")
	b.click(searchButton)
	b.waitText(settlementBalance, "+2,000円")
	row := b.text(ledgerTable + " tbody tr:first-child")
	wants := []string{"+2,000円", "2023年度9月取引収支", "2023-10-01",
		"自動計上（ワークフロー close-2023-09）"}
	for _, want := range wants {
		if !strings.Contains(row, want) {
			t.Errorf("first ledger row: got %q, want it to contain %q", row, want)
		}
	}
	if n := b.count(ledgerTable + " tbody button"); n != 0 {
		t.Errorf("取消 buttons on entries of a closing: got %d, want none", n)
	}
	b.screenshot("11-settlement")

	recordCollection(b, "1,000", "2023-10-03", "振込を確認")
	reverseLastEntry(b, "入力の誤り")
	b.expectNoScriptErrors()
}

// searchHistory searches 取引履歴 for a month and, for operators, a broker.
func searchHistory(b *browser, month, brokerID string) {
	b.t.Helper()
	b.set(historyMonth, month)
	if brokerID != "" {
		b.set(brokerPicker, brokerID)
	}
	b.click(searchButton)
	b.waitVisible(monthBalance)
}

// closeMonthOnScreen closes month with 今すぐ締める and waits for the
// result and the list of closed months.
func closeMonthOnScreen(b *browser, month string) {
	b.t.Helper()
	b.clickMenu("/closings", "締め処理")
	b.waitText("main", "締め済みの月はまだありません。")
	b.screenshot("04-closings-empty")

	b.set(closeNowPanel+` input[name="month"]`, month)
	b.click(closeNowPanel + ` button[type="submit"]`)
	b.waitText("dialog[open] .dialog-title", "2023年度9月（2023-09）を締めますか？")
	b.screenshotView("05-closings-confirm")
	b.confirmDialog("を締めますか？")

	b.waitTextWithin(closingTimeout, "#close-now-progress .result-box", "締めが完了しました")
	b.waitText(`section[aria-labelledby="closed-title"] table`, "2023年度9月2023-09今回")
	result := b.text(`section[aria-labelledby="closed-title"] tbody tr:first-child`)
	for _, want := range []string{"2023-10-01", "手動（operator）", "0円（一致）"} {
		if !strings.Contains(result, want) {
			b.t.Errorf("closing result: got %q, want it to contain %q", result, want)
		}
	}
	if n := b.count("main table"); n != 1 {
		b.t.Errorf("tables on 締め処理 after a closing: got %d, want the list of closed months only", n)
	}
	b.screenshot("06-closings-done")
}

// expectClosingErrorsBesideFields asks to close a month again and one that
// has not ended (both refused in the page, before any confirmation), and
// to backfill up to a month that has not ended by the API's clock, and
// finds each refusal beside the field it concerns.
func expectClosingErrorsBesideFields(b *browser) {
	b.t.Helper()
	monthInput := closeNowPanel + ` input[name="month"]`
	monthError := closeNowPanel + ` .field:has(input[name="month"]) .field-error`
	b.click(closeNowPanel + ` button[type="submit"]`)
	b.waitText(monthError, "既に締められています")
	thisMonth := time.Now().In(time.FixedZone("JST", 9*60*60)).Format("2006-01")
	b.set(monthInput, thisMonth)
	b.click(closeNowPanel + ` button[type="submit"]`)
	b.waitText(monthError, "まだ終わっていません")
	if n := b.count("dialog[open]"); n != 0 {
		b.t.Errorf("confirmations opened for months that cannot be closed: got %d, want none", n)
	}
	b.set(monthInput, "2023-09")
	b.click(closeNowPanel + ` button[type="submit"]`)
	b.waitText(monthError, "既に締められています")

	backfill := `section[aria-labelledby="backfill-title"]`
	b.set(backfill+` input[name="from"]`, "2023-09")
	b.set(backfill+` input[name="to"]`, "2023-10")
	b.click(backfill + ` button[type="submit"]`)
	b.confirmDialog("2023-09〜2023-10（2か月）を締めますか？")
	b.waitText(backfill+` .field:has(input[name="to"]) .field-error`, "まだ終わっていません")
	b.screenshot("07-closings-errors")
}

// backfillOnScreen closes August and September with 一括締め: August is
// closed now, September stays as it was, and both are listed.
func backfillOnScreen(b *browser) {
	b.t.Helper()
	backfill := `section[aria-labelledby="backfill-title"]`
	b.set(backfill+` input[name="from"]`, "2023-08")
	b.set(backfill+` input[name="to"]`, "2023-09")
	b.click(backfill + ` button[type="submit"]`)
	b.confirmDialog("2023-08〜2023-09（2か月）を締めますか？")
	done := "2023-08〜2023-09（2か月）の締めが完了しました"
	b.waitTextWithin(closingTimeout, "#backfill-progress .result-box", done)
	b.waitText(`section[aria-labelledby="closed-title"] table`, "2023年度8月2023-08")
	if n := b.count(`section[aria-labelledby="closed-title"] tbody tr`); n != 2 {
		b.t.Errorf("closed months listed: got %d, want 2", n)
	}
	if n := b.count(`section[aria-labelledby="closed-title"] .badge-fresh`); n != 1 {
		b.t.Errorf("months marked 今回 after 一括締め: got %d, want August only", n)
	}
	if n := b.count(closeNowPanel + " .field-error:not([hidden])"); n != 0 {
		b.t.Errorf("old errors on 今すぐ締める after 一括締め started: got %d, want none", n)
	}
	b.screenshot("08-closings-backfilled")
}

// recordCollection records a 払い込み of amount on the broker shown and
// checks that the settlement balance moved by it.
func recordCollection(b *browser, amount, date, reason string) {
	b.t.Helper()
	b.set(recordPanel+` select[name="kind"]`, "collection")
	b.fill(recordPanel+` input[name="amount"]`, amount)
	b.set(recordPanel+` input[name="date"]`, date)
	b.fill(recordPanel+` input[name="reason"]`, reason)
	b.click(recordPanel + ` button[type="submit"]`)
	b.waitText("dialog[open] .dialog-body", "+3,000円")
	b.screenshotView("12-settlement-record-confirm")
	b.confirmDialog("この払い込みを記録しますか？")

	b.waitText(".results .notice-success", "払い込み 1,000円（2023-10-03）を記録しました")
	b.waitText(settlementBalance, "+3,000円")
	last := b.text(ledgerTable + " tbody tr:last-child")
	wants := []string{"+1,000円", "清算 払い込み", date, "+3,000円", "理由：" + reason,
		"記録者：オペレーター operator"}
	for _, want := range wants {
		if !strings.Contains(last, want) {
			b.t.Errorf("new ledger row: got %q, want it to contain %q", last, want)
		}
	}
	b.screenshot("13-settlement-recorded")
}

// reverseLastEntry reverses the last entry with 取消 and checks that the
// balance is back and the entry is marked 取消済み.
func reverseLastEntry(b *browser, reason string) {
	b.t.Helper()
	b.click(ledgerTable + " tbody tr:last-child button")
	if n := b.count(ledgerTable + " tbody button"); n != 1 {
		b.t.Errorf("取消 buttons with one manual entry: got %d, want 1", n)
	}
	b.waitVisible(`dialog[open] input[name="reason"]`)
	b.fill(`dialog[open] input[name="reason"]`, reason)
	b.screenshotView("14-settlement-reverse-confirm")
	b.confirmDialog("この明細を取り消しますか？")

	b.waitText(".results .notice-success", "取り消しました")
	b.waitText(settlementBalance, "+2,000円")
	if got := b.count(ledgerTable + " tbody tr"); got != 3 {
		b.t.Errorf("ledger rows after the reversal: got %d, want 3", got)
	}
	b.waitText(ledgerTable+" tbody tr:nth-child(2)", "取消済み")
	if n := b.count(ledgerTable + " tbody button"); n != 0 {
		b.t.Errorf("取消 buttons after the reversal: got %d, want none", n)
	}
	b.screenshot("15-settlement-reversed")
}

// TestBrowserBrokerSeesOnlyItsOwnData signs in as broker-a: no broker
// pickers, A's figures only (even when the address names another broker),
// and no operator screens.
func TestBrowserBrokerSeesOnlyItsOwnData(t *testing.T) {
	s := newStack(t)
	s.submitExample("seed-1")
	s.waitBatch("seed-1", "completed")
	op := s.login(testOperator, testPassword)
	resp := op.post("/api/v1/closings", map[string]string{"month": "2023-09"})
	if resp.Status != http.StatusAccepted {
		t.Fatalf("closing 2023-09: HTTP %d %s, want 202", resp.Status, resp.Body)
	}
	s.waitClosed(op, "2023-09")
	b := newBrowser(t, s, "broker")

	b.open("/login")
	b.signIn("broker-a")
	b.waitHeading("取引履歴")
	operatorPages := []string{"締め処理", "連携バッチ", "アラート", "ユーザー管理"}
	expectMenu(b, []string{"取引履歴", "清算確認"}, operatorPages)
	searchHistory(b, "2023-09", "")
	b.waitText(monthBalance, "+2,000円")
	b.waitText("main .summary", "/ A")
	if n := b.count("main select"); n != 0 {
		t.Errorf("selects on 取引履歴 for a broker: got %d, want none", n)
	}
	b.screenshot("01-history")

	b.open("/history?month=2023-13")
	monthError := `main form[role="search"] .field .field-error`
	b.waitText(monthError, "「2023-13」は正しくありません")
	if n := b.count(monthBalance); n != 0 {
		t.Errorf("balances shown for the month 2023-13: got %d, want none", n)
	}
	b.screenshot("02-history-bad-month")

	b.open("/history?month=2023-09&broker_id=B")
	b.waitText(monthBalance, "+2,000円")
	if summary := b.text("main .summary"); strings.Contains(summary, "/ B") {
		t.Errorf("history asked for B as broker-a: got %q, want A's", summary)
	}

	b.clickMenu("/settlement", "清算確認")
	b.waitText(settlementBalance, "+2,000円")
	b.waitText(ledgerTable, "2023年度9月取引収支")
	for css, what := range map[string]string{"main select": "pickers", recordPanel: "record forms",
		ledgerTable + " button": "取消 buttons"} {
		if n := b.count(css); n != 0 {
			t.Errorf("%s on 清算確認 for a broker: got %d, want none", what, n)
		}
	}
	b.screenshot("03-settlement")

	for _, path := range []string{"/closings", "/batches", "/alerts", "/users"} {
		b.open(path)
		b.waitHeading("表示できません")
	}
	b.screenshot("04-forbidden")
	b.expectNoScriptErrors()
}

// expectMenu checks which pages the menu header offers.
func expectMenu(b *browser, shown, hidden []string) {
	b.t.Helper()
	menu := b.text("#menu .menu-links")
	for _, title := range shown {
		if !strings.Contains(menu, title) {
			b.t.Errorf("menu: got %q, want %s in it", menu, title)
		}
	}
	for _, title := range hidden {
		if strings.Contains(menu, title) {
			b.t.Errorf("menu: got %q, want no %s", menu, title)
		}
	}
}

// TestBrowserLoginReturnsToTheAskedPage opens a page signed out, signs in
// and lands on that page; a return address on another site is not
// followed.
func TestBrowserLoginReturnsToTheAskedPage(t *testing.T) {
	s := newStack(t)
	s.submitExample("seed-1")
	s.waitBatch("seed-1", "completed")
	b := newBrowser(t, s, "login")

	b.open("/history?month=2023-09")
	b.waitLocation("/login?next=%2Fhistory%3Fmonth%3D2023-09")
	b.screenshot("01-login")
	b.signIn("broker-a")
	b.waitLocation("/history?month=2023-09")
	b.waitText(monthBalance, "+2,000円")

	b.signOut()
	b.open("/login?next=//evil.example/x")
	b.signIn("broker-a")
	b.waitLocation("/history")
	origin := run(b, "reading the origin", chromedp.Evaluate[string]("location.origin"))
	if origin != s.URL {
		t.Errorf("signed in with next=//evil.example/x: got origin %s, want %s", origin, s.URL)
	}
	b.expectNoScriptErrors()
}

// TestBrowserLogoutEndsTheSession signs out and checks that the login page
// shows, the portal asks to sign in again, and the old session cookie no
// longer works on the server.
func TestBrowserLogoutEndsTheSession(t *testing.T) {
	s := newStack(t)
	b := newBrowser(t, s, "logout")

	b.open("/login")
	b.signIn(testOperator)
	b.waitHeading("取引履歴")
	cookies := b.cookieHeader()
	if got := statusWithCookies(t, s.URL, "/api/v1/auth/me", cookies); got != http.StatusOK {
		t.Fatalf("GET /api/v1/auth/me with the browser's cookies: HTTP %d, want 200", got)
	}
	expectHeadingOutlineForKeyboardOnly(b)

	b.signOut()
	b.waitLocation("/login")
	b.waitText("main .notice-success", "ログアウトしました")
	if n := b.count("#menu .menu-link"); n != 0 {
		t.Errorf("menu links after logout: got %d, want none", n)
	}
	b.screenshot("01-signed-out")

	b.click(`main form button[type="submit"]`)
	b.waitText(`main .field:has(input[name="login_id"]) .field-error`,
		"ログインIDを入力してください")
	b.waitText(`main .field:has(input[name="password"]) .field-error`,
		"パスワードを入力してください")
	if n := b.count("main .notice-success"); n != 0 {
		t.Errorf("logout notices after a new attempt to sign in: got %d, want none", n)
	}
	b.screenshot("02-login-empty")
	got := statusWithCookies(t, s.URL, "/api/v1/auth/me", cookies)
	if got != http.StatusUnauthorized {
		t.Errorf("GET /api/v1/auth/me with the cookies from before logout: HTTP %d, want 401", got)
	}
	b.open("/settlement")
	b.waitLocation("/login?next=%2Fsettlement")
	b.expectNoScriptErrors()
}

// expectHeadingOutlineForKeyboardOnly follows a menu link with the mouse
// and another with the keyboard: the new page's heading takes focus both
// times, but shows its outline only to the keyboard user.
func expectHeadingOutlineForKeyboardOnly(b *browser) {
	b.t.Helper()
	b.clickMenu("/settlement", "清算確認")
	if got, want := b.headingFocus(), "focused, outline none"; got != want {
		b.t.Errorf("heading after a mouse click: got %q, want %q", got, want)
	}
	link := chromedp.CSS(`#menu a.menu-link[href="/history"]`)
	b.do("following a menu link with the keyboard", chromedp.Focus(link), chromedp.KeyEvent(kb.Enter))
	b.waitHeading("取引履歴")
	if got, want := b.headingFocus(), "focused, outline solid"; got != want {
		b.t.Errorf("heading after the Enter key: got %q, want %q", got, want)
	}
}

// TestBrowserShowsMarkupInNamesAsText names an organisation like an HTML
// image with an onerror script and checks that the history's picker and
// page show the name as text and that no dialog opens.
func TestBrowserShowsMarkupInNamesAsText(t *testing.T) {
	const name = "<img src=x onerror=alert(1)>"
	s := newStack(t)
	op := s.login(testOperator, testPassword)
	resp := op.post("/api/v1/organizations", map[string]string{"id": "X", "name": name})
	if resp.Status != http.StatusCreated {
		t.Fatalf("creating organisation X: HTTP %d %s, want 201", resp.Status, resp.Body)
	}
	trade := simulator.Contract{ContractID: "X-1", BuyerID: "A", SellerID: "X", ItemCode: "zzzz",
		Amount: 4000, TradedAt: "2023-09-22T10:00:00+09:00"}
	s.market().post("/api/v1/contract-batches", map[string]any{"request_id": "x-1",
		"contracts": []simulator.Contract{trade}})
	s.waitBatch("x-1", "completed")
	b := newBrowser(t, s, "markup")

	b.open("/login")
	b.signIn(testOperator)
	b.waitHeading("取引履歴")
	option := brokerPicker + ` option[value="X"]`
	if got := b.text(option); got != "X / "+name {
		t.Errorf("picker option for X: got %q, want %q", got, "X / "+name)
	}
	searchHistory(b, "2023-09", "X")
	b.waitText("main .summary", "データブローカー："+name+" / X")
	b.waitText(monthBalance, "+4,000円")
	searchHistory(b, "2023-09", "A")
	b.waitText("main .results table", name+" / X")
	if n := b.count("main img"); n != 0 {
		t.Errorf("img elements in the page: got %d, want none", n)
	}
	b.screenshot("01-history")

	expectOnlyProbeDialog(b)
	b.expectNoScriptErrors()
}

// expectOnlyProbeDialog opens one alert on purpose, to show that dialogs
// are seen, then checks that it is the only dialog the page ever opened.
func expectOnlyProbeDialog(b *browser) {
	b.t.Helper()
	b.do("opening a probe alert",
		chromedp.Evaluate[chromedp.Void](`setTimeout(() => alert('probe'), 0)`))
	b.waitDialogs(1)
	if got := b.dialogsSeen(); len(got) != 1 || got[0] != "probe" {
		b.t.Errorf("dialogs: got %q, want only the probe", got)
	}
}

// TestBrowserAlertsReadInJapanese lists alerts of each kind: their kinds
// read in Japanese, and each subject links to its page in the portal.
func TestBrowserAlertsReadInJapanese(t *testing.T) {
	s := newStack(t)
	s.exec(`INSERT INTO alerts (dedupe_key, kind, subject, message, created_at) VALUES
		('t:1', 'closing_zero_sum', '2023-09', 'sum of balances is 1', now() - interval '3 minutes'),
		('t:2', 'invoice_overdue', 'inv_1', 'invoice is overdue', now() - interval '2 minutes'),
		('t:3', 'mail_not_sent', 'invoice:inv_1:reminder', 'not sent', now() - interval '1 minute')`)
	b := newBrowser(t, s, "alerts")

	b.open("/login")
	b.signIn(testOperator)
	b.clickMenu("/alerts", "アラート")
	table := "main .results table"
	rows := map[int][2]string{
		1: {"メール未送信", "/invoices/inv_1"},
		2: {"請求の支払期限超過", "/invoices/inv_1"},
		3: {"締めの収支合計の不一致", "/closings"},
	}
	for n, want := range rows {
		row := fmt.Sprintf("%s tbody tr:nth-child(%d)", table, n)
		b.waitText(row, want[0])
		if got := b.count(fmt.Sprintf(`%s a[href=%q]`, row, want[1])); got != 1 {
			t.Errorf("row %d: got %d links to %s, want 1", n, got, want[1])
		}
	}
	b.screenshot("01-alerts")
	b.expectNoScriptErrors()
}
