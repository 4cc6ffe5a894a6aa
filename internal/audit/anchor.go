package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/store"
)

// Security #11: a hash chain alone does not show a cut tail, nor a chain edited and
// rehashed from the edit on. Anchors close that: the chain's head is signed with the
// desk's Ed25519 key ring (which lives on disk, not in the database), kept in
// audit_anchors and appended to a file outside the database, and published, so that
// Verify can hold the chain to every head it was ever seen to have.

// ErrNoAnchor is returned by Latest when the chain has never been anchored.
var ErrNoAnchor = errors.New("audit: no anchor yet")

// ErrNotExtending is returned by Anchor when the chain no longer extends the latest
// anchor: it was cut or rewritten since, and signing its head would bless that.
var ErrNotExtending = errors.New("the chain does not extend its latest anchor")

// Anchor is one signed head of the chain.
type Anchor struct {
	// Number counts anchors from 1; it is signed inside the note. Zero marks a head an
	// operator expects (--expect-head) rather than one Miz signed.
	Number int64
	// Entries is how many entries the chain had; Head is the hash of the last of them
	// (the genesis hash for none).
	Entries int64
	Head    string
	// At is when the head was signed.
	At time.Time
	// Note is the signed note (c2sp.org/signed-note) whose text states all of the above.
	Note string
	// Source says where Verify found the anchor: "database", a file, or a flag.
	Source string
}

// label names the anchor in a message.
func (a Anchor) label() string {
	if a.Number == 0 {
		return "the expected head (" + a.Source + ")"
	}
	return fmt.Sprintf("anchor #%d signed at %s", a.Number, a.At.UTC().Format("2006-01-02 15:04:05Z"))
}

// noteText is the text of an anchor's signed note: the signer's name, then one field a
// line.
func noteText(name string, a Anchor) string {
	return fmt.Sprintf("%s\nanchor %d\nentries %d\nhead %s\nat %s\n",
		name, a.Number, a.Entries, a.Head, a.At.UTC().Format(time.RFC3339Nano))
}

// parseNoteText reads the fields noteText wrote; name is the first line.
func parseNoteText(text string) (name string, a Anchor, err error) {
	lines := strings.Split(text, "\n")
	if len(lines) != 6 || lines[5] != "" {
		return "", Anchor{}, errors.New("want a name line and anchor, entries, head and at lines")
	}
	field := func(line, key string) (string, error) {
		v, ok := strings.CutPrefix(line, key+" ")
		if !ok || v == "" {
			return "", fmt.Errorf("want a %q line, got %q", key, line)
		}
		return v, nil
	}
	vals := make([]string, 4)
	for i, key := range []string{"anchor", "entries", "head", "at"} {
		if vals[i], err = field(lines[i+1], key); err != nil {
			return "", Anchor{}, err
		}
	}
	if a.Number, err = strconv.ParseInt(vals[0], 10, 64); err != nil || a.Number < 1 {
		return "", Anchor{}, fmt.Errorf("bad anchor number %q", vals[0])
	}
	if a.Entries, err = strconv.ParseInt(vals[1], 10, 64); err != nil || a.Entries < 0 {
		return "", Anchor{}, fmt.Errorf("bad entry count %q", vals[1])
	}
	if a.Head = vals[2]; !isHash(a.Head) {
		return "", Anchor{}, fmt.Errorf("bad head hash %q", vals[2])
	}
	if a.At, err = time.Parse(time.RFC3339Nano, vals[3]); err != nil {
		return "", Anchor{}, fmt.Errorf("bad time %q", vals[3])
	}
	return lines[0], a, nil
}

func isHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return false
		}
	}
	return true
}

// Anchorer signs the chain's head and keeps the signed anchors.
type Anchorer struct {
	DB *store.DB
	// Keys is the desk's signing key ring; the active key signs.
	Keys *keys.Ring
	// Name is the signer name of the notes, e.g. "desk.example.ir/audit".
	Name string
	// File, if not empty, is where each new anchor is also appended: a file outside the
	// database, so that rewriting the database alone cannot take anchors back.
	File string
}

// Anchor signs the chain's current head as a new anchor, unless the latest anchor
// already covers exactly that head, in which case it returns that one and false. It
// refuses (ErrNotExtending) when the chain no longer has the latest anchor's head at
// the latest anchor's length.
func (an *Anchorer) Anchor(ctx context.Context) (Anchor, bool, error) {
	signer, err := an.Keys.NoteSigner(an.Name)
	if err != nil {
		return Anchor{}, false, fmt.Errorf("audit: anchor: %w", err)
	}
	var out Anchor
	var fresh bool
	err = an.DB.Update(ctx, func(tx *store.Tx) error {
		fresh = false
		if err := tx.Lock(ctx, lockKey); err != nil { // no entry appended while we sign
			return fmt.Errorf("lock: %w", err)
		}
		entries, head, err := chainHead(ctx, tx)
		if err != nil {
			return err
		}
		last, err := latest(ctx, tx)
		switch {
		case errors.Is(err, ErrNoAnchor):
		case err != nil:
			return err
		case last.Entries == entries && last.Head == head:
			out = last
			return nil
		default:
			if err := extends(ctx, tx, last, entries); err != nil {
				return err
			}
		}
		a := Anchor{Number: last.Number + 1, Entries: entries, Head: head, At: tx.Now, Source: "database"}
		msg, err := note.Sign(&note.Note{Text: noteText(an.Name, a)}, signer)
		if err != nil {
			return fmt.Errorf("sign: %w", err)
		}
		a.Note = string(msg)
		if _, err := tx.Exec(ctx, "INSERT INTO audit_anchors (id, entries, head, note, created_at) VALUES (?, ?, ?, ?, ?)",
			a.Number, a.Entries, a.Head, a.Note, store.Millis(a.At)); err != nil {
			return fmt.Errorf("store: %w", err)
		}
		out, fresh = a, true
		return nil
	})
	if err != nil {
		return Anchor{}, false, fmt.Errorf("audit: anchor: %w", err)
	}
	if fresh && an.File != "" {
		if err := appendNote(an.File, out.Note); err != nil {
			return out, true, fmt.Errorf("audit: anchor #%d: kept in the database but not in %s: %w", out.Number, an.File, err)
		}
	}
	return out, fresh, nil
}

// chainHead returns the chain's length and the hash of its last entry.
func chainHead(ctx context.Context, tx *store.Tx) (int64, string, error) {
	var seq int64
	var hash string
	err := tx.QueryRow(ctx, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").Scan(&seq, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, genesis, nil
	}
	if err != nil {
		return 0, "", fmt.Errorf("read head: %w", err)
	}
	return seq, hash, nil
}

// extends checks that a chain of entries entries still has last's head at last's
// length: cheap (one row), so every anchor can afford it; Verify does the full walk.
func extends(ctx context.Context, tx *store.Tx, last Anchor, entries int64) error {
	if entries < last.Entries {
		return fmt.Errorf("%w: chain has %d entries, %s covers %d", ErrNotExtending, entries, last.label(), last.Entries)
	}
	at := genesis
	if last.Entries > 0 {
		err := tx.QueryRow(ctx, "SELECT hash FROM audit_log WHERE seq = ?", last.Entries).Scan(&at)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: entry %d, the head of %s, is missing", ErrNotExtending, last.Entries, last.label())
		}
		if err != nil {
			return fmt.Errorf("read entry %d: %w", last.Entries, err)
		}
	}
	if at != last.Head {
		return fmt.Errorf("%w: entry %d hashes to %.12s…, %s signed %.12s…", ErrNotExtending, last.Entries, at, last.label(), last.Head)
	}
	return nil
}

// latest reads the newest anchor kept in the database.
func latest(ctx context.Context, tx *store.Tx) (Anchor, error) {
	a := Anchor{Source: "database"}
	var at int64
	err := tx.QueryRow(ctx, "SELECT id, entries, head, note, created_at FROM audit_anchors ORDER BY id DESC LIMIT 1").
		Scan(&a.Number, &a.Entries, &a.Head, &a.Note, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return Anchor{}, ErrNoAnchor
	}
	if err != nil {
		return Anchor{}, fmt.Errorf("read latest anchor: %w", err)
	}
	a.At = store.FromMillis(at)
	return a, nil
}

// Latest returns the newest anchor, the head Miz publishes; ErrNoAnchor when there is
// none yet.
func (an *Anchorer) Latest(ctx context.Context) (Anchor, error) {
	var a Anchor
	err := an.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		a, err = latest(ctx, tx)
		return err
	})
	if err != nil && !errors.Is(err, ErrNoAnchor) {
		return Anchor{}, fmt.Errorf("audit: latest anchor: %w", err)
	}
	return a, err
}

// VerifierKey is the signed-note verifier key of the active key under the anchors'
// name: what outsiders need to check a published head offline.
func (an *Anchorer) VerifierKey() (string, error) { return an.Keys.NoteVerifierKey(an.Name) }

// appendNote appends one signed note and a blank line to path, and syncs it.
func appendNote(path, msg string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(msg + "\n"); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
