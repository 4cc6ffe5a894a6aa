package evidence

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// Key files in the key directory: CurrentKeyFile wraps new files; the keys a
// rotation replaced stay beside it as RetiredPrefix + ID + ".key" until no stored
// file needs them. They are plain files of the key directory, so `miz backup`
// (which copies that directory's files) keeps them with the evidence they open.
const (
	CurrentKeyFile = "evidence.key"
	RetiredPrefix  = "evidence-retired-"
)

func retiredPath(dir, id string) string { return filepath.Join(dir, RetiredPrefix+id+".key") }

// Keyring finds an evidence key by its ID: the current one or a retired one. A
// server started before a rotation finds the new key on its first miss (the
// directory is read again), so files rewrapped under the new key stay readable
// without a restart.
type Keyring struct {
	dir string

	mu   sync.Mutex
	keys map[string]*Key
}

// OpenKeyring reads the key directory, creating the current key on first use, and
// returns the ring with its current key.
func OpenKeyring(dir string) (*Keyring, *Key, error) {
	cur, err := LoadOrCreateKey(filepath.Join(dir, CurrentKeyFile))
	if err != nil {
		return nil, nil, err
	}
	r := &Keyring{dir: dir}
	if err := r.load(); err != nil {
		return nil, nil, err
	}
	return r, cur, nil
}

// load reads every key file of the directory.
func (r *Keyring) load() error {
	keys := map[string]*Key{}
	paths, _ := filepath.Glob(filepath.Join(r.dir, RetiredPrefix+"*.key"))
	paths = append(paths, filepath.Join(r.dir, CurrentKeyFile))
	for _, p := range paths {
		k, err := readKey(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		keys[k.ID()] = k
	}
	r.mu.Lock()
	r.keys = keys
	r.mu.Unlock()
	return nil
}

// Find returns the key with id, reading the directory again once if it is not known.
func (r *Keyring) Find(id string) (*Key, error) {
	r.mu.Lock()
	k := r.keys[id]
	r.mu.Unlock()
	if k != nil {
		return k, nil
	}
	if err := r.load(); err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if k := r.keys[id]; k != nil {
		return k, nil
	}
	return nil, fmt.Errorf("evidence: file was sealed with key %s, which is not in %s", id, r.dir)
}

// Retired lists the retired keys' IDs with their files.
func (r *Keyring) Retired() (map[string]string, error) {
	out := map[string]string{}
	paths, err := filepath.Glob(filepath.Join(r.dir, RetiredPrefix+"*.key"))
	if err != nil {
		return nil, err
	}
	for _, p := range paths {
		k, err := readKey(p)
		if err != nil {
			return nil, err
		}
		out[k.ID()] = p
	}
	return out, nil
}

// IDs lists the IDs of every key the ring holds, sorted.
func (r *Keyring) IDs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids := make([]string, 0, len(r.keys))
	for id := range r.keys {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Rotate makes a new current key and keeps the one it replaces as a retired key
// file, in an order that a crash cannot turn into a lost key: the old key is
// written to its retired file and synced first, then the new key replaces the current file by
// rename. Files keep naming the key that wrapped them until Service.Rewrap moves
// them to the new one.
func (r *Keyring) Rotate() (old, cur *Key, err error) {
	curPath := filepath.Join(r.dir, CurrentKeyFile)
	old, err = readKey(curPath)
	if err != nil {
		return nil, nil, err
	}
	b, err := os.ReadFile(curPath)
	if err != nil {
		return nil, nil, fmt.Errorf("evidence: rotate: %w", err)
	}
	if err := writeSynced(retiredPath(r.dir, old.ID()), b); err != nil {
		return nil, nil, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, nil, fmt.Errorf("evidence: rotate: %w", err)
	}
	tmp := curPath + ".new"
	if err := writeSynced(tmp, []byte(base64.StdEncoding.EncodeToString(raw)+"\n")); err != nil {
		return nil, nil, err
	}
	if err := os.Rename(tmp, curPath); err != nil {
		return nil, nil, fmt.Errorf("evidence: rotate: %w", err)
	}
	if err := syncDir(r.dir); err != nil {
		return nil, nil, err
	}
	if cur, err = NewKey(raw); err != nil {
		return nil, nil, err
	}
	return old, cur, r.load()
}

// Destroy removes the retired key id's file: what it wrapped can no longer be
// opened. The caller checks first that no stored file names it.
func (r *Keyring) Destroy(id string) error {
	files, err := r.Retired()
	if err != nil {
		return err
	}
	p, ok := files[id]
	if !ok {
		return fmt.Errorf("evidence: no retired key %s", id)
	}
	if err := os.Remove(p); err != nil {
		return fmt.Errorf("evidence: destroy %s: %w", id, err)
	}
	if err := syncDir(filepath.Dir(p)); err != nil {
		return err
	}
	return r.load()
}

func readKey(path string) (*Key, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("evidence: key %s is not base64: %w", path, err)
	}
	return NewKey(raw)
}

// writeSynced writes b to a new file at path (mode 0600) and syncs it.
func writeSynced(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("evidence: key: %w", err)
	}
	_, werr := f.Write(b)
	if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
		return fmt.Errorf("evidence: key %s: %w", path, err)
	}
	return syncDir(filepath.Dir(path))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("evidence: key directory: %w", err)
	}
	err = d.Sync()
	_ = d.Close()
	if err != nil {
		return fmt.Errorf("evidence: key directory: %w", err)
	}
	return nil
}
