package main_test

import (
	"encoding/base64"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The plaintexts the test sets; none may appear anywhere but in the
// requests that set them.
const (
	smtpPassword = "Plaintext-SMTP-Pa55word-7f3a"
	apiKey       = "Plaintext-API-Key-c0ffee"
)

// raw sends a request with the administrator's token and returns the
// status and the whole answer, headers included.
func (p *proc) raw(method, path, body string) (int, string) {
	p.t.Helper()
	req, err := http.NewRequest(method, p.url+path, strings.NewReader(body))
	if err != nil {
		p.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	p.sign(req)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	b, _ := io.ReadAll(res.Body)
	var head strings.Builder
	_ = res.Header.Write(&head)
	return res.StatusCode, head.String() + "\n" + string(b)
}

// noPlaintext fails if text holds a secret, in the clear or in base64.
func noPlaintext(t *testing.T, where, text string) {
	t.Helper()
	for _, secret := range []string{smtpPassword, apiKey} {
		for _, form := range []string{secret, base64.StdEncoding.EncodeToString([]byte(secret)), base64.RawURLEncoding.EncodeToString([]byte(secret))} {
			if strings.Contains(text, form) {
				t.Errorf("%s holds the secret %q", where, secret)
			}
		}
	}
}

// TestSecretsAppearNowhere sets the SMTP password and an API key through
// the real binary, then reads every answer, every event (the streams and
// the audit export), the log at debug level and every file of the data
// dir: the plaintext is nowhere, and the hash chain still verifies.
func TestSecretsAppearNowhere(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := serve(t, dir, "--log-level", "debug")
	var answers []string
	call := func(method, path, body string, want int) string {
		t.Helper()
		code, out := p.raw(method, path, body)
		if code != want {
			t.Fatalf("%s %s: %d %s", method, path, code, out)
		}
		answers = append(answers, out)
		return out
	}
	set := `{"smtp":{"host":"mail.example.com","user":"robot","password":"` + smtpPassword + `"},"apiKeys":{"maps":"` + apiKey + `"}}`
	out := call("PUT", "/api/settings/system/system", set, 200)
	if !strings.Contains(out, `"/smtp/password":"set"`) || !strings.Contains(out, `"/apiKeys":"set"`) {
		t.Fatalf("the answer does not say the secrets are set: %s", out)
	}
	call("PUT", "/api/settings/system/system", `{"smtp":{"port":99999,"password":"`+smtpPassword+`"}}`, 400)
	call("PUT", "/api/settings/system/system", `{"smtp":{"port":2525}}`, 200)
	call("PUT", "/api/settings/user/system", `{"theme":"dark"}`, 200)
	call("GET", "/api/settings/system/system", "", 200)
	call("GET", "/api/settings/user/system", "", 200)
	call("GET", "/api/settings/schemas", "", 200)
	streams := call("GET", "/api/streams/settings.system-system-default", "", 200)
	if !strings.Contains(streams, "webos-secret:v1:") || !strings.Contains(streams, `"secret":true`) {
		t.Fatalf("the stream holds no sealed secret: %s", streams)
	}
	call("GET", "/api/modules", "", 200)
	for _, v := range []string{"identity.users", "identity.roles", "identity.tokens", "warehouse.stock", "warehouse.movements", "orders.list", "payments.list"} {
		call("GET", "/api/views/"+v, "", 200)
	}

	// Rotate under the running server, then on the stopped data dir: the
	// secrets stay readable (a GET opens every one) and the key file ends
	// with the new key alone.
	underServer := rotate(t, dir)
	if !strings.Contains(call("GET", "/api/settings/system/system", "", 200), `"/smtp/password":"set"`) {
		t.Fatal("the password is not set after a rotation")
	}
	if !strings.Contains(call("GET", "/api/streams/settings.system-system-default", "", 200), "webos-secret:v1:"+underServer) {
		t.Fatal("the stream holds nothing sealed under the new key")
	}
	p.stop()
	offline := rotate(t, dir)
	p = serve(t, dir, "--log-level", "debug")
	if !strings.Contains(call("GET", "/api/settings/system/system", "", 200), `"/smtp/password":"set"`) || offline == underServer {
		t.Fatal("the password is not set after an offline rotation")
	}
	p.stop()

	if code, out := runCmd(t, binary(t), "audit", "verify", "--data-dir", dir); code != 0 {
		t.Fatalf("audit verify: %d %s", code, out)
	}
	export := filepath.Join(t.TempDir(), "export.jsonl")
	if code, out := runCmd(t, binary(t), "audit", "export", "--data-dir", dir, "--out", export); code != 0 {
		t.Fatalf("audit export: %d %s", code, out)
	}
	events, err := os.ReadFile(export)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(events), "settings.Changed") {
		t.Fatal("the export holds no settings event")
	}
	noPlaintext(t, "the audit export", string(events))
	for i, a := range answers {
		noPlaintext(t, "answer "+string(rune('0'+i)), a)
	}
	noPlaintext(t, "the log", p.logs.String())
	files := 0
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		files++
		noPlaintext(t, path, string(b))
		return err
	})
	if err != nil || files < 3 {
		t.Fatalf("walked %d files: %v", files, err)
	}
	info, err := os.Stat(filepath.Join(dir, "master.key"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("master.key: %v %v", info, err)
	}
}

// rotate runs webos keys rotate on dir and returns the new key's id,
// after checking it is the only key left in master.key.
func rotate(t *testing.T, dir string) string {
	t.Helper()
	cmd := exec.Command(binary(t), "keys", "rotate", "--data-dir", dir)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("keys rotate: %v %s", err, stderr.String())
	}
	id := strings.TrimSpace(string(out))
	key, err := os.ReadFile(filepath.Join(dir, "master.key"))
	if err != nil || len(strings.Fields(string(key))) != 1 || len(id) != 16 {
		t.Fatalf("after keys rotate (%s): %d keys, %v", id, len(strings.Fields(string(key))), err)
	}
	if info, err := os.Stat(filepath.Join(dir, "master.key")); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("master.key after a rotation: %v %v", info, err)
	}
	return id
}

// TestAWrongMasterKeyFailsLoudlyAndWritesNothing restarts a data dir
// holding a secret under another key: reading or changing the settings
// fails with a 500 and a log line naming the key ids, and appends nothing.
func TestAWrongMasterKeyFailsLoudlyAndWritesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := serve(t, dir)
	if code, out := p.raw("PUT", "/api/settings/system/system", `{"smtp":{"password":"`+smtpPassword+`"}}`); code != 200 {
		t.Fatalf("set: %d %s", code, out)
	}
	head := p.head()
	p.stop()
	wrong := "WEBOS_MASTER_KEY=" + base64.StdEncoding.EncodeToString([]byte(strings.Repeat("w", 32)))
	q := serveEnv(t, dir, []string{wrong})
	for _, m := range []string{"GET", "PUT"} {
		code, out := q.raw(m, "/api/settings/system/system", `{"smtp":{"host":"x.example.com"}}`)
		if code != http.StatusInternalServerError || strings.Contains(out, "master") {
			t.Fatalf("%s under a wrong key: %d %s", m, code, out)
		}
	}
	q.wantLog("cannot be decrypted with the master key")
	if h := q.head(); h != head {
		t.Fatalf("a change under a wrong key wrote: head %v, was %v", h, head)
	}
	if code, out := q.raw("GET", "/api/settings/user/system", ""); code != 200 {
		t.Fatalf("settings without secrets: %d %s", code, out)
	}
	if code, out := runCmd(t, binary(t), "version"); code != 0 {
		t.Fatal(out)
	}
	q.stop()
	// keys rotate under a wrong key, from the environment or the key
	// file, fails before writing a key or an event.
	keyFile := filepath.Join(dir, "master.key")
	right, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	wrongTwo := wrong + "," + base64.StdEncoding.EncodeToString([]byte(strings.Repeat("v", 32)))
	if code, out := runCmd(t, "env", wrongTwo, binary(t), "keys", "rotate", "--data-dir", dir); code != 1 || !strings.Contains(out, "cannot be decrypted") {
		t.Fatalf("keys rotate under a wrong WEBOS_MASTER_KEY: %d %s", code, out)
	}
	if err := os.WriteFile(keyFile, []byte(base64.StdEncoding.EncodeToString([]byte(strings.Repeat("x", 32)))+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out := runCmd(t, binary(t), "keys", "rotate", "--data-dir", dir); code != 1 || !strings.Contains(out, "cannot be decrypted") {
		t.Fatalf("keys rotate under a wrong master.key: %d %s", code, out)
	}
	if b, _ := os.ReadFile(keyFile); strings.Count(string(b), "\n") != 1 {
		t.Fatalf("a failed rotation wrote a key: %q", b)
	}
	if err := os.WriteFile(keyFile, right, 0o600); err != nil {
		t.Fatal(err)
	}
	r := serve(t, dir)
	if h := r.head(); h != head {
		t.Fatalf("a rotation under a wrong key wrote: head %v, was %v", h, head)
	}
	if code, out := r.raw("GET", "/api/settings/system/system", ""); code != 200 {
		t.Fatalf("with the right key again: %d %s", code, out)
	}
	r.stop()
	bad := "WEBOS_MASTER_KEY=short"
	if code, out := runCmd(t, "env", bad, binary(t), "admin", "list-users", "--data-dir", dir); code == 0 || !strings.Contains(out, "WEBOS_MASTER_KEY") {
		t.Fatalf("a malformed key: %d %s", code, out)
	}
}
