package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// TestBrowserAdminDisablesUser has the admin disable broker-a on ユーザー管理
// after a confirmation step. The list then marks broker-a as disabled, the
// session broker-a already had ends, and the login page refuses broker-a
// with the account-disabled message.
func TestBrowserAdminDisablesUser(t *testing.T) {
	s := newStack(t)
	broker := newBrowser(t, s, "users-broker")
	broker.open("/login")
	broker.signIn("broker-a")
	brokerCookies := broker.cookieHeader()

	admin := newBrowser(t, s, "users-admin")
	admin.open("/login")
	admin.signIn("admin")
	admin.clickMenu("/users", "ユーザー管理")
	row := `main table tbody tr:has(button[aria-label="無効化：broker-a"])`
	admin.waitText(row, "有効")
	admin.screenshot("01-list")

	admin.click(`main button[aria-label="無効化：broker-a"]`)
	admin.waitText("dialog[open] .dialog-body", "broker-a")
	admin.screenshotView("02-disable-confirm")
	admin.confirmDialog("このユーザーを無効にしますか？")
	admin.waitText("main .notice-success", "ユーザー「broker-a」を無効にしました。")
	disabledRow := `main table tbody tr:has(button[aria-label="有効化：broker-a"])`
	admin.waitText(disabledRow+" .badge-disabled", "無効")
	if got := admin.text(disabledRow); !strings.Contains(got, "データブローカー") {
		t.Errorf("broker-a's row: got %q, want it to keep the role データブローカー", got)
	}
	admin.screenshot("03-list-disabled")

	status := statusWithCookies(t, s.URL, "/api/v1/auth/me", brokerCookies)
	if status != http.StatusUnauthorized {
		t.Errorf("broker-a's session after disabling: got HTTP %d, want 401", status)
	}

	broker.open("/login")
	broker.waitHeading("ログイン")
	broker.fill(`input[name="login_id"]`, "broker-a")
	broker.fill(`input[name="password"]`, testPassword)
	broker.click(`main form button[type="submit"]`)
	broker.waitText("main .notice-error", "このアカウントは無効です。")
	broker.screenshot("04-login-disabled")
	if got := broker.location(); got != "/login" {
		t.Errorf("page after a refused login: got %q, want /login", got)
	}
	admin.expectNoScriptErrors()
	broker.expectNoScriptErrors()
}
