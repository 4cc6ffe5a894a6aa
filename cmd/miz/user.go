package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/catalog/catalogdb"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Security #11: `miz user` manages accounts from the server's console, also while
// `miz serve` runs on the same database, and creates the first administrator of a
// fresh install. The rules and the audit entries live in identity.Accounts.

const userUsage = `usage: miz user <command> [--data DIR] [--db URL] [flags] [ACCOUNT]
  add ACCOUNT [--admin] [--name NAME] [--email ADDR] [--password-stdin]
                                   create a staff account; prints a one-time password
  grant ACCOUNT --service ID --role ROLE    give a role on a service ("*": every service)
  revoke ACCOUNT --service ID --role ROLE   take it away (ends the account's sessions)
  disable ACCOUNT                  disable; ends all sessions and API tokens
  enable ACCOUNT                   enable again (also lifts a lockout)
  reset-password ACCOUNT [--password-stdin] new one-time password; ends all sessions
  reset-totp ACCOUNT               clear the second factor; the next login enrols again
  list [SEARCH]                    accounts with kind, roles, status and last login
Flags come before ACCOUNT. Roles: expert, supervisor, signer, committee, editor, analyst, responder.`

// userFlags are the flags of `miz user` beyond the shared configuration ones.
type userFlags struct {
	admin, passwordStdin      bool
	service, role, name, mail string
}

// splitUserFlags takes the user command's own flags out of args and leaves the
// configuration flags and the positional arguments for loadConfig.
func splitUserFlags(args []string) (userFlags, []string, error) {
	var f userFlags
	var rest []string
	strs := map[string]*string{"service": &f.service, "role": &f.role, "name": &f.name, "email": &f.mail}
	bools := map[string]*bool{"admin": &f.admin, "password-stdin": &f.passwordStdin}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			rest = append(rest, a) // a configuration flag's value or the account
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if p, ok := bools[name]; ok {
			*p = !hasVal || val == "true" || val == "1"
			continue
		}
		if p, ok := strs[name]; ok {
			if !hasVal {
				if i+1 >= len(args) {
					return f, nil, fmt.Errorf("flag --%s needs a value", name)
				}
				i++
				val = args[i]
			}
			*p = val
			continue
		}
		rest = append(rest, a)
	}
	return f, rest, nil
}

// operatorName names the person at the console in the audit log: the user sudo was
// run by, else the OS user.
func operatorName(getenv func(string) string) string {
	if s := getenv("SUDO_USER"); s != "" {
		return s
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if s := getenv("USER"); s != "" {
		return s
	}
	return "unknown"
}

// knownServices accepts the services of the catalog in the database and, on a
// fresh install whose catalog is not seeded yet, the ones shipped with Miz.
func knownServices(db *store.DB) func(ctx context.Context, name string) bool {
	return func(ctx context.Context, name string) bool {
		if svcs, err := catalogdb.New(db).List(ctx); err == nil {
			for _, s := range svcs {
				if s.ID == name {
					return true
				}
			}
		}
		srcs, err := catalog.DefaultSources()
		if err != nil {
			return false
		}
		for _, src := range srcs {
			if svc, err := catalog.Parse(src.Name, src.Data); err == nil && svc.ID == name {
				return true
			}
		}
		return false
	}
}

func runUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(stderr, userUsage)
		return 2
	}
	sub := args[0]
	if !slices.Contains([]string{"add", "grant", "revoke", "disable", "enable", "reset-password", "reset-totp", "list"}, sub) {
		fmt.Fprintln(stderr, userUsage)
		return 2
	}
	name := "user " + sub
	f, rest, err := splitUserFlags(args[1:])
	if err != nil {
		return usageErr(stderr, name, err)
	}
	cfg, fs, err := loadConfig(name, rest, os.Getenv)
	if err != nil {
		return usageErr(stderr, name, err)
	}
	pos := fs.Args()
	switch {
	case sub == "list" && len(pos) > 1, sub != "list" && len(pos) != 1:
		fmt.Fprintln(stderr, userUsage)
		return 2
	case (sub == "grant" || sub == "revoke") && (f.service == "" || f.role == ""):
		return usageErr(stderr, name, errors.New("--service and --role are required"))
	}
	db, err := openMigrated(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "miz %s: %v\n", name, err)
		return 1
	}
	defer db.Close()
	acc := &identity.Accounts{DB: db, KnownService: knownServices(db)}
	by := identity.Admin{Operator: operatorName(os.Getenv)}
	if err := userCommand(ctx, acc, by, sub, f, pos, stdin, stdout); err != nil {
		if errors.Is(err, errUsage) {
			fmt.Fprintln(stderr, userUsage)
			return 2
		}
		fmt.Fprintf(stderr, "miz %s: %s\n", name, cliMessage(err))
		return 1
	}
	return 0
}

var errUsage = errors.New("usage")

// cliMessage is the operator's text for an error: the English message of a refusal,
// the error itself otherwise.
func cliMessage(err error) string {
	pe := problem.As(err)
	if pe.Code == problem.Internal {
		return err.Error()
	}
	msg := i18n.T(i18n.En, pe.Key, pe.Args...)
	if pe.Field != "" {
		msg = pe.Field + ": " + msg
	}
	return msg
}

// readPassword reads one line from stdin for --password-stdin.
func readPassword(stdin io.Reader) (string, error) {
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("--password-stdin: no password on standard input")
	}
	return line, nil
}

func userCommand(ctx context.Context, acc *identity.Accounts, by identity.Admin, sub string, f userFlags, pos []string,
	stdin io.Reader, stdout io.Writer) error {
	password := ""
	if f.passwordStdin && (sub == "add" || sub == "reset-password") {
		var err error
		if password, err = readPassword(stdin); err != nil {
			return err
		}
	}
	if sub == "add" {
		id, pw, err := acc.CreateStaff(ctx, by, identity.NewStaff{Username: pos[0], DisplayName: f.name, Email: f.mail, Admin: f.admin, Password: password})
		if err != nil {
			return err
		}
		what := "staff account"
		if f.admin {
			what = "administrator account"
		}
		fmt.Fprintf(stdout, "created %s %s (id %d)\n", what, strings.ToLower(pos[0]), id)
		if password == "" {
			fmt.Fprintf(stdout, "one-time password: %s\n", pw)
		}
		fmt.Fprintln(stdout, "At the first login the account enrols a second factor (an authenticator app).")
		return nil
	}
	if sub == "list" {
		q := ""
		if len(pos) == 1 {
			q = pos[0]
		}
		list, err := acc.List(ctx, by, q)
		if err != nil {
			return err
		}
		printAccounts(stdout, list)
		return nil
	}
	id, err := acc.Lookup(ctx, by, pos[0])
	if err != nil {
		return err
	}
	switch sub {
	case "grant":
		err = acc.GrantRole(ctx, by, id, f.service, identity.Role(f.role))
	case "revoke":
		err = acc.RevokeRole(ctx, by, id, f.service, identity.Role(f.role))
	case "disable", "enable":
		err = acc.SetDisabled(ctx, by, id, sub == "disable")
	case "reset-totp":
		err = acc.ResetTOTP(ctx, by, id)
	case "reset-password":
		var pw string
		if pw, err = acc.ResetPassword(ctx, by, id, password); err == nil && password == "" {
			fmt.Fprintf(stdout, "one-time password: %s\n", pw)
		}
	default:
		return errUsage
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: done for %s\n", sub, pos[0])
	return nil
}

// printAccounts writes the account table of `miz user list`.
func printAccounts(w io.Writer, list []identity.AccountInfo) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "USERNAME\tKIND\tADMIN\tROLES\tDISABLED\tTOTP\tLAST LOGIN")
	yes := map[bool]string{true: "yes", false: "no"}
	for _, a := range list {
		var roles []string
		for _, g := range a.Grants {
			roles = append(roles, g.Service+":"+string(g.Role))
		}
		r := strings.Join(roles, ",")
		if r == "" {
			r = "-"
		}
		last := "-"
		if !a.LastLogin.IsZero() {
			last = a.LastLogin.UTC().Format("2006-01-02 15:04Z")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", a.Username, a.Kind, yes[a.Admin], r, yes[a.Disabled], yes[a.TOTPEnabled], last)
	}
	_ = tw.Flush()
}
