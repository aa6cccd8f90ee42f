package loyalty_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"sync"
	"testing"
	"time"

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
		{"a future format version", resealed(snap, func(b []byte) { b[len("LKSNAP")]++ })},
		{"a past format version", resealed(snap, func(b []byte) { b[len("LKSNAP")]-- })},
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

// snapshotSeeds are snapshots of accounts with every kind of state: lots,
// orders with lines and refunds, holds, captures, redemptions, tiers.
func snapshotSeeds(t testing.TB) (*loyalty.Program, [][]byte) {
	p := mustProgram(t, coffeeConfig())
	c := loyalty.Customer{ID: "c"}
	a := loyalty.Account{}
	seeds := [][]byte{a.Snapshot()}
	steps := []func(loyalty.Account) (loyalty.Account, loyalty.Result, error){
		func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
			return p.Purchase(a, c, loyalty.Order{ID: "o1", Total: d("30000"), Lines: []loyalty.Line{{SKU: "b", Category: "beans", Qty: 2, Price: d("1000")}}}, at(3, 1))
		},
		func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
			return p.Hold(a, c, loyalty.Hold{ID: "h1", Points: d("300"), Until: at(3, 20).Add(time.Hour)}, at(3, 20))
		},
		func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
			return p.Capture(a, c, loyalty.Capture{ID: "h1"}, at(3, 20))
		},
		func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
			return p.Purchase(a, c, loyalty.Order{ID: "o2", Total: d("1000"), Redemption: "h1"}, at(3, 20))
		},
		func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
			return p.Refund(a, c, loyalty.Refund{ID: "r1", Order: "o1", Lines: []loyalty.RefundLine{{SKU: "b", Qty: 1}}}, at(3, 21))
		},
		func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
			return p.Redeem(a, c, loyalty.Redemption{ID: "x1", Points: d("100")}, at(3, 22))
		},
		func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
			return p.Hold(a, c, loyalty.Hold{ID: "h2", Points: d("10"), Until: at(3, 23)}, at(3, 22))
		},
		func(a loyalty.Account) (loyalty.Account, loyalty.Result, error) {
			return p.Refund(a, c, loyalty.Refund{ID: "r2", Order: "o2", Amount: d("400")}, at(3, 23))
		},
	}
	for _, step := range steps {
		var err error
		if a, _, err = step(a); err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, a.Snapshot())
	}
	return p, seeds
}

// FuzzLoadSnapshot: any bytes, with a valid checksum (so the fuzzer gets
// past it), are refused or load to an account that encodes back to the
// same account and that operations can use without panicking.
func FuzzLoadSnapshot(f *testing.F) {
	p, seeds := snapshotSeeds(f)
	for _, s := range seeds {
		f.Add(s[:len(s)-4])
	}
	table := crc32.MakeTable(crc32.Castagnoli)
	c := loyalty.Customer{ID: "c"}
	f.Fuzz(func(t *testing.T, body []byte) {
		snap := binary.LittleEndian.AppendUint32(bytes.Clone(body), crc32.Checksum(body, table))
		a, err := p.LoadSnapshot(snap)
		if err != nil {
			if !errors.Is(err, loyalty.ErrSnapshot) && !errors.Is(err, loyalty.ErrProgramMismatch) {
				t.Fatalf("refused with %v, not ErrSnapshot", err)
			}
			return
		}
		again, err := p.LoadSnapshot(a.Snapshot()) // the bytes may be a non-canonical encoding of it
		if err != nil || again.String() != a.String() {
			t.Fatalf("a loaded snapshot does not round-trip: %v", err)
		}
		useLoaded(p, a, c)
	})
}

// Every one-bit change of a snapshot, with its checksum made right again
// (so that only the checks of the contents stand in its way), is refused
// with ErrSnapshot or loads to an account that reads whole (every record
// decoded), encodes back to itself and takes an operation without
// panicking: a loaded account's records are decoded only when read, so a
// value that the load's checks let through must decode.
func TestSnapshotEveryBitChanged(t *testing.T) {
	p, seeds := snapshotSeeds(t)
	snap := seeds[len(seeds)-1]
	c := loyalty.Customer{ID: "c"}
	loadedN := 0
	for i := len("LKSNAP") + 1; i < len(snap)-4; i++ {
		for bit := range 8 {
			changed := resealed(snap, func(b []byte) { b[i] ^= 1 << bit })
			a, err := p.LoadSnapshot(changed)
			if err != nil {
				if !errors.Is(err, loyalty.ErrSnapshot) && !errors.Is(err, loyalty.ErrProgramMismatch) {
					t.Fatalf("byte %d bit %d: %v", i, bit, err)
				}
				continue
			}
			loadedN++
			s := a.String()
			again, err := p.LoadSnapshot(a.Snapshot())
			if err != nil || again.String() != s {
				t.Fatalf("byte %d bit %d: does not round-trip: %v", i, bit, err)
			}
			useLoaded(p, a, c)
		}
	}
	if loadedN == 0 {
		t.Fatal("no changed snapshot loaded: the test checks nothing past the refusals")
	}
	t.Logf("%d of %d one-bit changes loaded (values the checks cannot tell from real ones)", loadedN, 8*(len(snap)-11))
}

// A loaded account may be read by several goroutines at once, each
// decoding blocks as it reads them (run with -race): every one gets what
// the account it was saved from gives.
func TestLoadedAccountConcurrent(t *testing.T) {
	p := mustProgram(t, benchConfig())
	a, _, now := openAccount(t, p, 200)
	c := loyalty.Customer{ID: "c"}
	want, wr, err := p.Purchase(a, c, benchOrder(1), now)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := p.LoadSnapshot(a.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch g % 2 {
			case 0:
				got, gr, err := p.Purchase(loaded, c, benchOrder(1), now)
				if err != nil || got.String() != want.String() || !gr.Points.Equal(wr.Points) {
					t.Errorf("goroutine %d: purchase on the loaded account differs: %v", g, err)
				}
			default:
				if s := loaded.String(); s != a.String() {
					t.Errorf("goroutine %d: the loaded account reads otherwise", g)
				}
			}
		}()
	}
	wg.Wait()
}

// useLoaded runs on a loaded account the reads and operations that reach
// every kind of record it keeps (and retries of the seeds' operations),
// for the tests that load changed snapshots: whatever they return, they
// must not panic.
func useLoaded(p *loyalty.Program, a loyalty.Account, c loyalty.Customer) {
	now := at(4, 1)
	_ = a.Balance(now)
	_, _, _ = a.Lots(), a.Orders(), a.Expiring(now, at(12, 1))
	_, _, _ = p.Purchase(a, c, loyalty.Order{ID: "f", Total: d("100")}, now)
	_, _, _ = p.Purchase(a, c, loyalty.Order{ID: "o1", Total: d("30000"), Lines: []loyalty.Line{{SKU: "b", Category: "beans", Qty: 2, Price: d("1000")}}}, at(3, 1))
	_, _, _ = p.Redeem(a, c, loyalty.Redemption{ID: "f", Points: d("1")}, now)
	_, _, _ = p.Redeem(a, c, loyalty.Redemption{ID: "x1", Points: d("100")}, at(3, 22))
	for _, o := range []string{"o1", "o2"} {
		_, _, _ = p.Refund(a, c, loyalty.Refund{ID: "f" + o, Order: o, Amount: d("1")}, now)
		_, _, _ = p.Refund(a, c, loyalty.Refund{ID: "g" + o, Order: o, Lines: []loyalty.RefundLine{{SKU: "b", Qty: 1}}}, now)
	}
	_, _, _ = p.Refund(a, c, loyalty.Refund{ID: "r1", Order: "o1", Lines: []loyalty.RefundLine{{SKU: "b", Qty: 1}}}, at(3, 21))
	_, _, _ = p.Expire(a, at(12, 1))
	_, _, _ = p.CancelRedemption(a, c, "x1", now)
	_, _, _ = p.Capture(a, c, loyalty.Capture{ID: "h2"}, now)
	_, _, _ = p.Release(a, c, "h2", now)
	_, _, _ = p.ReviewTier(a, at(12, 1))
}
