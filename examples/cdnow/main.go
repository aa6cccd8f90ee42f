// cdnow fits the retention models to the CDNOW data used by the papers and
// forecasts the next 39 weeks of the base.
//
//	go run ./examples/cdnow [-data DIR]
//
// DIR holds CDNOW_sample.txt and cdnow_customers_summary_with_transactions.csv
// (default: $LOYALKIT_DATA/cdnow when set, else the copy in the repository).
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/loyalkit/loyalkit/internal/refdata"
	"github.com/loyalkit/loyalkit/metrics"
)

func main() {
	dir := flag.String("data", "", "folder with the CDNOW files")
	flag.Parse()
	if err := run(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "cdnow:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	// The published calibration summary (weeks, 2 decimals): the input of
	// the count models in the papers.
	rows, err := refdata.CDNOWSummary(dir, "cdnow_customers_summary_with_transactions.csv")
	if err != nil {
		return err
	}
	published := make([]metrics.CustomerSummary, len(rows))
	for i, r := range rows {
		published[i] = metrics.CustomerSummary{ID: fmt.Sprint(r.ID), Frequency: r.X, Recency: r.Tx, T: r.T, Unit: metrics.Weeks}
	}
	// The same customers summarised from the raw transactions, with the
	// 39-week holdout and unrounded spend for the Gamma-Gamma model.
	purchases, err := refdata.CDNOWTransactions(dir, "CDNOW_sample.txt")
	if err != nil {
		return err
	}
	s, err := metrics.NewSummarizer(metrics.SummaryConfig{
		CalibrationEnd: time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC),
		ObservationEnd: time.Date(1998, 6, 30, 0, 0, 0, 0, time.UTC),
		Unit:           metrics.Weeks,
	})
	if err != nil {
		return err
	}
	if err := s.AddAll(refdata.Seq(purchases)); err != nil {
		return err
	}
	raw := s.Customers()

	bg, bgRep, err := metrics.FitBGNBD(published)
	if err != nil {
		return err
	}
	fmt.Printf("%s ll=%.2f\n", bg, bgRep.LogLikelihood)
	pn, pnRep, err := metrics.FitParetoNBD(published)
	if err != nil {
		return err
	}
	fmt.Printf("%s ll=%.2f\n", pn, pnRep.LogLikelihood)
	gg, ggRep, err := metrics.FitGammaGamma(raw)
	if err != nil {
		return err
	}
	fmt.Printf("%s ll=%.2f\n", gg, ggRep.LogLikelihood)

	actual := 0
	for _, c := range raw {
		actual += c.HoldoutFrequency
	}
	fmt.Printf("\nnext %.0f weeks of the %d-customer base (observed: %d repeat purchases)\n", s.HoldoutLength(), len(raw), actual)
	fmt.Printf("%-10s %12s %12s %14s\n", "model", "purchases", "revenue $", "expected alive")
	for _, m := range []struct {
		name string
		pm   metrics.PurchaseModel
	}{{"BG/NBD", bg}, {"Pareto/NBD", pn}} {
		f, err := metrics.ForecastBase(m.pm, &gg, raw, s.HoldoutLength(), metrics.Weeks)
		if err != nil {
			return err
		}
		fmt.Printf("%-10s %12.1f %12.0f %14.1f\n", m.name, f.Purchases, f.Revenue, f.ExpectedAlive)
	}

	// One customer, as the paper's worked example.
	c := raw[0]
	clv, err := metrics.CLV(bg, gg, c, metrics.Horizon{Steps: 12, StepLength: 30.4375, StepUnit: metrics.Days}, 0.01, 1)
	if err != nil {
		return err
	}
	fmt.Printf("\ncustomer %s: x=%d t_x=%.2f T=%.2f  P(alive)=%.3f  E[purchases, 39 weeks]=%.3f  12-month CLV at 1%%/month=$%.2f\n",
		c.ID, c.Frequency, c.Recency, c.T, bg.PAlive(c.Frequency, c.Recency, c.T),
		bg.ConditionalExpectedPurchases(39, c.Frequency, c.Recency, c.T), clv)
	return nil
}
