package pipeline

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/shopspring/decimal"
)

// Summary is a backtest report for a reader: both programmes side by side
// (points earned, redeemed, expired and outstanding; money off, paid,
// gifts, redemptions, the liability at the end), the customers per tier
// at each date, and the top gainers and losers under B. Numbers are the
// report's, exact; the report's JSON has everything else.
func Summary(r *loyalty.BacktestReport, top int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "backtest as of %s\n", instant(r.End))
	fmt.Fprintf(&b, "redemptions: %s (%s)\n", r.Redemptions, r.Assumption)
	fmt.Fprintf(&b, "customers: %d; operations: %d purchases, %d refunds, %d events, %d redemptions, %d retries\n\n",
		r.Customers, r.Ops.Purchases, r.Ops.Refunds, r.Ops.Events, r.Ops.Redemptions, r.Ops.Duplicates)

	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "\tA: %s\tB: %s\tB − A\t\n", r.A.Programme, r.B.Programme)
	row := func(name string, a, bb decimal.Decimal) {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t\n", name, a, bb, bb.Sub(a))
	}
	count := func(name string, a, bb int) {
		fmt.Fprintf(w, "%s\t%d\t%d\t%+d\t\n", name, a, bb, bb-a)
	}
	row("points earned", r.A.Earned, r.B.Earned)
	row("points redeemed", r.A.Redeemed, r.B.Redeemed)
	row("points expired", r.A.Expired, r.B.Expired)
	row("points reversed by refunds", r.A.Reversed, r.B.Reversed)
	row("points outstanding", r.A.Outstanding, r.B.Outstanding)
	row("points owed as debt", r.A.Debt, r.B.Debt)
	row("money off", r.A.MoneyOff, r.B.MoneyOff)
	row("  discounts", r.A.Discount, r.B.Discount)
	row("  paid with points", r.A.PointsMoney, r.B.PointsMoney)
	row("money paid, net of refunds", r.A.Paid, r.B.Paid)
	row("gift cost", r.A.GiftCost, r.B.GiftCost)
	count("redemptions made", r.A.Redemptions.Made, r.B.Redemptions.Made)
	count("redemptions refused", r.A.Redemptions.Refused, r.B.Redemptions.Refused)
	count("refunds skipped", r.A.RefundsSkipped, r.B.RefundsSkipped)
	if n := len(r.A.Liability); n > 0 && len(r.B.Liability) == n {
		row("liability at the end", r.A.Liability[n-1].Liability, r.B.Liability[n-1].Liability)
	}
	gifts := map[string][2]loyalty.GiftCount{}
	for s, side := range []loyalty.BacktestSide{r.A, r.B} {
		for _, g := range side.Gifts {
			v := gifts[g.Gift]
			v[s] = g
			gifts[g.Gift] = v
		}
	}
	for _, name := range sortedKeys(gifts) {
		g := gifts[name]
		count("gift "+name+" kept", g[0].Given-g[0].TakenBack, g[1].Given-g[1].TakenBack)
	}
	w.Flush()

	b.WriteString("\ncustomers per tier\n")
	w = tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(w, "date\t")
	for _, t := range r.A.Tiers {
		fmt.Fprintf(w, "A %s\t", tierName(t))
	}
	for _, t := range r.B.Tiers {
		fmt.Fprintf(w, "B %s\t", tierName(t))
	}
	fmt.Fprintln(w)
	for d, at := range r.Dates {
		fmt.Fprintf(w, "%s\t", instant(at))
		for _, side := range []loyalty.BacktestSide{r.A, r.B} {
			if d < len(side.TierCounts) {
				for _, n := range side.TierCounts[d] {
					fmt.Fprintf(w, "%d\t", n)
				}
			}
		}
		fmt.Fprintln(w)
	}
	w.Flush()

	fmt.Fprintf(&b, "\ncustomers whose outcome changes: %d (%d gain under B, %d lose; net gain %s)\n",
		len(r.Changes), r.Gainers, r.Losers, r.NetGain)
	gainers, losers := r.Top(top)
	for _, list := range []struct {
		title string
		cs    []loyalty.CustomerChange
	}{{"top gainers under B", gainers}, {"top losers under B", losers}} {
		if len(list.cs) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s\n", list.title)
		w = tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprint(w, "customer\tbenefit A\tbenefit B\tgain\ttier A\ttier B\t\n")
		for _, c := range list.cs {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t\n", c.Customer, c.A.Benefit, c.B.Benefit, c.Gain, tierName(c.A.Tier), tierName(c.B.Tier))
		}
		w.Flush()
	}
	return b.String()
}

func tierName(t string) string {
	if t == "" {
		return "(none)"
	}
	return t
}

// instant writes a date when the instant is midnight UTC, else RFC 3339.
func instant(t time.Time) string {
	if u := t.UTC(); u.Equal(u.Truncate(24 * time.Hour)) {
		return u.Format(dateLayout)
	}
	return t.Format(time.RFC3339)
}
