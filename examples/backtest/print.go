package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/shopspring/decimal"
)

// print writes the report as tables.
func print(w io.Writer, file string, s *results) {
	r := s.report
	a, b := r.A, r.B
	fmt.Fprintf(w, "%s: %s purchases by %s customers, %s to %s.\n", file, count(s.purchases), count(s.customers),
		s.first.Format(time.DateOnly), s.last.Format(time.DateOnly))
	fmt.Fprintf(w, "Synthesised (seed %d; CDNOW records neither): %s redemptions and %s partial returns, made under A.\n",
		seed, count(s.redemptions), count(s.refunds))
	fmt.Fprintf(w, "Assumption under B: %s.\n", r.Assumption)
	fmt.Fprintf(w, "Replayed: %s purchases, %s returns, %s redemptions; expiry and tier reviews as a host runs them, to %s.\n\n",
		count(r.Ops.Purchases), count(r.Ops.Refunds), count(r.Ops.Redemptions), r.End.Format(time.DateOnly))

	t := table{head: []string{"", a.Programme, b.Programme, "B − A"}}
	pts := func(name string, x, y decimal.Decimal) { t.add(name, points(x), points(y), signed(y.Sub(x), points)) }
	usd := func(name string, x, y decimal.Decimal) {
		t.add(name, dollars(x), dollars(y), signed(y.Sub(x), dollars))
	}
	pts("points earned", a.Earned, b.Earned)
	pts("points redeemed", a.Redeemed, b.Redeemed)
	pts("points expired", a.Expired, b.Expired)
	pts("points taken back", a.Reversed, b.Reversed)
	pts("points outstanding", a.Outstanding, b.Outstanding)
	t.add("redemptions made", count(a.Redemptions.Made), count(b.Redemptions.Made), signed(decimal.NewFromInt(int64(b.Redemptions.Made-a.Redemptions.Made)), points))
	t.add("… refused", count(a.Redemptions.Refused), count(b.Redemptions.Refused), "")
	usd("money off (points)", a.PointsMoney, b.PointsMoney)
	for i := range a.Gifts {
		t.add("gifts: "+a.Gifts[i].Gift, count(a.Gifts[i].Given-a.Gifts[i].TakenBack), count(b.Gifts[i].Given-b.Gifts[i].TakenBack), "")
	}
	usd("gift cost", a.GiftCost, b.GiftCost)
	usd("revenue (net of returns)", a.Paid, b.Paid)
	la, lb := a.Liability[len(a.Liability)-1], b.Liability[len(b.Liability)-1]
	usd("points' value at the end", la.Value, lb.Value)
	ba, bb := s.estimates[0][0], s.estimates[1][0]
	va, vb := discount(la.Value, ba.OutstandingBreakage), discount(lb.Value, bb.OutstandingBreakage)
	usd("liability (less breakage)", va, vb)
	usd("cost: money off + gifts + liability", a.PointsMoney.Add(a.GiftCost).Add(va), b.PointsMoney.Add(b.GiftCost).Add(vb))
	t.write(w)
	fmt.Fprintf(w, "(liability: the points' value less the share of the outstanding points expected never to be redeemed,\n"+
		" %.1f %% ± %.1f under A and %.1f %% ± %.1f under B, estimated below)\n",
		100*ba.OutstandingBreakage, 100*ba.OutstandingStdErr, 100*bb.OutstandingBreakage, 100*bb.OutstandingStdErr)

	fmt.Fprintln(w, "\nCustomers per tier")
	t = table{head: []string{"", "A " + strings.Join(a.Tiers[1:], "/"), "B " + strings.Join(b.Tiers[1:], "/")}}
	for _, d := range []int{5, 11, len(r.Dates) - 1} {
		t.add(r.Dates[d].Format(time.DateOnly), tiers(a.TierCounts[d]), tiers(b.TierCounts[d]))
	}
	t.write(w)

	last := len(r.Dates) - 1
	fmt.Fprintf(w, "\nTier moves from A (rows) to B (columns) on %s\n", r.Dates[last].Format(time.DateOnly))
	t = table{head: append([]string{""}, b.Tiers[1:]...)}
	for i, name := range a.Tiers[1:] {
		row := []string{name}
		for _, n := range r.Transitions[last][i+1][1:] {
			row = append(row, count(n))
		}
		t.add(row...)
	}
	t.write(w)

	fmt.Fprintln(w, "\nOutstanding points and their value (no breakage), quarter by quarter")
	t = table{head: []string{"", "A points", "A value", "B points", "B value"}}
	for d := 2; d < len(r.Dates); d += 3 {
		t.add(r.Dates[d].Format(time.DateOnly), points(a.Liability[d].Outstanding), dollars(a.Liability[d].Value),
			points(b.Liability[d].Outstanding), dollars(b.Liability[d].Value))
	}
	t.write(w)
	fmt.Fprintln(w, "At the end, by month of expiry (A; B):")
	t = table{head: []string{"expiring in", "A points", "A value", "B points", "B value"}}
	for k, bk := range la.Buckets {
		if bk.Points.IsZero() && lb.Buckets[k].Points.IsZero() {
			continue
		}
		t.add(bk.To.AddDate(0, 0, -1).Format("2006-01"), points(bk.Points), dollars(bk.Value), points(lb.Buckets[k].Points), dollars(lb.Buckets[k].Value))
	}
	t.write(w)

	fmt.Fprintf(w, "\nCustomers: %s gain under B, %s lose, %s unchanged; net %s in money off, gifts and points' value.\n",
		count(r.Gainers), count(r.Losers), count(r.Customers-r.Gainers-r.Losers), signed(r.NetGain, dollars))
	gainers, losers := r.Top(5)
	t = table{head: []string{"", "customer", "tier A → B", "points A → B", "gain"}}
	for _, set := range []struct {
		name string
		cs   []loyalty.CustomerChange
	}{{"most gained", gainers}, {"most lost", losers}} {
		for i, c := range set.cs {
			name := ""
			if i == 0 {
				name = set.name
			}
			t.add(name, c.Customer, c.A.Tier+" → "+c.B.Tier, points(c.A.Earned)+" → "+points(c.B.Earned), signed(c.Gain, dollars))
		}
	}
	t.write(w)

	fmt.Fprintln(w, "\nBreakage: of each quarter's first cohort (the points earned in one month), the share redeemed by the")
	fmt.Fprintln(w, "end of its 1st, 3rd, 6th and 12th month, and its ultimate breakage by the additive method (± standard error)")
	for side, bs := range []loyalty.BacktestSide{a, b} {
		est := s.estimates[side][0]
		byMonth := map[int64]loyalty.CohortBreakage{}
		for _, c := range est.Cohorts {
			byMonth[c.Month.Unix()] = c
		}
		t = table{head: []string{bs.Programme, "net points", "1", "3", "6", "12", "breakage"}}
		for _, c := range bs.Development.Cohorts {
			if c.Month.Month()%3 != 1 {
				continue
			}
			row := []string{c.Month.Format("2006-01"), points(c.Net())}
			for _, k := range []int{1, 3, 6, 12} {
				cell := ""
				if k <= len(c.Ages) {
					redeemed, _, _ := c.Shares(c.Ages[k-1])
					cell = fmt.Sprintf("%.1f %%", 100*redeemed)
				}
				row = append(row, cell)
			}
			e := byMonth[c.Month.Unix()]
			row = append(row, fmt.Sprintf("%.1f %% ± %.1f", 100*e.Breakage, 100*e.StdErr))
			t.add(row...)
		}
		t.write(w)
		cl := s.estimates[side][1]
		fmt.Fprintf(w, "all cohorts: breakage %.1f %% ± %.1f (additive); %.1f %% ± %.1f (chain ladder", 100*est.Breakage, 100*est.StdErr,
			100*cl.Breakage, 100*cl.StdErr)
		if cl.Skipped > 0 {
			fmt.Fprintf(w, ", without the %d cohorts it cannot develop", cl.Skipped)
		}
		fmt.Fprintf(w, ")\nof the %s points outstanding: %.1f %% ± %.1f never redeemed (additive)\n\n", points(bs.Outstanding),
			100*est.OutstandingBreakage, 100*est.OutstandingStdErr)
	}
	fmt.Fprintln(w, "The errors are Mack's, under each method's own model; no redemption after the oldest cohort's")
	fmt.Fprintln(w, "18 months is assumed (here points expire after 12, so the older cohorts are complete).")
}

// table prints rows in aligned columns: the first left, the others right.
type table struct {
	head []string
	rows [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(w io.Writer) {
	width := make([]int, len(t.head))
	for _, r := range append([][]string{t.head}, t.rows...) {
		for i, c := range r {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	for _, r := range append([][]string{t.head}, t.rows...) {
		var b strings.Builder
		for i, c := range r {
			pad := strings.Repeat(" ", width[i]-len([]rune(c)))
			if i == 0 {
				b.WriteString(c + pad)
			} else {
				b.WriteString("  " + pad + c)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// group puts thousands separators into the digits before any point.
func group(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String()
	if frac != "" {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

func count(n int) string { return group(fmt.Sprint(n)) }

func points(d decimal.Decimal) string { return group(d.String()) }

func dollars(d decimal.Decimal) string {
	s := group(d.StringFixed(2))
	if strings.HasPrefix(s, "-") {
		return "-$" + s[1:]
	}
	return "$" + s
}

// signed is f(d) with a sign.
func signed(d decimal.Decimal, f func(decimal.Decimal) string) string {
	if d.IsPositive() {
		return "+" + f(d)
	}
	return f(d)
}

// discount is value × (1 − breakage), to the cent: breakage is an
// estimate (float64), the value exact.
func discount(value decimal.Decimal, breakage float64) decimal.Decimal {
	return value.Mul(decimal.NewFromFloat(1 - breakage)).Round(2)
}

// tiers is the counts of the tiers (not "no tier"), joined with "/".
func tiers(counts []int) string {
	var parts []string
	for _, n := range counts[1:] {
		parts = append(parts, count(n))
	}
	return strings.Join(parts, " / ")
}
