package canon

import (
	"bytes"
	"encoding/hex"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func TestAppendDecByValue(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"10", "10.00"}, {"0", "0.000"}, {"-1.50", "-1.5"},
		{"123456789012345678901234567890", "123456789012345678901234567890.000"},
	} {
		a, b := AppendDec(nil, decimal.RequireFromString(tc.a)), AppendDec(nil, decimal.RequireFromString(tc.b))
		if !bytes.Equal(a, b) {
			t.Errorf("%s and %s encode differently: %x, %x", tc.a, tc.b, a, b)
		}
	}
	if bytes.Equal(AppendDec(nil, decimal.RequireFromString("1.5")), AppendDec(nil, decimal.RequireFromString("15"))) {
		t.Error("1.5 and 15 encode the same")
	}
}

func TestAppendTimeAnyZone(t *testing.T) {
	at := time.Date(2026, 3, 29, 1, 30, 0, 5, time.UTC)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	if !bytes.Equal(AppendTime(nil, at), AppendTime(nil, at.In(berlin))) {
		t.Error("the same instant in two zones encodes differently")
	}
	if got := AppendTime(nil, time.Time{}); !bytes.Equal(got, []byte{0}) {
		t.Errorf("the zero time: %x", got)
	}
}

func TestHexIs(t *testing.T) {
	h := []byte{0xde, 0xad, 0xbe, 0xef}
	if !HexIs(hex.EncodeToString(h), h) || HexIs("DEADBEEF", h) || HexIs("deadbe", h) || HexIs("", make([]byte, 40)) {
		t.Error("HexIs")
	}
}
