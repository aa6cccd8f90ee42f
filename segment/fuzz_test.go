package segment_test

import (
	"bytes"
	"testing"

	"github.com/loyalkit/loyalkit/segment"
	"github.com/shopspring/decimal"
)

// FuzzCompile: any condition text either compiles or is refused with an
// error; what compiles assigns and measures distances without panicking,
// and a distance is 0 exactly for a profile that belongs to the segment.
func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		"SpendInPeriod >= 50000 || OrdersInPeriod >= 12",
		"Orders > 3 && (Returns < 2 || Complaints == 0)",
		`Counters["reviews"] >= 3`,
		"-5 < DaysSinceLast", "R >= 4 and F >= 4", "SpendInPeriod > 0.5",
		"((((Orders >= 1))))", "Orders >= 1 || ", "Spend.Shift(100000)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cond string) {
		seg, err := segment.Compile([]segment.Definition{{Name: "s", When: cond}}, "rest")
		if err != nil {
			return
		}
		for _, p := range []segment.Profile{
			{}, {ID: "x", Orders: 5, Spend: decimal.NewFromInt(700), OrdersInPeriod: 2, SpendInPeriod: decimal.RequireFromString("0.5"),
				DaysSinceLast: 9, Returns: 1, Counters: map[string]int{"reviews": 3}},
		} {
			got, err := seg.Assign(p)
			if err != nil {
				continue
			}
			if d, _, ok := seg.Distance(p, "s"); ok && (d == 0) != (got == "s") {
				t.Fatalf("%q on %+v: distance %v, assigned %q", cond, p, d, got)
			}
		}
	})
}

// FuzzRFMCountsUnmarshal: any bytes given to RFMCounts.UnmarshalBinary are
// refused with an error or decode to counts whose encoding decodes to
// itself and that score any profile from 1 to 5 without a panic.
func FuzzRFMCountsUnmarshal(f *testing.F) {
	c := segment.NewRFMCounts(2)
	for i, s := range []string{"1.50", "20", "0.001", "98765432109876543210"} {
		c.Add(segment.Profile{Orders: i, DaysSinceLast: 3 * i, Spend: decimal.RequireFromString(s)})
	}
	good, _ := c.MarshalBinary()
	f.Add(good)
	f.Add([]byte{1, 2, 2, 0, 1, 0, 2, 1, 0, 2, 1, 3, '1', 'e', '9', 2})
	f.Fuzz(func(t *testing.T, b []byte) {
		var c segment.RFMCounts
		if c.UnmarshalBinary(b) != nil {
			return
		}
		once, _ := c.MarshalBinary()
		var c2 segment.RFMCounts
		if err := c2.UnmarshalBinary(once); err != nil {
			t.Fatalf("RFMCounts' own encoding %x is refused: %v", once, err)
		}
		if twice, _ := c2.MarshalBinary(); !bytes.Equal(once, twice) {
			t.Fatalf("RFMCounts encodes to %x, then %x", once, twice)
		}
		s, err := c.Scorer()
		if err != nil {
			return
		}
		for _, p := range []segment.Profile{{}, {Orders: 3, DaysSinceLast: 10, Spend: decimal.RequireFromString("12.5")}, {Orders: -1, DaysSinceLast: 1 << 40, Spend: decimal.RequireFromString("1e40")}} {
			if p = s.Score(p); p.R < 1 || p.R > 5 || p.F < 1 || p.F > 5 || p.M < 1 || p.M > 5 {
				t.Fatalf("scores %d%d%d", p.R, p.F, p.M)
			}
		}
	})
}
