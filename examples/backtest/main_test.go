package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/loyalkit/loyalkit/internal/refdata"
)

// TestRun runs the example on the CDNOW sample (a tenth of the master
// log, for speed) and checks what it prints and that both charts are
// well-formed SVG.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run(&out, "CDNOW_sample.txt", dir); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"6,919 purchases by 2,357 customers", "Synthesised (seed 1997; CDNOW records neither)",
		"Assumption under B: each recorded redemption spends the share", "points earned", "liability (less breakage)",
		"Tier moves from A (rows) to B (columns)", "Charts written to " + dir} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the output does not say %q:\n%s", want, out.String())
		}
	}
	for _, name := range []string{"liability.svg", "redemption-curves.svg"} {
		lines := checkSVG(t, filepath.Join(dir, name))
		if lines < 2 {
			t.Errorf("%s: %d lines drawn, want at least A's and B's", name, lines)
		}
	}
}

// TestStudy checks the comparison itself on the sample: the made-up log
// is one programme A accepts in full, and B, with double points, earns
// about twice as many.
func TestStudy(t *testing.T) {
	purchases, err := refdata.CDNOWTransactions("", "CDNOW_sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	s, err := study(purchases)
	if err != nil {
		t.Fatal(err)
	}
	r := s.report
	if r.A.Redemptions.Refused != 0 || r.A.Redemptions.Made != s.redemptions || s.redemptions == 0 {
		t.Errorf("A made %d of the %d synthesised redemptions and refused %d: the log is not A's", r.A.Redemptions.Made, s.redemptions, r.A.Redemptions.Refused)
	}
	if r.Ops.Purchases != s.purchases || r.Ops.Refunds != s.refunds || r.Customers != s.customers {
		t.Errorf("replayed %+v of %d customers; made %d purchases, %d returns, %d customers", r.Ops, r.Customers, s.purchases, s.refunds, s.customers)
	}
	ratio := r.B.Earned.InexactFloat64() / r.A.Earned.InexactFloat64()
	if ratio < 1.9 || ratio > 2.2 {
		t.Errorf("B earned %s, A %s: a ratio of %.2f, want about 2", r.B.Earned, r.A.Earned, ratio)
	}
	for _, e := range s.estimates {
		for _, est := range e {
			if !(est.OutstandingBreakage > 0 && est.OutstandingBreakage < 1 && est.StdErr >= 0) {
				t.Errorf("%v: outstanding breakage %v ± %v", est.Method, est.OutstandingBreakage, est.OutstandingStdErr)
			}
		}
	}
}

// TestMasterLog: the data the example runs on by default is the CDNOW
// master log as the papers use it.
func TestMasterLog(t *testing.T) {
	purchases, err := refdata.CDNOWTransactions("", "CDNOW_master.txt")
	if err != nil {
		t.Fatal(err)
	}
	customers := map[string]bool{}
	for _, p := range purchases {
		customers[p.Customer] = true
	}
	if len(purchases) != 69659 || len(customers) != 23570 {
		t.Errorf("%d purchases by %d customers, want 69,659 by 23,570", len(purchases), len(customers))
	}
}

// checkSVG decodes the whole file, failing the test on any XML error,
// checks the root (an svg element in the SVG namespace with a width, a
// height and a viewBox) and that every polyline's points are finite
// numbers, and returns the number of polylines.
func checkSVG(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(bytes.NewReader(b))
	depth, lines := 0, 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: not well-formed XML: %v", path, err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			attr := map[string]string{}
			for _, a := range tok.Attr {
				attr[a.Name.Local] = a.Value
			}
			if depth == 0 && (tok.Name.Local != "svg" || tok.Name.Space != "http://www.w3.org/2000/svg" ||
				attr["width"] == "" || attr["height"] == "" || attr["viewBox"] == "") {
				t.Fatalf("%s: root element %v %v, want an svg in the SVG namespace with width, height and viewBox", path, tok.Name, attr)
			}
			if tok.Name.Local == "polyline" {
				lines++
				for _, xy := range strings.Fields(attr["points"]) {
					x, y, ok := strings.Cut(xy, ",")
					fx, err1 := strconv.ParseFloat(x, 64)
					fy, err2 := strconv.ParseFloat(y, 64)
					if !ok || err1 != nil || err2 != nil || math.IsNaN(fx+fy) || math.IsInf(fx+fy, 0) {
						t.Fatalf("%s: polyline point %q", path, xy)
					}
				}
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
	if depth != 0 {
		t.Fatalf("%s: %d elements left open", path, depth)
	}
	return lines
}
