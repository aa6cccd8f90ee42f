package rules_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/rules"
)

// TestReads: the facts a set's rules read, by path, whatever the
// expression's shape; a path above or below one read is read too.
func TestReads(t *testing.T) {
	paths := []string{"customer", "customer.Tier", "customer.Orders", "customer.LifetimeSpend", "customer.Birthday",
		"order", "order.Total", "order.Lines", "order.Channel", "now", "event"}
	for _, tc := range []struct {
		name, when, value string
		want              []string // of paths, the ones read
	}{
		{"a literal", "", "10", nil},
		{"a field", "", "floor(order.Total)", []string{"order", "order.Total"}},
		{"condition and value", `customer.Tier == "gold"`, "customer.Orders", []string{"customer", "customer.Tier", "customer.Orders"}},
		{"a helper's argument", "isBirthday(customer.Birthday, now, 3)", "5", []string{"customer", "customer.Birthday", "now"}},
		{"a predicate's elements are the lines'", `any(order.Lines, .Category == "beans")`, "1", []string{"order", "order.Lines"}},
		{"an index into a field", `order.Lines[0].Price > 10`, "1", []string{"order", "order.Lines"}},
		{"a constant string index", `customer["Tier"] == "gold"`, "1", []string{"customer", "customer.Tier"}},
		{"an optional chain", `customer?.Tier == "gold"`, "1", []string{"customer", "customer.Tier"}},
		{"a length", `len(order.Lines) > 2`, "1", []string{"order", "order.Lines"}},
		{"a ternary", "", `order.Channel == "web" ? customer.LifetimeSpend / 100 : dec(1)`, []string{"customer", "customer.LifetimeSpend", "order", "order.Channel"}},
		{"a date helper", `weekday(now) == "monday"`, "1", []string{"now"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, err := rules.Compile[shopFacts]([]rules.Rule{{ID: "r", Kind: rules.Accrual, When: tc.when, Value: tc.value}})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range paths {
				if set.Reads(p) {
					got = append(got, p)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("read (-want +got):\n%s", diff)
			}
		})
	}
}

// embeddingFacts embed shopFacts, as a host's extension of a library's
// facts does: its fields are read through the embedded struct's name or
// promoted, and Reads names them the same either way.
type embeddingFacts struct {
	Base
	Extra int `expr:"extra"`
}

// Base is shopFacts under an exported name, which expressions can name.
type Base = shopFacts

func TestReadsThroughEmbedding(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		want        []string
	}{
		{"promoted", "customer.Orders", []string{"customer", "customer.Orders"}},
		{"through the embedded struct", "Base.customer.Orders", []string{"customer", "customer.Orders"}},
		{"the extension's own", "extra", []string{"extra"}},
		{"the embedded struct whole", "Base != nil ? 1 : 0", []string{"customer", "customer.Orders", "customer.Tier", "order.Total", "extra"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, err := rules.Compile[embeddingFacts]([]rules.Rule{{ID: "r", Kind: rules.Accrual, Value: tc.value}})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range []string{"customer", "customer.Orders", "customer.Tier", "order.Total", "extra"} {
				if set.Reads(p) {
					got = append(got, p)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("read (-want +got):\n%s", diff)
			}
		})
	}
}
