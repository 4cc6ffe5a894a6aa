package audit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/store"
)

// Finding is one way the chain, or the anchors themselves, fail verification.
type Finding struct {
	// Anchor is the anchor concerned.
	Anchor Anchor
	// Message says what is wrong, naming the entries missing or changed.
	Message string
	// Untrusted marks an anchor signed by a key revoked as compromised, at or after
	// the compromise (issue 19): it is not held against the chain — it proves
	// nothing — and is reported as such, not as a break of the chain.
	Untrusted bool
}

// Problems returns the findings that are breaks of the chain or of its anchors:
// all but the Untrusted ones.
func Problems(fs []Finding) []Finding {
	var out []Finding
	for _, f := range fs {
		if !f.Untrusted {
			out = append(out, f)
		}
	}
	return out
}

func (f Finding) String() string { return f.Message }

// Anchors returns every anchor kept for the chain, from the database and from File,
// each note's signature checked under the key ring. What is wrong with the anchors
// themselves (a note that does not verify, an anchor removed from the database, the
// two copies differing) comes back as findings; the anchors returned are the ones to
// hold the chain to.
func (an *Anchorer) Anchors(ctx context.Context) ([]Anchor, []Finding, error) {
	// The file is read before the database: Anchor commits a new anchor to the
	// database before it appends it to the file, so every note read from the file is
	// already committed when the database is read after it. Read the other way round,
	// an anchor signed between the two reads would look removed from the database.
	var data []byte
	if an.File != "" {
		var err error
		data, err = os.ReadFile(an.File)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, nil, fmt.Errorf("audit: read anchors: %w", err)
		}
	}
	var rows []Anchor
	err := an.DB.View(ctx, func(tx *store.Tx) error {
		rs, err := tx.Query(ctx, "SELECT id, entries, head, note FROM audit_anchors ORDER BY id")
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			var a Anchor
			if err := rs.Scan(&a.Number, &a.Entries, &a.Head, &a.Note); err != nil {
				return err
			}
			rows = append(rows, a)
		}
		return rs.Err()
	})
	if err != nil {
		return nil, nil, fmt.Errorf("audit: read anchors: %w", err)
	}
	var out []Anchor
	var findings []Finding
	byNumber := map[int64]Anchor{}
	for i, row := range rows {
		a, err := an.openNote(row.Note, "database")
		if err == nil && (a.Number != row.Number || a.Entries != row.Entries || a.Head != row.Head) {
			err = fmt.Errorf("its row says #%d, %d entries, head %.12s…, its note otherwise", row.Number, row.Entries, row.Head)
		}
		if err != nil {
			findings = append(findings, Finding{Anchor: row, Message: fmt.Sprintf("anchor #%d in the database: %v", row.Number, err), Untrusted: errors.Is(err, keys.ErrRevokedKey)})
			continue
		}
		prev := int64(0) // anchors are numbered 1, 2, …: a gap is rows deleted
		if i > 0 {
			prev = rows[i-1].Number
		}
		switch {
		case a.Number == prev+2:
			findings = append(findings, Finding{Anchor: a, Message: fmt.Sprintf("anchor #%d is missing from the database", prev+1)})
		case a.Number > prev+2:
			findings = append(findings, Finding{Anchor: a, Message: fmt.Sprintf("anchors #%d–#%d are missing from the database", prev+1, a.Number-1)})
		}
		byNumber[a.Number] = a
		out = append(out, a)
	}
	if data == nil {
		return out, findings, nil
	}
	fromFile, ff := an.ReadNotes(data, an.File)
	findings = append(findings, ff...)
	for _, a := range fromFile {
		db, ok := byNumber[a.Number]
		switch {
		case ok && db.Note == a.Note:
			continue // the same anchor, kept twice as it should be
		case ok:
			findings = append(findings, Finding{Anchor: a, Message: fmt.Sprintf("anchor #%d in %s differs from the one in the database", a.Number, an.File)})
		default:
			findings = append(findings, Finding{Anchor: a, Message: fmt.Sprintf("anchor #%d is in %s but not in the database: it was removed from audit_anchors", a.Number, an.File)})
		}
		out = append(out, a)
	}
	return out, findings, nil
}

// ReadNotes reads signed anchor notes from data — an anchor log, one note from GET
// /api/v1/audit/head, or a copy an operator kept — and checks each signature under the
// key ring. source names data in messages.
func (an *Anchorer) ReadNotes(data []byte, source string) ([]Anchor, []Finding) {
	notes, err := splitNotes(string(data))
	if err != nil {
		return nil, []Finding{{Anchor: Anchor{Source: source}, Message: fmt.Sprintf("%s: %v", source, err)}}
	}
	var out []Anchor
	var findings []Finding
	for i, msg := range notes {
		a, err := an.openNote(msg, source)
		if err != nil {
			findings = append(findings, Finding{Anchor: Anchor{Source: source, Note: msg}, Message: fmt.Sprintf("%s, note %d: %v", source, i+1, err), Untrusted: errors.Is(err, keys.ErrRevokedKey)})
			continue
		}
		out = append(out, a)
	}
	if len(notes) == 0 {
		findings = append(findings, Finding{Anchor: Anchor{Source: source}, Message: source + ": no signed anchor in it"})
	}
	return out, findings
}

// splitNotes cuts text into signed notes: each is text lines, a blank line, signature
// lines, and (between notes) a blank line.
func splitNotes(text string) ([]string, error) {
	if text != "" && !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	var notes []string
	var cur strings.Builder
	inSigs := false
	for n, line := range strings.SplitAfter(text, "\n") {
		switch {
		case line == "":
		case line == "\n" && !inSigs && cur.Len() == 0: // between notes
		case line == "\n" && !inSigs:
			cur.WriteString(line)
			inSigs = true
		case line == "\n":
			notes = append(notes, cur.String())
			cur.Reset()
			inSigs = false
		case inSigs && !strings.HasPrefix(line, "— "):
			return nil, fmt.Errorf("line %d: want a signature line (— name key) or a blank line", n+1)
		default:
			cur.WriteString(line)
		}
	}
	if cur.Len() > 0 {
		if !inSigs {
			return nil, errors.New("the last note has no signature: it is cut short")
		}
		notes = append(notes, cur.String())
	}
	return notes, nil
}

// ringVerifiers finds, for any signer name, the key of the ring with the given hash,
// so that anchors signed before a rotation, or under an earlier name, still verify.
type ringVerifiers struct{ ring *keys.Ring }

func (v ringVerifiers) Verifier(name string, hash uint32) (note.Verifier, error) {
	_, x, err := v.ring.NoteKey(name, hash)
	return x, err
}

// openNote checks msg's signature under the key ring and reads the anchor it states.
func (an *Anchorer) openNote(msg, source string) (Anchor, error) {
	if an.Keys == nil {
		return Anchor{}, errors.New("no key ring to check its signature with (is --data right?)")
	}
	n, err := note.Open([]byte(msg), ringVerifiers{an.Keys})
	if err != nil {
		return Anchor{}, fmt.Errorf("signature does not verify under the key ring: %w", err)
	}
	name, a, err := parseNoteText(n.Text)
	if err != nil {
		return Anchor{}, fmt.Errorf("not an audit anchor: %w", err)
	}
	if name != n.Sigs[0].Name {
		return Anchor{}, fmt.Errorf("note names %q but is signed as %q", name, n.Sigs[0].Name)
	}
	// Issue 19: a key revoked as compromised from some time on signs nothing after
	// it that is trusted — a thief could otherwise bless a cut or rewritten chain.
	if k, _, err := an.Keys.NoteKey(n.Sigs[0].Name, n.Sigs[0].Hash); err == nil && k.Revoked != nil && !a.At.Before(k.Revoked.At) {
		return Anchor{}, fmt.Errorf("%w: anchor #%d is signed by key %s at %s, at or after its compromise (%s, %s): not trusted",
			keys.ErrRevokedKey, a.Number, k.ID, a.At.UTC().Format(time.RFC3339), k.Revoked.At.UTC().Format(time.RFC3339), k.Revoked.Reason)
	}
	a.Note, a.Source = msg, source
	return a, nil
}

// VerifyAnchored walks the chain like Verify and holds it to anchors: the chain must
// reach each anchor's length and have exactly the anchor's head there. A chain cut
// short, or edited and rehashed, verifies on its own but not against an anchor taken
// before; each such anchor gives a finding naming the entries missing or changed. A
// broken link or hash is still a *BadEntryError, as from Verify.
func VerifyAnchored(ctx context.Context, db *store.DB, anchors []Anchor, progress func(n int64)) (VerifyResult, []Finding, error) {
	want := map[int64]string{}
	for _, a := range anchors {
		want[a.Entries] = ""
	}
	want[0] = genesis
	res, err := walk(ctx, db, progress, func(n int64, hash string) {
		if _, ok := want[n]; ok {
			want[n] = hash
		}
	})
	if err != nil {
		return res, nil, err
	}
	sorted := append([]Anchor(nil), anchors...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Entries < sorted[j].Entries })
	var findings []Finding
	var matched int64 // the longest anchored length the chain still matches
	for _, a := range sorted {
		if a.Entries > res.Entries {
			findings = append(findings, Finding{Anchor: a, Message: fmt.Sprintf("chain has %d entries, %s covers %d: %s missing",
				res.Entries, a.label(), a.Entries, entryRange(res.Entries+1, a.Entries, "is", "are"))})
			continue
		}
		if got := want[a.Entries]; got != a.Head {
			from := min(matched+1, a.Entries)
			msg := fmt.Sprintf("%s differ%s from the anchored chain: %s has head %.12s… at entry %d, the chain has %.12s…",
				entryRange(from, a.Entries, "", ""), plural(from, a.Entries), a.label(), a.Head, a.Entries, got)
			if matched > 0 {
				msg += fmt.Sprintf(" (entries 1–%d still match an earlier anchor)", matched)
			}
			findings = append(findings, Finding{Anchor: a, Message: msg})
			continue
		}
		matched = a.Entries
	}
	return res, findings, nil
}

// entryRange names entries from..to, with verb for one or many appended.
func entryRange(from, to int64, one, many string) string {
	if from == to {
		return strings.TrimSpace(fmt.Sprintf("entry %d %s", from, one))
	}
	return strings.TrimSpace(fmt.Sprintf("entries %d–%d %s", from, to, many))
}

// plural is the verb ending for entryRange's subject: "s" for one entry.
func plural(from, to int64) string {
	if from == to {
		return "s"
	}
	return ""
}

// ParseExpectedHead reads "<count>:<hash>", a head an operator kept, as an anchor.
func ParseExpectedHead(s, source string) (Anchor, error) {
	count, hash, ok := strings.Cut(strings.TrimSpace(s), ":")
	n, err := strconv.ParseInt(count, 10, 64)
	if !ok || err != nil || n < 0 || !isHash(strings.ToLower(hash)) {
		return Anchor{}, fmt.Errorf("audit: expected head %q: want <entries>:<64 hex digits of the head hash>", s)
	}
	return Anchor{Entries: n, Head: strings.ToLower(hash), Source: source}, nil
}
