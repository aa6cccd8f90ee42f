package metrics_test

import (
	"path/filepath"
	"testing"

	"github.com/loyalkit/loyalkit/internal/refdata"
)

// dataFile finds a CDNOW file, or skips the test with a message saying
// where to get it (fails instead under LOYALKIT_REQUIRE_DATA=1).
func dataFile(t testing.TB, file string) string {
	t.Helper()
	dir, err := refdata.Dir("cdnow", file)
	if err != nil {
		if refdata.Required() {
			t.Fatalf("LOYALKIT_REQUIRE_DATA=1 and %v", err)
		}
		t.Skip(err)
	}
	return filepath.Join(dir, file)
}
