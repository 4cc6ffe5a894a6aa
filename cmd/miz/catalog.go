package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/itoir/miz/internal/catalog"
)

const catalogUsage = `usage: miz catalog validate FILE...
       miz catalog schema

validate  checks service files; prints "file:line: message" for every
          problem and "ok FILE" for each valid file, on stdout.
          Exit status: 0 all valid, 1 some file invalid, 2 usage error.
schema    prints the JSON Schema of a service file.`

// runCatalog handles "miz catalog ..." and returns the exit code.
func runCatalog(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, catalogUsage)
		return 2
	}
	switch args[0] {
	case "validate":
		if len(args) < 2 {
			fmt.Fprintln(stderr, catalogUsage)
			return 2
		}
		return catalogValidate(args[1:], stdout)
	case "schema":
		if len(args) != 1 {
			fmt.Fprintln(stderr, catalogUsage)
			return 2
		}
		_, _ = stdout.Write(catalog.Schema())
		return 0
	case "-h", "-help", "--help", "help":
		fmt.Fprintln(stdout, catalogUsage)
		return 0
	default:
		fmt.Fprintf(stderr, "miz catalog: unknown command %q\n%s\n", args[0], catalogUsage)
		return 2
	}
}

// catalogValidate checks every file, even after a bad one, so that one run
// shows everything to fix.
func catalogValidate(files []string, stdout io.Writer) int {
	code := 0
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err == nil {
			_, err = catalog.Parse(name, data)
		}
		var ve *catalog.ValidationError
		switch {
		case err == nil:
			fmt.Fprintln(stdout, "ok", name)
			continue
		case errors.As(err, &ve):
			for _, p := range ve.Problems {
				fmt.Fprintln(stdout, p)
			}
		default:
			fmt.Fprintf(stdout, "%s: %v\n", name, err)
		}
		code = 1
	}
	return code
}
