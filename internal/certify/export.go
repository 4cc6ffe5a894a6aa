package certify

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/itoir/miz/internal/xlsx"
)

// exportHeader names the columns of the CSV and XLSX exports.
func exportHeader() []string {
	return []string{"number", "status", "holder_type", "holder_id", "holder_name_fa", "holder_name_en",
		"product_name_fa", "product_name_en", "versions", "category", "platform", "deployment",
		"issued_at", "expires_at", "status_reason", "previous_number", "superseded_by", "credential_sha256"}
}

func exportRow(c Certificate) []string {
	return []string{c.Number, string(c.Status), c.HolderType, c.HolderID, c.HolderName.FA, c.HolderName.EN,
		c.ProductName.FA, c.ProductName.EN, strings.Join(c.Versions, "; "), c.Category, c.Platform, c.Deployment,
		c.IssuedAt.UTC().Format(time.RFC3339), c.ExpiresAt.UTC().Format(time.RFC3339), c.StatusReason,
		c.PreviousNumber, c.SupersededBy, c.JWSSHA256}
}

// csvSafe keeps a cell from being read as a formula by a spreadsheet.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteCSV writes the whole public registry as CSV, with a UTF-8 byte order mark so
// that Excel opens the Persian text correctly.
func (r *Registry) WriteCSV(ctx context.Context, w io.Writer) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(exportHeader()); err != nil {
		return err
	}
	err := r.Each(ctx, func(c Certificate) error {
		row := exportRow(c)
		for i := range row {
			row[i] = csvSafe(row[i])
		}
		return cw.Write(row)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes the whole public registry as a JSON array of certificates.
func (r *Registry) WriteJSON(ctx context.Context, w io.Writer) error {
	if _, err := io.WriteString(w, `{"certificates":[`); err != nil {
		return err
	}
	first := true
	err := r.Each(ctx, func(c Certificate) error {
		b, err := json.Marshal(c)
		if err != nil {
			return err
		}
		if !first {
			if _, err := io.WriteString(w, ","); err != nil {
				return err
			}
		}
		first = false
		_, err = fmt.Fprintf(w, "\n%s", b)
		return err
	})
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n]}\n")
	return err
}

// WriteXLSX writes the whole public registry as an Excel workbook.
func (r *Registry) WriteXLSX(ctx context.Context, w io.Writer) error {
	x, err := xlsx.New(w, "Certificates", true)
	if err != nil {
		return err
	}
	if err := x.Row(exportHeader()); err != nil {
		return err
	}
	if err := r.Each(ctx, func(c Certificate) error { return x.Row(exportRow(c)) }); err != nil {
		return err
	}
	return x.Close()
}
