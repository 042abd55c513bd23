package application

import (
	"slices"
	"strings"
)

// Holds reports whether the principal holds everything the grant pattern
// g grants (within its token's scope too), so it may hand g on: a role
// can be granted, or defined, only by someone who holds all it grants.
// Go code inside the engine passes its checks without a principal.
func (p Principal) Holds(g string) bool {
	in := func(list []string) bool {
		return slices.ContainsFunc(list, func(h string) bool { return patternCovers(h, g) })
	}
	return in(p.Grants) && (p.Scope == nil || in(p.Scope))
}

// patternCovers reports whether the grant pattern h covers every
// permission the pattern g covers, now and whatever is declared later.
func patternCovers(h, g string) bool {
	hBase, hOwn := strings.CutSuffix(h, OwnRecords)
	gBase, gOwn := strings.CutSuffix(g, OwnRecords)
	if hOwn && !gOwn {
		return false // one's own records do not cover everyone's
	}
	switch {
	case hBase == AllPermissions:
		return true
	case hBase == ReadPermissions:
		return gBase == ReadPermissions
	case strings.HasSuffix(hBase, ".*"):
		return gBase != AllPermissions && gBase != ReadPermissions && strings.HasPrefix(gBase, strings.TrimSuffix(hBase, "*"))
	}
	return hBase == gBase
}
