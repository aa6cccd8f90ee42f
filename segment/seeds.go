package segment

import (
	"fmt"
	"slices"

	"github.com/shopspring/decimal"
)

// SeedParams are the thresholds of the source articles' segmentation.
type SeedParams struct {
	// VIPSpend and VIPOrders: a customer who spent at least VIPSpend, or
	// bought at least VIPOrders times, in the recent period is VIP.
	VIPSpend  decimal.Decimal
	VIPOrders int
	// DifficultShare: a customer with at least DifficultMinOrders orders
	// whose returns plus complaints reach this share of their orders is
	// difficult (0.3: three problems in ten orders).
	DifficultShare     float64
	DifficultMinOrders int
}

// SeedSegments is the articles' segmentation, best first: "vip" (frequent,
// large, most profitable), "difficult" (decent revenue, many problems),
// "current" (bought in the recent period), and the default "lapsed".
func SeedSegments(p SeedParams) ([]Definition, string, error) {
	switch {
	case !p.VIPSpend.IsPositive() || p.VIPOrders <= 0:
		return nil, "", inputErr("SeedSegments", "VIP", "thresholds must be positive (spend %s, orders %d)", p.VIPSpend, p.VIPOrders)
	case !(p.DifficultShare > 0 && p.DifficultShare <= 1):
		return nil, "", inputErr("SeedSegments", "DifficultShare", "%v is outside (0, 1]", p.DifficultShare)
	case p.DifficultMinOrders <= 0:
		return nil, "", inputErr("SeedSegments", "DifficultMinOrders", "must be positive, got %d", p.DifficultMinOrders)
	}
	share := decimal.NewFromFloat(p.DifficultShare)
	return []Definition{
		{Name: "vip", When: fmt.Sprintf("SpendInPeriod >= %s || OrdersInPeriod >= %d", p.VIPSpend, p.VIPOrders)},
		{Name: "difficult", When: fmt.Sprintf("Orders >= %d && Returns + Complaints >= %s * Orders", p.DifficultMinOrders, share)},
		{Name: "current", When: "OrdersInPeriod >= 1"},
	}, "lapsed", nil
}

// TopSpendThreshold is the SpendInPeriod that the top share of profiles
// (0.05: the top 5 %) reach: use it as SeedParams.VIPSpend for "VIP is the
// top X %". Ties at the threshold are all included.
func TopSpendThreshold(ps []Profile, share float64) (decimal.Decimal, error) {
	if len(ps) == 0 {
		return decimal.Zero, inputErr("TopSpendThreshold", "profiles", "is empty")
	}
	if !(share > 0 && share <= 1) {
		return decimal.Zero, inputErr("TopSpendThreshold", "share", "%v is outside (0, 1]", share)
	}
	spends := make([]decimal.Decimal, len(ps))
	for i, p := range ps {
		spends[i] = p.SpendInPeriod
	}
	slices.SortFunc(spends, func(a, b decimal.Decimal) int { return b.Cmp(a) })
	k := int(share * float64(len(ps)))
	if k < 1 {
		k = 1
	}
	return spends[k-1], nil
}
