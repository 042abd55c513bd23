package logging

import (
	"log/slog"
	"math"
	"time"
)

// durationsInMillis is the JSON handler's ReplaceAttr. slog writes a
// time.Duration as integer nanoseconds, which nobody reads at a glance and
// log tools mistake for a count; it becomes KEY_ms, a float of
// milliseconds rounded to the microsecond: "duration":1234567 is
// "duration_ms":1.235.
func durationsInMillis(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() != slog.KindDuration {
		return a
	}
	return slog.Float64(a.Key+"_ms", millis(a.Value.Duration()))
}

func millis(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Microsecond)) / 1000
}
