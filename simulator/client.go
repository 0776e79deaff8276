package simulator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"time"
)

// Client talks to a clearing house's API as the market (and, to register
// generated brokers, as an operator).
type Client struct {
	BaseURL   string
	MarketKey string
	HTTP      *http.Client
}

// BatchStatus is the part of a batch's status the simulator reads.
type BatchStatus struct {
	RequestID   string `json:"request_id"`
	Status      string `json:"status"`
	Contracts   int    `json:"contracts"`
	Stored      int    `json:"stored"`
	Duplicate   int    `json:"duplicate"`
	Conflicting int    `json:"conflicting"`
	LastError   string `json:"last_error"`
}

// Finished reports whether the batch will not change any more.
func (b BatchStatus) Finished() bool {
	return b.Status == "completed" || b.Status == "discarded" || b.Status == "parked"
}

// Submit sends one batch and returns the HTTP status and the batch status.
func (c *Client) Submit(ctx context.Context, id string, contracts []Contract) (int, BatchStatus, error) {
	body, err := json.Marshal(map[string]any{"request_id": id, "contracts": contracts})
	if err != nil {
		return 0, BatchStatus{}, fmt.Errorf("encoding batch: %w", err)
	}
	var st BatchStatus
	code, err := c.do(ctx, http.MethodPost, "/api/v1/contract-batches", body, &st)
	return code, st, err
}

// Status reads a batch's status.
func (c *Client) Status(ctx context.Context, requestID string) (BatchStatus, error) {
	var st BatchStatus
	code, err := c.do(ctx, http.MethodGet, "/api/v1/contract-batches/"+requestID, nil, &st)
	if err == nil && code != http.StatusOK {
		err = fmt.Errorf("status of %s: HTTP %d", requestID, code)
	}
	return st, err
}

// WaitFinished polls a batch until it is finished or ctx ends.
func (c *Client) WaitFinished(ctx context.Context, requestID string) (BatchStatus, error) {
	delay := 20 * time.Millisecond
	for {
		st, err := c.Status(ctx, requestID)
		if err != nil || st.Finished() {
			return st, err
		}
		select {
		case <-ctx.Done():
			return st, fmt.Errorf("waiting for %s: %w", requestID, ctx.Err())
		case <-time.After(delay):
		}
		delay = min(delay*2, 500*time.Millisecond)
	}
}

func (c *Client) do(ctx context.Context, method, path string, body []byte, out any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.BaseURL, "/")+path,
		bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("building request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.MarketKey)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return 0, fmt.Errorf("calling %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, fmt.Errorf("reading response: %w", err)
	}
	if resp.StatusCode >= 300 {
		return resp.StatusCode, fmt.Errorf("%s %s: HTTP %d: %s", method, path, resp.StatusCode,
			strings.TrimSpace(string(data)))
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, fmt.Errorf("decoding response: %w", err)
		}
	}
	return resp.StatusCode, nil
}

// RegisterBrokers signs in as an operator and registers the brokers that do
// not exist yet.
func RegisterBrokers(ctx context.Context, baseURL, login, password string, ids []string) error {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	base := strings.TrimRight(baseURL, "/")
	creds, _ := json.Marshal(map[string]string{"login_id": login, "password": password})
	resp, err := postJSON(ctx, hc, base+"/api/v1/auth/login", creds, "")
	if err != nil {
		return err
	}
	var me struct {
		CSRFToken string `json:"csrf_token"`
	}
	if err := json.Unmarshal(resp, &me); err != nil {
		return fmt.Errorf("decoding login: %w", err)
	}
	for _, id := range ids {
		org, _ := json.Marshal(map[string]string{"id": id, "name": "Simulated broker " + id})
		_, err := postJSON(ctx, hc, base+"/api/v1/organizations", org, me.CSRFToken)
		if err != nil && !strings.Contains(err.Error(), "HTTP 409") {
			return err
		}
	}
	return nil
}

func postJSON(ctx context.Context, hc *http.Client, url string, body []byte, csrf string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("building request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("calling %s: %w", url, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return nil, fmt.Errorf("POST %s: HTTP %d: %s", url, resp.StatusCode, strings.TrimSpace(string(data)))
	}
	return data, nil
}
