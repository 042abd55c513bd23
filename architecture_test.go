package webos_test

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// module is the path every layer lives under.
const module = "github.com/webos-engine/webos"

// cronModule parses the jobs' cron schedules.
const cronModule = "github.com/robfig/cron/v3"

// TestArchitecture enforces the layer table of ARCHITECTURE.md on every
// package of the module, test packages included, so a wrong import fails
// CI instead of waiting for review. It needs only names and imports, which
// `go list` answers without compiling anything.
func TestArchitecture(t *testing.T) {
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedImports, Tests: true}
	pkgs, err := packages.Load(cfg, "./...")
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, p := range pkgs {
		// The generated test mains import the test packages; nothing to check.
		if strings.HasSuffix(p.ID, ".test") {
			continue
		}
		for _, e := range p.Errors {
			t.Logf("%s: %v (imports may be incomplete)", p.ID, e)
		}
		// Test variants ("p [p.test]") and external test packages hold
		// the _test.go files, which may use the test kits.
		test := strings.Contains(p.ID, " [") || strings.HasSuffix(p.Name, "_test")
		name := p.PkgPath
		if test {
			name += " (tests)"
		}
		for imp := range p.Imports {
			if rule := violation(p.PkgPath, test, imp); rule != "" {
				found = append(found, name+" imports "+imp+": "+rule)
			}
		}
	}
	slices.Sort(found)
	for _, v := range slices.Compact(found) {
		t.Error(v)
	}
	if len(pkgs) < 10 {
		t.Fatalf("loaded only %d packages: the pattern no longer sees the tree", len(pkgs))
	}
}

// violation returns the rule that forbids package from (a test package
// when test is set) to import imp, or "" when the import is allowed.
func violation(from string, test bool, imp string) string {
	if isStdlib(imp) {
		return ""
	}
	src, _ := inModule(strings.TrimSuffix(from, "_test"))
	dst, ours := inModule(imp)
	if ours && under(dst, "cmd") && src != "" && !under(src, "cmd") {
		return "only cmd/... and repo-root tests may import cmd/..."
	}
	if ours && test && isTestKit(dst) && !under(src, "domain") {
		return ""
	}
	allowed := func(layers ...string) bool {
		return ours && slices.ContainsFunc(layers, func(l string) bool { return under(dst, l) })
	}
	switch top := strings.Split(src, "/")[0]; top {
	case "domain", "ui", "schemas":
		if !allowed(top) {
			return top + " may import the standard library only"
		}
	case "application":
		if !allowed("domain", "application") {
			return "application may import the standard library and domain only"
		}
	case "projections", "sagas", "settings":
		if !allowed("domain", "application", top) {
			return top + " may import the standard library, domain and application only"
		}
	case "jobs":
		if !allowed("domain", "application", "jobs") && imp != cronModule {
			return "jobs may import the standard library, domain, application and " + cronModule + " only"
		}
	case "modules":
		parts := strings.Split(src, "/")
		own := strings.Join(parts[:min(2, len(parts))], "/")
		if !allowed("domain", "application", "projections", "sagas", "settings", "jobs", own) && !isContract(dst, ours) {
			return "a module may import the standard library, domain, application, projections, " +
				"sagas, settings, jobs, its own packages and other modules' contract packages only" +
				" (its tests also adapters/testkit and adapters/*/memory)"
		}
	case "adapters":
		if allowed("modules") {
			return "adapters must not depend on business modules"
		}
	case "cmd", "":
	default:
		return "package is outside every layer of ARCHITECTURE.md; add the folder to the rules"
	}
	return ""
}

// isStdlib tells standard-library paths apart by their first element,
// which has no dot (and "C" for cgo).
func isStdlib(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// inModule returns path relative to the module root ("" for the root).
func inModule(path string) (string, bool) {
	if path == module {
		return "", true
	}
	rel, ok := strings.CutPrefix(path, module+"/")
	return rel, ok
}

func under(rel, prefix string) bool {
	return rel == prefix || strings.HasPrefix(rel, prefix+"/")
}

// isContract matches modules/<name>/contract and its subpackages.
func isContract(rel string, ours bool) bool {
	parts := strings.Split(rel, "/")
	return ours && len(parts) >= 3 && parts[0] == "modules" && parts[2] == "contract"
}

// isTestKit matches the in-process adapters that tests above the adapter
// layer may use: adapters/testkit, the in-memory adapters, and the schema
// validator (the SchemaValidator port has no memory variant, and pipeline
// tests need a real one).
func isTestKit(rel string) bool {
	parts := strings.Split(rel, "/")
	return under(rel, "adapters/testkit") || rel == "adapters/jsonschema" ||
		(len(parts) == 3 && parts[0] == "adapters" && parts[2] == "memory")
}
