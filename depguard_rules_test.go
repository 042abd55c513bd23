package webos_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/OpenPeeDeeP/depguard/v2"
	"golang.org/x/tools/go/analysis/analysistest"
	"gopkg.in/yaml.v3"
)

// lintConfig is the part of .golangci.yml that holds the depguard rules.
type lintConfig struct {
	Linters struct {
		Settings struct {
			Depguard struct {
				Rules map[string]struct {
					ListMode string   `yaml:"list-mode"`
					Files    []string `yaml:"files"`
					Allow    []string `yaml:"allow"`
					Deny     []struct {
						Pkg  string `yaml:"pkg"`
						Desc string `yaml:"desc"`
					} `yaml:"deny"`
				} `yaml:"rules"`
			} `yaml:"depguard"`
		} `yaml:"settings"`
	} `yaml:"linters"`
}

// TestDepguardModuleContracts runs the depguard rules of .golangci.yml, as
// golangci-lint would, over a fixture tree (testdata/depguard) in which
// modules/orders imports modules/warehouse (refused) and its contract
// package (allowed), and modules/warehouse imports its own contract.
func TestDepguardModuleContracts(t *testing.T) {
	raw, err := os.ReadFile(".golangci.yml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg lintConfig
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs(filepath.Join("testdata", "depguard"))
	if err != nil {
		t.Fatal(err)
	}
	settings := depguard.LinterSettings{}
	for name, r := range cfg.Linters.Settings.Depguard.Rules {
		l := &depguard.List{ListMode: r.ListMode, Allow: r.Allow, Deny: map[string]string{}}
		for _, f := range r.Files {
			l.Files = append(l.Files, strings.ReplaceAll(f, "${config-path}", root))
		}
		for _, d := range r.Deny {
			l.Deny[d.Pkg] = d.Desc
		}
		settings[name] = l
	}
	if len(settings) == 0 {
		t.Fatal("no depguard rules found in .golangci.yml")
	}
	analyzer, err := depguard.NewAnalyzer(&settings)
	if err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, root, analyzer, "./modules/...")
}
