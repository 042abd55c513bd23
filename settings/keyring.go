package settings

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// KeyFile is the name of the master key file in the data dir.
const KeyFile = "master.key"

// sealedPrefix starts every ciphertext: "webos-secret:v1:{key id}:{data}".
const sealedPrefix = "webos-secret:v1:"

// ErrWrongKey means a ciphertext was sealed under a key the keyring does
// not hold, or does not open under the key of its id.
var ErrWrongKey = errors.New("settings: a secret cannot be decrypted with the master key (wrong WEBOS_MASTER_KEY or master.key?)")

// Keyring seals and opens secrets with AES-256-GCM. It holds the current
// key, which seals, and the keys a rotation left behind, which still
// open what they sealed. Each ciphertext names the id of its key (the
// first 8 bytes of the key's SHA-256, in hex), so a wrong key is told
// apart from damaged data. A keyring loaded from master.key follows the
// file (Reload), so `webos keys rotate` reaches a running server.
type Keyring struct {
	// use is held shared by a writer from sealing to storing (Hold) and
	// exclusively by a switch of the current key, so no ciphertext under
	// the old key is stored once a switch returns.
	use sync.RWMutex

	mu   sync.RWMutex
	ids  []string // current first
	aead map[string]cipher.AEAD
	// path is the key file the keyring was read from, "" for keys from
	// WEBOS_MASTER_KEY; text is what it held.
	path string
	text []byte
}

// NewKeyring returns the keyring of 32-byte keys, the first current.
func NewKeyring(keys ...[]byte) (*Keyring, error) {
	k := &Keyring{}
	if err := k.set(keys); err != nil {
		return nil, err
	}
	return k, nil
}

// set replaces the keys; k.mu is held or k is not shared yet.
func (k *Keyring) set(keys [][]byte) error {
	if len(keys) == 0 {
		return errors.New("settings: no master key")
	}
	ids := make([]string, 0, len(keys))
	aeads := map[string]cipher.AEAD{}
	for _, key := range keys {
		if len(key) != 32 {
			return fmt.Errorf("settings: the master key must be 32 bytes, not %d", len(key))
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return err
		}
		id := keyID(key)
		if _, dup := aeads[id]; !dup {
			ids = append(ids, id)
			aeads[id] = aead
		}
	}
	k.ids, k.aead = ids, aeads
	return nil
}

func keyID(key []byte) string {
	sum := sha256.Sum256(key)
	return hex.EncodeToString(sum[:8])
}

// LoadKeyring returns the keyring of env (WEBOS_MASTER_KEY: the base64 of
// 32 bytes, or several separated by commas, the current one first) when
// it is set, else of the key file in dataDir (one base64 key a line, the
// current one first), which it creates with mode 0600 and a random key
// on first run.
func LoadKeyring(dataDir, env string) (*Keyring, error) {
	if env != "" {
		keys, err := parseKeys(strings.ReplaceAll(env, ",", "\n"))
		if err != nil {
			return nil, errors.New("settings: WEBOS_MASTER_KEY must be the base64 of 32 bytes (several separated by commas, the current one first)")
		}
		return NewKeyring(keys...)
	}
	path := filepath.Join(dataDir, KeyFile)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if err := createKeyFile(path); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
	}
	k := &Keyring{path: path}
	if _, err := k.Reload(); err != nil {
		return nil, err
	}
	return k, nil
}

// parseKeys decodes one base64 key a line, skipping blank lines.
func parseKeys(text string) ([][]byte, error) {
	var keys [][]byte
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		key, err := base64.StdEncoding.DecodeString(line)
		if err != nil || len(key) != 32 {
			return nil, errors.New("not the base64 of a 32-byte key")
		}
		keys = append(keys, key)
	}
	if len(keys) == 0 {
		return nil, errors.New("no key")
	}
	return keys, nil
}

// readKeyFile returns the text and keys of the key file at path.
func readKeyFile(path string) ([]byte, [][]byte, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("settings: read the master key: %w", err)
	}
	keys, err := parseKeys(string(text))
	if err != nil {
		return nil, nil, fmt.Errorf("settings: %s: %w", path, err)
	}
	return text, keys, nil
}

// Reload reads the key file again and reports whether its keys changed.
// A change of the current key waits for every writer holding the
// keyring (Hold). A keyring from WEBOS_MASTER_KEY never changes.
func (k *Keyring) Reload() (bool, error) {
	if k.path == "" {
		return false, nil
	}
	text, keys, err := readKeyFile(k.path)
	if err != nil {
		return false, err
	}
	k.mu.RLock()
	same := bytes.Equal(text, k.text)
	k.mu.RUnlock()
	if same {
		return false, nil
	}
	k.use.Lock()
	defer k.use.Unlock()
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.set(keys); err != nil {
		return false, err
	}
	k.text = text
	return true, nil
}

// Hold keeps the current key from changing until release is called:
// a writer holds it from sealing a secret to storing it.
func (k *Keyring) Hold() (release func()) {
	if k == nil {
		return func() {}
	}
	k.use.RLock()
	return k.use.RUnlock
}

// createKeyFile writes a new random key to path, failing with
// fs.ErrExist if another process created it first.
func createKeyFile(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("settings: create the master key: %w", err)
	}
	_, err = f.WriteString(newKeyText())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return fmt.Errorf("settings: write the master key: %w", err)
	}
	syncDir(filepath.Dir(path))
	return nil
}

// newKeyText is a random key as a line of the key file.
func newKeyText() string {
	key := make([]byte, 32)
	_, _ = rand.Read(key) // crypto/rand.Read never fails
	return base64.StdEncoding.EncodeToString(key) + "\n"
}

// syncDir makes the new key file's directory entry durable where the
// platform can sync a directory (best effort: the file itself is written).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// KeyID is the id of the current key, which every new ciphertext carries.
func (k *Keyring) KeyID() string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.ids[0]
}

// KeyIDs are the ids of every key held, the current one first.
func (k *Keyring) KeyIDs() []string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return append([]string(nil), k.ids...)
}

// errNoKey is the answer of a nil Keyring.
var errNoKey = errors.New("settings: no master key was loaded")

// Seal encrypts plaintext under the current key, bound to label (the
// field it belongs to), so a ciphertext copied into another field does
// not open.
func (k *Keyring) Seal(plaintext []byte, label string) (string, error) {
	if k == nil {
		return "", errNoKey
	}
	k.mu.RLock()
	id := k.ids[0]
	aead := k.aead[id]
	k.mu.RUnlock()
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	sealed := aead.Seal(nonce, nonce, plaintext, []byte(id+"|"+label))
	return sealedPrefix + id + ":" + base64.RawURLEncoding.EncodeToString(sealed), nil
}

// IsSealed reports whether s has the form of a ciphertext.
func (*Keyring) IsSealed(s string) bool { return strings.HasPrefix(s, sealedPrefix) }

// Current reports whether sealed was sealed under the current key.
func (k *Keyring) Current(sealed string) bool {
	rest, sealedForm := strings.CutPrefix(sealed, sealedPrefix)
	id, _, ok := strings.Cut(rest, ":")
	return sealedForm && ok && id == k.KeyID()
}

// Open decrypts what Seal returned for label, under whichever key of the
// keyring its id names. It fails with ErrWrongKey when the keyring does
// not hold that key or the ciphertext does not authenticate.
func (k *Keyring) Open(sealed, label string) ([]byte, error) {
	if k == nil {
		return nil, errNoKey
	}
	rest, ok := strings.CutPrefix(sealed, sealedPrefix)
	id, data, ok2 := strings.Cut(rest, ":")
	if !ok || !ok2 {
		return nil, fmt.Errorf("settings: %s does not hold a sealed secret", label)
	}
	k.mu.RLock()
	aead, held := k.aead[id]
	ids := strings.Join(k.ids, ", ")
	k.mu.RUnlock()
	if !held {
		return nil, fmt.Errorf("%w: %s was sealed under key %s, the master keys are %s", ErrWrongKey, label, id, ids)
	}
	raw, err := base64.RawURLEncoding.DecodeString(data)
	if err != nil || len(raw) < aead.NonceSize() {
		return nil, fmt.Errorf("settings: %s holds a damaged secret", label)
	}
	n := aead.NonceSize()
	plain, err := aead.Open(nil, raw[:n], raw[n:], []byte(id+"|"+label))
	if err != nil {
		return nil, fmt.Errorf("%w: %s does not open under key %s", ErrWrongKey, label, id)
	}
	return plain, nil
}
