//go:build !unix

package sqlite

import "time"

// cpuTime is unknown here: the CPU metric then reads 0.
func cpuTime() time.Duration { return 0 }
