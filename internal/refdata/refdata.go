// Package refdata finds and reads the reference data sets (CDNOW) that
// tests and examples check the metrics against. The data is not part of
// the repository: it is read from the folder named by $LOYALKIT_DATA, or
// from ../shared/data beside the repository. This package does file I/O
// and is for tests and examples only; the library never imports it.
package refdata

import (
	"bufio"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/loyalkit/loyalkit/metrics"
	"github.com/shopspring/decimal"
)

// ErrMissing is returned when a data file cannot be found.
var ErrMissing = errors.New("refdata: reference data not found")

// Where to get the data, for messages.
const Hint = "set $LOYALKIT_DATA to the folder holding cdnow/ (or the cdnow folder itself), or put the shared data at ../shared/data beside the repository; CDNOW comes from github.com/CamDavidsonPilon/lifetimes (lifetimes/datasets) or brucehardie.com"

// Dir returns the folder of a data set ("cdnow") that holds file. It looks
// in $LOYALKIT_DATA/<set>, $LOYALKIT_DATA, then ../shared/data/<set>
// relative to the module root found from the working directory.
func Dir(set, file string) (string, error) {
	var candidates []string
	if env := os.Getenv("LOYALKIT_DATA"); env != "" {
		candidates = append(candidates, filepath.Join(env, set), env)
	}
	if root, ok := moduleRoot(); ok {
		candidates = append(candidates, filepath.Join(root, "..", "shared", "data", set))
	}
	for _, c := range candidates {
		if _, err := os.Stat(filepath.Join(c, file)); err == nil {
			return c, nil
		}
	}
	return "", fmt.Errorf("%w: %s/%s (looked in %s); %s", ErrMissing, set, file, strings.Join(candidates, ", "), Hint)
}

func moduleRoot() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.Contains(string(b), "module github.com/loyalkit/loyalkit\n") {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// Required reports whether missing data must fail rather than skip
// ($LOYALKIT_REQUIRE_DATA=1, as CI sets it).
func Required() bool { return os.Getenv("LOYALKIT_REQUIRE_DATA") == "1" }

// CDNOWTransactions reads CDNOW_sample.txt (five columns) or
// CDNOW_master.txt (a header and four columns) as a purchase log in file
// order, which is time order within each customer. The customer id is the
// sample id (0001–2357, as in the summary files) for the sample and the
// master id for the master file; purchases are dated at midnight UTC.
func CDNOWTransactions(path string) ([]metrics.Purchase, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []metrics.Purchase
	for i, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] == "customer_id" {
			continue
		}
		var id, date, amount string
		switch len(f) {
		case 5:
			id, date, amount = f[1], f[2], f[4]
		case 4:
			id, date, amount = f[0], f[1], f[3]
		default:
			return nil, fmt.Errorf("%s:%d: %d fields", path, i+1, len(f))
		}
		t, err := time.Parse("20060102", date)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, i+1, err)
		}
		a, err := decimal.NewFromString(amount)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, i+1, err)
		}
		out = append(out, metrics.Purchase{Customer: id, At: t, Amount: a})
	}
	return out, nil
}

// Seq yields the purchases in order.
func Seq(ps []metrics.Purchase) iter.Seq[metrics.Purchase] {
	return func(yield func(metrics.Purchase) bool) {
		for _, p := range ps {
			if !yield(p) {
				return
			}
		}
	}
}

// SummaryRow is a row of cdnow_customers_summary_with_transactions.csv.
type SummaryRow struct {
	ID       int
	X        int
	Tx, T    float64
	Monetary float64
}

// CDNOWSummary reads cdnow_customers_summary_with_transactions.csv.
func CDNOWSummary(path string) ([]SummaryRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []SummaryRow
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if n == 1 {
			continue
		}
		c := strings.Split(strings.TrimSpace(sc.Text()), ",")
		if len(c) != 5 {
			continue
		}
		var r SummaryRow
		var errs [5]error
		r.ID, errs[0] = strconv.Atoi(c[0])
		r.X, errs[1] = strconv.Atoi(c[1])
		r.Tx, errs[2] = strconv.ParseFloat(c[2], 64)
		r.T, errs[3] = strconv.ParseFloat(c[3], 64)
		r.Monetary, errs[4] = strconv.ParseFloat(c[4], 64)
		if err := errors.Join(errs[:]...); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, n, err)
		}
		out = append(out, r)
	}
	return out, sc.Err()
}
