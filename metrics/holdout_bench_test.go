package metrics_test

import (
	"fmt"
	"testing"

	"github.com/loyalkit/loyalkit/internal/refdata"
	"github.com/loyalkit/loyalkit/metrics"
)

// BenchmarkEvaluateHoldout: the CDNOW split (2,357 customers) and 1M
// customers made of 425 copies of it (the same histories, so the
// grouping predicts each distinct history once).
func BenchmarkEvaluateHoldout(b *testing.B) {
	h, bg, pn := cdnowHoldout(b)
	big := h
	big.Customers = tile(h.Customers, 425)
	for _, bc := range []struct {
		name string
		pm   metrics.PurchaseModel
		h    metrics.Holdout
	}{{"bgnbd/cdnow", bg, h}, {"bgnbd/1M", bg, big}, {"paretonbd/cdnow", pn, h}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := metrics.EvaluateHoldout(bc.pm, bc.h, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTracker reads a log into a Tracker and draws the weekly
// curve: CDNOW_master (69,659 purchases, 23,570 customers) and 15 copies
// of it under new customer ids (1,044,885 purchases).
func BenchmarkTracker(b *testing.B) {
	ps, err := refdata.CDNOWTransactions("", "CDNOW_master.txt")
	if err != nil {
		b.Fatal(err)
	}
	big := make([]metrics.Purchase, 0, 15*len(ps))
	for i := range 15 {
		for _, p := range ps {
			p.Customer = fmt.Sprintf("%s-%d", p.Customer, i)
			big = append(big, p)
		}
	}
	bg := metrics.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426, Unit: metrics.Weeks}
	for _, bc := range []struct {
		name string
		ps   []metrics.Purchase
	}{{"master", ps}, {"1M", big}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				tr, _ := metrics.NewTracker(cdnowConfig)
				if err := tr.AddAll(refdata.Seq(bc.ps)); err != nil {
					b.Fatal(err)
				}
				if _, err := tr.Curve(bg, metrics.Weeks); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
