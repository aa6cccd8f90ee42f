package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/loyalkit/loyalkit/examples/internal/svgchart"
	"github.com/loyalkit/loyalkit/loyalty"
)

// writeCharts writes the example's two SVG charts into dir and returns
// their paths, each with a line on what it shows.
func writeCharts(dir string, s *results) ([]string, error) {
	charts := []struct {
		name, about string
		chart       svgchart.LineChart
	}{
		{"liability.svg", "the outstanding points' value month by month, A and B", liabilityChart(s.report)},
		{"redemption-curves.svg", "the share of each quarter's first cohort redeemed, by months since earning, A and B", curvesChart(s.report)},
	}
	var out []string
	for _, c := range charts {
		b, err := c.chart.SVG()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.name, err)
		}
		p := filepath.Join(dir, c.name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return nil, err
		}
		out = append(out, fmt.Sprintf("%-22s %s", c.name, c.about))
	}
	return out, nil
}

// liabilityChart is the points' value (before breakage) at each date,
// under both programmes.
func liabilityChart(r *loyalty.BacktestReport) svgchart.LineChart {
	series := func(name string, side loyalty.BacktestSide, color, dash string) svgchart.LineSeries {
		se := svgchart.LineSeries{Name: name, Label: name, Color: color, Dash: dash, Marker: true}
		for d, l := range side.Liability {
			se.X = append(se.X, float64(monthsSince1997(r.Dates[d])))
			se.Y = append(se.Y, l.Value.InexactFloat64())
		}
		return se
	}
	return svgchart.LineChart{
		Title:  "Outstanding points' value, CDNOW replayed under two programmes",
		Desc:   "The value in dollars of the points customers hold at the first of each month, before breakage: programme A (solid) and B, double points with gold from $200 (dashed).",
		XLabel: "months since January 1997", YLabel: "points' value ($)",
		Series: []svgchart.LineSeries{series(r.A.Programme, r.A, "#1f5fa8", ""), series(r.B.Programme, r.B, "#c2410c", "7 4")},
	}
}

// curvesChart is, for the cohorts of January, April, July and October
// 1997 and January 1998, the share redeemed by the end of each month of
// age, under A (solid) and B (dashed).
func curvesChart(r *loyalty.BacktestReport) svgchart.LineChart {
	colors := []string{"#1f5fa8", "#2e7d32", "#c2410c", "#6a1b9a", "#455a64"}
	var series []svgchart.LineSeries
	var legend []svgchart.LegendEntry
	for s, side := range []loyalty.BacktestSide{r.A, r.B} {
		k := 0
		for _, c := range side.Development.Cohorts {
			if c.Month.Month()%3 != 1 || len(c.Ages) < 2 || k >= len(colors) {
				continue
			}
			se := svgchart.LineSeries{Name: fmt.Sprintf("%s %s", c.Month.Format("Jan 06"), []string{"A", "B"}[s]), Color: colors[k]}
			if s == 0 {
				se.Label = c.Month.Format("Jan 06")
				legend = append(legend, svgchart.LegendEntry{Name: "earned in " + c.Month.Format("January 2006"), Color: colors[k]})
			} else {
				se.Dash = "7 4" // unlabelled: the legend says dashed is B
			}
			for age, st := range c.Ages {
				redeemed, _, _ := c.Shares(st)
				se.X = append(se.X, float64(age+1))
				se.Y = append(se.Y, 100*redeemed)
			}
			series = append(series, se)
			k++
		}
	}
	return svgchart.LineChart{
		Title:  "Cohort redemption curves",
		Desc:   "Of the points earned in a month (a cohort), the share redeemed by the end of each month since, for five cohorts, under programme A (solid) and B (dashed).",
		XLabel: "months since the points were earned", YLabel: "share redeemed (%)",
		Series: series,
		Legend: append(legend, svgchart.LegendEntry{Name: r.A.Programme + " (solid)", Color: "#222"},
			svgchart.LegendEntry{Name: r.B.Programme + " (dashed)", Color: "#222", Dash: "7 4"}),
		LegendAt: []float64{13, 20},
	}
}

func monthsSince1997(t time.Time) int {
	y, m, _ := t.Date()
	return (y-1997)*12 + int(m) - 1
}
