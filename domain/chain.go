package domain

import (
	"errors"
	"fmt"
)

// Chain assigns consecutive stream versions after current and links each
// event to the one before it: prevHash is the hash of the stream's last
// stored event ("" for a new stream), whatever its scheme. New events are
// always hashed with CurrentHashScheme. Event stores call it inside the
// transaction that appends, after reading the stream head.
func Chain(current uint64, prevHash string, events []Envelope) error {
	for i := range events {
		e := &events[i]
		e.StreamVersion = current + uint64(i) + 1
		e.RecordedAt = e.RecordedAt.UTC()
		h, err := HashEvent(prevHash, e)
		if err != nil {
			return err
		}
		e.PrevHash, e.Hash = prevHash, h
		prevHash = h
	}
	return nil
}

// VerifyChain checks that events, read in order from the start of one
// stream (or from a point whose predecessor hash is prevHash), form an
// unbroken hash chain with consecutive versions. Each event is checked
// under the scheme its hash names, and a stream never goes back to an
// older scheme. It names the first event that breaks it.
func VerifyChain(prevHash string, events []Envelope) error {
	var last HashScheme
	for i := range events {
		e := &events[i]
		if i > 0 && e.StreamVersion != events[i-1].StreamVersion+1 {
			return fmt.Errorf("stream %s: version %d follows %d", e.StreamID, e.StreamVersion, events[i-1].StreamVersion)
		}
		s, err := VerifyEvent(prevHash, last, e)
		if err != nil {
			return fmt.Errorf("stream %s version %d: %w", e.StreamID, e.StreamVersion, err)
		}
		last, prevHash = s, e.Hash
	}
	return nil
}

// VerifyEvent checks one event against the hash of its predecessor in its
// stream and the scheme that predecessor used (0 for none), and returns
// the event's own scheme. Walking the global feed, call it per stream.
// The error says what is wrong, not where: the caller names the event.
func VerifyEvent(prevHash string, prevScheme HashScheme, e *Envelope) (HashScheme, error) {
	if e.PrevHash != prevHash {
		return 0, errors.New("prevHash does not match the previous event")
	}
	s, err := SchemeOf(e.Hash)
	if err != nil {
		return 0, err
	}
	if s < prevScheme {
		return 0, fmt.Errorf("hash scheme %s follows %s", s, prevScheme)
	}
	h, err := s.Hash(prevHash, e)
	if err != nil {
		return 0, err
	}
	if h != e.Hash {
		return 0, errors.New("hash mismatch, the event was altered")
	}
	return s, nil
}
