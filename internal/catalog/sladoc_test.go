package catalog

import (
	"strings"
	"testing"
)

func TestSLADocumentHasNineSections(t *testing.T) {
	for _, id := range []string{"certify", "cert"} {
		s := mustDefault(t, id)
		for _, lang := range []string{"fa", "en"} {
			d := s.SLADocument(lang)
			if len(d.Sections) != 9 {
				t.Fatalf("%s/%s: %d sections", id, lang, len(d.Sections))
			}
			for i, sec := range d.Sections {
				if sec.Number != i+1 || sec.Title == "" {
					t.Errorf("%s/%s section %d = %d %q", id, lang, i, sec.Number, sec.Title)
				}
				if sec.Table != nil {
					for _, r := range sec.Table.Rows {
						if len(r) != len(sec.Table.Headers) {
							t.Errorf("%s/%s §%d row %v has %d cells, want %d", id, lang, sec.Number, r, len(r), len(sec.Table.Headers))
						}
					}
				}
			}
			if (lang == "fa") != (d.Dir == "rtl") || d.Lang != lang {
				t.Errorf("%s/%s: lang %q dir %q", id, lang, d.Lang, d.Dir)
			}
		}
	}
}

func TestSLADocumentSections(t *testing.T) {
	certify := mustDefault(t, "certify")
	en := certify.SLADocument("en")
	fa := certify.SLADocument("fa")
	// §4: organization duties then applicant duties, numbered as in the SLA.
	org, app := en.Sections[3].Groups[0], en.Sections[3].Groups[1]
	if len(org.Items) != 10 || org.Items[9].ID != "Z-4.1" || len(app.Items) != 4 || app.Items[0].ID != "A-4.1" {
		t.Errorf("§4 groups = %d/%d items", len(org.Items), len(app.Items))
	}
	// §5: one row per data class.
	if rows := en.Sections[4].Table.Rows; len(rows) != 2 || rows[1][0] != "D-2" || rows[1][6] != "yes" {
		t.Errorf("§5 rows = %v", rows)
	}
	// §6: free is stated.
	if got := en.Sections[5].Paragraphs; len(got) != 1 || got[0] != "The service is free at present." {
		t.Errorf("§6 = %q", got)
	}
	// §8: Jalali dates in Persian digits.
	if p := fa.Sections[7].Paragraphs[0]; !strings.Contains(p, "۲۹ اسفند ۱۴۰۰") {
		t.Errorf("§8 fa = %q", p)
	}
	if p := en.Sections[7].Paragraphs[0]; !strings.Contains(p, "2022-03-20 (29 Esfand 1400)") {
		t.Errorf("§8 en = %q", p)
	}
	// §2: the identity card gives the maximum delivery time.
	if !hasRow(fa.Sections[1].Table, "حداکثر زمان ارائه خدمت", "۳۰ روز کاری") {
		t.Errorf("§2 fa lacks the maximum delivery time: %v", fa.Sections[1].Table.Rows)
	}
	cert := mustDefault(t, "cert").SLADocument("en")
	if !hasRow(cert.Sections[1].Table, "Kind of request", "Security incident report (at most 24 hours)") {
		t.Errorf("§2 en lacks the incident budget: %v", cert.Sections[1].Table.Rows)
	}
	// §6: the agreement, then each tariff item (issue 17).
	if got := cert.Sections[5].Paragraphs; len(got) != 4 || !strings.Contains(got[0], "by agreement") ||
		got[1] != "Training course fee: 45,000,000 rials (before VAT)." {
		t.Errorf("cert §6 = %q", got)
	}
}

func hasRow(t *Table, key, value string) bool {
	for _, r := range t.Rows {
		if r[0] == key && r[1] == value {
			return true
		}
	}
	return false
}

func TestJalali(t *testing.T) {
	tests := []struct {
		g       Date
		y, m, d int
	}{
		{Date{2021, 3, 21}, 1400, 1, 1},
		{Date{2021, 9, 22}, 1400, 6, 31},
		{Date{2022, 3, 20}, 1400, 12, 29},
		{Date{2021, 3, 20}, 1399, 12, 30}, // 1399 was a leap year
		{Date{2025, 3, 20}, 1403, 12, 30}, // so was 1403
		{Date{2025, 3, 21}, 1404, 1, 1},
		{Date{2018, 12, 30}, 1397, 10, 9},
	}
	for _, tt := range tests {
		y, m, d := jalali(tt.g)
		if y != tt.y || m != tt.m || d != tt.d {
			t.Errorf("jalali(%s) = %d/%d/%d, want %d/%d/%d", tt.g, y, m, d, tt.y, tt.m, tt.d)
		}
	}
}

// TestSLADocumentWordingFollowsTheSeeds_14: §1 speaks of penalties (the seeds'
// «جرایم»), and the identity card names who may apply as the seeds do — CERT serves
// agencies and companies, and a natural person only for the kinds that accept one.
func TestSLADocumentWordingFollowsTheSeeds_14(t *testing.T) {
	svcs, err := Defaults()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range svcs {
		fa, en := s.SLADocument("fa"), s.SLADocument("en")
		if !strings.Contains(fa.Sections[0].Paragraphs[0], "جرایم") || !strings.Contains(en.Sections[0].Paragraphs[0], "penalties") {
			t.Errorf("%s §1 does not speak of penalties: %q / %q", s.ID, fa.Sections[0].Paragraphs[0], en.Sections[0].Paragraphs[0])
		}
		if s.ID != "cert" {
			continue
		}
		var who string
		for _, r := range en.Sections[1].Table.Rows {
			if r[0] == "Who may apply" {
				who = r[1]
			}
		}
		_, person, _ := strings.Cut(who, "natural persons")
		if !strings.Contains(person, "only for:") || !strings.Contains(person, "Vulnerability report") || strings.Contains(person, "Security incident") {
			t.Errorf("CERT's identity card: natural persons = %q (row %q), want only the kinds that accept them", person, who)
		}
	}
}
