package metrics

import (
	"cmp"
	"math"
	"slices"
)

// ComparableModel is a fitted purchase model that can be compared with
// others on the same data: its log-likelihood of calibration summaries
// and its number of free parameters. [BGNBD], [MBGNBD] and [ParetoNBD] are.
type ComparableModel interface {
	PurchaseModel
	LogLikelihood(cs []CustomerSummary) float64
	NumParams() int
}

// NumParams is the number of fitted parameters: 4 (r, α, a, b).
func (m BGNBD) NumParams() int { return 4 }

// NumParams is the number of fitted parameters: 4 (r, α, s, β).
func (m ParetoNBD) NumParams() int { return 4 }

// NumParams is the number of fitted parameters: 4 (r, α, a, b).
func (m MBGNBD) NumParams() int { return 4 }

// Candidate is a named model for [CompareModels].
type Candidate struct {
	Name  string
	Model ComparableModel
}

// ModelComparison is one model's line in [CompareModels]' table. All
// figures are float64 estimates.
type ModelComparison struct {
	Name   string
	Params int
	// LogLikelihood is of the calibration summaries; AIC = 2k − 2 ln L and
	// BIC = k ln n − 2 ln L with k = Params and n the number of customers:
	// the lower the better, and only comparable on the same summaries.
	LogLikelihood, AIC, BIC float64
	// DeltaAIC is AIC minus the lowest AIC of the table (0 for the best).
	DeltaAIC float64
	// Holdout is [EvaluateHoldout]'s errors of the model on the split.
	Holdout HoldoutErrors
}

// CompareModels puts models fitted on the same calibration summaries side
// by side: in-sample fit (log-likelihood, AIC, BIC over the customers of
// h) and out-of-sample accuracy on the holdout period. The table is
// sorted by AIC, lowest first (ties keep the order given). Every model
// must be in h.Unit and have a name, names must differ, and the errors of
// [EvaluateHoldout] apply.
func CompareModels(h Holdout, models ...Candidate) ([]ModelComparison, error) {
	const fn = "CompareModels"
	if len(models) == 0 {
		return nil, inputErr(fn, "models", "is empty")
	}
	seen := map[string]bool{}
	out := make([]ModelComparison, 0, len(models))
	for i, c := range models {
		switch {
		case c.Name == "":
			return nil, inputErr(fn, "models", "[%d] has no name", i)
		case seen[c.Name]:
			return nil, inputErr(fn, "models", "[%d]: the name %q is used twice", i, c.Name)
		case c.Model == nil:
			return nil, inputErr(fn, "models", "[%d] (%s) has no model", i, c.Name)
		}
		seen[c.Name] = true
		rows, err := predictHoldout(fn, c.Model, h)
		if err != nil {
			return nil, err
		}
		ll := c.Model.LogLikelihood(h.Customers)
		if math.IsNaN(ll) || math.IsInf(ll, 0) {
			return nil, inputErr(fn, "models", "[%d] (%s) has log-likelihood %v on the summaries", i, c.Name, ll)
		}
		k, n := float64(c.Model.NumParams()), float64(len(h.Customers))
		out = append(out, ModelComparison{
			Name: c.Name, Params: c.Model.NumParams(), LogLikelihood: ll,
			AIC: 2*k - 2*ll, BIC: k*math.Log(n) - 2*ll,
			Holdout: holdoutErrors(rows),
		})
	}
	slices.SortStableFunc(out, func(a, b ModelComparison) int { return cmp.Compare(a.AIC, b.AIC) })
	for i := range out {
		out[i].DeltaAIC = out[i].AIC - out[0].AIC
	}
	return out, nil
}
