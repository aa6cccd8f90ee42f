package main

import (
	"cmp"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/loyalkit/loyalkit/metrics"
	"github.com/shopspring/decimal"
)

// The retention figures, computed from the stored orders (money paid, net
// of refunds) with the library's metrics package:
//
//   - period-to-period retention (CRR) and churn, by calendar month or ISO
//     week, from metrics.Activity;
//   - the repeat purchase rate: the share of customers who ordered twice
//     or more (metrics.RepeatPurchaseRate);
//   - per customer, P(alive) from a BG/NBD model and the expected lifetime
//     value (CLV) from BG/NBD with Gamma-Gamma spend, both fitted on all
//     customers (metrics.FitBGNBD, metrics.FitGammaGamma, metrics.CLV).
//
// The models are estimates (float64) and need data: with few customers or
// no repeat buyers the fit fails and model_error says why; the counts are
// still given. Everything is recomputed on each call, which suits a report
// run now and then; a large shop would cache it.

type retentionView struct {
	AsOf       string       `json:"as_of"`
	Period     string       `json:"period"`
	Customers  int          `json:"customers"`
	Orders     int          `json:"orders"`
	RepeatRate *float64     `json:"repeat_rate"`
	Periods    []periodView `json:"periods"`
	Model      string       `json:"model,omitempty"`
	Spend      string       `json:"spend_model,omitempty"`
	ModelError string       `json:"model_error,omitempty"`
	// Withheld counts the customers whose CLV is left out because the
	// model's expected purchases over the horizon were not plausible (see
	// plausible).
	Withheld int             `json:"clv_withheld,omitempty"`
	Top      []customerValue `json:"top_customers"`
}

type periodView struct {
	Start    string   `json:"start"`
	Previous int      `json:"previous"`
	Retained int      `json:"retained"`
	New      int      `json:"new"`
	Active   int      `json:"active"`
	CRR      *float64 `json:"crr"`
	Churn    *float64 `json:"churn"`
}

type customerValue struct {
	Customer  string   `json:"customer"`
	Frequency int      `json:"repeat_days"`
	PAlive    float64  `json:"p_alive"`
	CLV       *float64 `json:"clv,omitempty"`
}

// retention: GET /v1/metrics/retention?period=month|week&months=12&discount=0.01&margin=1&top=10.
// months is the CLV horizon in months, discount the monthly discount rate,
// margin the share of revenue that is profit, top how many customers to
// list (highest CLV first).
func (s *Server) retention(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	period, periodName := metrics.Month, "month"
	switch q.Get("period") {
	case "", "month":
	case "week":
		period, periodName = metrics.ISOWeek, "week"
	default:
		writeError(w, r, badRequest("invalid_query", "period must be month or week"))
		return
	}
	months, err1 := intParam(q.Get("months"), 12, 1, 120)
	top, err2 := intParam(q.Get("top"), 10, 0, 1000)
	discount, err3 := floatParam(q.Get("discount"), 0.01, 0, 1)
	margin, err4 := floatParam(q.Get("margin"), 1, 0.000001, 1)
	for _, err := range []error{err1, err2, err3, err4} {
		if err != nil {
			writeError(w, r, badRequest("invalid_query", err.Error()))
			return
		}
	}
	prog, err := s.store.Program(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	now, loc := s.Now(), prog.program.Location()
	activity, err := metrics.NewActivity(period, loc)
	if err != nil {
		writeError(w, r, err)
		return
	}
	summary, err := metrics.NewSummarizer(metrics.SummaryConfig{CalibrationEnd: now, Unit: metrics.Weeks, Location: loc})
	if err != nil {
		writeError(w, r, err)
		return
	}
	orders := map[string]int{}
	n := 0
	var readErr error
	for o := range s.store.Orders(r.Context(), &readErr) {
		if o.At.After(now) {
			continue
		}
		net := o.Paid.Sub(o.Refunded) // a refund never exceeds the money paid
		if net.IsNegative() {
			net = decimal.Zero
		}
		p := metrics.Purchase{Customer: o.Customer, At: o.At, Amount: net}
		if err := activity.Add(p); err != nil {
			writeError(w, r, err)
			return
		}
		if err := summary.Add(p); err != nil {
			writeError(w, r, err)
			return
		}
		orders[o.Customer]++
		n++
	}
	if readErr != nil {
		writeError(w, r, readErr)
		return
	}
	out := retentionView{AsOf: now.In(loc).Format(time.RFC3339), Period: periodName, Customers: len(orders), Orders: n,
		Periods: []periodView{}, Top: []customerValue{}}
	repeaters := 0
	for _, k := range orders {
		if k >= 2 {
			repeaters++
		}
	}
	if rate, err := metrics.RepeatPurchaseRate(len(orders), repeaters); err == nil {
		out.RepeatRate = &rate
	}
	for _, p := range activity.Retention(now) {
		v := periodView{Start: p.Start.In(loc).Format(time.DateOnly), Previous: p.Previous, Retained: p.Retained, New: p.New, Active: p.Active}
		if x, ok := p.CRR(); ok {
			v.CRR = &x
		}
		if x, ok := p.Churn(); ok {
			v.Churn = &x
		}
		out.Periods = append(out.Periods, v)
	}

	customers := summary.Customers()
	bg, _, err := metrics.FitBGNBD(customers)
	if err != nil {
		out.ModelError = "BG/NBD: " + err.Error()
		writeJSON(w, r, http.StatusOK, out)
		return
	}
	out.Model = bg.String()
	// Gamma-Gamma needs repeat buyers with a positive mean spend.
	var spenders []metrics.CustomerSummary
	for _, c := range customers {
		if c.Frequency > 0 && c.Monetary > 0 {
			spenders = append(spenders, c)
		}
	}
	gg, _, ggErr := metrics.FitGammaGamma(spenders)
	if ggErr != nil {
		out.ModelError = "Gamma-Gamma: " + ggErr.Error()
	} else {
		out.Spend = gg.String()
	}
	horizon := metrics.Horizon{Steps: months, StepLength: 30.4375, StepUnit: metrics.Days}
	for _, c := range customers {
		v := customerValue{Customer: c.ID, Frequency: c.Frequency, PAlive: bg.PAlive(c.Frequency, c.Recency, c.T)}
		if ggErr == nil {
			if !plausible(bg, c, months) {
				out.Withheld++
			} else if clv, err := metrics.CLV(bg, gg, c, horizon, discount, margin); err == nil && clv >= 0 && !math.IsInf(clv, 0) {
				v.CLV = &clv
			} else {
				out.Withheld++
			}
		}
		out.Top = append(out.Top, v)
	}
	slices.SortFunc(out.Top, func(a, b customerValue) int {
		av, bv := -1.0, -1.0
		if a.CLV != nil {
			av = *a.CLV
		}
		if b.CLV != nil {
			bv = *b.CLV
		}
		return cmp.Or(cmp.Compare(bv, av), cmp.Compare(b.PAlive, a.PAlive), cmp.Compare(a.Customer, b.Customer))
	})
	out.Top = out.Top[:min(top, len(out.Top))]
	writeJSON(w, r, http.StatusOK, out)
}

// plausible checks the BG/NBD expected purchases of a customer at the end
// of each month of the horizon before a CLV is built on them: they must be
// finite, not negative, never decreasing, and grow by less each month
// (the chance the customer is still alive only falls). loyalkit's
// ConditionalExpectedPurchases can return wrong values far out in the
// horizon for some fitted parameters (its hypergeometric function loses
// all precision for z > 0.75 when c − a − b is large); this check keeps
// those out of the report instead of showing a negative or inflated CLV.
func plausible(bg metrics.BGNBD, c metrics.CustomerSummary, months int) bool {
	const weeksPerMonth = 30.4375 / 7
	prev, step := 0.0, math.Inf(1)
	for m := 1; m <= months; m++ {
		e := bg.ConditionalExpectedPurchases(float64(m)*weeksPerMonth, c.Frequency, c.Recency, c.T)
		if math.IsNaN(e) || math.IsInf(e, 0) || e < prev || e-prev > step*(1+1e-9)+1e-12 {
			return false
		}
		prev, step = e, e-prev
	}
	return true
}

func intParam(s string, def, lo, hi int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("expected a whole number from %d to %d; got %s", lo, hi, describe(s))
	}
	return n, nil
}

func floatParam(s string, def, lo, hi float64) (float64, error) {
	if s == "" {
		return def, nil
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || !(x >= lo && x <= hi) {
		return 0, fmt.Errorf("expected a number from %g to %g; got %s", lo, hi, describe(s))
	}
	return x, nil
}
