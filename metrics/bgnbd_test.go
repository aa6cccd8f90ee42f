package metrics_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/loyalkit/loyalkit/internal/refdata"
	"github.com/loyalkit/loyalkit/metrics"
)

// cdnowPublished reads the published 2,357-customer calibration summary.
func cdnowPublished(t testing.TB) []metrics.CustomerSummary {
	t.Helper()
	rows, err := refdata.CDNOWSummary("", "cdnow_customers_summary_with_transactions.csv")
	if err != nil {
		t.Fatal(err)
	}
	out := make([]metrics.CustomerSummary, len(rows))
	for i, r := range rows {
		out[i] = metrics.CustomerSummary{ID: fmt.Sprint(r.ID), Frequency: r.X, Recency: r.Tx, T: r.T, Monetary: r.Monetary, Unit: metrics.Weeks}
	}
	return out
}

func TestFitBGNBDPublished(t *testing.T) {
	m, rep, err := metrics.FitBGNBD(cdnowPublished(t))
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("%s ll=%.2f", m, rep.LogLikelihood)
	want := "bgnbd r=0.2426 alpha=4.4135 a=0.7929 b=2.4258 ll=-9582.43"
	if got != want {
		t.Errorf("FitBGNBD(CDNOW) = %s\nwant              %s", got, want)
	}
	// The paper's three-decimal values (Fader, Hardie & Lee 2005).
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"r", m.R, 0.243}, {"alpha", m.Alpha, 4.414}, {"a", m.A, 0.793}, {"b", m.B, 2.426}} {
		t.Run(c.name, func(t *testing.T) {
			if math.Abs(c.got-c.want) > 5e-4 {
				t.Errorf("%s = %.5f, paper %.3f", c.name, c.got, c.want)
			}
		})
	}
	t.Logf("%d groups, %d iterations, %d evaluations", rep.Groups, rep.Iterations, rep.Evaluations)
}
