package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/itoir/miz/internal/cert/report"
	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/course"
	"github.com/itoir/miz/internal/keys"
)

// runVerify is `miz verify CERT.jws|CERT.json|REPORT.json [--proof FILE] [--key JWKS_FILE]
// [--log-key NOTE_KEY]` offline, or `miz verify --server URL NUMBER` against a live
// registry. It exits 1 with the reason on any mismatch.
func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "report" { // issue 20: signed monthly SLA reports
		return runVerifyReport(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "statement" { // issue 20: an applicant's case statement
		return runVerifyStatement(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	proof := fs.String("proof", "", "tlog-proof file of the certificate")
	key := fs.String("key", "", "issuer's JWKS file (/.well-known/jwks.json)")
	logKey := fs.String("log-key", "", "the log's signed-note verifier key, or a file holding it")
	server := fs.String("server", "", "verify NUMBER against a live Miz at this URL")
	if err := fs.Parse(reorder(args)); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: miz verify CERT.jws|CERT.json [--proof FILE] [--key JWKS] [--log-key KEY] | miz verify --server URL NUMBER")
		return 2
	}
	in := certify.VerifyInput{Now: time.Now()}
	var err error
	if *server != "" {
		err = fetchVerifyInput(ctx, *server, fs.Arg(0), &in)
	} else {
		err = readVerifyInput(fs.Arg(0), *proof, *key, &in)
	}
	if err == nil && *logKey != "" {
		in.LogKeys = []string{readKeyText(*logKey)}
	}
	if err != nil {
		fmt.Fprintln(stderr, "miz verify:", err)
		return 1
	}
	if report.IsSigned(in.Credential) { // a CERT technical report (D-3), signed by the same keys
		return verifyReport(in, stdout, stderr)
	}
	if course.IsAttendance(in.Credential) { // a certificate of attendance (M-4.2): same keys, same log
		return verifyAttendance(in, stdout, stderr)
	}
	v, err := certify.Verify(in)
	return printVerdict(stdout, stderr, err, v.LogIndex, keys.RevokedWarning(in.JWKS, v.KeyID), "OK %s: %s, signed by key %s", v.Number, v.Status, v.KeyID)
}

// printVerdict ends `miz verify` for a certificate: NOT VALID with the reason
// (exit 1), or the OK line (format, args), where the transparency log holds the
// certificate, and the warning of a since-revoked key if there is one (exit 0).
func printVerdict(stdout, stderr io.Writer, err error, logIndex int64, warning, format string, args ...any) int {
	if err != nil {
		fmt.Fprintln(stderr, "miz verify: NOT VALID:", err)
		return 1
	}
	fmt.Fprintf(stdout, format, args...)
	if logIndex >= 0 {
		fmt.Fprintf(stdout, ", in the transparency log at index %d", logIndex)
	} else {
		fmt.Fprint(stdout, " (no proof given: log inclusion not checked)")
	}
	fmt.Fprintln(stdout)
	if warning != "" { // issue 19: signed by a key revoked later (before its compromise)
		fmt.Fprintln(stdout, warning)
	}
	return 0
}

// verifyReport checks a delivered technical report against the issuer's keys.
func verifyReport(in certify.VerifyInput, stdout, stderr io.Writer) int {
	p, kid, err := report.Verify(in.Credential, in.JWKS)
	if err != nil {
		fmt.Fprintln(stderr, "miz verify: NOT VALID:", err)
		return 1
	}
	fmt.Fprintf(stdout, "OK technical report %d of case %s, delivered %s, signed by key %s\n", p.Report, p.Case, p.DeliveredAt, kid)
	return 0
}

// reorder lets flags follow the positional argument.
func reorder(args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		if strings.HasPrefix(args[i], "-") {
			flags = append(flags, args[i])
			if !strings.Contains(args[i], "=") && i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
			continue
		}
		pos = append(pos, args[i])
	}
	return append(flags, pos...)
}

func readKeyText(s string) string {
	if b, err := os.ReadFile(s); err == nil {
		return strings.TrimSpace(string(b))
	}
	return strings.TrimSpace(s)
}

func readVerifyInput(cert, proof, key string, in *certify.VerifyInput) error {
	f, err := readSigned(cert, proof, key)
	in.Credential, in.JWKS, in.Proof = f.Doc, f.JWKS, f.Proof
	return err
}

// fetchVerifyInput downloads the credential, proof, key set, log key and live
// status of number from a Miz server.
func fetchVerifyInput(ctx context.Context, base, number string, in *certify.VerifyInput) error {
	base = strings.TrimSuffix(base, "/")
	registry, number := "/api/v1/registry/certificates/", certify.CanonicalNumber(number)
	if course.IsNumber(number) {
		registry, number = "/api/v1/attendance-certificates/", course.CanonicalNumber(number)
	}
	number = url.PathEscape(number)
	fetch := serverFetcher(ctx, base)
	f, err := fetchSigned(fetch, registry+number+"/credential", registry+number+"/proof")
	if err != nil {
		return err
	}
	in.Credential, in.Proof, in.JWKS, in.LogKeys = f.Doc, f.Proof, f.JWKS, f.LogKeys
	cur, err := fetch(registry + number)
	if err != nil {
		return err
	}
	var st struct{ Status certify.Status }
	if err := json.Unmarshal(cur, &st); err != nil {
		return fmt.Errorf("registry status: %w", err)
	}
	in.CurrentStatus = st.Status
	return nil
}
