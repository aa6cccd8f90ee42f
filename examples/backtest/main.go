// backtest asks of the CDNOW master log (69,659 purchases by 23,570
// customers, January 1997 to June 1998) what a shop owner asks before
// changing a loyalty programme: what would the proposal (B: double
// points, gold from $200 a year instead of $300) have cost against the
// programme as it is (A), who would have changed tier, who gains and who
// loses, how many points would be outstanding and what do they owe, and
// how many will never be redeemed. It prints the comparison and writes
// two SVG charts (the liability over time, the cohorts' redemption
// curves) into a new folder under the system's temporary directory,
// which it prints.
//
//	go run ./examples/backtest
//
// CDNOW records purchases only. The redemptions and returns the
// comparison needs are made up, deterministically (a seeded generator,
// the same on every run), and the output says so: before a purchase, a
// customer with 500 points or more redeems some of them, for at most
// half the order, with probability 0.3; 3 % of orders are returned in
// part the same day. They are made under programme A, as if A had been
// the shop's programme; B redeems the same share of the customer's points
// (the stated assumption).
package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/loyalkit/loyalkit/internal/refdata"
	"github.com/loyalkit/loyalkit/loyalty"
)

func main() {
	dir, err := os.MkdirTemp("", "loyalkit-backtest-")
	if err == nil {
		err = run(os.Stdout, "CDNOW_master.txt", dir)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "backtest:", err)
		os.Exit(1)
	}
}

// run loads file (CDNOW_master.txt, or CDNOW_sample.txt for a quicker
// look), backtests the two programmes on it, prints the report to w and
// writes the charts into dir.
func run(w io.Writer, file, dir string) error {
	purchases, err := refdata.CDNOWTransactions("", file)
	if err != nil {
		return err
	}
	s, err := study(purchases)
	if err != nil {
		return err
	}
	print(w, file, s)
	paths, err := writeCharts(dir, s)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nCharts written to %s:\n", dir)
	for _, p := range paths {
		fmt.Fprintln(w, "  "+p)
	}
	return nil
}

// The period and the dates counted: the first of every month.
var (
	end   = time.Date(1998, 7, 1, 0, 0, 0, 0, time.UTC)
	dates = func() []time.Time {
		var ds []time.Time
		for m := time.Date(1997, 2, 1, 0, 0, 0, 0, time.UTC); m.Before(end); m = m.AddDate(0, 1, 0) {
			ds = append(ds, m)
		}
		return ds
	}()
)

// results is what the example prints and draws.
type results struct {
	purchases, customers, redemptions, refunds int
	first, last                                time.Time
	report                                     *loyalty.BacktestReport
	// estimates[side][method]: the breakage estimates of A and B by the
	// additive method and the chain ladder.
	estimates [2][2]loyalty.BreakageEstimate
}

// study builds the log, runs the backtest and estimates breakage.
func study(purchases []purchase) (*results, error) {
	a, b := programmes()
	log, r, err := synthesise(purchases, a)
	if err != nil {
		return nil, err
	}
	r.report, err = loyalty.Backtest(loyalty.BacktestConfig{
		A: a, B: b, End: end, Dates: dates, Redemptions: loyalty.RedeemSameShare,
		GiftCost: giftCost, Cohorts: true, Workers: 2,
		Grouped: true, // CDNOW's file is sorted by customer: each is dropped once replayed
	}, sliceSeq(log))
	if err != nil {
		return nil, err
	}
	for s, side := range []loyalty.BacktestSide{r.report.A, r.report.B} {
		for m, method := range []loyalty.BreakageMethod{loyalty.AdditiveRate, loyalty.ChainLadder} {
			if r.estimates[s][m], err = side.Development.Breakage(method); err != nil {
				return nil, err
			}
		}
	}
	return r, nil
}
