package round

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// The demo company account may open CERT incident reports, whose evidence document
// is optional, so one submission is create, upload, submit.
const (
	applicant = "10101234565"
	password  = "demo-password"
	service   = "cert"
	kind      = "incident"
	docType   = "incident_evidence"
)

// record is what a client was told about one submission.
type record struct {
	code      string // tracking code, once creation was acknowledged
	created   bool
	uploaded  bool   // the upload was acknowledged
	sha       string // SHA-256 of the bytes sent
	ackedSHA  string // SHA-256 the server answered with
	submitted bool
	cutOff    bool // a request got no answer (the kill)
	refused   int  // the status of a step refused with an error, if any
}

var client = &http.Client{
	Timeout:   2 * time.Minute,
	Transport: &http.Transport{MaxIdleConns: 1024, MaxIdleConnsPerHost: 1024, IdleConnTimeout: 30 * time.Second},
}

// ready reports whether /readyz answers 200.
func ready(base string) bool {
	resp, err := client.Get(base + "/readyz")
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// login returns an API token of the demo company account.
func login(ctx context.Context, base string) (string, error) {
	var out struct {
		Token string `json:"token"`
	}
	body := fmt.Sprintf(`{"username":%q,"password":%q}`, applicant, password)
	status, err := call(ctx, "POST", base+"/api/v1/auth/login", "", "application/json", []byte(body), &out)
	if err != nil || status != http.StatusOK || out.Token == "" {
		return "", fmt.Errorf("login: status %d: %v", status, err)
	}
	return out.Token, nil
}

// traffic runs clients submitters, each one submission after another, stops the
// server (stop: SIGKILL or SIGTERM) after killAfter and returns every record once all
// clients have stopped.
func traffic(ctx context.Context, s *server, clients int, killAfter time.Duration, token string, stop func()) []record {
	var (
		mu      sync.Mutex
		recs    []record
		stopped atomic.Bool
		wg      sync.WaitGroup
	)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stopped.Load() && ctx.Err() == nil {
				r := submit(ctx, s.url, token)
				mu.Lock()
				recs = append(recs, r)
				mu.Unlock()
				if r.cutOff {
					return
				}
			}
		}()
	}
	select {
	case <-time.After(killAfter):
	case <-ctx.Done():
	}
	stopped.Store(true)
	stop()
	wg.Wait()
	return recs
}

// submit makes one submission: create, upload a unique small PDF, submit. It stops
// at the first step that is refused or gets no answer.
func submit(ctx context.Context, base, token string) record {
	var r record
	var created struct {
		Code string `json:"tracking_code"`
	}
	status, err := call(ctx, "POST", base+"/api/v1/cases", token, "application/json",
		[]byte(fmt.Sprintf(`{"service":%q,"kind":%q}`, service, kind)), &created)
	if err != nil {
		r.cutOff = true
		return r
	}
	if status != http.StatusCreated {
		r.refused = status
		return r
	}
	r.code, r.created = created.Code, true

	pdf := uniquePDF()
	sum := sha256.Sum256(pdf)
	r.sha = hex.EncodeToString(sum[:])
	body, ctype := multipartBody(pdf)
	var doc struct {
		SHA256 string `json:"sha256"`
	}
	status, err = call(ctx, "POST", base+"/api/v1/cases/"+r.code+"/documents", token, ctype, body, &doc)
	if err != nil {
		r.cutOff = true
		return r
	}
	if status != http.StatusCreated {
		r.refused = status
		return r
	}
	r.uploaded, r.ackedSHA = true, doc.SHA256

	status, err = call(ctx, "POST", base+"/api/v1/cases/"+r.code+"/submit", token, "", nil, nil)
	if err != nil {
		r.cutOff = true
		return r
	}
	r.submitted = status == http.StatusOK
	if !r.submitted {
		r.refused = status
	}
	return r
}

// uniquePDF returns a small valid PDF whose bytes no other upload shares.
func uniquePDF() []byte {
	var nonce [16]byte
	_, _ = rand.Read(nonce[:])
	return fmt.Appendf(nil, "%%PDF-1.4\n%% crash round %x\n1 0 obj<<>>endobj\ntrailer<<>>\n%%%%EOF\n", nonce)
}

func multipartBody(file []byte) ([]byte, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("type", docType)
	fw, _ := mw.CreateFormFile("file", "evidence.pdf")
	_, _ = fw.Write(file)
	_ = mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

// call sends one request and decodes a JSON answer into out when it is 2xx. An error
// means no complete answer arrived.
func call(ctx context.Context, method, url, token, ctype string, body []byte, out any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode/100 == 2 && out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return 0, fmt.Errorf("%s %s: %w", method, url, err)
		}
	}
	return resp.StatusCode, nil
}
