package e2e

import (
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"
)

func newJar() *cookiejar.Jar {
	jar, _ := cookiejar.New(nil)
	return jar
}

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
	org := map[string]string{"id": "D", "name": "D社"}
	if resp := op.post("/api/v1/organizations", org); resp.Status != http.StatusCreated {
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

func TestUnverifiedAddressSignsInWithAOneTimeCode(t *testing.T) {
	s := newStack(t)
	admin := s.login("admin", testPassword)
	resp := admin.post("/api/v1/users", map[string]string{"login_id": "broker-c2",
		"password": "another-password-1", "role": "broker", "organization_id": "C",
		"email": "c2@broker-c.example"})
	if resp.Status != http.StatusCreated {
		t.Fatalf("creating user: HTTP %d %s", resp.Status, resp.Body)
	}
	anon := s.anonymous()
	creds := map[string]string{"login_id": "broker-c2", "password": "another-password-1"}
	resp = anon.post("/api/v1/auth/login", creds)
	var step struct {
		VerificationRequired bool   `json:"verification_required"`
		Challenge            string `json:"challenge"`
	}
	resp.decode(t, &step)
	if resp.Status != http.StatusAccepted || !step.VerificationRequired || resp.Header.Get("Set-Cookie") != "" {
		t.Fatalf("first login: HTTP %d %s, want 202 with a challenge and no cookie", resp.Status, resp.Body)
	}
	code := s.mailedCode("c2@broker-c.example")
	// An operator reading the outbox does not read another user's code.
	var outbox struct {
		Items []struct {
			To   string `json:"to"`
			Body string `json:"body"`
		} `json:"items"`
	}
	s.login(testOperator, testPassword).get("/api/v1/mails").decode(t, &outbox)
	if len(outbox.Items) != 1 || strings.Contains(outbox.Items[0].Body, code) {
		t.Errorf("outbox = %+v: want the code's mail listed without the code", outbox.Items)
	}
	wrong := "000000"
	if code == wrong {
		wrong = "000001"
	}
	verify := func(c *caller, code string) response {
		return c.post("/api/v1/auth/verify", map[string]string{"challenge": step.Challenge, "code": code})
	}
	if resp := verify(anon, wrong); resp.errorCode() != "invalid_code" {
		t.Errorf("wrong code: HTTP %d %s, want invalid_code", resp.Status, resp.Body)
	}
	jar := s.anonymous()
	jar.http.Jar = newJar()
	resp = verify(jar, code)
	if resp.Status != http.StatusOK {
		t.Fatalf("right code: HTTP %d %s, want 200", resp.Status, resp.Body)
	}
	if me := jar.get("/api/v1/auth/me"); me.Status != http.StatusOK {
		t.Errorf("after verification: HTTP %d, want a session", me.Status)
	}
	if again := verify(jar, code); again.Status != http.StatusUnauthorized {
		t.Errorf("reusing the code: HTTP %d, want 401", again.Status)
	}
	// The address is verified now: the next login needs no code.
	s.login("broker-c2", "another-password-1")
}

func TestOneTimeCodeAllowsFiveTries(t *testing.T) {
	s := newStack(t)
	s.exec(`UPDATE users SET email = 'b@broker-b.example', email_verified = false WHERE login_id = 'broker-b'`)
	anon := s.anonymous()
	resp := anon.post("/api/v1/auth/login", map[string]string{"login_id": "broker-b", "password": testPassword})
	var step struct {
		Challenge string `json:"challenge"`
	}
	resp.decode(t, &step)
	code := s.mailedCode("b@broker-b.example")
	wrong := "000000"
	if code == wrong {
		wrong = "000001"
	}
	verify := func(code string) response {
		return anon.post("/api/v1/auth/verify", map[string]string{"challenge": step.Challenge, "code": code})
	}
	for range 5 {
		verify(wrong)
	}
	if resp := verify(code); resp.Status != http.StatusUnauthorized {
		t.Errorf("right code after five wrong ones: HTTP %d, want 401", resp.Status)
	}
	// A known password cannot have codes sent without end.
	creds := map[string]string{"login_id": "broker-b", "password": testPassword}
	statuses := []int{}
	for range 3 {
		statuses = append(statuses, anon.post("/api/v1/auth/login", creds).Status)
	}
	if statuses[0] != http.StatusAccepted || statuses[1] != http.StatusAccepted ||
		statuses[2] != http.StatusTooManyRequests {
		t.Errorf("logins after the first code: %v, want 202, 202, 429", statuses)
	}
	// The code never travels through a workflow's history.
	id := "mail-" + s.mailKey("b@broker-b.example")
	events, _ := s.historySize(id)
	if events == 0 || strings.Contains(s.historyText(id), code) {
		t.Errorf("history of %s (%d events) holds the code", id, events)
	}
}

// mailedCode waits for the one-time code mailed to an address.
func (s *stack) mailedCode(to string) string {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var body string
		const last = `SELECT body FROM mails WHERE to_address = $1 ORDER BY id DESC LIMIT 1`
		err := s.db.QueryRow(last, to).Scan(&body)
		if err == nil {
			if i := strings.Index(body, ": "); i >= 0 && len(body) >= i+8 {
				return body[i+2 : i+8]
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.t.Fatalf("no one-time code mailed to %s", to)
	return ""
}

func TestAdminDisablesAndChangesAccounts(t *testing.T) {
	s := newStack(t)
	admin := s.login("admin", testPassword)
	a := s.login("broker-a", testPassword)
	var users struct {
		Items []struct {
			ID      int64  `json:"id"`
			LoginID string `json:"login_id"`
		} `json:"items"`
	}
	admin.get("/api/v1/users").decode(t, &users)
	ids := map[string]int64{}
	for _, u := range users.Items {
		ids[u.LoginID] = u.ID
	}
	patch := func(login string, body map[string]any) response {
		return admin.send(http.MethodPatch, "/api/v1/users/"+itoa(ids[login]), "application/json",
			mustJSON(t, body))
	}
	if resp := patch("broker-a", map[string]any{"disabled": true}); resp.Status != http.StatusOK {
		t.Fatalf("disable: HTTP %d %s", resp.Status, resp.Body)
	}
	if resp := a.get("/api/v1/auth/me"); resp.Status != http.StatusUnauthorized {
		t.Errorf("session of a disabled account: HTTP %d, want 401", resp.Status)
	}
	resp := patch("broker-b", map[string]any{"role": "operator"})
	if resp.errorCode() != "invalid_organization" {
		t.Errorf("a broker made operator inside a broker: HTTP %d %s, want invalid_organization",
			resp.Status, resp.Body)
	}
	if resp := patch("broker-b", map[string]any{"organization_id": "C"}); resp.Status != http.StatusOK {
		t.Fatalf("moving broker-b to C: HTTP %d %s", resp.Status, resp.Body)
	}
	if page := s.login("broker-b", testPassword).history(t, "month=2023-09"); page.Broker.ID != "C" {
		t.Errorf("broker-b now sees %s, want C", page.Broker.ID)
	}
	if resp := patch("admin", map[string]any{"disabled": true}); resp.Status != http.StatusBadRequest {
		t.Errorf("an admin disabling itself: HTTP %d, want 400", resp.Status)
	}
}

// Accounts are told apart by their login id whatever its case, and a
// password's length is counted in characters.
func TestLoginIDsDifferInMoreThanCase(t *testing.T) {
	s := newStack(t)
	admin := s.login("admin", testPassword)
	create := func(login, password string) response {
		return admin.post("/api/v1/users", map[string]any{"login_id": login, "password": password,
			"role": "broker", "organization_id": "A"})
	}
	if resp := create("OPERATOR", testPassword); resp.Status != http.StatusConflict ||
		resp.errorCode() != "already_exists" {
		t.Errorf("OPERATOR beside operator: HTTP %d %s, want 409 already_exists", resp.Status, resp.Body)
	}
	if resp := create("broker-a2", strings.Repeat("é", 600)); resp.Status != http.StatusCreated {
		t.Errorf("a 600-character password: HTTP %d %s, want 201", resp.Status, resp.Body)
	}
	if resp := create("broker-a3", strings.Repeat("é", 11)); resp.Status != http.StatusBadRequest {
		t.Errorf("an 11-character password: HTTP %d %s, want 400", resp.Status, resp.Body)
	}
}
