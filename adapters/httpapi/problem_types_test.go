package httpapi

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// codeSources find the problem codes the engine's code can answer.
var codeSources = []*regexp.Regexp{
	regexp.MustCompile(`Errorf\((?:domain\.)?Kind\w+, "([a-z_]+)"`),
	regexp.MustCompile(`problem\(c, http\.Status\w+, "([a-z_]+)"`),
	regexp.MustCompile(`NotReady\{Reason: "([a-z_]+)"`),
	regexp.MustCompile(`\bCode: +"([a-z_]+)"`),
	regexp.MustCompile(`reason := "([a-z_]+)"`),
}

// TestEveryProblemTypeIsDocumented scans the repository's Go sources for
// the problem codes they answer and checks that docs/problems.md, where
// every type URI points, has a section for each, showing its title.
func TestEveryProblemTypeIsDocumented(t *testing.T) {
	root := filepath.Join("..", "..")
	raw, err := os.ReadFile(filepath.Join(root, "docs", "problems.md"))
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]string{}
	for _, sec := range strings.Split(string(raw), "\n### ")[1:] {
		name, body, _ := strings.Cut(sec, "\n")
		sections[name] = body
	}
	codes := map[string]string{} // code -> a file answering it
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		for _, re := range codeSources {
			for _, m := range re.FindAllStringSubmatch(string(src), -1) {
				codes[m[1]] = path
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for code := range problemTitles {
		codes[code] = "problem_types.go"
	}
	if len(codes) < 20 {
		t.Fatalf("found only %d codes; the scan is broken", len(codes))
	}
	for code, file := range codes {
		body, ok := sections[code]
		if !ok {
			t.Errorf("%s (answered in %s) has no section in docs/problems.md", code, file)
			continue
		}
		if title := `title "` + problemTitle(code) + `"`; !strings.Contains(body, title) {
			t.Errorf("docs/problems.md#%s does not give its title: %s", code, title)
		}
	}
}
