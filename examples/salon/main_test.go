package main

import (
	"bytes"
	"strings"
	"testing"
)

// The story shows each mechanic doing what it says: a limit, a budget
// running out, the stamp card's reward, a coupon used up, a refused
// self-referral, a referral rewarded once, a referral clawed back when
// its order is refunded, an anniversary gift once.
func TestStory(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{
		"Mar 20 ann  review                              0 points  [review limited: 1 of 1 this month]",
		"Apr 02 ann  review                             30 points",
		"[spring bonus: 55 of 60 granted (exhausted)]",
		"6th visit: free manicure 25;",
		"Mar 19 bea  visit b2 30 EUR, pays 30           30 points  [coupon refused: used_up; spring-double limited: budget spring: nothing granted]",
		"coupon refused: used_up",
		"tries her own code: refused (self_referral)",
		"Mar 12 ann  referral                          300 points",
		"Mar 14 ann  anniversary                         0 points, gift free-treatment",
		"[anniversary limited: 1 of 1 in all]",
		"spring budget: 150 of 150 points given",
		"Mar 27 cat  refund of c1: 50 EUR              -50 points",
		"Mar 27 ann  referral clawed back             -300 points",
		"Mar 27 cat  referral gift to take back: hand-cream",
		"ann: 680 points;",
		"cat: 0 points;",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the story lacks %q:\n%s", want, s)
		}
	}
	if n := strings.Count(s, "referral gift: hand-cream"); n != 2 {
		t.Errorf("the friend's gift %d times", n)
	}
}
