package certify

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

func TestSearchFoldsPersianSpellings(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r, _ := newTestRegistry(t, db)
		c := issue(t, r, sampleRequest()) // stored with ی and ک
		other := sampleRequest()
		other.HolderType, other.HolderID = HolderPerson, "0084753218"
		other.HolderName = Bilingual{FA: "علی رضایی", EN: "Ali Rezaei"}
		other.ProductName = Bilingual{FA: "انبارداری ۱۰۰", EN: "Store 100"}
		other.Category = "inventory"
		o := issue(t, r, other)
		if _, err := change(r, o.Number, Revoked, "forged documents"); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name string
			q    Query
			want []string
		}{
			{"arabic yeh and kaf", Query{Q: "حسابداري"}, []string{c.Number}},
			{"zwnj and spaces", Query{Q: "نرم‌افزاری"}, []string{c.Number}},
			{"english any case", Query{Q: "sepid ACC"}, []string{c.Number}},
			{"digit forms", Query{Q: "انبارداری 100"}, []string{o.Number}},
			{"arabic-indic digits", Query{Q: "٣٤٥"}, nil},
			{"vendor name", Query{Q: "رضائی"}, []string{o.Number}},
			{"number typed loosely", Query{Q: "crt 1405 ۰۰۰۰۰۱"}, []string{c.Number}},
			{"national id in q", Query{Q: "۱۰۱۰۱۲۳۴۵۶۵"}, []string{c.Number}},
			{"vendor filter", Query{VendorID: "0084753218"}, []string{o.Number}},
			{"category", Query{Category: "accounting"}, []string{c.Number}},
			{"status", Query{Status: Revoked}, []string{o.Number}},
			{"all newest first", Query{}, []string{o.Number, c.Number}},
			{"bidi controls", Query{Q: "\u202eسپید\u202c"}, []string{c.Number}},
			{"sql injection", Query{Q: "' OR 1=1 --"}, nil},
			{"like wildcards are literal", Query{Q: "%"}, nil},
			{"underscore literal", Query{Q: "_"}, nil},
			{"html", Query{Q: "<script>alert(1)</script>"}, nil},
		}
		for _, tc := range cases {
			res, err := r.Search(ctx, tc.q)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			var got []string
			for _, it := range res.Items {
				got = append(got, it.Number)
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") || res.Total != len(tc.want) {
				t.Errorf("%s: got %v (total %d), want %v", tc.name, got, res.Total, tc.want)
			}
		}
	})
}

func TestCheckAnswersEachItem(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r, _ := newTestRegistry(t, db)
		c := issue(t, r, sampleRequest())
		items := []CheckItem{
			{VendorID: "۱۰۱۰۱۲۳۴۵۶۵", Product: "سامانه حسابداري سپيد", Version: "4.2"},
			{VendorID: "10101234565", Product: "Sepid Accounting", Version: "v۴.۲"},
			{VendorID: "10101234565", Product: "Sepid Accounting", Version: "9"},
			{VendorID: "10101234565", Product: "Other", Version: "1"},
			{VendorID: "123", Product: "x", Version: "1"},
			{VendorID: "10101234565", Product: " ", Version: "1"},
		}
		res, err := r.Check(ctx, items)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{ReasonCertified, ReasonCertified, ReasonVersion, ReasonNotFound, ReasonInvalidVendor, ReasonMissingProduct}
		for i, w := range want {
			if res[i].Reason != w || res[i].Index != i {
				t.Errorf("item %d: %+v, want %s", i, res[i], w)
			}
		}
		if res[0].Number != c.Number || !res[0].Certified {
			t.Errorf("%+v", res[0])
		}
		if _, err := change(r, c.Number, Suspended, "pending audit"); err != nil {
			t.Fatal(err)
		}
		res, _ = r.Check(ctx, items[:1])
		if res[0].Certified || res[0].Reason != "suspended" || res[0].StatusReason != "pending audit" {
			t.Errorf("suspended: %+v", res[0])
		}
		big := make([]CheckItem, MaxCheckItems+1)
		if _, err := r.Check(ctx, big); err == nil {
			t.Error("over the limit accepted")
		}
		full := make([]CheckItem, MaxCheckItems)
		for i := range full {
			full[i] = items[i%len(items)]
		}
		if res, err := r.Check(ctx, full); err != nil || len(res) != MaxCheckItems {
			t.Fatalf("%d %v", len(res), err)
		}
	})
}

func TestExportsHoldTheWholeRegistry(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := context.Background()
	r, _ := newTestRegistry(t, db)
	req := sampleRequest()
	req.ProductName.EN = "=HYPERLINK(\"evil\")"
	c := issue(t, r, req)

	var buf bytes.Buffer
	if err := r.WriteCSV(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\xef\xbb\xbf")) {
		t.Fatal("no BOM")
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil || len(recs) != 2 || recs[1][0] != c.Number || recs[1][6] != "سامانه حسابداری سپید" || recs[1][7][0] != '\'' {
		t.Fatalf("csv %v %v", recs, err)
	}

	buf.Reset()
	if err := r.WriteJSON(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	var js struct{ Certificates []Certificate }
	if err := json.Unmarshal(buf.Bytes(), &js); err != nil || len(js.Certificates) != 1 || js.Certificates[0].JWS != c.JWS {
		t.Fatalf("json %v", err)
	}

	buf.Reset()
	if err := r.WriteXLSX(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var sheet []byte
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if err := xml.Unmarshal(b, new(struct{})); err != nil {
			t.Fatalf("%s is not well-formed XML: %v", f.Name, err)
		}
		if f.Name == "xl/worksheets/sheet1.xml" {
			sheet = b
		}
	}
	if len(zr.File) != 5 || !bytes.Contains(sheet, []byte(c.Number)) || !bytes.Contains(sheet, []byte("سپید")) {
		t.Fatalf("xlsx parts %d", len(zr.File))
	}
}
