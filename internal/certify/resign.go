package certify

import (
	"context"
	"fmt"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/store"
)

// EventResigned is the event (and log record) kind of a certificate signed again
// with the active key; its status does not change.
const EventResigned = "resigned"

// ResignOptions say which certificates Resign signs again and how.
type ResignOptions struct {
	// Needs reports whether a JWS signed by kid is to be signed again: a revoked key,
	// or the one the operator names.
	Needs func(kid string) bool
	// Batch is how many certificates one transaction handles (default 200).
	Batch int
	// DryRun counts what would be re-signed and changes nothing.
	DryRun bool
	// Actor is who the audit log names.
	Actor string
	// Progress, if set, is told after each batch: certificates looked at, of all
	// live ones, and how many of them were re-signed so far.
	Progress func(seen, total, resigned int)
}

// Resign signs every live certificate (active or suspended, not past its expiry)
// whose JWS was made by a key opts.Needs names, again with the active key (issue 19,
// runbook "signing key compromised"). The credential itself is unchanged: the same
// payload, a new signature. Each certificate gets a "resigned" event, appended to the
// transparency log with the new digest (earlier records keep theirs), and an audit
// entry, in the batch's transaction; the registry serves the new JWS at once. A
// crash between batches leaves every certificate either as it was or fully
// re-signed, and a second run re-signs only what is left, so the command is safe to
// repeat; when nothing is left it returns 0.
func (r *Registry) Resign(ctx context.Context, opts ResignOptions) (int, error) {
	if opts.Batch <= 0 {
		opts.Batch = 200
	}
	var total int
	if err := r.DB.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT COUNT(*) FROM certificates WHERE status IN ('active', 'suspended') AND expires_at > ?`,
			store.Millis(tx.Now)).Scan(&total)
	}); err != nil {
		return 0, fmt.Errorf("certify: resign: %w", err)
	}
	var after int64
	seen, resigned := 0, 0
	for {
		var n, done int
		err := r.DB.Update(ctx, func(tx *store.Tx) error {
			n, done = 0, 0
			rows, err := tx.Query(ctx, `SELECT `+certColumns+` FROM certificates WHERE id > ?
				AND status IN ('active', 'suspended') AND expires_at > ? ORDER BY id LIMIT ?`, after, store.Millis(tx.Now), opts.Batch)
			if err != nil {
				return err
			}
			var batch []Certificate
			for rows.Next() {
				c, err := scanCertificate(rows)
				if err != nil {
					rows.Close()
					return err
				}
				batch = append(batch, c)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, c := range batch {
				n++
				after = c.id
				kid := keys.KidOf(c.JWS)
				if !opts.Needs(kid) {
					continue
				}
				done++
				if opts.DryRun {
					continue
				}
				if err := r.resignOne(ctx, tx, c, kid, opts.Actor); err != nil {
					return err
				}
			}
			if done > 0 && !opts.DryRun {
				r.checkpointAfter(ctx, tx)
			}
			return nil
		})
		if err != nil {
			return resigned, fmt.Errorf("certify: resign: %w", err)
		}
		if n == 0 {
			return resigned, nil
		}
		seen, resigned = seen+n, resigned+done
		if opts.Progress != nil {
			opts.Progress(seen, max(total, seen), resigned)
		}
	}
}

// resignOne signs c again in tx, logs and audits it.
func (r *Registry) resignOne(ctx context.Context, tx *store.Tx, c Certificate, kid, actor string) error {
	if sha256Hex(c.JWS) != c.JWSSHA256 {
		return fmt.Errorf("%s: the stored JWS does not match its digest; run `miz log audit` first", c.Number)
	}
	next, _, err := r.Keys.Resign(c.JWS)
	if err != nil {
		return fmt.Errorf("%s: %w", c.Number, err)
	}
	old := c.JWSSHA256
	c.JWS, c.JWSSHA256 = next, sha256Hex(next)
	res, err := tx.Exec(ctx, `UPDATE certificates SET jws = ?, jws_sha256 = ? WHERE id = ? AND jws_sha256 = ?`,
		c.JWS, c.JWSSHA256, c.id, old)
	if err != nil {
		return fmt.Errorf("%s: %w", c.Number, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("%s: changed while it was being re-signed; run again", c.Number)
	}
	if _, err := r.appendEvent(ctx, tx, c, EventResigned, c.Status, c.Status, "signing key "+kid+" replaced", actor); err != nil {
		return err
	}
	return audit.Record(ctx, tx, actor, "certify.resigned", "certificate", c.Number, map[string]any{
		"from_key": kid, "to_key": keys.KidOf(c.JWS), "previous_sha256": old, "sha256": c.JWSSHA256})
}
