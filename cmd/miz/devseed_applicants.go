package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
)

// runDevApplicants is `miz dev seed --applicants N --tokens FILE [--staff USER]
// [--data DIR] [--db URL]`: it creates N applicant accounts (people with valid
// national codes) and an API session for each, plus one for the named staff
// account, and writes the tokens to FILE for the load generator (bench/load).
// Logging in through the API instead would hash N passwords and trip the
// per-address login limit, which is the point of that limit. Never in production.
func runDevApplicants(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	n, tokens, staff := 0, "", "demo-expert"
	var rest []string
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "--applicants", "-applicants", "--tokens", "-tokens", "--staff", "-staff":
			if i+1 >= len(args) {
				fmt.Fprintf(stderr, "miz dev seed: %s needs a value\n", args[i])
				return 2
			}
			switch args[i] {
			case "--applicants", "-applicants":
				n, _ = strconv.Atoi(args[i+1])
			case "--tokens", "-tokens":
				tokens = args[i+1]
			default:
				staff = args[i+1]
			}
			i++
		default:
			rest = append(rest, args[i])
		}
	}
	if n <= 0 || tokens == "" {
		fmt.Fprintln(stderr, "usage: miz dev seed --applicants N --tokens FILE [--staff USER] [--data DIR] [--db URL]")
		return 2
	}
	cfg, _, err := loadConfig("dev seed", rest, os.Getenv)
	if err != nil {
		if errors.Is(err, errHelp) || errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return usageErr(stderr, "dev seed", err)
	}
	db, err := openMigrated(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "miz dev seed:", err)
		return 1
	}
	defer db.Close()
	f, err := os.OpenFile(tokens, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		fmt.Fprintln(stderr, "miz dev seed:", err)
		return 1
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	start := time.Now()
	if err := seedApplicants(ctx, db, n, staff, w); err != nil {
		fmt.Fprintln(stderr, "miz dev seed:", err)
		return 1
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(stderr, "miz dev seed:", err)
		return 1
	}
	fmt.Fprintf(stdout, "%d applicants and their API tokens in %s (%s)\n", n, tokens, time.Since(start).Round(time.Millisecond))
	return 0
}

// seedApplicants creates the accounts in batches of 500 per transaction and writes
// "staff TOKEN" then "applicant TOKEN" lines.
func seedApplicants(ctx context.Context, db *store.DB, n int, staff string, w io.Writer) error {
	var base int64
	err := db.Update(ctx, func(tx *store.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, `SELECT id FROM accounts WHERE username = ?`, staff).Scan(&id); err != nil {
			return fmt.Errorf("staff account %s: %w", staff, err)
		}
		tok, _, err := identity.CreateSession(ctx, tx, identity.NewSession{AccountID: id, Kind: identity.SessionAPI, TTL: 24 * time.Hour})
		if err != nil {
			return err
		}
		fmt.Fprintln(w, "staff", tok)
		return tx.QueryRow(ctx, `SELECT COUNT(*) FROM people`).Scan(&base)
	})
	if err != nil {
		return err
	}
	for done := 0; done < n; {
		batch := min(500, n-done)
		err := db.Update(ctx, func(tx *store.Tx) error {
			for i := range batch {
				seq := base + int64(done+i)
				code := loadNationalCode(seq)
				pid, err := identity.CreatePerson(ctx, tx, identity.Person{NationalCode: code, NameFa: "متقاضی آزمون بار " + strconv.FormatInt(seq, 10),
					NameEn: "Load applicant " + strconv.FormatInt(seq, 10), Province: "Tehran"})
				if err != nil {
					return err
				}
				// No password: these accounts only ever use the token written here.
				id, err := identity.CreateAccount(ctx, tx, identity.NewAccount{Username: "load-" + code, Kind: identity.KindPerson, PersonID: pid})
				if err != nil {
					return err
				}
				tok, _, err := identity.CreateSession(ctx, tx, identity.NewSession{AccountID: id, Kind: identity.SessionAPI, TTL: 24 * time.Hour})
				if err != nil {
					return err
				}
				fmt.Fprintln(w, "applicant", tok)
			}
			return nil
		})
		if err != nil {
			return err
		}
		done += batch
	}
	return nil
}

// loadNationalCode makes the seq-th valid national code of the 98… range, which the
// demo data does not use.
func loadNationalCode(seq int64) string {
	digits := fmt.Sprintf("98%07d", seq%10_000_000)
	sum := 0
	for i := range 9 {
		sum += int(digits[i]-'0') * (10 - i)
	}
	r := sum % 11
	if r >= 2 {
		r = 11 - r
	}
	return digits + strconv.Itoa(r)
}
