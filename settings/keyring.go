package settings

import (
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
)

// KeyFile is the name of the master key file in the data dir.
const KeyFile = "master.key"

// sealedPrefix starts every ciphertext: "webos-secret:v1:{key id}:{data}".
const sealedPrefix = "webos-secret:v1:"

// ErrWrongKey means a ciphertext was sealed under a key the keyring does
// not hold, or does not open under the key of its id.
var ErrWrongKey = errors.New("settings: a secret cannot be decrypted with the master key (wrong WEBOS_MASTER_KEY or master.key?)")

// Keyring seals and opens secrets with AES-256-GCM under the master key.
// Each ciphertext names the id of its key (the first 8 bytes of the key's
// SHA-256, in hex), so a wrong key is told apart from damaged data.
type Keyring struct {
	id   string
	aead cipher.AEAD
}

// NewKeyring returns the keyring of a 32-byte key.
func NewKeyring(key []byte) (*Keyring, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("settings: the master key must be 32 bytes, not %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(key)
	return &Keyring{id: hex.EncodeToString(sum[:8]), aead: aead}, nil
}

// LoadKeyring returns the keyring of env (the base64 of 32 bytes, from
// WEBOS_MASTER_KEY) when it is set, else of the key file in dataDir,
// which it creates with mode 0600 and a random key on first run.
func LoadKeyring(dataDir, env string) (*Keyring, error) {
	if env != "" {
		key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(env))
		if err != nil {
			return nil, errors.New("settings: WEBOS_MASTER_KEY must be the base64 of 32 bytes")
		}
		return NewKeyring(key)
	}
	path := filepath.Join(dataDir, KeyFile)
	text, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createKeyFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("settings: read the master key: %w", err)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(text)))
	if err != nil {
		return nil, fmt.Errorf("settings: %s does not hold the base64 of a key", path)
	}
	return NewKeyring(key)
}

// createKeyFile writes a new random key to path, failing if another
// process created it first.
func createKeyFile(path string) (*Keyring, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("settings: create the master key: %w", err)
	}
	_, err = f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return nil, fmt.Errorf("settings: write the master key: %w", err)
	}
	syncDir(filepath.Dir(path))
	return NewKeyring(key)
}

// syncDir makes the new key file's directory entry durable where the
// platform can sync a directory (best effort: the file itself is written).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// KeyID is the id every ciphertext of this keyring carries.
func (k *Keyring) KeyID() string { return k.id }

// errNoKey is the answer of a nil Keyring.
var errNoKey = errors.New("settings: no master key was loaded")

// Seal encrypts plaintext bound to label (the field it belongs to), so a
// ciphertext copied into another field does not open.
func (k *Keyring) Seal(plaintext []byte, label string) (string, error) {
	if k == nil {
		return "", errNoKey
	}
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	sealed := k.aead.Seal(nonce, nonce, plaintext, []byte(k.id+"|"+label))
	return sealedPrefix + k.id + ":" + base64.RawURLEncoding.EncodeToString(sealed), nil
}

// Open decrypts what Seal returned for label. It fails with ErrWrongKey
// when the ciphertext was sealed under another key or does not
// authenticate.
func (k *Keyring) Open(sealed, label string) ([]byte, error) {
	if k == nil {
		return nil, errNoKey
	}
	rest, ok := strings.CutPrefix(sealed, sealedPrefix)
	id, data, ok2 := strings.Cut(rest, ":")
	if !ok || !ok2 {
		return nil, fmt.Errorf("settings: %s does not hold a sealed secret", label)
	}
	if id != k.id {
		return nil, fmt.Errorf("%w: %s was sealed under key %s, the master key is %s", ErrWrongKey, label, id, k.id)
	}
	raw, err := base64.RawURLEncoding.DecodeString(data)
	if err != nil || len(raw) < k.aead.NonceSize() {
		return nil, fmt.Errorf("settings: %s holds a damaged secret", label)
	}
	n := k.aead.NonceSize()
	plain, err := k.aead.Open(nil, raw[:n], raw[n:], []byte(k.id+"|"+label))
	if err != nil {
		return nil, fmt.Errorf("%w: %s does not open under key %s", ErrWrongKey, label, k.id)
	}
	return plain, nil
}
