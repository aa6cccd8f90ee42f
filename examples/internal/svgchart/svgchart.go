// Package svgchart is a small SVG writer for the examples' charts (not
// part of the library, which has no plotting code): a line chart, a
// grouped bar chart and a heatmap, each with axes, tick labels, a title, a
// legend and <title>/<desc> elements for screen readers. Series differ by
// more than colour: solid against dashed lines, solid against hatched
// bars, and a line can be labelled at its end.
package svgchart

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

// LineSeries is one line: its points, its colour and dash pattern ("" for
// a solid line).
type LineSeries struct {
	Name   string
	X, Y   []float64
	Color  string
	Dash   string
	Marker bool // a small circle at every point
	// Label is the name written at the line's end ("": none).
	Label string
}

// LegendEntry is a line sample and its name in the legend.
type LegendEntry struct {
	Name, Color, Dash string
}

// Marker is a labelled vertical line at X.
type Marker struct {
	X     float64
	Label string
}

type LineChart struct {
	Title, Desc    string
	XLabel, YLabel string
	Series         []LineSeries
	Markers        []Marker
	// Legend lists the legend's entries (nil: one per series), from its
	// top-left corner at LegendAt in data coordinates (nil: the plot's
	// top-left corner).
	Legend   []LegendEntry
	LegendAt []float64
}

// SVG draws the chart, 820 × 500.
func (c LineChart) SVG() ([]byte, error) {
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
			legend = append(legend, LegendEntry{se.Name, se.Color, se.Dash})
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

// BarSeries is one set of bars, one per category; Hatch draws them
// hatched rather than solid.
type BarSeries struct {
	Name   string
	Values []float64
	Color  string
	Hatch  bool
}

type BarChart struct {
	Title, Desc    string
	XLabel, YLabel string
	Categories     []string
	SubLabels      []string // a second line under each category, or nil
	Series         []BarSeries
}

// SVG draws the chart, 820 × 500, with each bar's value above it.
func (c BarChart) SVG() ([]byte, error) {
	const W, H = 820.0, 500.0
	var s svg
	s.open(W, H, c.Title, c.Desc)
	ymax := 0.0
	for _, se := range c.Series {
		if len(se.Values) != len(c.Categories) {
			return nil, fmt.Errorf("svg: series %q has %d values for %d categories", se.Name, len(se.Values), len(c.Categories))
		}
		if err := finite(se.Name, se.Values); err != nil {
			return nil, err
		}
		for _, v := range se.Values {
			ymax = max(ymax, v)
		}
	}
	yticks := niceTicks(0, ymax*1.08, 6)
	ymax = max(ymax*1.08, yticks[len(yticks)-1])
	nc := float64(len(c.Categories))
	f := frame{left: 80, top: 50, width: W - 80 - 30, height: H - 50 - 85, xmin: 0, xmax: nc, ymin: 0, ymax: ymax}
	s.raw("<defs>\n")
	for i, se := range c.Series {
		if se.Hatch {
			s.raw(`<pattern id="hatch%d" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect x="0" y="0" width="6" height="6" fill="white"/><line x1="0" y1="0" x2="0" y2="6" stroke="%s" stroke-width="3"/></pattern>`+"\n", i, se.Color)
		}
	}
	s.raw("</defs>\n")
	s.axes(f, nil, yticks, "", c.YLabel, true)
	for i, cat := range c.Categories {
		x := f.x(float64(i) + 0.5)
		s.line(x, f.top+f.height, x, f.top+f.height+5, "#222", 1, "")
		s.text(x, f.top+f.height+19, "middle", 12, "", cat)
		if i < len(c.SubLabels) {
			s.text(x, f.top+f.height+34, "middle", 10, "", c.SubLabels[i])
		}
	}
	s.text(f.left+f.width/2, f.top+f.height+58, "middle", 13, "", c.XLabel)
	group := 0.8 / float64(len(c.Series)) // of a category's width
	fill := func(i int, se BarSeries) string {
		if se.Hatch {
			return fmt.Sprintf("url(#hatch%d)", i)
		}
		return se.Color
	}
	for si, se := range c.Series {
		s.raw(`<g class="series" data-name="%s">`+"\n", esc(se.Name))
		for i, v := range se.Values {
			x0 := f.x(float64(i) + 0.1 + group*float64(si))
			x1 := f.x(float64(i) + 0.1 + group*float64(si+1))
			y := f.y(v)
			s.raw(`<rect class="bar" x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="%s" stroke-width="1"><title>%s, %s: %.2f</title></rect>`+"\n",
				s.n(x0), s.n(y), s.n(x1-x0), s.n(f.top+f.height-y), fill(si, se), se.Color, esc(se.Name), esc(c.Categories[i]), v)
			s.text((x0+x1)/2, y-4, "middle", 10, "", strconv.FormatFloat(v, 'f', 2, 64))
		}
		s.raw("</g>\n")
	}
	s.raw(`<g class="legend">` + "\n")
	for i, se := range c.Series {
		x, y := f.left+16, f.top+8+22*float64(i)
		s.raw(`<rect x="%s" y="%s" width="28" height="14" fill="%s" stroke="%s" stroke-width="1"/>`+"\n", s.n(x), s.n(y), fill(i, se), se.Color)
		s.text(x+36, y+11, "start", 12, "", se.Name)
	}
	s.raw("</g>\n")
	return s.close()
}

// Heatmap is a grid of values in [0, 1]: Values[i][j] at row Rows[i]
// (bottom to top) and column Cols[j] (left to right); NaN leaves the
// cell blank.
type Heatmap struct {
	Title, Desc    string
	XLabel, YLabel string
	Cols           []float64 // evenly spaced
	Rows           []float64 // evenly spaced
	Values         [][]float64
	CellTitle      func(i, j int) string
	BlankNote      string
	ScaleLabel     string // above the colour bar: what the colours measure
}

// viridis is the colour scale (perceptually uniform, readable in grey and
// by most colour-blind readers), at 0, 0.25, 0.5, 0.75 and 1.
var viridis = [][3]float64{{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}}

func colour(v float64) string {
	v = min(max(v, 0), 1) * float64(len(viridis)-1)
	i := min(int(v), len(viridis)-2)
	t := v - float64(i)
	var c [3]int
	for k := range c {
		c[k] = int(math.Round(viridis[i][k] + t*(viridis[i+1][k]-viridis[i][k])))
	}
	return fmt.Sprintf("#%02x%02x%02x", c[0], c[1], c[2])
}

// SVG draws the map, 860 × 560, with a colour bar on the right.
func (c Heatmap) SVG() ([]byte, error) {
	const W, H = 860.0, 560.0
	if len(c.Cols) < 2 || len(c.Rows) < 2 || len(c.Values) != len(c.Rows) {
		return nil, fmt.Errorf("svg: heatmap of %d rows, %d columns and %d rows of values", len(c.Rows), len(c.Cols), len(c.Values))
	}
	if err := firstErr(finite("columns", c.Cols), finite("rows", c.Rows)); err != nil {
		return nil, err
	}
	var s svg
	s.open(W, H, c.Title, c.Desc)
	dx := (c.Cols[len(c.Cols)-1] - c.Cols[0]) / float64(len(c.Cols)-1)
	dy := (c.Rows[len(c.Rows)-1] - c.Rows[0]) / float64(len(c.Rows)-1)
	f := frame{left: 80, top: 50, width: W - 80 - 130, height: H - 50 - 90,
		xmin: c.Cols[0] - dx/2, xmax: c.Cols[len(c.Cols)-1] + dx/2,
		ymin: c.Rows[0] - dy/2, ymax: c.Rows[len(c.Rows)-1] + dy/2}
	s.raw(`<g class="cells" shape-rendering="crispEdges">` + "\n")
	for i, row := range c.Values {
		if len(row) != len(c.Cols) {
			return nil, fmt.Errorf("svg: heatmap row %d has %d values for %d columns", i, len(row), len(c.Cols))
		}
		for j, v := range row {
			if math.IsNaN(v) {
				continue
			}
			x0, x1 := f.x(c.Cols[j]-dx/2), f.x(c.Cols[j]+dx/2)
			y0, y1 := f.y(c.Rows[i]+dy/2), f.y(c.Rows[i]-dy/2)
			t := ""
			if c.CellTitle != nil {
				t = "<title>" + esc(c.CellTitle(i, j)) + "</title>"
			}
			s.raw(`<rect class="cell" x="%s" y="%s" width="%s" height="%s" fill="%s">%s</rect>`+"\n",
				s.n(x0), s.n(y0), s.n(x1-x0), s.n(y1-y0), colour(v), t)
		}
	}
	s.raw("</g>\n")
	s.raw(`<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="#222" stroke-width="1"/>`+"\n", s.n(f.left), s.n(f.top), s.n(f.width), s.n(f.height))
	xt := niceTicks(c.Cols[0], c.Cols[len(c.Cols)-1], 8)
	yt := niceTicks(c.Rows[0], c.Rows[len(c.Rows)-1], 6)
	s.axes(f, xt, yt, c.XLabel, c.YLabel, false)
	if c.BlankNote != "" {
		s.text(f.left, f.top+f.height+62, "start", 11, "", c.BlankNote)
	}
	// The colour bar: a gradient from 0 (bottom) to 1 (top) with ticks.
	lx, ly, lw, lh := f.left+f.width+30, f.top+20, 20.0, f.height-40
	s.raw("<defs>\n<linearGradient id=\"scale\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">\n")
	for k := range viridis {
		off := float64(k) / float64(len(viridis)-1)
		s.raw(`<stop offset="%s" stop-color="%s"/>`+"\n", s.n(off), colour(off))
	}
	s.raw("</linearGradient>\n</defs>\n")
	s.raw(`<g class="legend">` + "\n")
	s.text(lx+lw/2, ly-12, "middle", 12, "bold", c.ScaleLabel)
	s.raw(`<rect x="%s" y="%s" width="%s" height="%s" fill="url(#scale)" stroke="#222" stroke-width="1"/>`+"\n", s.n(lx), s.n(ly), s.n(lw), s.n(lh))
	for _, v := range []float64{0, 0.2, 0.4, 0.6, 0.8, 1} {
		y := ly + lh - v*lh
		s.line(lx+lw, y, lx+lw+5, y, "#222", 1, "")
		s.text(lx+lw+8, y+4, "start", 12, "", strconv.FormatFloat(v, 'f', 1, 64))
	}
	s.raw("</g>\n")
	return s.close()
}
