package certify

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/store"
)

// numberLockKey names the transaction lock that serialises number allocation on
// PostgreSQL ("CRTN" in ASCII).
const numberLockKey = 0x4352544e

var numberShape = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^CRT(\d{4})(\d{6,})$`) })

// CanonicalNumber returns a typed certificate number in its stored form
// (CRT-1405-000123), accepting Persian digits, lower case and missing or odd dashes;
// anything else comes back normalised but otherwise unchanged.
func CanonicalNumber(s string) string {
	id := strings.ToUpper(persian.NormalizeID(s))
	if m := numberShape().FindStringSubmatch(id); m != nil {
		return "CRT-" + m[1] + "-" + m[2]
	}
	return id
}

// allocateNumber takes the next number of the Jalali year of tx.Now, inside the
// issuing transaction, so a rolled-back issuance never leaves a gap.
func allocateNumber(ctx context.Context, tx *store.Tx) (string, error) {
	if err := tx.Lock(ctx, numberLockKey); err != nil {
		return "", err
	}
	year := jalali.FromTime(tx.Now).Year
	var last int64
	err := tx.QueryRow(ctx, `INSERT INTO certificate_sequences (year, last) VALUES (?, 1)
		ON CONFLICT (year) DO UPDATE SET last = certificate_sequences.last + 1 RETURNING last`, year).Scan(&last)
	if err != nil {
		return "", fmt.Errorf("certify: allocate number: %w", err)
	}
	return fmt.Sprintf("CRT-%04d-%06d", year, last), nil
}
