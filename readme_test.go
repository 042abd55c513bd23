package webos_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	mdLink       = regexp.MustCompile(`\]\(([^)\s]+)\)|<(https?://[^>]+)>`)
	folderInCode = regexp.MustCompile("`([a-z][a-z0-9/_-]*/)`")
)

// TestReadmeStaysInTheRepository: the README and the architecture
// overview link only to files of the repository that exist (a newcomer's
// first pages must work from a clone, offline), and the README names only
// folders that exist.
func TestReadmeStaysInTheRepository(t *testing.T) {
	for _, doc := range []string{"README.md", "docs/architecture.md"} {
		raw, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mdLink.FindAllStringSubmatch(string(raw), -1) {
			target := m[1] + m[2]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "//") {
				t.Errorf("%s links outside the repository: %s", doc, target)
				continue
			}
			path, _, _ := strings.Cut(target, "#")
			if path == "" {
				continue // an anchor in the same file
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(doc), path)); err != nil {
				t.Errorf("%s links to %s, which does not exist", doc, target)
			}
		}
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range folderInCode.FindAllStringSubmatch(string(readme), -1) {
		if st, err := os.Stat(m[1]); err != nil || !st.IsDir() {
			t.Errorf("README names folder %s, which does not exist", m[1])
		}
	}
}
