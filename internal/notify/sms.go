package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// SMSGateway sends one text message; HTTPSMSGateway adapts a provider's HTTP API.
type SMSGateway interface {
	Send(ctx context.Context, to, text string) error
}

// HTTPSMSGateway posts {"to", "text", "sender"} as JSON with a bearer token. Any answer
// other than 2xx is an error, which the job runner retries.
type HTTPSMSGateway struct {
	URL    string
	Token  string
	Sender string       // the sender line or number the provider assigned
	Client *http.Client // default: a client with a 30-second timeout
}

// Send posts one message to the gateway.
func (g *HTTPSMSGateway) Send(ctx context.Context, to, text string) error {
	body, err := json.Marshal(struct {
		To     string `json:"to"`
		Text   string `json:"text"`
		Sender string `json:"sender"`
	}{to, text, g.Sender})
	if err != nil {
		return fmt.Errorf("notify: sms to %s: %w", to, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("notify: sms to %s: %w", to, err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Accept", "application/json")
	if g.Token != "" {
		req.Header.Set("Authorization", "Bearer "+g.Token)
	}
	client := g.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("notify: sms to %s: %w", to, err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("notify: sms to %s: gateway answered %s: %s", to, resp.Status, bytes.TrimSpace(snippet))
	}
	return nil
}
