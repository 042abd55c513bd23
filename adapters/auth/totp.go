package auth

import (
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // RFC 6238's default, which every authenticator app uses; HMAC-SHA1 is not broken
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// TOTP parameters (RFC 6238 with the defaults authenticator apps assume):
// HMAC-SHA1, six digits, 30-second steps; a code of the step before or
// after is accepted too, for clocks that drift.
const (
	totpStep   = 30
	totpDigits = 6
	totpSkew   = 1
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// totpCode is the code of secret at step.
func totpCode(secret []byte, step int64) string {
	mac := hmac.New(sha1.New, secret)
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(step))
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	n := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%0*d", totpDigits, n%1_000_000)
}

// totpMatch returns the step code belongs to, within the skew around now,
// if it is later than used (a code works once).
func totpMatch(secret []byte, code string, now time.Time, used int64) (int64, bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	cur := now.Unix() / totpStep
	for s := cur - totpSkew; s <= cur+totpSkew; s++ {
		if s > used && hmac.Equal([]byte(totpCode(secret, s)), []byte(code)) {
			return s, true
		}
	}
	return 0, false
}

// otpauthURL is what an authenticator app scans (as a QR code) or takes
// typed in.
func otpauthURL(secret []byte, account string) string {
	v := url.Values{"secret": {b32.EncodeToString(secret)}, "issuer": {"Web OS Engine"},
		"algorithm": {"SHA1"}, "digits": {fmt.Sprint(totpDigits)}, "period": {fmt.Sprint(totpStep)}}
	return "otpauth://totp/" + url.PathEscape("Web OS Engine:"+account) + "?" + v.Encode()
}
