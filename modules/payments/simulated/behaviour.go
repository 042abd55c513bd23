package simulated

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Outcome is what the simulated provider does with an authorisation.
type Outcome int

// Outcomes.
const (
	// Approve holds the amount and answers approved.
	Approve Outcome = iota
	// Decline answers declined and holds nothing.
	Decline
	// TimeOut holds the amount but answers no call, which ends when its
	// context does: the answer is lost. Asked again once the behaviour is
	// another, the provider answers approved: a late approval.
	TimeOut
)

// Behaviour is how the simulated gateway answers.
type Behaviour struct {
	Outcome Outcome
	// DeclineReason is the reason given with Decline ("declined" if
	// empty).
	DeclineReason string
	// Latency delays every answer; a call whose context ends first fails
	// with payments.ErrUnavailable, though the provider acted on it.
	Latency time.Duration
	// FailTimes makes the first FailTimes calls of each operation on each
	// key fail with payments.ErrUnavailable before the provider acts.
	FailTimes int
}

// ParseBehaviour reads a behaviour from configuration: an outcome
// (approve, decline or timeout) and options, comma-separated:
// "decline,latency=200ms,fail=2". The empty string is approve.
func ParseBehaviour(s string) (Behaviour, error) {
	var b Behaviour
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		key, value, hasValue := strings.Cut(part, "=")
		var err error
		switch {
		case part == "" || part == "approve":
			b.Outcome = Approve
		case part == "decline":
			b.Outcome = Decline
		case part == "timeout":
			b.Outcome = TimeOut
		case key == "latency" && hasValue:
			b.Latency, err = time.ParseDuration(value)
			if err == nil && b.Latency < 0 {
				err = fmt.Errorf("negative")
			}
		case key == "fail" && hasValue:
			b.FailTimes, err = strconv.Atoi(value)
			if err == nil && b.FailTimes < 0 {
				err = fmt.Errorf("negative")
			}
		case key == "reason" && hasValue:
			b.DeclineReason = value
		default:
			err = fmt.Errorf("unknown")
		}
		if err != nil {
			return Behaviour{}, fmt.Errorf("payment gateway behaviour %q: %q is not approve, decline, timeout, latency=DURATION, fail=N or reason=TEXT", s, part)
		}
	}
	return b, nil
}

// String writes b as ParseBehaviour reads it.
func (b Behaviour) String() string {
	parts := []string{[]string{"approve", "decline", "timeout"}[b.Outcome]}
	if b.Latency > 0 {
		parts = append(parts, "latency="+b.Latency.String())
	}
	if b.FailTimes > 0 {
		parts = append(parts, "fail="+strconv.Itoa(b.FailTimes))
	}
	if b.DeclineReason != "" {
		parts = append(parts, "reason="+b.DeclineReason)
	}
	return strings.Join(parts, ",")
}
