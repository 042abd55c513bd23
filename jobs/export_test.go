package jobs

// Held is how many jobs rt remembers as held (its waiting set), for the
// tests of that bookkeeping.
func Held(rt *Runtime) int {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return len(rt.waiting)
}
