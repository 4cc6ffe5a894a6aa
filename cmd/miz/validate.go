package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/itoir/miz/internal/persian"
)

const validateUsage = `usage: miz validate <national-code|legal-id|mobile> < values

Reads one value per line on stdin and writes "valid", or "invalid: <reason>",
on the matching line of stdout. Persian digits, spaces and hyphens are fine.
Exit status: 0 if every line was valid, 1 if any was not, 2 for a usage error.`

// runValidate is the "miz validate" subcommand: it checks national codes,
// legal persons' national IDs or mobile numbers, one per line, and returns
// the exit code.
func runValidate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var validate func(string) (string, error)
	switch {
	case len(args) == 1 && lineHelpArg(args[0]):
		fmt.Fprintln(stdout, validateUsage)
		return 0
	case len(args) != 1:
		fmt.Fprintln(stderr, validateUsage)
		return 2
	case args[0] == "national-code":
		validate = persian.ValidateNationalCode
	case args[0] == "legal-id":
		validate = persian.ValidateLegalID
	case args[0] == "mobile":
		validate = persian.ValidateMobile
	default:
		fmt.Fprintln(stderr, validateUsage)
		return 2
	}
	return lineFilter(stdin, stdout, stderr, func(line string) (string, bool) {
		_, err := validate(line)
		var ie *persian.InvalidError
		switch {
		case errors.As(err, &ie):
			return "invalid: " + lineClause(ie.MessageEn()), false
		case err != nil:
			return "invalid: " + err.Error(), false
		}
		return "valid", true
	})
}
