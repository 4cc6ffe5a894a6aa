package advisory

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/itoir/miz/internal/cert/csaf"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// CSAFFile is one file of the CSAF trusted provider, ready to serve.
type CSAFFile struct {
	Body        []byte
	ContentType string
}

func file(ct string, b []byte) *CSAFFile { return &CSAFFile{Body: b, ContentType: ct} }

const (
	ctJSON = "application/json" // exactly: csaf_checker compares the header
	ctText = "text/plain; charset=utf-8"
	ctHTML = "text/html; charset=utf-8"
)

// doc is a stored CSAF document.
type doc struct {
	csaf.Entry
	Body      []byte
	SHA256    string
	SHA512    string
	Signature string
}

func loadDocs(ctx context.Context, tx *store.Tx, where string, args ...any) ([]doc, error) {
	rows, err := tx.Query(ctx, `SELECT d.path, d.label, a.tracking_id, d.title, d.initial_release, d.current_release,
		d.body, d.sha256, d.sha512, d.signature FROM cert_csaf_documents d JOIN cert_advisories a ON a.id = d.advisory_id
		WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("advisory: csaf documents: %w", err)
	}
	defer rows.Close()
	var out []doc
	for rows.Next() {
		var d doc
		var label string
		var initial, current int64
		if err := rows.Scan(&d.Path, &label, &d.TrackingID, &d.Title, &initial, &current, &d.Body, &d.SHA256, &d.SHA512, &d.Signature); err != nil {
			return nil, fmt.Errorf("advisory: csaf documents: %w", err)
		}
		d.Label, d.Initial, d.Current = csaf.Label(label), store.FromMillis(initial), store.FromMillis(current)
		out = append(out, d)
	}
	return out, rows.Err()
}

// entries lists the documents without their bodies.
func (s *Service) entries(ctx context.Context, where string, args ...any) ([]csaf.Entry, error) {
	var es []csaf.Entry
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT d.path, d.label, a.tracking_id, d.title, d.initial_release, d.current_release
			FROM cert_csaf_documents d JOIN cert_advisories a ON a.id = d.advisory_id WHERE `+where, args...)
		if err != nil {
			return fmt.Errorf("advisory: csaf entries: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var e csaf.Entry
			var label string
			var initial, current int64
			if err := rows.Scan(&e.Path, &label, &e.TrackingID, &e.Title, &initial, &current); err != nil {
				return fmt.Errorf("advisory: csaf entries: %w", err)
			}
			e.Label, e.Initial, e.Current = csaf.Label(label), store.FromMillis(initial), store.FromMillis(current)
			es = append(es, e)
		}
		return rows.Err()
	})
	return es, err
}

// lastUpdated is the newest release, or the signing key's creation before any.
func (s *Service) lastUpdated(es []csaf.Entry) time.Time {
	t := s.Signer.Created()
	for _, e := range es {
		if e.Current.After(t) {
			t = e.Current
		}
	}
	return t
}

// labelOf reads a label folder name (white, green, amber).
func labelOf(folder string) (csaf.Label, bool) {
	for _, l := range csaf.Labels() {
		if l.Folder() == folder {
			return l, true
		}
	}
	return "", false
}

// CSAF serves a file of the trusted provider below /.well-known/csaf/ (SLA M-4.1,
// CSAF 2.0 section 7). WHITE documents are public; GREEN and AMBER ones, their
// folders and feeds only to signed-in constituents (requirement 5 asks it of
// AMBER; the desk's rule asks it of GREEN too).
func (s *Service) CSAF(ctx context.Context, p *identity.Principal, path string) (*CSAFFile, error) {
	if s.Signer == nil {
		return nil, notFound()
	}
	prov := s.provider()
	parts := strings.Split(path, "/")
	switch path {
	case "":
		return file(ctHTML, csaf.Listing("", []string{"provider-metadata.json", "service.json", "openpgp/", "white/", "green/", "amber/"})), nil
	case "provider-metadata.json":
		es, err := s.entries(ctx, "1 = 1")
		if err != nil {
			return nil, err
		}
		dirs := []csaf.Label{csaf.White}
		if Constituent(p) {
			dirs = csaf.Labels()
		}
		return file(ctJSON, prov.Metadata(s.lastUpdated(es), dirs)), nil
	case "service.json":
		return file(ctJSON, prov.Service()), nil
	case "openpgp/":
		return file(ctHTML, csaf.Listing("openpgp/", []string{s.Signer.Fingerprint() + ".asc"})), nil
	case "openpgp/" + s.Signer.Fingerprint() + ".asc":
		return file("application/pgp-keys", s.Signer.PublicKey()), nil
	}
	l, ok := labelOf(parts[0])
	if !ok || len(parts) < 2 || len(parts) > 3 {
		return nil, notFound()
	}
	if !l.Public() && !Constituent(p) {
		if p == nil {
			return nil, problem.New(problem.Unauthorized, "error.unauthorized")
		}
		return nil, notFound()
	}
	if len(parts) == 2 {
		return s.labelFile(ctx, prov, l, parts[1])
	}
	return s.yearFile(ctx, l, parts[1], parts[2])
}

// labelFile is a file of a label's folder: its listing, index.txt, changes.csv,
// ROLIE feed and category document.
func (s *Service) labelFile(ctx context.Context, prov csaf.Provider, l csaf.Label, name string) (*CSAFFile, error) {
	es, err := s.entries(ctx, "d.label = ?", string(l))
	if err != nil {
		return nil, err
	}
	feed, cat := "csaf-feed-tlp-"+l.Folder()+".json", "category-"+l.Folder()+".json"
	switch name {
	case "":
		names := []string{"index.txt", "changes.csv", feed, cat}
		for _, e := range es {
			if y := strconv.Itoa(e.Initial.UTC().Year()) + "/"; !slices.Contains(names, y) {
				names = append(names, y)
			}
		}
		return file(ctHTML, csaf.Listing(l.Folder()+"/", names)), nil
	case "index.txt":
		return file(ctText, csaf.Index(l, es)), nil
	case "changes.csv":
		return file("text/csv; charset=utf-8", csaf.Changes(l, es)), nil
	case feed:
		return file(ctJSON, prov.Feed(l, es, s.lastUpdated(nil))), nil
	case cat:
		return file(ctJSON, csaf.Category(l)), nil
	}
	return nil, notFound()
}

// yearFile is a year folder's listing or a document, its hashes or its signature.
func (s *Service) yearFile(ctx context.Context, l csaf.Label, year, name string) (*CSAFFile, error) {
	if _, err := strconv.Atoi(year); err != nil || len(year) != 4 {
		return nil, notFound()
	}
	dir := l.Folder() + "/" + year + "/"
	if name == "" {
		es, err := s.entries(ctx, "d.path LIKE ?", dir+"%")
		if err != nil {
			return nil, err
		}
		var names []string
		for _, e := range es {
			n := strings.TrimPrefix(e.Path, dir)
			names = append(names, n, n+".sha256", n+".sha512", n+".asc")
		}
		slices.Sort(names)
		return file(ctHTML, csaf.Listing(dir, names)), nil
	}
	base, ext := name, ""
	for _, x := range []string{".sha256", ".sha512", ".asc"} {
		if strings.HasSuffix(name, x) {
			base, ext = strings.TrimSuffix(name, x), x
		}
	}
	var ds []doc
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		ds, err = loadDocs(ctx, tx, "d.path = ?", dir+base)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, notFound()
	}
	d := ds[0]
	switch ext {
	case ".sha256":
		return file(ctText, []byte(d.SHA256+"  "+base+"\n")), nil
	case ".sha512":
		return file(ctText, []byte(d.SHA512+"  "+base+"\n")), nil
	case ".asc":
		return file("application/pgp-signature", []byte(d.Signature)), nil
	}
	return file(ctJSON, d.Body), nil
}

// SecurityTxt is /.well-known/security.txt with the CSAF field (requirement 8). It
// expires a year after the current day, so that it stays the same all day.
func (s *Service) SecurityTxt() []byte {
	day := s.now().UTC().Truncate(24 * time.Hour)
	return s.provider().SecurityTxt("mailto:cert@cert.ir", day.AddDate(1, 0, 0))
}
