package settings

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrKeysFromEnvironment answers a change of the key file while the keys
// come from WEBOS_MASTER_KEY.
var ErrKeysFromEnvironment = errors.New("settings: the master keys come from WEBOS_MASTER_KEY: put a new key first in it (the old ones after, separated by commas) and restart; the engine reseals at start")

// AddKey puts a new random key first in the key file of dataDir, the
// keys it held after it, and returns the new key's id. Keyrings that
// follow the file (Reload) seal under it from then on and still open
// what the old keys sealed. The file is replaced atomically, mode 0600.
func AddKey(dataDir string) (string, error) {
	path := filepath.Join(dataDir, KeyFile)
	text, _, err := readKeyFile(path)
	if err != nil {
		return "", err
	}
	line := newKeyText()
	keys, _ := parseKeys(line)
	if err := replaceFile(path, append([]byte(line), text...)); err != nil {
		return "", err
	}
	return keyID(keys[0]), nil
}

// Retire drops every key but the current one from the key file, once
// every secret is sealed under the current key (Reseal). It leaves the
// file alone when it changed since the keyring read it (another
// rotation began) and reports whether it retired any key.
func (k *Keyring) Retire() (bool, error) {
	if k.path == "" {
		return false, nil
	}
	k.mu.RLock()
	loaded, many := k.text, len(k.ids) > 1
	k.mu.RUnlock()
	text, keys, err := readKeyFile(k.path)
	if err != nil || !many || !bytes.Equal(text, loaded) || keyID(keys[0]) != k.KeyID() {
		return false, err
	}
	first, _, _ := bytes.Cut(text, []byte("\n"))
	if err := replaceFile(k.path, append(bytes.TrimSpace(first), '\n')); err != nil {
		return false, err
	}
	_, err = k.Reload()
	return err == nil, err
}

// replaceFile writes text to path through a temporary file renamed over
// it, so a crash leaves the old file or the new one, never a half.
func replaceFile(path string, text []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".master.key-*")
	if err != nil {
		return fmt.Errorf("settings: write the master key: %w", err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	_, err = tmp.Write(text)
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("settings: write the master key: %w", err)
	}
	syncDir(filepath.Dir(path))
	return nil
}

// KeyFileIDs are the ids of the keys in the key file of dataDir, the
// current one first.
func KeyFileIDs(dataDir string) ([]string, error) {
	_, keys, err := readKeyFile(filepath.Join(dataDir, KeyFile))
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = keyID(k)
	}
	return ids, err
}
