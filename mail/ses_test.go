package mail

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
)

// sendEmailPath is where the SES v2 API takes SendEmail requests.
const sendEmailPath = "/v2/email/outbound-emails"

// sendEmailRequest is the part of a SendEmail request body the tests read.
type sendEmailRequest struct {
	FromEmailAddress string
	Destination      struct{ ToAddresses []string }
	Content          struct {
		Simple struct {
			Subject struct{ Data, Charset string }
			Body    struct {
				Text struct{ Data, Charset string }
			}
		}
	}
}

// fakeSES plays the SES v2 SendEmail endpoint. It records each request and
// answers with reply.
type fakeSES struct {
	t        *testing.T
	requests chan sendEmailRequest
	reply    func(w http.ResponseWriter)
}

func (f *fakeSES) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != sendEmailPath {
		f.t.Errorf("request %s %s, want POST %s", r.Method, r.URL.Path, sendEmailPath)
		http.NotFound(w, r)
		return
	}
	if auth := r.Header.Get("Authorization"); !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 ") {
		f.t.Errorf("Authorization header %q, want a SigV4 signature", auth)
	}
	var req sendEmailRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		f.t.Errorf("decoding SendEmail body: %v", err)
	}
	f.requests <- req
	f.reply(w)
}

// newTestSES starts fake on the loopback interface and returns an SES
// sender whose real client talks only to it.
func newTestSES(t *testing.T, reply func(w http.ResponseWriter)) (*SES, *fakeSES) {
	fake := &fakeSES{t: t, requests: make(chan sendEmailRequest, 10), reply: reply}
	server := httptest.NewServer(fake)
	t.Cleanup(server.Close)

	endpoint := server.URL
	client := sesv2.New(sesv2.Options{
		Region:       "ap-northeast-1",
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: &endpoint,
		HTTPClient:   server.Client(),
	})
	return &SES{Client: client, From: "清算機関 <billing@clearing.example>"}, fake
}

func accept(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"MessageId":"test-message-1"}`))
}

func reject(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Errortype", "MessageRejected")
	w.WriteHeader(http.StatusBadRequest)
	w.Write([]byte(`{"message":"Email address is not verified."}`))
}

func TestSESSend(t *testing.T) {
	ses, fake := newTestSES(t, accept)
	m := Message{
		To:      "broker-a@example.com",
		Subject: "【請求書発行】2023年度9月分のご請求",
		Body:    "A社 御中\n\n請求金額: 10,000円\nお支払期日: 2023年10月31日\n",
	}
	if err := ses.Send(t.Context(), m); err != nil {
		t.Fatalf("Send(%+v): %v", m, err)
	}

	got := <-fake.requests
	if got.FromEmailAddress != ses.From {
		t.Errorf("From = %q, want %q", got.FromEmailAddress, ses.From)
	}
	if to := got.Destination.ToAddresses; len(to) != 1 || to[0] != m.To {
		t.Errorf("To = %q, want [%q]", to, m.To)
	}
	subject, body := got.Content.Simple.Subject, got.Content.Simple.Body.Text
	if subject.Data != m.Subject || subject.Charset != "UTF-8" {
		t.Errorf("Subject = %q in %q, want %q in UTF-8", subject.Data, subject.Charset, m.Subject)
	}
	if body.Data != m.Body || body.Charset != "UTF-8" {
		t.Errorf("Body = %q in %q, want %q in UTF-8", body.Data, body.Charset, m.Body)
	}
}

func TestSESSendReportsRejection(t *testing.T) {
	ses, fake := newTestSES(t, reject)
	m := Message{To: "broker-a@example.com", Subject: "件名", Body: "本文"}

	err := ses.Send(t.Context(), m)
	if _, rejected := errors.AsType[*types.MessageRejected](err); !rejected {
		t.Errorf("Send(%+v) error = %v, want a MessageRejected error", m, err)
	}
	if n := len(fake.requests); n != 1 {
		t.Errorf("server got %d requests, want 1", n)
	}
}

func TestSESSendNeedsRecipient(t *testing.T) {
	ses, fake := newTestSES(t, accept)
	m := Message{Subject: "件名", Body: "本文"}

	if err := ses.Send(t.Context(), m); err == nil {
		t.Errorf("Send(%+v) succeeded, want an error for the missing recipient", m)
	}
	if n := len(fake.requests); n != 0 {
		t.Errorf("server got %d requests, want none", n)
	}
}
