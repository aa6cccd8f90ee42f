package loyalty

import (
	"fmt"
	"math"
	"time"

	"github.com/loyalkit/loyalkit/internal/enum"
)

// BreakageMethod is how [Development.Breakage] projects each cohort's
// redemptions to the end of its development.
type BreakageMethod uint8

// The breakage methods. The zero value is unset: a method must be chosen.
const (
	MethodUnset BreakageMethod = iota
	// ChainLadder develops each cohort's cumulative redeemed points by the
	// volume-weighted age-to-age factors of the cohorts observed longer
	// (f_k = ΣC[k+1] / ΣC[k]), with Mack's (1993) distribution-free
	// standard errors. It cannot develop a cohort with nothing redeemed
	// yet (a multiple of zero stays zero): such a cohort is not estimated.
	ChainLadder
	// AdditiveRate adds to each cohort's share redeemed so far the share
	// of net points the older cohorts redeemed at each later age (m_k =
	// ΣΔC[k] / Σnet, the additive or incremental-loss-ratio method), with
	// the standard errors of Mack's (2002) additive model. It estimates
	// young cohorts too, from their points alone.
	AdditiveRate
)

var methodNames = [...]string{"", "chain_ladder", "additive_rate"}

func (m BreakageMethod) String() string { return enum.String(m, "BreakageMethod", methodNames[:]) }
func (m BreakageMethod) MarshalText() ([]byte, error) {
	return enum.Marshal("loyalty", m, methodNames[:])
}
func (m *BreakageMethod) UnmarshalText(b []byte) (err error) {
	*m, err = enum.Parse[BreakageMethod]("loyalty", "breakage method", string(b), methodNames[:], false)
	return err
}

// BreakageEstimate is the expected share of each cohort's points that
// will never be redeemed (breakage = 1 − ultimate share redeemed, with
// points repaid against a debt counted as redeemed), and how sure the
// method can be. Shares and errors are float64 estimates.
//
// What the standard errors cover, and what they do not: they are Mack's
// estimates of the prediction error of each cohort's (and the total's)
// ultimate redemptions under the method's own model — that cohorts
// develop alike, in proportion to what they redeemed so far (chain
// ladder) or to their points (additive), with independent noise. They do
// not cover a change of behaviour or programme over time, nor development
// after the longest age observed: the oldest cohort's redemptions after
// AsOf are taken as none (no tail factor), so with points that never
// expire and redemptions still going on at the oldest age, breakage is
// overstated. Where a variance parameter cannot be estimated (one cohort
// observed at an age) it is extrapolated as Mack does, from the two ages
// before it. A cohort with nothing outstanding is Complete: its breakage
// is the observed one, with a zero error.
type BreakageEstimate struct {
	Method BreakageMethod
	// Rates are per age k: for the chain ladder, the factor from age k to
	// k+1; for the additive method, the share of net points redeemed at
	// age k. Variances are the matching σ²_k (chain ladder) or s²_k
	// (additive).
	Rates, Variances []float64
	Cohorts          []CohortBreakage
	// Net is the net points of the estimated cohorts; Breakage their
	// breakage weighted by net points, and StdErr its standard error
	// (the cohorts' errors are correlated through the shared rates; Mack's
	// total includes that).
	Net, Breakage, StdErr float64
	// Outstanding is the estimated cohorts' points outstanding at AsOf;
	// Future the part of them expected to be redeemed still (the reserve:
	// ultimate less redeemed so far); OutstandingBreakage = 1 − Future /
	// Outstanding is the share of the outstanding points expected never
	// to be redeemed — the breakage to value a liability at AsOf with
	// (LiabilityConfig.Breakage), rather than Breakage, which is of all
	// the points ever earned — and OutstandingStdErr its standard error.
	Outstanding, Future, OutstandingBreakage, OutstandingStdErr float64
	// Skipped counts the cohorts not estimated (see CohortBreakage.Note).
	Skipped int
}

// CohortBreakage is the breakage estimate of one cohort.
type CohortBreakage struct {
	Month time.Time
	// Net is the cohort's net points (Cohort.Net); Observed the months of
	// development observed (len(Cohort.Ages)); RedeemedSoFar the share
	// redeemed by the end of the last of them (AsOf, when Complete).
	Net           float64
	Observed      int
	RedeemedSoFar float64
	// Ultimate is the share expected to be redeemed in the end, Breakage
	// 1 − Ultimate, StdErr the standard error of both.
	Ultimate, Breakage, StdErr float64
	// Complete: nothing is outstanding at AsOf, so the cohort's outcome is
	// known (StdErr 0).
	Complete bool
	// Estimated is false when the method cannot estimate the cohort; Note
	// says why (and, when it is estimated, anything to know about it).
	Estimated bool
	Note      string
}

// Breakage estimates the ultimate breakage of each cohort, and of all of
// them, by method m (see [BreakageMethod] and [BreakageEstimate] for what
// the estimate assumes). It needs at least one cohort with net points.
func (d Development) Breakage(m BreakageMethod) (BreakageEstimate, error) {
	if m != ChainLadder && m != AdditiveRate {
		return BreakageEstimate{}, &FieldError{Field: "method", Message: fmt.Sprintf("%v is not a breakage method (chain_ladder, additive_rate)", m)}
	}
	t := newTriangle(d)
	if len(t.rows) == 0 {
		return BreakageEstimate{}, fmt.Errorf("%w: no cohort kept any points: nothing to estimate", ErrInvalidInput)
	}
	var est BreakageEstimate
	if m == ChainLadder {
		est = t.chainLadder()
	} else {
		est = t.additive()
	}
	est.Method = m
	return est, nil
}

// triangle is a Development as float64 cumulative redemptions.
type triangle struct {
	rows []triRow
	K    int // the longest development observed, as the last age index (−1: none)
}

type triRow struct {
	month    time.Time
	net      float64
	c        []float64 // cumulative redeemed + repaid at the end of each observed age
	last     int       // len(c) − 1: the last observed age (−1: none)
	complete bool
	final    float64 // redeemed + repaid at AsOf
	out      float64 // outstanding at AsOf
}

func newTriangle(d Development) triangle {
	t := triangle{K: -1}
	for _, co := range d.Cohorts {
		net := co.Net().InexactFloat64()
		if !(net > 0) {
			continue
		}
		r := triRow{month: co.Month, net: net, last: len(co.Ages) - 1, complete: co.Latest.Outstanding.Sign() <= 0,
			final: co.Latest.Redeemed.Add(co.Latest.Repaid).InexactFloat64(), out: co.Latest.Outstanding.InexactFloat64()}
		for _, s := range co.Ages {
			r.c = append(r.c, s.Redeemed.Add(s.Repaid).InexactFloat64())
		}
		t.K = max(t.K, r.last)
		t.rows = append(t.rows, r)
	}
	return t
}

// extrapolate fills the variances no two cohorts could estimate (NaN) as
// Mack does: σ²_k = min(σ⁴_{k−1}/σ²_{k−2}, σ²_{k−2}, σ²_{k−1}), or the
// one before when there is only one; 0 when there is none.
func extrapolate(v []float64) []string {
	var notes []string
	for k := range v {
		if !math.IsNaN(v[k]) {
			continue
		}
		switch {
		case k >= 2 && v[k-2] > 0:
			v[k] = min(v[k-1]*v[k-1]/v[k-2], v[k-2], v[k-1])
		case k >= 1:
			v[k] = v[k-1]
		default:
			v[k] = 0
		}
		notes = append(notes, fmt.Sprint(k))
	}
	return notes
}

// known is the estimate of a cohort whose outcome is known or that
// cannot develop further.
func (r *triRow) known(note string) CohortBreakage {
	u := r.final / r.net
	if !r.complete && r.last >= 0 {
		u = r.c[r.last] / r.net
	}
	return CohortBreakage{Month: r.month, Net: r.net, Observed: r.last + 1, RedeemedSoFar: u, Ultimate: u, Breakage: 1 - u,
		Complete: r.complete, Estimated: true, Note: note}
}

func (r *triRow) base() CohortBreakage {
	so := 0.0
	if r.last >= 0 {
		so = r.c[r.last] / r.net
	}
	return CohortBreakage{Month: r.month, Net: r.net, Observed: r.last + 1, RedeemedSoFar: so}
}

// chainLadder is Mack's (1993) chain ladder on the cumulative redeemed
// points.
func (t triangle) chainLadder() BreakageEstimate {
	K := t.K
	f := make([]float64, max(K, 0))
	s2 := make([]float64, max(K, 0))
	S := make([]float64, max(K, 0)) // Σ C[i][k] over the cohorts observed at k+1
	for k := 0; k < K; k++ {
		var num, den float64
		n := 0
		for _, r := range t.rows {
			if r.last >= k+1 {
				num += r.c[k+1]
				den += r.c[k]
				if r.c[k] > 0 {
					n++
				}
			}
		}
		S[k] = den
		f[k] = 1
		if den > 0 {
			f[k] = num / den
		}
		if n < 2 {
			s2[k] = math.NaN()
			continue
		}
		var ss float64
		for _, r := range t.rows {
			if r.last >= k+1 && r.c[k] > 0 {
				d := r.c[k+1]/r.c[k] - f[k]
				ss += r.c[k] * d * d
			}
		}
		s2[k] = ss / float64(n-1)
	}
	notes := extrapolate(s2)
	est := BreakageEstimate{Rates: f, Variances: s2}
	type proj struct {
		ult  float64
		last int
	}
	var projected []proj
	var ultSum, mseSum float64
	for i := range t.rows {
		r := &t.rows[i]
		var cb CohortBreakage
		switch {
		case r.complete:
			cb = r.known("")
		case r.last == K:
			cb = r.known("the longest observed: no development after it is assumed")
		case r.last < 0 || r.c[r.last] <= 0:
			cb = r.base()
			cb.Note = "nothing redeemed yet: the chain ladder cannot develop it (use the additive method)"
		default:
			c, terms := r.c[r.last], 0.0
			for k := r.last; k < K; k++ {
				if S[k] > 0 && f[k] > 0 {
					terms += s2[k] / (f[k] * f[k]) * (1/c + 1/S[k])
				}
				c *= f[k]
			}
			mse := c * c * terms
			cb = r.base()
			cb.Ultimate, cb.Estimated = c/r.net, true
			cb.Breakage, cb.StdErr = 1-cb.Ultimate, math.Sqrt(mse)/r.net
			mseSum += mse
			projected = append(projected, proj{c, r.last})
		}
		if !cb.Estimated {
			est.Skipped++
		} else {
			est.Net += r.net
			ultSum += cb.Ultimate * r.net
			est.addOutstanding(r, cb)
		}
		est.Cohorts = append(est.Cohorts, withNotes(cb, r.last, K, notes))
	}
	// The cohorts' errors are correlated through the shared factors
	// (Mack 1993, the total reserve's MSE).
	for i := range projected {
		for j := i + 1; j < len(projected); j++ {
			var sum float64
			for k := max(projected[i].last, projected[j].last); k < K; k++ {
				if S[k] > 0 && f[k] > 0 {
					sum += 2 * s2[k] / (f[k] * f[k]) / S[k]
				}
			}
			mseSum += 2 * projected[i].ult * projected[j].ult * sum
		}
	}
	est.finish(ultSum, mseSum)
	return est
}

// additive is Mack's (2002) additive method on the share of net points
// redeemed at each age.
func (t triangle) additive() BreakageEstimate {
	K := t.K
	m := make([]float64, K+1)
	s2 := make([]float64, K+1)
	V := make([]float64, K+1) // Σ net over the cohorts observed at k
	z := func(r *triRow, k int) float64 {
		if k == 0 {
			return r.c[0]
		}
		return r.c[k] - r.c[k-1]
	}
	for k := 0; k <= K; k++ {
		var num, den float64
		n := 0
		for i := range t.rows {
			if r := &t.rows[i]; r.last >= k {
				num += z(r, k)
				den += r.net
				n++
			}
		}
		V[k], m[k] = den, num/den // den > 0: some cohort is observed at every age up to K
		if n < 2 {
			s2[k] = math.NaN()
			continue
		}
		var ss float64
		for i := range t.rows {
			if r := &t.rows[i]; r.last >= k {
				d := z(r, k)/r.net - m[k]
				ss += r.net * d * d
			}
		}
		s2[k] = ss / float64(n-1)
	}
	notes := extrapolate(s2)
	est := BreakageEstimate{Rates: m, Variances: s2}
	var ultSum float64
	A := make([]float64, K+1) // Σ net of the estimated cohorts still to develop at k
	for i := range t.rows {
		r := &t.rows[i]
		var cb CohortBreakage
		switch {
		case r.complete:
			cb = r.known("")
		case r.last == K:
			cb = r.known("the longest observed: no development after it is assumed")
		default:
			cb = r.base()
			u, mse := cb.RedeemedSoFar, 0.0
			for k := r.last + 1; k <= K; k++ {
				u += m[k]
				mse += s2[k] * (r.net + r.net*r.net/V[k])
				A[k] += r.net
			}
			cb.Ultimate, cb.Breakage, cb.StdErr, cb.Estimated = u, 1-u, math.Sqrt(mse)/r.net, true
		}
		est.Net += r.net
		ultSum += cb.Ultimate * r.net
		est.addOutstanding(r, cb)
		est.Cohorts = append(est.Cohorts, withNotes(cb, r.last, K, notes))
	}
	var mseSum float64
	for k := 0; k <= K; k++ {
		if A[k] > 0 {
			mseSum += s2[k] * (A[k] + A[k]*A[k]/V[k])
		}
	}
	est.finish(ultSum, mseSum)
	return est
}

// withNotes adds to a projected cohort's note which of the ages it was
// projected over had an extrapolated variance.
func withNotes(cb CohortBreakage, last, K int, extrapolated []string) CohortBreakage {
	if !cb.Estimated || cb.Complete || last >= K || len(extrapolated) == 0 {
		return cb
	}
	note := fmt.Sprintf("variance extrapolated at ages %v", extrapolated)
	if cb.Note != "" {
		note = cb.Note + "; " + note
	}
	cb.Note = note
	return cb
}

// addOutstanding adds an estimated cohort's outstanding points and the
// part of them expected to be redeemed still.
func (e *BreakageEstimate) addOutstanding(r *triRow, cb CohortBreakage) {
	e.Outstanding += max(r.out, 0)
	e.Future += min(max(cb.Ultimate*r.net-r.final, 0), max(r.out, 0))
}

// finish sets the overall breakage from the estimated cohorts' ultimate
// redemptions and their total MSE (which is the MSE of the reserve too:
// what was redeemed so far is known).
func (e *BreakageEstimate) finish(ultSum, mseSum float64) {
	se := math.Sqrt(max(mseSum, 0))
	if e.Net > 0 {
		e.Breakage = 1 - ultSum/e.Net
		e.StdErr = se / e.Net
	}
	if e.Outstanding > 0 {
		e.OutstandingBreakage = 1 - e.Future/e.Outstanding
		e.OutstandingStdErr = se / e.Outstanding
	}
}
