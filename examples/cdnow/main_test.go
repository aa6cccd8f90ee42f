package main

import (
	"encoding/xml"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// element is a start tag of a parsed SVG file, with its parent's class.
type element struct {
	name, parentClass string
	attr              map[string]string
}

// parseSVG decodes the whole file (failing the test on any XML error) and
// checks the root and every coordinate.
func parseSVG(t *testing.T, path string) []element {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := xml.NewDecoder(f)
	var els []element
	var stack []element
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
			e := element{name: tok.Name.Local, attr: map[string]string{}}
			for _, a := range tok.Attr {
				e.attr[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				e.parentClass = stack[len(stack)-1].attr["class"]
			} else if tok.Name.Local != "svg" || tok.Name.Space != "http://www.w3.org/2000/svg" {
				t.Fatalf("%s: root element is %v, want svg in the SVG namespace", path, tok.Name)
			}
			stack = append(stack, e)
			els = append(els, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
	if len(els) == 0 {
		t.Fatalf("%s: empty", path)
	}
	root := els[0].attr
	for _, a := range []string{"width", "height", "viewBox"} {
		if root[a] == "" {
			t.Errorf("%s: <svg> has no %s", path, a)
		}
	}
	if vb := strings.Fields(root["viewBox"]); len(vb) != 4 || vb[2] != root["width"] || vb[3] != root["height"] {
		t.Errorf("%s: viewBox %q does not match width %q and height %q", path, root["viewBox"], root["width"], root["height"])
	}
	var titles, descs int
	for _, e := range els {
		switch e.name {
		case "title":
			titles++
		case "desc":
			descs++
		}
		for _, a := range []string{"x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height", "viewBox", "points"} {
			v, ok := e.attr[a]
			if !ok {
				continue
			}
			for _, s := range strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' }) {
				x, err := strconv.ParseFloat(s, 64)
				if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
					t.Errorf("%s: <%s %s=%q>: %q is not a finite number", path, e.name, a, v, s)
				}
			}
		}
	}
	if titles == 0 || descs != 1 {
		t.Errorf("%s: %d <title> and %d <desc>, want a title and one desc", path, titles, descs)
	}
	return els
}

// count is the number of elements named name whose class (or parent's
// class, if in) is class.
func count(els []element, name, class string, parent bool) int {
	n := 0
	for _, e := range els {
		c := e.attr["class"]
		if parent {
			c = e.parentClass
		}
		if e.name == name && c == class {
			n++
		}
	}
	return n
}

func TestCharts(t *testing.T) {
	a, err := analyse("")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files, err := writeCharts(dir, a)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 3 {
		t.Fatalf("%d charts, want 3: %q", len(files), files)
	}

	t.Run("tracking", func(t *testing.T) {
		els := parseSVG(t, filepath.Join(dir, "tracking.svg"))
		// Weekly from 1997-01-01 to 1998-06-30: 78 points, two series.
		if len(a.curve) != 78 {
			t.Fatalf("tracking curve has %d weekly points, want 78", len(a.curve))
		}
		if n := count(els, "polyline", "series", true); n != 2 {
			t.Fatalf("%d series, want 2 (actual and BG/NBD)", n)
		}
		for _, e := range els {
			if e.name == "polyline" {
				if n := len(strings.Fields(e.attr["points"])); n != 78 {
					t.Errorf("a series has %d points, want 78", n)
				}
			}
		}
		if n := count(els, "line", "marker", true); n != 1 {
			t.Errorf("%d calibration-end lines, want 1", n)
		}
		if n := count(els, "line", "legend", true); n != 2 {
			t.Errorf("%d legend samples, want 2", n)
		}
	})

	t.Run("holdout-by-frequency", func(t *testing.T) {
		els := parseSVG(t, filepath.Join(dir, "holdout-by-frequency.svg"))
		if len(a.byFreq) != 8 {
			t.Fatalf("%d frequency rows, want 8 (0 … 6 and 7+)", len(a.byFreq))
		}
		if n := count(els, "g", "series", false); n != 2 {
			t.Errorf("%d series, want 2", n)
		}
		if n := count(els, "rect", "bar", false); n != 16 {
			t.Errorf("%d bars, want 16 (8 frequencies × actual and predicted)", n)
		}
		if n := count(els, "rect", "legend", true); n != 2 {
			t.Errorf("%d legend swatches, want 2", n)
		}
	})

	t.Run("palive", func(t *testing.T) {
		els := parseSVG(t, filepath.Join(dir, "palive.svg"))
		if math.Abs(a.T-38.86) > 1e-9 {
			t.Errorf("T = %v, want 38.86", a.T)
		}
		// x = 0 only at recency 0; x ≥ 1 from x days on.
		want := 0
		for x := 0; x <= 30; x++ {
			for j := range 40 {
				days := a.T * float64(j) / 39 * 7
				if (x == 0 && j == 0) || (x > 0 && days >= float64(x)) {
					want++
				}
			}
		}
		if want >= 31*40 || want < 31*30 {
			t.Fatalf("the expected cell count %d is implausible", want)
		}
		if n := count(els, "rect", "cell", false); n != want {
			t.Errorf("%d cells, want %d of the 31 × 40 grid", n, want)
		}
		for _, e := range els {
			if e.attr["class"] == "cell" && !strings.HasPrefix(e.attr["fill"], "#") {
				t.Errorf("a cell has fill %q", e.attr["fill"])
			}
		}
		if n := count(els, "stop", "", false); n < 2 {
			t.Errorf("the colour legend has %d stops", n)
		}
	})
}
