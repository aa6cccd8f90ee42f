package loyalty_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// The entries of a story are fixed bytes: the same operations give the
// same entries on every machine, in every TZ and with any GOMAXPROCS (CI
// runs the tests with -race too, and the story's inputs are in Asia/Almaty
// whatever the machine's zone). testdata/golden/story.json is the story's
// ledger as JSON; its last hash is the account's head. Regenerate it with
// LOYALKIT_UPDATE_GOLDEN=1 go test ./loyalty -run TestGoldenLedger, and
// review the diff: a change there changes every stored ledger.
func TestGoldenLedger(t *testing.T) {
	_, log, a := debtLedger(t)
	got, err := json.MarshalIndent(log, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "golden", "story.json")
	if os.Getenv("LOYALKIT_UPDATE_GOLDEN") == "1" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the story's entries differ from %s (%d bytes, want %d)", path, len(got), len(want))
	}
	const head = "9cf95cfa628c6fce4985264acba49a7d"
	if a.Head() != log[len(log)-1].Hash || a.Head() != head {
		t.Errorf("head %s, last entry's hash %s, want %s", a.Head(), log[len(log)-1].Hash, head)
	}
}
