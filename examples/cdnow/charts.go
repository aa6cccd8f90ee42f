package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/loyalkit/loyalkit/examples/internal/svgchart"
)

// The heatmap's grid: frequencies 0 … heatFreqs−1 (rows) and heatCols
// recencies evenly spaced from 0 to T (columns).
const (
	heatFreqs = 31
	heatCols  = 40
)

// chart is one file to write.
type chart struct {
	name, about string
	svg         func() ([]byte, error)
}

// writeCharts writes the three SVG charts of the analysis into dir and
// returns their paths, each with a line on what it shows.
func writeCharts(dir string, a *analysis) ([]string, error) {
	charts := []chart{
		{"tracking.svg", "cumulative repeat purchases per week, actual vs BG/NBD", trackingChart(a).SVG},
		{"holdout-by-frequency.svg", "mean holdout purchases by calibration frequency, actual vs BG/NBD", frequencyChart(a).SVG},
		{"palive.svg", "BG/NBD P(alive) by frequency and recency at T = " + fmt.Sprintf("%.2f", a.T) + " weeks", pAliveChart(a).SVG},
	}
	var out []string
	for _, c := range charts {
		b, err := c.svg()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.name, err)
		}
		p := filepath.Join(dir, c.name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return nil, err
		}
		out = append(out, fmt.Sprintf("%-26s %s", c.name, c.about))
	}
	return out, nil
}

// trackingChart is Fader, Hardie & Lee's (2005) figure 2: the cumulative
// repeat purchases of the cohort, week by week, and the model's.
func trackingChart(a *analysis) svgchart.LineChart {
	n := len(a.curve)
	x := make([]float64, n)
	act := make([]float64, n)
	pred := make([]float64, n)
	calWeeks := 0
	for i, p := range a.curve {
		x[i] = float64(i + 1)
		act[i] = float64(p.Actual)
		pred[i] = p.Predicted
		if !p.Holdout {
			calWeeks = i + 1
		}
	}
	cal, last := a.curve[calWeeks-1], a.curve[n-1]
	return svgchart.LineChart{
		Title:  "CDNOW: cumulative repeat purchases, actual vs BG/NBD",
		XLabel: fmt.Sprintf("week (week 1 ends %s)", a.curve[0].End.Format(time.DateOnly)),
		YLabel: "cumulative repeat purchases",
		Desc: fmt.Sprintf("Line chart of the cumulative number of repeat purchases of the %d CDNOW customers, week by week over %d weeks: "+
			"the actual count (solid line) and the BG/NBD model's expectation (dashed line, %s, fitted on the calibration period). "+
			"A vertical line marks the end of calibration at week %d (%s): %d actual, %.0f expected. At week %d (%s): %d actual, %.0f expected.",
			len(a.raw), n, a.hbg, calWeeks, cal.End.Format(time.DateOnly), cal.Actual, cal.Predicted,
			n, last.End.Format(time.DateOnly), last.Actual, last.Predicted),
		Series: []svgchart.LineSeries{
			{Name: "actual", Label: "actual", X: x, Y: act, Color: "#1f3f8f"},
			{Name: "BG/NBD", Label: "BG/NBD", X: x, Y: pred, Color: "#d95f02", Dash: "8 5"},
		},
		Markers: []svgchart.Marker{{X: float64(calWeeks), Label: "end of calibration (" + cal.End.Format(time.DateOnly) + ")"}},
	}
}

// frequencyChart is the conditional-expectations figure: the customers
// grouped by their calibration frequency, their mean holdout purchases
// and the model's mean prediction.
func frequencyChart(a *analysis) svgchart.BarChart {
	var cats, subs []string
	var act, pred []float64
	desc := ""
	for _, r := range a.byFreq {
		c := fmt.Sprint(r.Frequency)
		if r.OrMore {
			c += "+"
		}
		cats = append(cats, c)
		subs = append(subs, fmt.Sprintf("n=%d", r.Customers))
		act = append(act, r.Actual)
		pred = append(pred, r.Predicted)
		desc += fmt.Sprintf(" %s: %.2f vs %.2f (%d customers);", c, r.Actual, r.Predicted, r.Customers)
	}
	return svgchart.BarChart{
		Title:  "CDNOW: holdout purchases by calibration frequency",
		XLabel: "repeat purchases in the calibration period (n = customers)",
		YLabel: fmt.Sprintf("mean purchases in the %.0f-week holdout", a.holdout.Length),
		Desc: fmt.Sprintf("Grouped bar chart: for the customers with each number of repeat purchases in calibration (7 or more pooled), "+
			"their mean number of repeat purchases in the %.0f-week holdout (solid bars) and the BG/NBD model's mean conditional expectation "+
			"(hatched bars, %s). Actual vs expected:%s", a.holdout.Length, a.hbg, desc[:len(desc)-1]+"."),
		Categories: cats,
		SubLabels:  subs,
		Series: []svgchart.BarSeries{
			{Name: "actual", Values: act, Color: "#1f3f8f"},
			{Name: "BG/NBD expected", Values: pred, Color: "#d95f02", Hatch: true},
		},
	}
}

// possible reports whether a customer can have x repeat purchases with
// the last at recency tx weeks: none means recency 0, and x purchases on
// distinct days after the first take at least x days.
func possible(x int, tx float64) bool {
	if x == 0 {
		return tx == 0
	}
	return tx*7 >= float64(x)-1e-9
}

// pAliveChart is lifetimes' probability-alive matrix for the BG/NBD fit
// on the published summary, for a customer observed T weeks.
func pAliveChart(a *analysis) svgchart.Heatmap {
	cols := make([]float64, heatCols)
	for j := range cols {
		cols[j] = a.T * float64(j) / float64(heatCols-1)
	}
	rows := make([]float64, heatFreqs)
	vals := make([][]float64, heatFreqs)
	for x := range rows {
		rows[x] = float64(x)
		vals[x] = make([]float64, heatCols)
		for j, tx := range cols {
			vals[x][j] = math.NaN()
			if possible(x, tx) {
				vals[x][j] = a.bg.PAlive(x, tx, a.T)
			}
		}
	}
	return svgchart.Heatmap{
		Title:  "CDNOW: probability a customer is alive (BG/NBD)",
		XLabel: "recency: week of the last repeat purchase (t_x)",
		YLabel: "frequency: repeat purchases (x)",
		Desc: fmt.Sprintf("Heatmap of the BG/NBD model's probability that a customer is still active (%s, fitted on the published CDNOW summary), "+
			"for a customer observed %.2f weeks, by number of repeat purchases x from 0 to %d (rows, bottom to top) and week of the last one t_x "+
			"from 0 to %.2f (columns, left to right). Darker is less likely alive, yellow almost surely alive (colour bar on the right). "+
			"Cells left blank are impossible histories: with no repeat purchase t_x is 0, and x purchases take at least x days. "+
			"A customer who bought often but not lately is likely gone: x=%d, t_x=%.1f: %.2f; x=%d, t_x=%.1f: %.2f.",
			a.bg, a.T, heatFreqs-1, a.T, 10, cols[10], a.bg.PAlive(10, cols[10], a.T), 10, cols[heatCols-1], a.bg.PAlive(10, cols[heatCols-1], a.T)),
		Cols:   cols,
		Rows:   rows,
		Values: vals,
		CellTitle: func(i, j int) string {
			return fmt.Sprintf("x=%d, t_x=%.2f weeks: P(alive)=%.3f", i, cols[j], vals[i][j])
		},
		BlankNote:  "blank: no such history (x = 0 needs t_x = 0; x repeat purchases take at least x days)",
		ScaleLabel: "P(alive)",
	}
}
