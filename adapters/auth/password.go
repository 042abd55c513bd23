package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters. They are stored with each hash,
// so hashes made with other parameters still verify, and are rehashed at
// the next successful login.
type Params struct {
	// Memory is in KiB.
	Memory  uint32
	Time    uint32
	Threads uint8
}

// DefaultParams cost about 55 ms of one core per hash on the project's
// machines (docs/benchmarks.md, "Login"), inside the 50–100 ms budget:
// 32 MiB and three passes, which costs an attacker's GPU more per guess
// than 64 MiB and one pass at the same time, with half the memory per
// concurrent login.
var DefaultParams = Params{Memory: 32 * 1024, Time: 3, Threads: 1}

const (
	saltLen = 16
	keyLen  = 32
)

var b64 = base64.RawStdEncoding

// Hasher hashes and verifies passwords with argon2id in the PHC string
// format: $argon2id$v=19$m=32768,t=3,p=1$salt$hash.
type Hasher struct {
	Params Params
}

// hashing bounds the argon2id computations running at once to the
// processors there are: each holds Params.Memory, and a burst of logins
// must queue rather than exhaust memory.
var hashing = make(chan struct{}, runtime.GOMAXPROCS(0))

// idKey is argon2.IDKey inside the hashing bound.
func idKey(password, salt []byte, p Params, keyLen uint32) []byte {
	hashing <- struct{}{}
	defer func() { <-hashing }()
	return argon2.IDKey(password, salt, p.Time, p.Memory, p.Threads, keyLen)
}

// Hash returns the encoded hash of password with a fresh random salt.
func (h Hasher) Hash(password string) string {
	salt := make([]byte, saltLen)
	_, _ = rand.Read(salt) // crypto/rand.Read never fails
	key := idKey([]byte(password), salt, h.Params, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		h.Params.Memory, h.Params.Time, h.Params.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// errBadHash is a stored hash that is not an argon2id PHC string.
var errBadHash = errors.New("the stored password hash is not an argon2id hash")

// Verify reports whether password matches encoded, and whether encoded
// was made with other parameters than h's and should be replaced.
func (h Hasher) Verify(encoded, password string) (ok, rehash bool, err error) {
	p, salt, key, err := decode(encoded)
	if err != nil {
		return false, false, err
	}
	got := idKey([]byte(password), salt, p, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, p != h.Params, nil
}

func decode(encoded string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, nil, nil, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, errBadHash
	}
	salt, serr := b64.DecodeString(parts[4])
	key, kerr := b64.DecodeString(parts[5])
	if serr != nil || kerr != nil || len(key) < 16 || p.Time == 0 || p.Threads == 0 || p.Memory < 8*uint32(p.Threads) {
		return p, nil, nil, errBadHash
	}
	return p, salt, key, nil
}
