// Package refdata reads the reference data sets (CDNOW) that tests and
// examples check the metrics against. The files the code uses are in the
// repository (data/cdnow, unchanged copies; see its README) and embedded,
// so a fresh clone runs every test and example with no set-up; setting
// $LOYALKIT_DATA to another folder holding cdnow/ reads that copy instead.
// This package is for tests and examples only; the library never imports
// it.
package refdata

import (
	"bufio"
	"bytes"
	"embed"
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

//go:embed data/cdnow/*.txt data/cdnow/*.csv
var embedded embed.FS

// ErrMissing is returned when a data file cannot be found.
var ErrMissing = errors.New("refdata: reference data not found")

// Read returns file of data set set ("cdnow"): from dir when it is not
// empty, else from $LOYALKIT_DATA/<set> when that is set, else the copy
// embedded in the repository.
func Read(dir, set, file string) ([]byte, error) {
	if dir == "" {
		if env := os.Getenv("LOYALKIT_DATA"); env != "" {
			dir = filepath.Join(env, set)
		}
	}
	if dir == "" {
		b, err := embedded.ReadFile("data/" + set + "/" + file)
		if err != nil {
			return nil, fmt.Errorf("%w: %s/%s is not in the repository", ErrMissing, set, file)
		}
		return b, nil
	}
	b, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMissing, err)
	}
	return b, nil
}

// CDNOWTransactions reads CDNOW_sample.txt (five columns) or
// CDNOW_master.txt (a header and four columns) from dir (see [Read]) as a
// purchase log in file order, which is time order within each customer.
// The customer id is the sample id (0001–2357, as in the summary files)
// for the sample and the master id for the master file; purchases are
// dated at midnight UTC.
func CDNOWTransactions(dir, file string) ([]metrics.Purchase, error) {
	b, err := Read(dir, "cdnow", file)
	if err != nil {
		return nil, err
	}
	path := file
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

// CDNOWSummary reads cdnow_customers_summary_with_transactions.csv from
// dir (see [Read]).
func CDNOWSummary(dir, file string) ([]SummaryRow, error) {
	b, err := Read(dir, "cdnow", file)
	if err != nil {
		return nil, err
	}
	path := file
	var out []SummaryRow
	sc := bufio.NewScanner(bytes.NewReader(b))
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
