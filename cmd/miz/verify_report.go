package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/itoir/miz/internal/slareport"
)

// runVerifyReport is `miz verify report FILE --key JWKS [--proof FILE --log-key KEY]`
// offline, or `miz verify report --server URL SERVICE PERIOD [--version N]` against a
// live desk, which also requires the report to be in the transparency log (issue 20).
func runVerifyReport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verify report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	proof := fs.String("proof", "", "tlog-proof file of the report")
	key := fs.String("key", "", "the desk's JWKS file (/.well-known/jwks.json)")
	logKey := fs.String("log-key", "", "the log's signed-note verifier key, or a file holding it")
	server := fs.String("server", "", "verify SERVICE PERIOD against a live Miz at this URL")
	version := fs.String("version", "", "with --server: a report version (default: the newest)")
	if err := fs.Parse(reorder(args)); err != nil {
		return 2
	}
	in := slareport.VerifyInput{}
	var err error
	switch {
	case *server != "" && fs.NArg() == 2:
		q := ""
		if *version != "" {
			q = "?version=" + url.QueryEscape(*version)
		}
		path := "/api/v1/reports/" + url.PathEscape(fs.Arg(0)) + "/" + url.PathEscape(fs.Arg(1))
		in.RequireProof = true
		var f signedFiles
		f, err = fetchSigned(serverFetcher(ctx, *server), path+q, path+"/proof"+q)
		in.Report, in.Proof, in.JWKS, in.LogKeys = f.Doc, f.Proof, f.JWKS, f.LogKeys
	case *server == "" && fs.NArg() == 1:
		var f signedFiles
		f, err = readSigned(fs.Arg(0), *proof, *key)
		in.Report, in.JWKS, in.Proof = f.Doc, f.JWKS, f.Proof
	default:
		fmt.Fprintln(stderr, "usage: miz verify report FILE --key JWKS [--proof FILE --log-key KEY] | miz verify report --server URL SERVICE PERIOD [--version N]")
		return 2
	}
	if err == nil && *logKey != "" {
		in.LogKeys = []string{readKeyText(*logKey)}
	}
	if err != nil {
		fmt.Fprintln(stderr, "miz verify report:", err)
		return 1
	}
	v, err := slareport.Verify(in)
	if err != nil {
		fmt.Fprintln(stderr, "miz verify report: NOT VALID:", err)
		return 1
	}
	fmt.Fprintf(stdout, "OK report %s (%d obligations), signed by key %s", v.Report.ID, len(v.Report.Obligations), v.KeyID)
	if v.Report.Replaces != "" {
		fmt.Fprintf(stdout, ", correcting %s", v.Report.Replaces)
	}
	if v.LogIndex >= 0 {
		fmt.Fprintf(stdout, ", in the transparency log at index %d", v.LogIndex)
	} else {
		fmt.Fprint(stdout, " (no proof given: log inclusion not checked)")
	}
	fmt.Fprintln(stdout)
	return 0
}

// runVerifyStatement is `miz verify statement FILE --key JWKS [--proof FILE --log-key KEY]`:
// it checks an applicant's signed case statement offline.
func runVerifyStatement(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verify statement", flag.ContinueOnError)
	fs.SetOutput(stderr)
	proof := fs.String("proof", "", "tlog-proof file of the statement")
	key := fs.String("key", "", "the desk's JWKS file (/.well-known/jwks.json)")
	logKey := fs.String("log-key", "", "the log's signed-note verifier key, or a file holding it")
	if err := fs.Parse(reorder(args)); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: miz verify statement FILE --key JWKS [--proof FILE --log-key KEY]")
		return 2
	}
	f, err := readSigned(fs.Arg(0), *proof, *key)
	in := slareport.VerifyInput{Report: f.Doc, JWKS: f.JWKS, Proof: f.Proof}
	if err == nil && *logKey != "" {
		in.LogKeys = []string{readKeyText(*logKey)}
	}
	if err != nil {
		fmt.Fprintln(stderr, "miz verify statement:", err)
		return 1
	}
	v, err := slareport.VerifyStatement(in)
	if err != nil {
		fmt.Fprintln(stderr, "miz verify statement: NOT VALID:", err)
		return 1
	}
	st := v.Statement
	met := "still open"
	if st.Met != nil && *st.Met {
		met = "delivered within its time"
	} else if st.Met != nil {
		met = "NOT delivered within its time"
	}
	fmt.Fprintf(stdout, "OK statement of %s: %d states, %d pauses, %d of %d seconds counted, %s; signed by key %s",
		st.TrackingCode, len(st.States), len(st.Pauses), st.UsedSeconds, st.BudgetSeconds, met, v.KeyID)
	if v.LogIndex >= 0 {
		fmt.Fprintf(stdout, ", its hash in the transparency log at index %d", v.LogIndex)
	}
	fmt.Fprintln(stdout)
	return 0
}

// signedFiles is a signed document with what checks it: the issuer's key set, the
// proof of its log record (optional offline) and the log's key (with --server).
type signedFiles struct {
	Doc, JWKS, Proof []byte
	LogKeys          []string
}

// readSigned reads a signed document, the key set and an optional proof from files.
func readSigned(file, proof, key string) (signedFiles, error) {
	var f signedFiles
	var err error
	if f.Doc, err = os.ReadFile(file); err != nil {
		return f, err
	}
	if key == "" {
		return f, fmt.Errorf("--key JWKS_FILE is needed offline (save it from /.well-known/jwks.json)")
	}
	if f.JWKS, err = os.ReadFile(key); err != nil {
		return f, err
	}
	if proof != "" {
		if f.Proof, err = os.ReadFile(proof); err != nil {
			return f, err
		}
	}
	return f, nil
}

// fetchSigned downloads a signed document, its proof, the key set and the log key.
func fetchSigned(fetch func(path string) ([]byte, error), doc, proof string) (signedFiles, error) {
	var f signedFiles
	var err error
	if f.Doc, err = fetch(doc); err != nil {
		return f, err
	}
	if f.Proof, err = fetch(proof); err != nil {
		return f, err
	}
	if f.JWKS, err = fetch("/.well-known/jwks.json"); err != nil {
		return f, err
	}
	lk, err := fetch("/log/key")
	if err != nil {
		return f, err
	}
	f.LogKeys = []string{strings.TrimSpace(string(lk))}
	return f, nil
}

// serverFetcher returns a GET of a path of the Miz at base, limited to 8 MiB and
// failing on any status but 200; `miz verify` uses it for every kind of document.
func serverFetcher(ctx context.Context, base string) func(path string) ([]byte, error) {
	base = strings.TrimSuffix(base, "/")
	c := &http.Client{Timeout: 30 * time.Second}
	return func(path string) ([]byte, error) {
		req, err := http.NewRequestWithContext(ctx, "GET", base+path, nil)
		if err != nil {
			return nil, err
		}
		res, err := c.Do(req)
		if err != nil {
			return nil, err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(io.LimitReader(res.Body, 8<<20))
		if err == nil && res.StatusCode != http.StatusOK {
			err = fmt.Errorf("GET %s: %s", path, res.Status)
		}
		return b, err
	}
}
