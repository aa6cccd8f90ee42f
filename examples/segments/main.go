// segments splits the CDNOW customers into the source articles' segments
// at the end of two quarters, shows how they moved, and lists the ten
// customers closest to VIP with what each is missing.
//
//	go run ./examples/segments [-data DIR]
//
// DIR holds CDNOW_master.txt (default: $LOYALKIT_DATA/cdnow when set, else
// the copy in the repository).
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/loyalkit/loyalkit/internal/refdata"
	"github.com/loyalkit/loyalkit/segment"
)

func main() {
	dir := flag.String("data", "", "folder with CDNOW_master.txt")
	flag.Parse()
	if err := run(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "segments:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	purchases, err := refdata.CDNOWTransactions(dir, "CDNOW_master.txt")
	if err != nil {
		return err
	}
	snapshot := func(asOf time.Time) ([]segment.Profile, error) {
		b, err := segment.NewProfileBuilder(asOf, 91, nil) // the quarter ending on asOf
		if err != nil {
			return nil, err
		}
		if err := b.AddAll(refdata.Seq(purchases)); err != nil {
			return nil, err
		}
		return segment.ScoredRFM(b.Profiles()), nil
	}
	q3, err := snapshot(time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return err
	}
	q4, err := snapshot(time.Date(1997, 12, 31, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return err
	}
	// VIP: the top 2 % by spend in the quarter, or 4 purchases in it.
	vipSpend, err := segment.TopSpendThreshold(q3, 0.02)
	if err != nil {
		return err
	}
	defs, def, err := segment.SeedSegments(segment.SeedParams{VIPSpend: vipSpend, VIPOrders: 4, DifficultShare: 0.3, DifficultMinOrders: 3})
	if err != nil {
		return err
	}
	seg, err := segment.Compile(defs, def)
	if err != nil {
		return err
	}
	a3, err := seg.AssignAll(q3)
	if err != nil {
		return err
	}
	a4, err := seg.AssignAll(q4)
	if err != nil {
		return err
	}
	names := seg.Names()
	fmt.Printf("%d customers; VIP = spend ≥ $%s or ≥ 4 purchases in the quarter (CDNOW records no returns or complaints, so no one is difficult)\n\n", len(q3), vipSpend)
	fmt.Printf("%-10s %8s %8s\n", "segment", "Q3 1997", "Q4 1997")
	s3, s4 := seg.Sizes(a3), seg.Sizes(a4)
	for i, n := range names {
		fmt.Printf("%-10s %8d %8d\n", n, s3[i], s4[i])
	}
	rfm := map[segment.RFMSegment]int{}
	for _, p := range q4 {
		rfm[p.NamedSegment()]++
	}
	fmt.Printf("\nRFM segments at the end of Q4:")
	for s := segment.Champions; s <= segment.Lost; s++ {
		fmt.Printf(" %s %d;", s, rfm[s])
	}
	fmt.Println()

	ids := func(ps []segment.Profile) []string {
		out := make([]string, len(ps))
		for i, p := range ps {
			out[i] = p.ID
		}
		return out
	}
	tr, err := seg.Transition(segment.Snapshot{IDs: ids(q3), Segments: a3}, segment.Snapshot{IDs: ids(q4), Segments: a4})
	if err != nil {
		return err
	}
	fmt.Printf("\ntransitions Q3 → Q4 (rows: Q3, columns: Q4)\n%-10s", "")
	for _, n := range names {
		fmt.Printf(" %9s", n)
	}
	fmt.Println()
	for i, n := range names {
		fmt.Printf("%-10s", n)
		for _, c := range tr.Counts[i] {
			fmt.Printf(" %9d", c)
		}
		fmt.Println()
	}
	fmt.Printf("%d moved up, %d moved down (at risk)\n", len(tr.Up), len(tr.Down))

	bs, err := seg.Boundaries(q4, a4, 0.5)
	if err != nil {
		return err
	}
	fmt.Printf("\nthe ten customers closest to VIP at the end of Q4 (of %d within 50 %%):\n", len(bs))
	for _, b := range bs[:min(10, len(bs))] {
		var miss []string
		for _, g := range b.Missing {
			miss = append(miss, g.String())
		}
		fmt.Printf("  customer %s (%s, %.0f%% short): %s\n", b.ID, b.From, 100*b.Distance, strings.Join(miss, "; "))
	}
	return nil
}
