package main

// A small SVG writer for the example's two line charts, with axes, tick
// labels, a title, a legend and <title>/<desc> elements for screen
// readers; lines differ by more than colour (solid against dashed) and
// each is labelled at its end. Copied, line chart only, from
// examples/cdnow/svg.go (examples are separate programs; the library has
// no plotting code).
import (
	"encoding/xml"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// svg accumulates a document; the first non-finite coordinate is kept as
// the error, so no NaN or Inf reaches the file.
type svg struct {
	b   strings.Builder
	err error
}

// n formats a coordinate.
func (s *svg) n(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		if s.err == nil {
			s.err = fmt.Errorf("svg: coordinate %v", v)
		}
		return "0"
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// esc escapes text for element content and attribute values.
func esc(t string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(t)) //nolint:errcheck // a strings.Builder does not fail
	return b.String()
}

func (s *svg) raw(format string, args ...any) { fmt.Fprintf(&s.b, format, args...) }

// open starts the document with its accessible title and description.
func (s *svg) open(w, h float64, title, desc string) {
	s.raw(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	s.raw(`<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" role="img" aria-labelledby="title desc" font-family="Helvetica, Arial, sans-serif">`+"\n",
		s.n(w), s.n(h), s.n(w), s.n(h))
	s.raw("<title id=\"title\">%s</title>\n<desc id=\"desc\">%s</desc>\n", esc(title), esc(desc))
	s.raw(`<rect x="0" y="0" width="%s" height="%s" fill="white"/>`+"\n", s.n(w), s.n(h))
	s.text(w/2, 28, "middle", 18, "bold", title)
}

// close ends the document and returns it.
func (s *svg) close() ([]byte, error) {
	s.raw("</svg>\n")
	if s.err != nil {
		return nil, s.err
	}
	return []byte(s.b.String()), nil
}

func (s *svg) text(x, y float64, anchor string, size float64, weight, t string) {
	w := ""
	if weight != "" {
		w = ` font-weight="` + weight + `"`
	}
	s.raw(`<text x="%s" y="%s" text-anchor="%s" font-size="%s"%s fill="#222">%s</text>`+"\n", s.n(x), s.n(y), anchor, s.n(size), w, esc(t))
}

// vtext is text rotated to run upwards, for a y axis label.
func (s *svg) vtext(x, y float64, size float64, t string) {
	s.raw(`<text x="%s" y="%s" text-anchor="middle" font-size="%s" fill="#222" transform="rotate(-90 %s %s)">%s</text>`+"\n",
		s.n(x), s.n(y), s.n(size), s.n(x), s.n(y), esc(t))
}

func (s *svg) line(x1, y1, x2, y2 float64, stroke string, width float64, dash string) {
	d := ""
	if dash != "" {
		d = ` stroke-dasharray="` + dash + `"`
	}
	s.raw(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s"%s/>`+"\n", s.n(x1), s.n(y1), s.n(x2), s.n(y2), stroke, s.n(width), d)
}

// frame is a plot area in pixels and the data ranges it shows.
type frame struct {
	left, top, width, height float64
	xmin, xmax, ymin, ymax   float64
}

func (f frame) x(v float64) float64 { return f.left + (v-f.xmin)/(f.xmax-f.xmin)*f.width }
func (f frame) y(v float64) float64 { return f.top + f.height - (v-f.ymin)/(f.ymax-f.ymin)*f.height }

// niceTicks returns about n round values (steps of 1, 2 or 5 × 10^k)
// from lo to hi.
func niceTicks(lo, hi float64, n int) []float64 {
	if !(hi > lo) || n < 1 || math.IsInf(hi-lo, 0) {
		return []float64{lo}
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var ticks []float64
	for v := math.Ceil(lo/step-1e-9) * step; v <= hi+step*1e-9; v += step {
		ticks = append(ticks, math.Round(v/step)*step)
	}
	return ticks
}

// finite returns an error naming the series if a value is NaN or ±Inf.
func finite(name string, vs []float64) error {
	for i, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("svg: %s[%d] is %v", name, i, v)
		}
	}
	return nil
}

// firstErr is the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// tickLabel prints a tick value without needless decimals.
func tickLabel(v float64) string {
	if v == 0 {
		v = 0 // not "-0"
	}
	if v == math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// axes draws the gridlines, the axes, their ticks and labels.
func (s *svg) axes(f frame, xticks, yticks []float64, xlabel, ylabel string, grid bool) {
	if grid {
		s.raw(`<g class="grid">` + "\n")
		for _, v := range yticks {
			s.line(f.left, f.y(v), f.left+f.width, f.y(v), "#e3e3e3", 1, "")
		}
		s.raw("</g>\n")
	}
	s.raw(`<g class="axes">` + "\n")
	s.line(f.left, f.top+f.height, f.left+f.width, f.top+f.height, "#222", 1, "")
	s.line(f.left, f.top, f.left, f.top+f.height, "#222", 1, "")
	for _, v := range xticks {
		s.line(f.x(v), f.top+f.height, f.x(v), f.top+f.height+5, "#222", 1, "")
		s.text(f.x(v), f.top+f.height+19, "middle", 12, "", tickLabel(v))
	}
	for _, v := range yticks {
		s.line(f.left-5, f.y(v), f.left, f.y(v), "#222", 1, "")
		s.text(f.left-8, f.y(v)+4, "end", 12, "", tickLabel(v))
	}
	s.text(f.left+f.width/2, f.top+f.height+42, "middle", 13, "", xlabel)
	s.vtext(f.left-52, f.top+f.height/2, 13, ylabel)
	s.raw("</g>\n")
}

// lineSeries is one line: its points, its colour and dash pattern ("" for
// a solid line).
type lineSeries struct {
	Name   string
	X, Y   []float64
	Color  string
	Dash   string
	Marker bool // a small circle at every point
	// Label is the name written at the line's end ("": none).
	Label string
}

// legendEntry is a line sample and its name in the legend.
type legendEntry struct {
	Name, Color, Dash string
}

// marker is a labelled vertical line at X.
type marker struct {
	X     float64
	Label string
}

type lineChart struct {
	Title, Desc    string
	XLabel, YLabel string
	Series         []lineSeries
	Markers        []marker
	// Legend lists the legend's entries (nil: one per series), from its
	// top-left corner at LegendAt in data coordinates (nil: the plot's
	// top-left corner).
	Legend   []legendEntry
	LegendAt []float64
}

// SVG draws the chart, 820 × 500.
func (c lineChart) SVG() ([]byte, error) {
	const W, H = 820.0, 500.0
	var s svg
	s.open(W, H, c.Title, c.Desc)
	xmin, xmax, ymax := math.Inf(1), math.Inf(-1), 0.0
	for _, se := range c.Series {
		if len(se.X) != len(se.Y) || len(se.X) == 0 {
			return nil, fmt.Errorf("svg: series %q has %d x and %d y values", se.Name, len(se.X), len(se.Y))
		}
		if err := firstErr(finite(se.Name+" x", se.X), finite(se.Name+" y", se.Y)); err != nil {
			return nil, err
		}
		for i := range se.X {
			xmin, xmax, ymax = min(xmin, se.X[i]), max(xmax, se.X[i]), max(ymax, se.Y[i])
		}
	}
	xmin = min(xmin, 0)
	yticks := niceTicks(0, ymax, 6)
	ymax = max(ymax, yticks[len(yticks)-1])
	f := frame{left: 80, top: 50, width: W - 80 - 110, height: H - 50 - 70, xmin: xmin, xmax: xmax, ymin: 0, ymax: ymax}
	s.axes(f, niceTicks(xmin, xmax, 10), yticks, c.XLabel, c.YLabel, true)
	for _, m := range c.Markers {
		s.raw(`<g class="marker">` + "\n")
		s.line(f.x(m.X), f.top, f.x(m.X), f.top+f.height, "#666", 1, "2 3")
		s.text(f.x(m.X)+6, f.top+14, "start", 12, "", m.Label)
		s.raw("</g>\n")
	}
	for _, se := range c.Series {
		var pts strings.Builder
		for i := range se.X {
			if i > 0 {
				pts.WriteByte(' ')
			}
			pts.WriteString(s.n(f.x(se.X[i])) + "," + s.n(f.y(se.Y[i])))
		}
		dash := ""
		if se.Dash != "" {
			dash = ` stroke-dasharray="` + se.Dash + `"`
		}
		s.raw(`<g class="series" data-name="%s">`+"\n", esc(se.Name))
		s.raw("<title>%s</title>\n", esc(se.Name))
		s.raw(`<polyline points="%s" fill="none" stroke="%s" stroke-width="2.5"%s/>`+"\n", pts.String(), se.Color, dash)
		if se.Marker {
			for i := range se.X {
				s.raw(`<circle cx="%s" cy="%s" r="2.5" fill="%s"/>`+"\n", s.n(f.x(se.X[i])), s.n(f.y(se.Y[i])), se.Color)
			}
		}
		if last := len(se.X) - 1; se.Label != "" {
			s.text(f.x(se.X[last])+6, f.y(se.Y[last])+4, "start", 12, "bold", se.Label)
		}
		s.raw("</g>\n")
	}
	// The legend: a sample of each line's stroke and its name.
	legend := c.Legend
	if legend == nil {
		for _, se := range c.Series {
			legend = append(legend, legendEntry{se.Name, se.Color, se.Dash})
		}
	}
	x0, y0 := f.left+16, f.top+12
	if len(c.LegendAt) == 2 {
		x0, y0 = f.x(c.LegendAt[0]), f.y(c.LegendAt[1])
	}
	s.raw(`<g class="legend">` + "\n")
	for i, e := range legend {
		y := y0 + 20*float64(i)
		s.line(x0, y, x0+36, y, e.Color, 2.5, e.Dash)
		s.text(x0+44, y+4, "start", 12, "", e.Name)
	}
	s.raw("</g>\n")
	return s.close()
}
