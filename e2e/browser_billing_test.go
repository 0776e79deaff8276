package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Selectors of the register, update and record screens.
const (
	stepSubmit   = "main .confirm-step .step-submit"
	doneDetail   = "main .done-step #done-detail"
	noticeDone   = "main .notice-success"
	detailsList  = "main dl.details"
	historyTable = "main .change-history table"
	resultsTable = "main .results table"
)

// TestBrowserInvoiceFromRegistrationToCollection follows an invoice through
// the portal: an operator registers it for broker B with its PDF (after a
// file that is not a PDF is refused in the browser), confirms, corrects
// its amount on 請求書更新, issues it;
// broker-b finds it in 請求管理 and downloads the same PDF; the operator
// records the payment, B's 清算確認 shows the collection, a search finds
// the invoice, and 送信メール shows the notice mailed when it was issued.
func TestBrowserInvoiceFromRegistrationToCollection(t *testing.T) {
	s := newStack(t)
	s.setBalance("B", -6000) // B owes: an invoice bills what a broker owes
	setBillingEmail(t, s, "B", "データブローカーB", "billing@broker-b.example")
	dir := t.TempDir()
	pdf := pdfOfSize(1200)
	pdfPath := writeFile(t, dir, "invoice-2023-09.pdf", pdf)
	op := newBrowser(t, s, "invoice-operator")

	op.open("/login")
	op.signIn(testOperator)
	wantMenu := []string{"取引履歴", "清算確認", "請求管理", "支払管理", "取引先管理",
		"締め処理", "連携バッチ", "アラート", "送信メール"}
	if got := op.menuTitles(); !slices.Equal(got, wantMenu) {
		t.Errorf("operator's menu: got %q, want %q", got, wantMenu)
	}
	op.clickMenu("/invoices", "請求管理")
	op.waitText("main .results", "請求書はまだ登録されていません。")
	op.screenshot("01-list-empty")

	detail := registerInvoice(op, dir, pdfPath)
	updateInvoiceAmount(op)
	issueInvoice(op)

	broker := newBrowser(t, s, "invoice-broker")
	brokerDownloadsInvoice(broker, pdf)

	op.open(detail)
	recordInvoicePayment(op)
	op.waitText(settlementBalance, "-1,000円")
	row := op.text(ledgerTable + " tbody tr:last-child")
	for _, want := range []string{"+5,000円", "清算 払い込み（請求 INV-2023-000001）", "2023-10-03"} {
		if !strings.Contains(row, want) {
			t.Errorf("B's ledger row: got %q, want it to contain %q", row, want)
		}
	}
	op.screenshot("11-settlement-b")

	searchInvoices(op)
	op.clickMenu("/mails", "送信メール")
	op.waitText("main .results table", "請求書 INV-2023-000001 を発行しました")
	op.waitText("main .results table", "billing@broker-b.example")
	op.click("main details.mail summary")
	op.waitVisible("main details.mail[open] .mail-body")
	op.screenshot("13-mails")
	op.expectNoScriptErrors()
	broker.expectNoScriptErrors()
}

// registerInvoice registers a 5,000 yen invoice for B on 請求書登録, input →
// confirmation → done, and returns the path of its page. A text file is
// refused beside the PDF field before anything is sent.
func registerInvoice(b *browser, dir, pdfPath string) string {
	b.t.Helper()
	b.click("#register-link")
	b.waitHeading("請求書登録")
	b.set(`main select[name="broker_id"]`, "B")
	b.fill(`main input[name="amount"]`, "4,800")
	b.set(`main input[name="due_date"]`, "2099-10-31")
	b.set(`main input[name="period_from"]`, "2023-09-01")
	b.set(`main input[name="period_to"]`, "2023-09-30")
	b.set(`main textarea[name="note"]`, "2023年9月分の取引収支")

	pdfInput := `main input[name="pdf_base64"]`
	b.upload(pdfInput, writeFile(b.t, dir, "not-a-pdf.pdf", []byte("just text, not a PDF")))
	b.click(`main form button[type="submit"]`)
	b.waitText(`main .field:has(input[name="pdf_base64"]) .field-error`, "PDFではありません")
	b.screenshot("02-register-not-a-pdf")

	b.upload(pdfInput, pdfPath)
	b.click(`main form button[type="submit"]`)
	b.waitHeading("請求書登録確認")
	confirm := b.text("main .confirm-step")
	wants := []string{"データブローカーB / B", "4,800円", "2099-10-31",
		"2023-09-01〜2023-09-30", "invoice-2023-09.pdf"}
	for _, want := range wants {
		if !strings.Contains(confirm, want) {
			b.t.Errorf("confirmation: got %q, want it to contain %q", confirm, want)
		}
	}
	b.screenshot("03-register-confirm")

	b.click(stepSubmit)
	b.waitHeading("請求書登録完了")
	b.waitText(noticeDone, "請求書を登録しました")
	b.screenshot("04-register-done")
	b.click(doneDetail)
	b.waitHeading("請求書詳細")
	b.waitText(detailsList, "下書き")
	b.waitText(historyTable, "登録")
	b.screenshot("05-detail-draft")
	return b.location()
}

// updateInvoiceAmount corrects the draft's amount on 請求書更新 and finds
// the change, before and after, in the confirmation and the history.
func updateInvoiceAmount(b *browser) {
	b.t.Helper()
	b.click("#update-link")
	b.waitHeading("請求書更新")
	b.fill(`main input[name="amount"]`, "5000")
	b.click(`main form button[type="submit"]`)
	b.waitHeading("請求書更新確認")
	b.waitText("main .confirm-step .change-line", "4,800円 → 5,000円")
	b.screenshot("06-update-confirm")
	b.click(stepSubmit)
	b.waitHeading("請求書更新完了")
	b.waitText(noticeDone, "請求書を更新しました。")
	b.click(doneDetail)
	b.waitHeading("請求書詳細")
	b.waitText(historyTable+" tbody tr:last-child", "4,800円 → 5,000円")
}

// issueInvoice presses 発行 on the draft shown and confirms.
func issueInvoice(b *browser) {
	b.t.Helper()
	b.click(`main button[data-action="issue"]`)
	b.waitText("dialog[open] .dialog-title", "この請求書を発行しますか？")
	b.screenshotView("07-issue-confirm")
	b.confirmDialog("この請求書を発行しますか？")
	b.waitText(noticeDone, "請求書 INV-2023-000001 を発行しました。")
	b.waitText(detailsList, "発行済み")
	b.waitText(historyTable, "発行")
	if n := b.count(`main button[data-action="issue"]`); n != 0 {
		b.t.Errorf("発行 buttons on an issued invoice: got %d, want none", n)
	}
	b.screenshot("08-issued")
}

// brokerDownloadsInvoice signs in as broker-b, finds the invoice in 請求管理
// (no register link, no actions) and downloads its PDF, which must arrive
// with the bytes that were uploaded.
func brokerDownloadsInvoice(b *browser, pdf []byte) {
	b.t.Helper()
	b.open("/login")
	b.signIn("broker-b")
	expectMenu(b, []string{"取引履歴", "清算確認", "請求管理", "支払管理"},
		[]string{"取引先管理", "締め処理", "送信メール"})
	b.clickMenu("/invoices", "請求管理")
	b.waitText(resultsTable, "INV-2023-000001")
	for css, what := range map[string]string{"#register-link": "register links",
		`main select[name="broker_id"]`: "broker pickers"} {
		if n := b.count(css); n != 0 {
			b.t.Errorf("%s on 請求管理 for a broker: got %d, want none", what, n)
		}
	}
	b.screenshot("01-list")

	b.click(resultsTable + " tbody tr:first-child a")
	b.waitHeading("請求書詳細")
	b.waitText(detailsList, "発行済み")
	if n := b.count("main button[data-action], main .change-history"); n != 0 {
		b.t.Errorf("actions and history on a broker's invoice page: got %d, want none", n)
	}
	b.screenshot("02-detail")

	dir := b.t.TempDir()
	b.allowDownloads(dir)
	b.click("main a.doc-link")
	waitDownload(b.t, filepath.Join(dir, "INV-2023-000001.pdf"), pdf)
}

// recordInvoicePayment presses 入金記録 on the issued invoice shown, enters
// the day the money arrived and confirms. The API takes no day later than
// its today, which is 2023-10-03 on the test's clock.
func recordInvoicePayment(b *browser) {
	b.t.Helper()
	b.click(`main button[data-action="pay"]`)
	b.waitVisible(`dialog[open] input[name="paid_on"]`)
	b.set(`dialog[open] input[name="paid_on"]`, "2023-10-03")
	b.waitText("dialog[open] .dialog-body", "+5,000円")
	b.screenshotView("09-pay-confirm")
	b.confirmDialog("この請求書の入金を記録しますか？")
	b.waitText(noticeDone, "入金（2023-10-03）を記録しました")
	b.waitText(detailsList, "入金済み")
	b.waitText(detailsList, "計上済み")
	b.screenshot("10-paid")
	b.click("main .details a[href='/settlement?broker_id=B']")
	b.waitHeading("清算確認")
}

// searchInvoices searches 請求管理 by broker, status and amount range and
// finds the paid invoice; a range that excludes it finds nothing.
func searchInvoices(b *browser) {
	b.t.Helper()
	b.clickMenu("/invoices", "請求管理")
	form := `main form[role="search"] `
	b.set(form+`select[name="broker_id"]`, "B")
	b.set(form+`select[name="status"]`, "paid")
	b.fill(form+`input[name="amount_min"]`, "1,000")
	b.fill(form+`input[name="amount_max"]`, "10000")
	b.click(form + `button[type="submit"]`)
	b.waitLocation("/invoices?broker_id=B&status=paid&amount_min=1000&amount_max=10000")
	b.waitText("main .result-count", "1件")
	b.waitText(resultsTable, "入金済み")
	b.screenshot("12-search")

	b.fill(form+`input[name="amount_min"]`, "6000")
	b.click(form + `button[type="submit"]`)
	b.waitText("main .results", "条件に合う請求書はありません。")
}

// TestBrowserPaymentNeedsASecondOperator registers a payment to broker A
// with its statement, replaces the statement on 支払明細書登録, shows that
// its registrant cannot approve it, has a second operator approve it (after
// a change of its amount made meanwhile is refused, reloaded and checked),
// records the payment, and finds the payout in A's 清算確認 and the paid
// payment in broker-a's 支払管理. A payment without its statement cannot
// be approved.
func TestBrowserPaymentNeedsASecondOperator(t *testing.T) {
	s := newStack(t)
	s.setBalance("A", 2500) // A is owed: a payment pays what a broker is owed
	s.createOperator("operator2")
	dir := t.TempDir()
	first := writeFile(t, dir, "statement-1.pdf", pdfOfSize(900))
	second := writeFile(t, dir, "statement-2.pdf", pdfOfSize(1500))
	op := newBrowser(t, s, "payment-operator")

	op.open("/login")
	op.signIn(testOperator)
	op.clickMenu("/payments", "支払管理")
	op.click("#register-link")
	op.waitHeading("支払登録")
	op.set(`main select[name="broker_id"]`, "A")
	op.fill(`main input[name="amount"]`, "1800")
	op.set(`main input[name="scheduled_on"]`, "2023-10-31")
	op.upload(`main input[name="statement_pdf_base64"]`, first)
	op.screenshot("01-register")
	op.click(`main form button[type="submit"]`)
	op.waitHeading("支払登録確認")
	op.waitText("main .confirm-step", "statement-1.pdf")
	op.click(stepSubmit)
	op.waitHeading("支払登録完了")
	op.click(doneDetail)
	op.waitHeading("支払詳細")
	op.waitText(detailsList, "登録者operator")
	op.waitText(detailsList, "未承認")
	op.waitText("main .panel", "別の運用者が承認します")
	if n := op.count(`main button[data-action="approve"]:disabled`); n != 1 {
		t.Errorf("disabled 承認 buttons for the registrant: got %d, want 1", n)
	}
	op.screenshot("02-detail-draft")
	detail := op.location()
	replaceStatement(op, second)

	approver := newBrowser(t, s, "payment-approver")
	approver.open("/login?next=" + detail)
	approver.signIn("operator2")
	approver.waitHeading("支払詳細")
	approver.waitText(detailsList, "1,800円")
	setPaymentAmount(t, s, strings.TrimPrefix(detail, "/payments/"), 2000)
	approveChangedAmount(approver)
	approver.click(`main button[data-action="approve"]`)
	approver.waitText("dialog[open] #approve-amount", "2,000円")
	approver.confirmDialog("この支払を承認しますか？")
	approver.waitText(noticeDone, "支払（2,000円）を承認しました。")
	approver.waitText(detailsList, "承認者operator2")
	if n := approver.count("#statement-link, #update-link"); n != 0 {
		t.Errorf("update and statement links on an approved payment: got %d, want none", n)
	}
	approver.screenshot("01-approved")
	expectApprovalNeedsStatement(t, s, approver)

	op.open(detail)
	payOnScreen(op)

	approver.signOut()
	approver.signIn("broker-a")
	approver.clickMenu("/settlement", "清算確認")
	approver.waitText(settlementBalance, "+500円")
	approver.waitText(ledgerTable, "2023-10-03")
	approver.screenshot("02-broker-settlement")
	approver.clickMenu("/payments", "支払管理")
	approver.waitText(resultsTable, "支払済み")
	if head := approver.text(resultsTable + " thead"); strings.Contains(head, "登録者") {
		t.Errorf("broker's payment list columns: got %q, want no 登録者", head)
	}
	approver.screenshot("03-broker-payments")
	op.expectNoScriptErrors()
	approver.expectNoScriptErrors()
}

// approveChangedAmount approves the payment shown at the amount the page
// loaded, after its amount was changed elsewhere: the dialog shows the old
// amount, the API refuses it, the refusal shows beside the buttons, and a
// reload shows the new amount.
func approveChangedAmount(b *browser) {
	b.t.Helper()
	b.click(`main button[data-action="approve"]`)
	b.waitText("dialog[open] .dialog-body", "この金額で承認します")
	b.waitText("dialog[open] #approve-amount", "1,800円")
	b.screenshotView("01-approve-confirm")
	b.confirmDialog("この支払を承認しますか？")
	refusal := `main .panel .action-error[data-code="amount_changed"]`
	b.waitText(refusal, "画面を開いた後に変更されています")
	b.waitText(refusal, "再読み込み")
	b.screenshot("02-amount-changed")
	b.click(refusal + " #reload-record")
	b.waitText(detailsList, "2,000円")
	if n := b.count(refusal); n != 0 {
		b.t.Errorf("refusals shown after the reload: got %d, want none", n)
	}
}

// expectApprovalNeedsStatement registers a payment without its statement
// through the API and finds 承認 disabled on its page, with the reason.
func expectApprovalNeedsStatement(t *testing.T, s *stack, b *browser) {
	t.Helper()
	op := s.login(testOperator, testPassword)
	bare := op.mustBill(t, op.post("/api/v1/payments", map[string]any{
		"broker_id": "A", "amount": 1000, "scheduled_on": "2023-10-31",
	}), http.StatusCreated)
	b.open("/payments/" + bare.ID)
	b.waitText("main .panel .action-blocked",
		"支払明細書が添付されていないため承認できません")
	if n := b.count(`main button[data-action="approve"]:disabled`); n != 1 {
		t.Errorf("disabled 承認 buttons on a payment without a statement: got %d, want 1", n)
	}
	b.screenshot("04-no-statement")
}

// setPaymentAmount changes a draft payment's amount through the API, as
// another operator would while someone is looking at it.
func setPaymentAmount(t *testing.T, s *stack, id string, amount int64) {
	t.Helper()
	op := s.login(testOperator, testPassword)
	body := mustJSON(t, map[string]int64{"amount": amount})
	resp := op.send(http.MethodPatch, "/api/v1/payments/"+id, "application/json", body)
	if resp.Status != http.StatusOK {
		t.Fatalf("changing payment %s's amount: HTTP %d %s, want 200", id, resp.Status, resp.Body)
	}
}

// replaceStatement registers another statement on 支払明細書登録.
func replaceStatement(b *browser, path string) {
	b.t.Helper()
	b.click("#statement-link")
	b.waitHeading("支払明細書登録")
	b.upload(`main input[name="statement_pdf_base64"]`, path)
	b.screenshot("03-statement")
	b.click(`main form button[type="submit"]`)
	b.waitHeading("支払明細書登録確認")
	b.waitText("main .confirm-step", "statement-2.pdf")
	b.waitText("main .confirm-step", "置き換わります")
	b.screenshot("04-statement-confirm")
	b.click(stepSubmit)
	b.waitHeading("支払明細書登録完了")
	b.waitText(noticeDone, "支払明細書を登録しました。")
	b.click(doneDetail)
	b.waitHeading("支払詳細")
	b.waitText(historyTable, "支払明細書登録")
}

// payOnScreen presses 支払記録 on the approved payment shown, with its day
// (the test clock's today, as for invoices).
func payOnScreen(b *browser) {
	b.t.Helper()
	b.click(`main button[data-action="pay"]`)
	b.set(`dialog[open] input[name="paid_on"]`, "2023-10-03")
	b.waitText("dialog[open] .dialog-body", "-2,000円")
	b.screenshotView("05-pay-confirm")
	b.confirmDialog("この支払を記録しますか？")
	b.waitText(noticeDone, "支払（2023-10-03）を記録しました")
	b.waitText(detailsList, "支払済み")
	b.waitText(historyTable, "支払記録")
	b.screenshot("06-paid")
}

// TestBrowserCounterpartyRegisterShowsErrorsBesideFields registers a
// counterparty. Values the API would refuse (a registration number with a
// wrong check digit, kana that is not katakana, an e-mail that is no
// address, a bank code of three digits) are shown beside their fields
// before the confirmation; an id already taken, which only the API knows,
// is shown beside the id after it. Fixed, it is registered; then it is
// updated and deactivated, and its history shows each change with the
// values before and after.
func TestBrowserCounterpartyRegisterShowsErrorsBesideFields(t *testing.T) {
	s := newStack(t)
	b := newBrowser(t, s, "counterparty")

	b.open("/login")
	b.signIn(testOperator)
	b.clickMenu("/counterparties", "取引先管理")
	b.waitText(resultsTable, "データブローカーB")
	b.screenshot("01-list")

	b.click("#register-link")
	b.waitHeading("取引先登録")
	valid := registrationNumber("123456789012")
	fillCounterparty(b, withWrongCheckDigit(valid))
	b.set(`main input[name="name_kana"]`, "でーたぶろーかー")
	b.set(`main input[name="billing_email"]`, "billing.broker-d.example")
	b.set(`main input[name="bank_code"]`, "001")
	b.click(`main form button[type="submit"]`)
	fieldError := func(name string) string {
		return `main .field:has([name="` + name + `"]) .field-error`
	}
	b.waitText(fieldError("registration_number"), "チェック用の数字")
	b.waitText(fieldError("name_kana"), "全角カタカナ")
	b.waitText(fieldError("billing_email"), "メールアドレスの形式")
	b.waitText(fieldError("bank_code"), "4桁の数字")
	if n := b.count("main .field-error:not([hidden])"); n != 4 {
		t.Errorf("fields with errors: got %d, want the 4 bad ones", n)
	}
	b.waitHeading("取引先登録")
	b.screenshot("02-register-errors")

	// The fields hold typed text now, which only a new value replaces.
	b.set(`main input[name="id"]`, "B")
	b.set(`main input[name="name_kana"]`, "データブローカーディー")
	b.set(`main input[name="billing_email"]`, "billing@broker-d.example")
	b.set(`main input[name="bank_code"]`, "0001")
	b.set(`main input[name="registration_number"]`, valid)
	b.click(`main form button[type="submit"]`)
	b.waitHeading("取引先登録確認")
	b.screenshot("03-register-confirm")
	b.click(stepSubmit)
	b.waitHeading("取引先登録")
	b.waitText(fieldError("id"), "この取引先IDは既に使われています")
	if n := b.count("main .field-error:not([hidden])"); n != 1 {
		t.Errorf("fields with errors after the API's refusal: got %d, want only the id", n)
	}
	b.screenshot("04-register-id-taken")

	b.set(`main input[name="id"]`, "D")
	b.click(`main form button[type="submit"]`)
	b.waitHeading("取引先登録確認")
	b.click(stepSubmit)
	b.waitHeading("取引先登録完了")
	b.click(doneDetail)
	b.waitHeading("取引先詳細")
	for _, want := range []string{"データブローカーD", valid, "普通", "1234567", "有効"} {
		b.waitText(detailsList, want)
	}
	b.waitText(historyTable, "登録")
	b.screenshot("05-detail")

	updateCounterpartyEmail(b)
	b.click(`main button[data-action="deactivate"]`)
	b.confirmDialog("この取引先を無効にしますか？")
	b.waitText(noticeDone, "無効にしました")
	b.waitText(detailsList, "無効")
	b.waitText(historyTable, "無効化")
	b.screenshot("08-deactivated")
	b.expectNoScriptErrors()
}

// fillCounterparty fills the register form for D with registration number.
func fillCounterparty(b *browser, number string) {
	b.t.Helper()
	values := map[string]string{
		"id": "D", "name": "データブローカーD", "name_kana": "データブローカーディー",
		"registration_number": number, "postal_code": "100-0001",
		"address": "東京都千代田区千代田1-1", "billing_email": "billing@broker-d.example",
		"bank_code": "0001", "branch_code": "001", "account_number": "1234567",
		"account_holder_kana": "データブローカーディー",
	}
	for name, value := range values {
		b.fill(`main input[name="`+name+`"]`, value)
	}
	b.set(`main select[name="account_type"]`, "ordinary")
}

// updateCounterpartyEmail changes the billing address on 取引先更新 and
// finds the change, before and after, in the confirmation and history.
func updateCounterpartyEmail(b *browser) {
	b.t.Helper()
	b.click("#update-link")
	b.waitHeading("取引先更新")
	b.fill(`main input[name="billing_email"]`, "invoices@broker-d.example")
	b.click(`main form button[type="submit"]`)
	b.waitHeading("取引先更新確認")
	change := "billing@broker-d.example → invoices@broker-d.example"
	b.waitText("main .confirm-step .change-line", change)
	b.screenshot("06-update-confirm")
	b.click(stepSubmit)
	b.waitHeading("取引先更新完了")
	b.click(doneDetail)
	b.waitHeading("取引先詳細")
	b.waitText(historyTable, "更新")
	change = "billing@broker-d.example → invoices@broker-d.example"
	b.waitText(historyTable+" tbody tr:last-child", change)
	b.screenshot("07-updated")
}

// TestBrowserOneTimeCodeLogin signs in as a broker whose address is not
// verified: the portal asks for the code mailed, refuses a wrong one beside
// the field, and signs in with the right one.
func TestBrowserOneTimeCodeLogin(t *testing.T) {
	s := newStack(t)
	s.exec(`UPDATE users SET email = 'b@broker-b.example', email_verified = false
		WHERE login_id = 'broker-b'`)
	b := newBrowser(t, s, "one-time-code")

	b.open("/login")
	b.fill(`input[name="login_id"]`, "broker-b")
	b.fill(`input[name="password"]`, testPassword)
	b.click(`main form button[type="submit"]`)
	b.waitHeading("ワンタイムパスワード入力")
	b.screenshot("01-code")

	code := s.mailedCode("b@broker-b.example")
	wrong := "000000"
	if code == wrong {
		wrong = "000001"
	}
	b.fill(`input[name="code"]`, wrong)
	b.click(`#code-form button[type="submit"]`)
	b.waitText(`#code-form .field-error`, "確認コードが正しくないか")
	b.screenshot("02-wrong-code")

	b.fill(`input[name="code"]`, code)
	b.click(`#code-form button[type="submit"]`)
	b.waitText("#menu .menu-user", "broker-b")
	b.waitHeading("取引履歴")
	b.expectNoScriptErrors()
}

// setBillingEmail gives a broker a billing address through the API, so
// that issuing an invoice mails it.
func setBillingEmail(t *testing.T, s *stack, id, name, email string) {
	t.Helper()
	op := s.login(testOperator, testPassword)
	body := mustJSON(t, map[string]string{"name": name, "billing_email": email})
	resp := op.send(http.MethodPatch, "/api/v1/counterparties/"+id, "application/json", body)
	if resp.Status != http.StatusOK {
		t.Fatalf("setting %s's billing address: HTTP %d %s, want 200", id, resp.Status, resp.Body)
	}
}

// writeFile writes data to name in dir and returns its path.
func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatalf("writing %s: %v", name, err)
	}
	return path
}

// registrationNumber completes twelve base digits into a qualified invoice
// issuer's registration number: T, the check digit, the base digits.
func registrationNumber(base string) string {
	sum := 0
	for i := range 12 {
		d := int(base[11-i] - '0')
		sum += d * (1 + i%2)
	}
	return "T" + string(rune('0'+9-sum%9)) + base
}

// withWrongCheckDigit changes a registration number's check digit, so that
// only the API, which checks it, refuses the number.
func withWrongCheckDigit(number string) string {
	digit := "1"
	if number[1] == '1' {
		digit = "2"
	}
	return number[:1] + digit + number[2:]
}
