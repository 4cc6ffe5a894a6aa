package main

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/itoir/miz/internal/cert/cvss"
)

// runCvss scores CVSS v3.1 and v4.0 vectors read one a line from stdin and prints
// VECTOR<TAB>score<TAB>severity, or VECTOR<TAB>invalid: why, so anyone can check
// Miz's scoring against another calculator (issue 15). Blank lines and lines
// starting with # are skipped. Exit status 1 if any vector was invalid.
func runCvss(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "usage: miz cvss < vectors.txt   (one CVSS:3.1/… or CVSS:4.0/… vector a line)")
		return 2
	}
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	bad := false
	for sc.Scan() {
		v := strings.TrimSpace(sc.Text())
		if v == "" || strings.HasPrefix(v, "#") {
			continue
		}
		s, err := cvss.Parse("vector", v)
		if err != nil {
			bad = true
			fmt.Fprintf(w, "%s\tinvalid: %s\n", v, cvss.Reason(err))
			continue
		}
		fmt.Fprintf(w, "%s\t%s\t%s\n", v, strconv.FormatFloat(s.Base, 'f', 1, 64), s.Severity)
	}
	if err := sc.Err(); err != nil {
		w.Flush()
		fmt.Fprintln(stderr, "miz cvss:", err)
		return 1
	}
	if bad {
		return 1
	}
	return 0
}
