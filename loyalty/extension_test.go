package loyalty_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/loyalkit/loyalkit/rules"
	"github.com/shopspring/decimal"
)

// shopFacts is a host's own facts: a number, a decimal, a time, a string
// and a slice.
type shopFacts struct {
	Margin   decimal.Decimal
	Visits   int
	Store    string
	Lines    []shopLine
	LastCall time.Time
}

type shopLine struct {
	Brand string
}

func extConfig(extra ...rules.Rule) loyalty.Config {
	cfg := coffeeConfig()
	cfg.Rules = append(append(cfg.Rules,
		rules.Rule{ID: "lavazza", Kind: rules.Accrual, When: `any(ext.Lines, .Brand == "Lavazza") && customer.Tier == ""`, Value: "order.Total * 0.10"},
		rules.Rule{ID: "margin", Kind: rules.Discount, Unit: rules.Amount, When: `ext.Margin >= 0.3 && ext.Store == "almaty-1"`, Value: "100"},
		rules.Rule{ID: "regular", Kind: rules.Gift, When: "ext.Visits >= 10", Value: `"mug"`},
		rules.Rule{ID: "call-back", Kind: rules.Gift, When: "daysSince(ext.LastCall, now) >= 30", Value: `"voucher"`},
	), extra...)
	return cfg
}

func TestCompileWith(t *testing.T) {
	p, err := loyalty.CompileWith[shopFacts](extConfig())
	if err != nil {
		t.Fatal(err)
	}
	c := loyalty.Customer{ID: "c", Ext: shopFacts{Margin: d("0.35"), Visits: 12, Store: "almaty-1",
		Lines: []shopLine{{Brand: "Illy"}, {Brand: "Lavazza"}}, LastCall: at(1, 1)}}
	o := loyalty.Order{ID: "o1", Total: d("2000")}
	r, err := p.Quote(loyalty.Account{}, c, o, at(3, 1))
	if err != nil {
		t.Fatal(err)
	}
	// 10 % (lavazza) + 5 % (base) of 2,000, scaled by money 1,900 / goods 2,000.
	if !r.Points.Equal(d("285")) || !r.Discount.Equal(d("100")) || strings.Join(r.Gifts, ",") != "mug,voucher" {
		t.Errorf("points %s discount %s gifts %v; want 285, 100, [mug voucher]", r.Points, r.Discount, r.Gifts)
	}
	// nil Ext: the zero shopFacts, so none applies (a zero time is unknown).
	r, err = p.Quote(loyalty.Account{}, loyalty.Customer{ID: "c"}, o, at(3, 1))
	if err != nil || !r.Points.Equal(d("100")) || !r.Discount.IsZero() || len(r.Gifts) != 0 {
		t.Errorf("nil Ext: %v points %s discount %s gifts %v; want 100, 0, none", err, r.Points, r.Discount, r.Gifts)
	}
}

// The host's facts are type-checked: a wrong field or a wrong type does
// not compile, with the rule and the position.
func TestCompileWithTypeChecks(t *testing.T) {
	for _, tc := range []struct{ value, want string }{
		{`ext.Margn > 1 ? 1 : 0`, "Margn"},
		{`ext.Store > 1 ? 1 : 0`, "1:"},
		{`ext.Lines[0].Brand * 2`, "1:"},
	} {
		_, err := loyalty.CompileWith[shopFacts](extConfig(rules.Rule{ID: "bad", Kind: rules.Accrual, Value: tc.value}))
		var ce *rules.CompileError
		if !errors.As(err, &ce) || len(ce.Errors) != 1 || ce.Errors[0].RuleID != "bad" || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want one error on rule bad mentioning %q", tc.value, err, tc.want)
		}
	}
	// Without the extension, ext is unknown.
	if _, err := loyalty.Compile(extConfig()); err == nil || !strings.Contains(err.Error(), "ext") {
		t.Errorf("ext under Compile: %v", err)
	}
}

// An extension of another type than the programme's, or one given to a
// programme without an extension, is refused and changes nothing.
func TestExtensionMismatch(t *testing.T) {
	withExt, err := loyalty.CompileWith[shopFacts](extConfig())
	if err != nil {
		t.Fatal(err)
	}
	plain := mustProgram(t, coffeeConfig())
	a := funded(t, plain)
	for name, tc := range map[string]struct {
		p   *loyalty.Program
		ext any
	}{
		"pointer instead of value": {withExt, &shopFacts{}},
		"another type":             {withExt, "margin=0.3"},
		"ext without extension":    {plain, shopFacts{}},
	} {
		c := loyalty.Customer{ID: "c", Ext: tc.ext}
		got, _, err := tc.p.Purchase(a, c, loyalty.Order{ID: "o1", Total: d("100")}, at(3, 20))
		if !errors.Is(err, loyalty.ErrInvalidInput) || !strings.Contains(err.Error(), "Ext") || got.Version() != a.Version() {
			t.Errorf("%s: %v (version %d → %d)", name, err, a.Version(), got.Version())
		}
		if _, _, err := tc.p.Event(a, c, loyalty.Event{ID: "e", Kind: "birthday"}, at(3, 20)); !errors.Is(err, loyalty.ErrInvalidInput) {
			t.Errorf("%s, event: %v", name, err)
		}
	}
}

// The step budget counts the host's slices as well as the order's lines
// (the estimate takes the longest collection for every walk, so the
// order-line rule "beans" is not run either): a rule over a long ext slice
// is not run, and the purchase goes on.
func TestExtensionStepBudget(t *testing.T) {
	cfg := coffeeConfig()
	cfg.Rules = append(cfg.Rules, rules.Rule{ID: "brands", Kind: rules.Accrual, When: `any(ext.Lines, .Brand == "Lavazza")`, Value: "10"})
	p, err := loyalty.CompileWith[shopFacts](cfg, rules.WithLimits(rules.Limits{MaxRuleSteps: 500}))
	if err != nil {
		t.Fatal(err)
	}
	for n, wantFailed := range map[int]bool{10: false, 1000: true} {
		lines := make([]shopLine, n)
		lines[n-1].Brand = "Lavazza"
		_, r, err := p.Purchase(loyalty.Account{}, loyalty.Customer{ID: "c", Ext: shopFacts{Lines: lines}}, loyalty.Order{ID: "o", Total: d("100")}, at(3, 1))
		failed := slices.ContainsFunc(r.RuleFailures, func(re *rules.RuleError) bool { return re.RuleID == "brands" })
		if err != nil || failed != wantFailed || (!wantFailed && !r.Points.Equal(d("15"))) {
			t.Errorf("%d ext lines: %v, failures %v, points %s", n, err, r.RuleFailures, r.Points)
		}
	}
}
