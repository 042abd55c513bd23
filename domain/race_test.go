//go:build race

package domain_test

// raceEnabled: the test binary runs under the race detector.
const raceEnabled = true
