package campaign

import (
	"bytes"
	"errors"
	"slices"
	"time"
)

// CouponConfig is a coupon campaign: its codes, when they may be used and
// how often. A plain value, in Go or JSON; [CompileCoupons] checks it.
type CouponConfig struct {
	// Campaign names the campaign (in entries as "coupons:<campaign>").
	Campaign string     `json:"campaign"`
	Format   CodeFormat `json:"format"`
	// ValidFrom (inclusive) and ValidUntil (exclusive) bound when the
	// codes may be used; a zero bound is open.
	ValidFrom  time.Time `json:"valid_from,omitzero"`
	ValidUntil time.Time `json:"valid_until,omitzero"`
	// UsesPerCode is how many orders may use one code: 1 for single-use
	// codes. Required (at least 1).
	UsesPerCode int `json:"uses_per_code"`
	// PerCustomer is how many orders of one customer may use the
	// campaign's codes, all codes together (0: no limit).
	PerCustomer int `json:"per_customer,omitempty"`
	// Batches are generated codes; Codes are codes chosen by hand.
	Batches []Batch     `json:"batches,omitempty"`
	Codes   []FixedCode `json:"codes,omitempty"`
}

// Batch is a run of generated codes ([GenerateCodes]): Count bearer codes
// (anyone may use them), or one personal code per customer in Customers
// (code i is Customers[i]'s). Each batch avoids the codes of the batches
// and fixed codes before it, so adding a batch at the end never changes
// the codes already issued.
type Batch struct {
	ID        string   `json:"id"`
	Seed      []byte   `json:"seed"`
	Count     int      `json:"count,omitempty"`
	Customers []string `json:"customers,omitempty"`
}

// FixedCode is a code chosen by hand ("WELCOME10"): 3 to 32 capitals and
// digits once normalised (any, including 0, O, 1, I, L). Uses overrides
// UsesPerCode (0: the campaign's); Customer makes it personal; a non-zero
// ValidFrom or ValidUntil overrides the campaign's.
type FixedCode struct {
	Code       string    `json:"code"`
	Uses       int       `json:"uses,omitempty"`
	Customer   string    `json:"customer,omitempty"`
	ValidFrom  time.Time `json:"valid_from,omitzero"`
	ValidUntil time.Time `json:"valid_until,omitzero"`
}

// Validate checks the configuration without generating codes; every
// problem is reported at once.
func (c CouponConfig) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) { errs = append(errs, fieldErr(field, format, args...)) }
	if err := checkID("campaign", c.Campaign); err != nil {
		errs = append(errs, err)
	}
	if err := c.Format.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := checkSpan("valid_until", c.ValidFrom, c.ValidUntil); err != nil {
		errs = append(errs, err)
	}
	if c.UsesPerCode < 1 {
		bad("uses_per_code", "%d must be at least 1 (1: single-use codes)", c.UsesPerCode)
	}
	if c.PerCustomer < 0 {
		bad("per_customer", "%d is negative (0: no limit)", c.PerCustomer)
	}
	if len(c.Batches) == 0 && len(c.Codes) == 0 {
		bad("batches", "a campaign needs codes: a batch or a fixed code")
	}
	ids := map[string]bool{}
	total := 0
	for i, b := range c.Batches {
		if err := checkID("batches", b.ID); err != nil {
			bad("batches", "[%d] id: %v", i, err)
		} else if ids[b.ID] {
			bad("batches", "[%d] id %q is a duplicate", i, b.ID)
		}
		ids[b.ID] = true
		for k := range i {
			if bytes.Equal(c.Batches[k].Seed, b.Seed) {
				bad("batches", "[%d] %q has the seed of [%d] %q: each batch needs its own", i, b.ID, k, c.Batches[k].ID)
			}
		}
		n := b.Count
		switch {
		case len(b.Customers) > 0 && b.Count != 0 && b.Count != len(b.Customers):
			bad("batches", "[%d] %q count %d is not the number of customers (%d)", i, b.ID, b.Count, len(b.Customers))
		case len(b.Customers) > 0:
			n = len(b.Customers)
		case b.Count < 1:
			bad("batches", "[%d] %q count %d must be positive", i, b.ID, b.Count)
		}
		for k, cust := range b.Customers {
			if err := checkID("customer", cust); err != nil {
				bad("batches", "[%d] %q customers[%d]: %v", i, b.ID, k, err)
				break
			}
		}
		if len(b.Seed) < MinSeed {
			bad("batches", "[%d] %q seed is %d bytes; at least %d are needed (a secret from crypto/rand)", i, b.ID, len(b.Seed), MinSeed)
		}
		total += max(n, 0)
	}
	if c.Format.Validate() == nil && total > c.Format.MaxCodes() {
		bad("batches", "%d codes are more than a %d-character code can keep unguessable (at most %d); use a longer format length", total, c.Format.length(), c.Format.MaxCodes())
	}
	seen := map[string]int{}
	for i, fc := range c.Codes {
		code := Normalize(fc.Code)
		switch {
		case len(code) < 3 || len(code) > 32 || !capitalsAndDigits(code):
			bad("codes", "[%d] %q must be 3 to 32 capitals and digits once normalised", i, clip(fc.Code))
		case seen[code] > 0:
			bad("codes", "[%d] %q is the code of [%d] too", i, fc.Code, seen[code]-1)
		}
		seen[code] = i + 1
		if fc.Uses < 0 {
			bad("codes", "[%d] %q uses %d is negative (0: the campaign's uses_per_code)", i, fc.Code, fc.Uses)
		}
		if err := checkOptionalID("customer", fc.Customer); err != nil {
			bad("codes", "[%d] %q: %v", i, fc.Code, err)
		}
		if err := checkSpan("valid_until", fc.ValidFrom, fc.ValidUntil); err != nil {
			bad("codes", "[%d] %q: %v", i, fc.Code, err)
		}
	}
	return errors.Join(errs...)
}

func capitalsAndDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// Coupons is a compiled coupon campaign: its configuration and every
// code it issued, ready for lookups. It is immutable and safe for
// concurrent use. Its state — which codes were used, by whom — is a
// [CouponBook].
type Coupons struct {
	cfg     CouponConfig
	ledger  string
	compat  string
	batches []batchSet
	fixed   map[string]int // normalised code → index in cfg.Codes
	fixedN  []string       // the normalised fixed codes
}

type batchSet struct {
	id        string
	vals      []uint64 // in issue order
	sorted    sortedSet
	customers []string
}

// CompileCoupons checks cfg and generates its codes (a million in about
// 0.2 s on one core; see the README). Compile once and share the result.
func CompileCoupons(cfg CouponConfig) (*Coupons, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.clone()
	c := &Coupons{cfg: cfg, ledger: "coupons:" + cfg.Campaign, fixed: make(map[string]int, len(cfg.Codes))}
	c.compat = newFingerprint('c').str(cfg.Campaign).str(cfg.Format.Prefix).num(int64(cfg.Format.length())).sum()
	var avoid []uint64
	var p parsed
	for i, fc := range cfg.Codes {
		code := Normalize(fc.Code)
		c.fixed[code] = i
		c.fixedN = append(c.fixedN, code)
		if cfg.Format.parse(code, &p); p.reason == NoReason {
			avoid = append(avoid, p.body)
		}
	}
	slices.Sort(avoid)
	for _, b := range cfg.Batches {
		n := b.Count
		if len(b.Customers) > 0 {
			n = len(b.Customers)
		}
		vals, sorted := cfg.Format.generate(b.Seed, n, avoid)
		set := sortedSet{vals: sorted}
		if len(b.Customers) > 0 {
			set = newSortedSet(vals)
		}
		c.batches = append(c.batches, batchSet{id: b.ID, vals: vals, sorted: set, customers: b.Customers})
		avoid = mergeSorted(avoid, sorted)
	}
	return c, nil
}

func mergeSorted(a, b []uint64) []uint64 {
	out := make([]uint64, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if a[i] <= b[j] {
			out = append(out, a[i])
			i++
		} else {
			out = append(out, b[j])
			j++
		}
	}
	return append(append(out, a[i:]...), b[j:]...)
}

func (c CouponConfig) clone() CouponConfig {
	c.Batches = slices.Clone(c.Batches)
	for i := range c.Batches {
		c.Batches[i].Seed = slices.Clone(c.Batches[i].Seed)
		c.Batches[i].Customers = slices.Clone(c.Batches[i].Customers)
	}
	c.Codes = slices.Clone(c.Codes)
	return c
}

// Config returns a copy of the campaign's configuration.
func (c *Coupons) Config() CouponConfig { return c.cfg.clone() }

// Codes returns the codes of batch id, in the order they were issued
// (for a personal batch, code i is Customers[i]'s), or nil for an unknown
// batch.
func (c *Coupons) Codes(batch string) []string {
	for _, b := range c.batches {
		if b.id == batch {
			return c.cfg.Format.strings(b.vals)
		}
	}
	return nil
}

// Len is the number of codes the campaign issued.
func (c *Coupons) Len() int {
	n := len(c.cfg.Codes)
	for _, b := range c.batches {
		n += len(b.vals)
	}
	return n
}

// codeInfo is what a code's terms are.
type codeInfo struct {
	code        string // normalised ("" until needed, for generated codes)
	uses        int
	customer    string
	from, until time.Time
}

// lookup finds the code in normalised p: its terms, or the reason it is
// not one of the campaign's.
func (c *Coupons) lookup(p *parsed) (codeInfo, Reason) {
	text := p.text()
	if i, ok := c.fixed[string(text)]; ok { // no allocation: a map index by converted bytes
		fc := &c.cfg.Codes[i]
		info := codeInfo{code: c.fixedN[i], uses: c.cfg.UsesPerCode, customer: fc.Customer, from: c.cfg.ValidFrom, until: c.cfg.ValidUntil}
		if fc.Uses > 0 {
			info.uses = fc.Uses
		}
		if !fc.ValidFrom.IsZero() {
			info.from = fc.ValidFrom
		}
		if !fc.ValidUntil.IsZero() {
			info.until = fc.ValidUntil
		}
		return info, NoReason
	}
	c.cfg.Format.parseNormal(p)
	if p.reason == Malformed && len(c.cfg.Codes) > 0 && len(text) >= 3 && len(text) <= 32 && capitalsAndDigits(string(text)) {
		return codeInfo{}, UnknownCode // it may be a mistyped fixed code
	}
	if p.reason != NoReason {
		return codeInfo{}, p.reason
	}
	for bi := range c.batches {
		b := &c.batches[bi]
		k := b.sorted.find(p.body)
		if k < 0 {
			continue
		}
		info := codeInfo{uses: c.cfg.UsesPerCode, from: c.cfg.ValidFrom, until: c.cfg.ValidUntil}
		if len(b.customers) > 0 {
			info.customer = b.customers[k]
		}
		return info, NoReason
	}
	return codeInfo{}, UnknownCode
}

// canonical is the code as the book keys it: the prefix, body and check
// character (a code typed without its prefix gets it back).
func (c *Coupons) canonical(p *parsed, info *codeInfo) string {
	if info.code != "" {
		return info.code
	}
	return string(c.cfg.Format.appendCode(make([]byte, 0, len(c.cfg.Format.Prefix)+c.cfg.Format.length()+1), p.body))
}

// inWindow is the reason now is outside [from, until), or NoReason.
func inWindow(now, from, until time.Time) Reason {
	switch {
	case !from.IsZero() && now.Before(from):
		return NotYetValid
	case !until.IsZero() && !now.Before(until):
		return Expired
	}
	return NoReason
}
