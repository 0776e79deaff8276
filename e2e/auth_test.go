package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestLoginGivesNoHintWhetherTheUserExists(t *testing.T) {
	s := newStack(t)
	anon := s.anonymous()
	wrongPassword := anon.post("/api/v1/auth/login",
		map[string]string{"login_id": "broker-a", "password": "wrong-password-1"})
	noSuchUser := anon.post("/api/v1/auth/login",
		map[string]string{"login_id": "nobody-here", "password": "wrong-password-1"})
	if wrongPassword.Status != http.StatusUnauthorized || noSuchUser.Status != http.StatusUnauthorized {
		t.Fatalf("statuses = %d and %d, want 401 both", wrongPassword.Status, noSuchUser.Status)
	}
	if wrongPassword.errorCode() != noSuchUser.errorCode() {
		t.Errorf("codes differ: %s vs %s", wrongPassword.errorCode(), noSuchUser.errorCode())
	}
}

func TestRepeatedFailuresAreThrottled(t *testing.T) {
	s := newStack(t)
	anon := s.anonymous()
	creds := map[string]string{"login_id": "broker-b", "password": "wrong-password-1"}
	for i := range 5 {
		if resp := anon.post("/api/v1/auth/login", creds); resp.Status != http.StatusUnauthorized {
			t.Fatalf("failure %d: HTTP %d, want 401", i+1, resp.Status)
		}
	}
	creds["password"] = testPassword
	resp := anon.post("/api/v1/auth/login", creds)
	if resp.Status != http.StatusTooManyRequests || resp.errorCode() != "too_many_attempts" {
		t.Errorf("right password while locked: HTTP %d %s, want 429", resp.Status, resp.Body)
	}
	// Sixteen minutes later the lock has passed.
	s.clock.now = s.clock.now.Add(16 * time.Minute)
	if resp := anon.post("/api/v1/auth/login", creds); resp.Status != http.StatusOK {
		t.Errorf("after the lock: HTTP %d %s, want 200", resp.Status, resp.Body)
	}
}

func TestDisabledAccountIsRefused(t *testing.T) {
	s := newStack(t)
	c := s.login("broker-c", testPassword)
	s.exec("UPDATE users SET disabled = true WHERE login_id = 'broker-c'")

	if resp := c.get("/api/v1/auth/me"); resp.Status != http.StatusUnauthorized {
		t.Errorf("session of a disabled user: HTTP %d, want 401", resp.Status)
	}
	resp := s.anonymous().post("/api/v1/auth/login",
		map[string]string{"login_id": "broker-c", "password": testPassword})
	if resp.Status != http.StatusForbidden || resp.errorCode() != "account_disabled" {
		t.Errorf("login of a disabled user: HTTP %d %s, want 403 account_disabled", resp.Status, resp.Body)
	}
}

func TestSessionCookieAndCSRF(t *testing.T) {
	s := newStack(t)
	resp := s.anonymous().post("/api/v1/auth/login",
		map[string]string{"login_id": testOperator, "password": testPassword})
	cookie := resp.Header.Get("Set-Cookie")
	for _, want := range []string{"ch_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("Set-Cookie %q lacks %s", cookie, want)
		}
	}

	op := s.login(testOperator, testPassword)
	token := op.csrf
	op.csrf = ""
	resp = op.post("/api/v1/organizations", map[string]string{"id": "D", "name": "D社"})
	if resp.Status != http.StatusForbidden || resp.errorCode() != "csrf_token_invalid" {
		t.Errorf("change without CSRF token: HTTP %d %s, want 403", resp.Status, resp.Body)
	}
	op.csrf = token
	if resp := op.post("/api/v1/organizations", map[string]string{"id": "D", "name": "D社"}); resp.Status != http.StatusCreated {
		t.Errorf("change with CSRF token: HTTP %d %s, want 201", resp.Status, resp.Body)
	}

	if resp := op.post("/api/v1/auth/logout", nil); resp.Status != http.StatusNoContent {
		t.Fatalf("logout: HTTP %d %s", resp.Status, resp.Body)
	}
	if resp := op.get("/api/v1/auth/me"); resp.Status != http.StatusUnauthorized {
		t.Errorf("after logout: HTTP %d, want 401", resp.Status)
	}
}

func TestRolesAreEnforced(t *testing.T) {
	s := newStack(t)
	admin := s.login("admin", testPassword)
	if resp := admin.get("/api/v1/transactions?month=2023-09&broker_id=A"); resp.Status != http.StatusForbidden {
		t.Errorf("admin reading transactions: HTTP %d, want 403", resp.Status)
	}
	resp := admin.post("/api/v1/users", map[string]string{
		"login_id": "broker-a2", "password": "another-password-1", "role": "broker",
		"organization_id": "A",
	})
	if resp.Status != http.StatusCreated {
		t.Fatalf("admin creating a user: HTTP %d %s", resp.Status, resp.Body)
	}
	a2 := s.login("broker-a2", "another-password-1")
	if page := a2.history(t, "month=2023-09"); page.Broker.ID != "A" {
		t.Errorf("new broker user sees %s, want A", page.Broker.ID)
	}
	op := s.login(testOperator, testPassword)
	if resp := op.get("/api/v1/users"); resp.Status != http.StatusForbidden {
		t.Errorf("operator listing users: HTTP %d, want 403", resp.Status)
	}
	if resp := op.get("/api/v1/transactions?month=2023-09"); resp.errorCode() != "broker_required" {
		t.Errorf("operator without broker_id: %s, want broker_required", resp.Body)
	}
	if resp := op.get("/api/v1/transactions?month=2023-9&broker_id=A"); resp.Status != http.StatusBadRequest {
		t.Errorf("bad month: HTTP %d, want 400", resp.Status)
	}
	if resp := op.get("/api/v1/transactions?month=2023-09&broker_id=NOPE"); resp.Status != http.StatusNotFound {
		t.Errorf("unknown broker: HTTP %d, want 404", resp.Status)
	}
}
