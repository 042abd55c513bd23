package auth

import (
	"testing"
	"time"
)

// TestTOTPCodes checks the code function against RFC 6238's SHA-1 test
// vectors (their last six digits) and the skew and replay rules.
func TestTOTPCodes(t *testing.T) {
	t.Parallel()
	secret := []byte("12345678901234567890")
	for _, v := range []struct {
		unix int64
		code string
	}{{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"}, {1234567890, "005924"}, {2000000000, "279037"}} {
		if got := totpCode(secret, v.unix/totpStep); got != v.code {
			t.Errorf("at %d: %s, want %s", v.unix, got, v.code)
		}
	}
	now := time.Unix(1234567890, 0)
	step := now.Unix() / totpStep
	for _, c := range []struct {
		at   int64
		used int64
		ok   bool
	}{{step, 0, true}, {step - 1, 0, true}, {step + 1, 0, true}, {step - 2, 0, false}, {step + 2, 0, false}, {step, step, false}, {step, step - 1, true}} {
		got, ok := totpMatch(secret, totpCode(secret, c.at), now, c.used)
		if ok != c.ok || (ok && got != c.at) {
			t.Errorf("code of step %+d, used %+d: %d %v, want %v", c.at-step, c.used-step, got, ok, c.ok)
		}
	}
	if _, ok := totpMatch(secret, " 005 924 ", now, 0); !ok {
		t.Error("spaces in a typed code are refused")
	}
}
