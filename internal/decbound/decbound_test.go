package decbound

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

func TestBounds(t *testing.T) {
	for _, tc := range []struct {
		d    decimal.Decimal
		ok   bool
		show string
	}{
		{decimal.RequireFromString("12.50"), true, "12.5"},
		{decimal.New(1, 60), true, "1" + strings.Repeat("0", 60)},
		{decimal.New(1, -60), true, "0." + strings.Repeat("0", 59) + "1"},
		{decimal.New(1, 61), false, "a number of 1 digits with exponent 61"},
		{decimal.New(-3, -61), false, "a number of 1 digits with exponent -61"},
		{decimal.New(1, 2147483647), false, "a number of 1 digits with exponent 2147483647"},
		{decimal.RequireFromString("1" + strings.Repeat("0", 120)), false, "a number of 121 digits with exponent 0"},
		{decimal.RequireFromString(strings.Repeat("9", 120)), true, strings.Repeat("9", 120)},
	} {
		if got := OK(tc.d); got != tc.ok {
			t.Errorf("OK(%d digits, exponent %d) = %v", tc.d.NumDigits(), tc.d.Exponent(), got)
		}
		if got := Show(tc.d); got != tc.show {
			t.Errorf("Show = %q, want %q", got, tc.show)
		}
	}
	if err := Err("total", decimal.New(1, 2147483647)); err == nil || !strings.Contains(err.Error(), "total has 1 digits with exponent 2147483647") {
		t.Errorf("Err: %v", err)
	}
}
