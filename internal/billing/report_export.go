package billing

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/xlsx"
)

// Table is a report ready to export: a header row and data rows of plain text,
// digits in ASCII so that spreadsheets read the amounts as numbers.
type Table struct {
	Sheet  string
	Header []string
	Rows   [][]string
}

// RevenueTable lays out a revenue report; name gives a service's name in the
// reader's language, and fa chooses Persian headers.
func RevenueTable(rows []RevenueRow, name func(service string) string, fa bool) Table {
	t := Table{Sheet: "Revenue", Header: []string{"service", "year", "month", "month_name", "invoices", "net_rials", "vat_rials", "total_rials"}}
	if fa {
		t.Header = []string{"خدمت", "سال", "ماه", "نام ماه", "تعداد صورتحساب", "مبلغ خالص (ریال)", "مالیات بر ارزش افزوده (ریال)", "جمع (ریال)"}
	}
	for _, r := range rows {
		month := jalali.MonthNameEn(r.Month)
		if fa {
			month = jalali.MonthNameFa(r.Month)
		}
		t.Rows = append(t.Rows, []string{name(r.Service), strconv.Itoa(r.Year), strconv.Itoa(r.Month), month,
			strconv.Itoa(r.Count), strconv.FormatInt(r.Net, 10), strconv.FormatInt(r.VAT, 10), strconv.FormatInt(r.Total, 10)})
	}
	return t
}

// UnpaidTable lays out the unpaid invoices.
func UnpaidTable(invs []Invoice, name func(service string) string, fa bool) Table {
	t := Table{Sheet: "Unpaid", Header: []string{"number", "issued", "service", "item", "payer", "total_rials"}}
	if fa {
		t.Header = []string{"شماره", "تاریخ صدور", "خدمت", "شرح", "پرداخت‌کننده", "جمع (ریال)"}
	}
	for _, inv := range invs {
		item := inv.ItemName.EN
		if fa {
			item = inv.ItemName.FA
		}
		t.Rows = append(t.Rows, []string{inv.Number, jalali.FromTime(inv.IssuedAt).String(), name(inv.Service), item,
			inv.PayerName, strconv.FormatInt(inv.Total, 10)})
	}
	return t
}

// WriteCSV writes the table as UTF-8 CSV with a byte-order mark, which spreadsheet
// programs need to read Persian text.
func (t Table) WriteCSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return fmt.Errorf("billing: csv: %w", err)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Header); err != nil {
		return fmt.Errorf("billing: csv: %w", err)
	}
	if err := cw.WriteAll(t.Rows); err != nil {
		return fmt.Errorf("billing: csv: %w", err)
	}
	return nil
}

// WriteXLSX writes the table as a one-sheet workbook, right to left for Persian.
func (t Table) WriteXLSX(w io.Writer, rtl bool) error {
	x, err := xlsx.New(w, t.Sheet, rtl)
	if err != nil {
		return fmt.Errorf("billing: xlsx: %w", err)
	}
	for _, row := range append([][]string{t.Header}, t.Rows...) {
		if err := x.Row(row); err != nil {
			return fmt.Errorf("billing: xlsx: %w", err)
		}
	}
	return x.Close()
}
