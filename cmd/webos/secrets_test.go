package main_test

import (
	"encoding/base64"
	"io"
	"io/fs"
	"net/http"
	"os"
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
	bad := "WEBOS_MASTER_KEY=short"
	if code, out := runCmd(t, "env", bad, binary(t), "admin", "list-users", "--data-dir", dir); code == 0 || !strings.Contains(out, "WEBOS_MASTER_KEY") {
		t.Fatalf("a malformed key: %d %s", code, out)
	}
}
