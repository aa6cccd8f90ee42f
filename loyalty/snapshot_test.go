package loyalty_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"testing"

	"github.com/loyalkit/loyalkit/loyalty"
)

// A snapshot loads back to the same account, under the programme or one
// that differs only in rules; another programme, a corrupted, truncated
// or future-format snapshot is refused.
func TestSnapshot(t *testing.T) {
	p := mustProgram(t, benchConfig())
	a, log, now := openAccount(t, p, 300)
	c := loyalty.Customer{ID: "c"}
	a, _, err := p.Refund(a, c, loyalty.Refund{ID: "r", Order: "seed-299", Amount: d("400")}, now)
	if err != nil {
		t.Fatal(err)
	}
	snap := a.Snapshot()
	got, err := p.LoadSnapshot(snap)
	if err != nil || got.String() != a.String() {
		t.Fatalf("LoadSnapshot: %v\n%s\nvs\n%s", err, got, a)
	}
	if !bytes.Equal(got.Snapshot(), snap) {
		t.Error("a loaded snapshot does not encode to the same bytes")
	}
	// The loaded account goes on as the original does.
	o := benchOrder(1)
	want, wr, err1 := p.Purchase(a, c, o, now)
	next, gr, err2 := p.Purchase(got, c, o, now)
	if err1 != nil || err2 != nil || next.String() != want.String() || !gr.Points.Equal(wr.Points) {
		t.Fatalf("purchase after load: %v %v\n%s\nvs\n%s", err1, err2, next, want)
	}
	// Resume folds the entries written after the snapshot.
	resumed, err := p.Resume(got, wr.Entries)
	if err != nil || resumed.String() != want.String() {
		t.Fatalf("Resume: %v", err)
	}
	_ = log

	cfg := benchConfig()
	cfg.Rules = cfg.Rules[:3]
	if _, err := mustProgram(t, cfg).LoadSnapshot(snap); err != nil {
		t.Errorf("a programme with other rules refused the snapshot: %v", err)
	}
	other := benchConfig()
	other.PointsPlaces = 2
	if _, err := mustProgram(t, other).LoadSnapshot(snap); !errors.Is(err, loyalty.ErrProgramMismatch) {
		t.Errorf("another programme's snapshot: %v", err)
	}
	if _, _, err := mustProgram(t, other).Purchase(a, c, o, now); !errors.Is(err, loyalty.ErrProgramMismatch) {
		t.Errorf("another programme's account: %v", err)
	}
	for _, tc := range []struct {
		name string
		snap []byte
	}{
		{"empty", nil},
		{"truncated", snap[:len(snap)/2]},
		{"one byte flipped", flip(snap, len(snap)/3)},
		{"not a snapshot", []byte("LKSNAQ and more bytes")},
		{"a future format version", resealed(snap, func(b []byte) { b[len("LKSNAP")] = 2 })},
	} {
		if _, err := p.LoadSnapshot(tc.snap); !errors.Is(err, loyalty.ErrSnapshot) {
			t.Errorf("%s: %v, want ErrSnapshot", tc.name, err)
		}
	}
}

// resealed is snap changed by change, with its checksum made right again.
func resealed(snap []byte, change func([]byte)) []byte {
	out := bytes.Clone(snap[:len(snap)-4])
	change(out)
	return binary.LittleEndian.AppendUint32(out, crc32.Checksum(out, crc32.MakeTable(crc32.Castagnoli)))
}

func flip(b []byte, i int) []byte {
	out := bytes.Clone(b)
	out[i] ^= 0x10
	return out
}
