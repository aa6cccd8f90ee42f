// Package pipeline runs loyalkit's retention summaries, cohort table, RFM
// scores and BG/NBD + Gamma-Gamma fits on Apache Beam. The combiners'
// accumulators are the library's own order-independent, mergeable forms
// (metrics.CustomerDays, metrics.CohortCounts, segment.RFMCounts), so a
// pipeline computes exactly what the library computes in memory, on any
// runner, whatever the order of the input and the shape of the merges.
package pipeline

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/loyalkit/loyalkit/metrics"
)

// Config says what to compute. Its fields are plain values (strings and
// numbers) because Beam serialises the DoFns that carry it to workers.
type Config struct {
	// CalibrationEnd is the last day of the calibration period,
	// YYYY-MM-DD. Required.
	CalibrationEnd string
	// ObservationEnd, when set (YYYY-MM-DD, on or after CalibrationEnd),
	// is the last day of a holdout period counted separately.
	ObservationEnd string
	// Unit is "weeks" or "days". Required.
	Unit string
	// Location is the IANA zone dates are read in; "" means UTC.
	Location string

	// Period is the cohort table's period: "month" (default) or "isoweek".
	Period string
	// AsOf (YYYY-MM-DD) cuts the cohort table (periods that have ended by
	// it) and dates the RFM profiles (purchases after it are left out;
	// days since the last purchase are counted to it). Default: the day
	// after ObservationEnd, or after CalibrationEnd when that is unset.
	AsOf string
	// RecentDays is the length of the profiles' recent period (default 90).
	RecentDays int
	// RFMExactSpends is the number of distinct spends RFM quintiles are
	// exact for (≤ 0: segment.DefaultRFMExactSpends); beyond it they are
	// approximate and say so.
	RFMExactSpends int

	// Horizon is the span, in Unit, of the expected purchases and of the
	// CLV (default 52 weeks' worth: 52 in weeks, 364 in days), cut into
	// steps of one Unit for the CLV's discounting.
	Horizon int
	// DiscountRate is the CLV's discount rate per Unit step (default 0).
	DiscountRate float64
	// Margin is the CLV's margin, in (0, 1] (default 1: revenue).
	Margin float64
}

// settings is a checked Config.
type settings struct {
	summary      metrics.SummaryConfig
	loc          *time.Location
	period       metrics.Period
	asOf         time.Time
	recentDays   int
	exactSpends  int
	horizon      metrics.Horizon
	discountRate float64
	margin       float64
}

const dateLayout = "2006-01-02"

// Check reports the first field at fault, by name.
func (c Config) Check() error {
	_, err := c.settings()
	return err
}

func (c Config) settings() (settings, error) {
	var s settings
	fail := func(field, format string, args ...any) (settings, error) {
		return settings{}, fmt.Errorf("pipeline: Config.%s %s", field, fmt.Sprintf(format, args...))
	}
	loc, err := time.LoadLocation(c.Location)
	if err != nil {
		return fail("Location", "%q: %v", c.Location, err)
	}
	s.loc = loc
	date := func(field, v string) (time.Time, error) {
		t, err := time.ParseInLocation(dateLayout, v, loc)
		if err != nil {
			return time.Time{}, fmt.Errorf("pipeline: Config.%s %q is not a date YYYY-MM-DD", field, v)
		}
		return t, nil
	}
	if c.CalibrationEnd == "" {
		return fail("CalibrationEnd", "is required (YYYY-MM-DD)")
	}
	if s.summary.CalibrationEnd, err = date("CalibrationEnd", c.CalibrationEnd); err != nil {
		return settings{}, err
	}
	last := s.summary.CalibrationEnd
	if c.ObservationEnd != "" {
		if s.summary.ObservationEnd, err = date("ObservationEnd", c.ObservationEnd); err != nil {
			return settings{}, err
		}
		last = s.summary.ObservationEnd
	}
	units := map[string]metrics.Unit{"weeks": metrics.Weeks, "days": metrics.Days}
	unit, ok := units[strings.ToLower(c.Unit)]
	if !ok {
		return fail("Unit", "%q must be one of %s", c.Unit, strings.Join(slices.Sorted(maps.Keys(units)), ", "))
	}
	s.summary.Unit, s.summary.Location = unit, loc
	if _, err := metrics.NewSummarizer(s.summary); err != nil {
		return settings{}, fmt.Errorf("pipeline: Config: %w", err)
	}
	periods := map[string]metrics.Period{"": metrics.Month, "month": metrics.Month, "isoweek": metrics.ISOWeek}
	if s.period, ok = periods[strings.ToLower(c.Period)]; !ok {
		return fail("Period", "%q must be month or isoweek", c.Period)
	}
	s.asOf = last.AddDate(0, 0, 1)
	if c.AsOf != "" {
		if s.asOf, err = date("AsOf", c.AsOf); err != nil {
			return settings{}, err
		}
	}
	s.recentDays = c.RecentDays
	switch {
	case s.recentDays == 0:
		s.recentDays = 90
	case s.recentDays < 0:
		return fail("RecentDays", "must be positive, got %d", c.RecentDays)
	}
	s.exactSpends = c.RFMExactSpends
	h := c.Horizon
	switch {
	case h == 0:
		h = 364 / int(unit)
	case h < 0:
		return fail("Horizon", "must be positive, got %d", c.Horizon)
	}
	s.horizon = metrics.Horizon{Steps: h, StepLength: 1, StepUnit: unit}
	s.discountRate, s.margin = c.DiscountRate, c.Margin
	if s.margin == 0 {
		s.margin = 1
	}
	if !(s.margin > 0 && s.margin <= 1) {
		return fail("Margin", "%v is outside (0, 1]", c.Margin)
	}
	if !(s.discountRate > -1 && s.discountRate <= 1) {
		return fail("DiscountRate", "%v is outside (−1, 1]", c.DiscountRate)
	}
	return s, nil
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
