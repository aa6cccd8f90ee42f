package campaign_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/loyalkit/loyalkit/campaign"
	"pgregory.net/rapid"
)

var seedA = []byte("seed-A-0123456789abcdef")

func TestAlphabet(t *testing.T) {
	if len(campaign.Alphabet) != 31 {
		t.Fatalf("alphabet has %d characters, want 31 (a prime)", len(campaign.Alphabet))
	}
	for _, c := range "01ILO" {
		if strings.ContainsRune(campaign.Alphabet, c) {
			t.Errorf("alphabet holds the ambiguous %q", c)
		}
	}
	seen := map[rune]bool{}
	for _, c := range campaign.Alphabet {
		if seen[c] || !(c >= '2' && c <= '9' || c >= 'A' && c <= 'Z') {
			t.Errorf("alphabet character %q repeated or not a digit/capital", c)
		}
		seen[c] = true
	}
}

func TestCheckFormat(t *testing.T) {
	f := campaign.CodeFormat{Prefix: "SPR", Length: 6}
	codes, err := campaign.GenerateCodes(f, seedA, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	good := codes[0] // SPR + 6 + check
	body := good[3:]
	swap := []byte(body)
	swap[1], swap[2] = swap[2], swap[1]
	if swap[1] == swap[2] {
		t.Skip("generated body has equal neighbours; pick another seed")
	}
	other := "WIN" + body // another campaign's prefix
	tests := []struct {
		name, reason, in string
		want             campaign.Reason
		norm             string
	}{
		{"as issued", "a generated code is well-formed", good, campaign.NoReason, good},
		{"lower case and dashes", "normalisation: case, dashes, spaces", strings.ToLower(good[:3]) + "-" + strings.ToLower(good[3:6]) + " " + good[6:], campaign.NoReason, good},
		{"without prefix", "a code typed without its prefix is this campaign's", body, campaign.NoReason, body},
		{"other prefix", "another campaign's code", other, campaign.OtherCampaign, other},
		{"swapped", "the check catches swapped neighbours", "SPR" + string(swap), campaign.BadCheck, "SPR" + string(swap)},
		{"typo", "the check catches one wrong character", "SPR" + replaceAt(body, 0), campaign.BadCheck, "SPR" + replaceAt(body, 0)},
		{"zero for O", "0 and O are not in the alphabet", "SPR" + "0" + body[1:], campaign.Malformed, "SPR0" + body[1:]},
		{"too short", "length is fixed", good[:len(good)-2], campaign.Malformed, good[:len(good)-2]},
		{"empty", "nothing typed", "", campaign.Malformed, ""},
		{"unicode", "non-ASCII is malformed", "SPR" + body[:5] + "é", campaign.Malformed, "SPR" + body[:5] + "é"},
		{"very long", "long input is not read", strings.Repeat("A", 200), campaign.Malformed, strings.Repeat("A", 200)},
		{"bad prefix characters", "a prefix is capitals and digits", "S*R" + body, campaign.Malformed, "S*R" + body},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			norm, got := f.CheckFormat(tt.in)
			if got != tt.want || norm != tt.norm {
				t.Fatalf("CheckFormat(%q) = %q, %v; want %q, %v (%s)", tt.in, norm, got, tt.norm, tt.want, tt.reason)
			}
		})
	}
}

// replaceAt changes the character at i to the next one in the alphabet.
func replaceAt(s string, i int) string {
	k := strings.IndexByte(campaign.Alphabet, s[i])
	return s[:i] + string(campaign.Alphabet[(k+1)%len(campaign.Alphabet)]) + s[i+1:]
}

func TestGenerateCodesBadInput(t *testing.T) {
	tests := []struct {
		name, reason string
		f            campaign.CodeFormat
		seed         []byte
		n            int
		field        string
	}{
		{"short seed", "a seed is a secret", campaign.CodeFormat{}, []byte("short"), 10, "seed"},
		{"no codes", "n must be positive", campaign.CodeFormat{}, seedA, 0, "count"},
		{"negative", "n must be positive", campaign.CodeFormat{}, seedA, -3, "count"},
		{"guessable", "4 characters cannot hide a million codes", campaign.CodeFormat{Length: 4}, seedA, 1_000_000, "count"},
		{"length", "4..12", campaign.CodeFormat{Length: 13}, seedA, 1, "length"},
		{"prefix characters", "capitals and digits", campaign.CodeFormat{Prefix: "sp-r"}, seedA, 1, "prefix"},
		{"prefix length", "at most 12", campaign.CodeFormat{Prefix: "ABCDEFGHJKMNP"}, seedA, 1, "prefix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := campaign.GenerateCodes(tt.f, tt.seed, tt.n, nil)
			if !errors.Is(err, campaign.ErrInvalidInput) || !strings.Contains(err.Error(), tt.field) {
				t.Fatalf("GenerateCodes = %v, want an error about %s (%s)", err, tt.field, tt.reason)
			}
		})
	}
}

func TestGenerateCodesAvoid(t *testing.T) {
	f := campaign.CodeFormat{Prefix: "X", Length: 5}
	first, err := campaign.GenerateCodes(f, seedA, 50, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Avoiding the 10th code (typed sloppily) makes the rest shift by one.
	avoid := []string{strings.ToLower(first[9]), "not-a-code"}
	again, err := campaign.GenerateCodes(f, seedA, 49, avoid)
	if err != nil {
		t.Fatal(err)
	}
	want := append(append([]string(nil), first[:9]...), first[10:]...)
	if diff := cmp.Diff(want, again); diff != "" {
		t.Fatalf("GenerateCodes(avoid) mismatch (-want +got):\n%s", diff)
	}
}

func checkCodesReproducible(t *rapid.T) {
	f := campaign.CodeFormat{Prefix: rapid.StringMatching(`[A-Z0-9]{0,4}`).Draw(t, "prefix"), Length: rapid.IntRange(6, 12).Draw(t, "length")}
	seed := rapid.SliceOfN(rapid.Byte(), 16, 40).Draw(t, "seed")
	n := rapid.IntRange(1, 300).Draw(t, "n")
	a, err := campaign.GenerateCodes(f, seed, n, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := campaign.GenerateCodes(f, append([]byte(nil), seed...), n, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("same seed, different codes (-first +second):\n%s", diff)
	}
	// A longer run begins with the shorter one.
	more, err := campaign.GenerateCodes(f, seed, n+5, nil)
	if err != nil || !cmp.Equal(a, more[:n]) {
		t.Fatalf("n+5 codes do not begin with the n codes (%v)", err)
	}
	seen := map[string]bool{}
	for _, c := range a {
		if seen[c] {
			t.Fatalf("code %s twice in one batch", c)
		}
		seen[c] = true
		if norm, r := f.CheckFormat(c); r != campaign.NoReason || norm != c {
			t.Fatalf("generated %s checks as %q, %v", c, norm, r)
		}
	}
	// Another seed: other codes, none shared (a collision has probability
	// below 300²/31⁶ ≈ 10⁻⁴ at the shortest length, far less at others).
	other := append([]byte(nil), seed...)
	other[rapid.IntRange(0, len(other)-1).Draw(t, "flip")] ^= byte(rapid.IntRange(1, 255).Draw(t, "bits"))
	c, err := campaign.GenerateCodes(f, other, n, a)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range c {
		if seen[x] {
			t.Fatalf("code %s from two seeds despite avoid", x)
		}
	}
	if f.Length >= 8 {
		d, _ := campaign.GenerateCodes(f, other, n, nil)
		for _, x := range d {
			if seen[x] {
				t.Fatalf("seeds %x and %x share code %s", seed, other, x)
			}
		}
	}
}

func TestCodesReproducible(t *testing.T) { rapid.Check(t, checkCodesReproducible) }

// The check character catches every change of one character and every
// swap of two different characters, anywhere in the body.
func checkCheckCharacter(t *rapid.T) {
	f := campaign.CodeFormat{Length: rapid.IntRange(4, 12).Draw(t, "length")}
	codes, err := campaign.GenerateCodes(f, rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, "seed"), 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	code := []byte(codes[0])
	i := rapid.IntRange(0, len(code)-1).Draw(t, "i")
	j := rapid.IntRange(0, len(code)-1).Draw(t, "j")
	typo := append([]byte(nil), code...)
	typo[i] = campaign.Alphabet[(strings.IndexByte(campaign.Alphabet, code[i])+rapid.IntRange(1, 30).Draw(t, "shift"))%31]
	if _, r := f.CheckFormat(string(typo)); r != campaign.BadCheck {
		t.Fatalf("%s with character %d changed (%s) checks as %v", code, i, typo, r)
	}
	swapped := append([]byte(nil), code...)
	swapped[i], swapped[j] = swapped[j], swapped[i]
	if _, r := f.CheckFormat(string(swapped)); (code[i] != code[j]) != (r == campaign.BadCheck) {
		t.Fatalf("%s with %d and %d swapped (%s) checks as %v", code, i, j, swapped, r)
	}
}

func TestCheckCharacter(t *testing.T) { rapid.Check(t, checkCheckCharacter) }

func FuzzCheckCharacter(f *testing.F) { f.Fuzz(rapid.MakeFuzz(checkCheckCharacter)) }

// FuzzCheckFormat: any input is read without a panic; normalising is
// idempotent; a well-formed code stays well-formed, normalised or typed
// with dashes and in lower case.
func FuzzCheckFormat(f *testing.F) {
	format := campaign.CodeFormat{Prefix: "SPR", Length: 8}
	codes, _ := campaign.GenerateCodes(format, seedA, 4, nil)
	for _, c := range codes {
		f.Add(c)
		f.Add(strings.ToLower(c[:5]) + "-" + c[5:])
	}
	f.Add("")
	f.Add("spr 0000 1111 L")
	f.Add(strings.Repeat("-", 70))
	f.Fuzz(func(t *testing.T, s string) {
		n := campaign.Normalize(s)
		if campaign.Normalize(n) != n {
			t.Fatalf("Normalize not idempotent: %q → %q → %q", s, n, campaign.Normalize(n))
		}
		norm, r := format.CheckFormat(s)
		if r > campaign.OtherCampaign || r == campaign.Exhausted {
			t.Fatalf("CheckFormat(%q) = %v, not a format reason", s, r)
		}
		if r != campaign.NoReason {
			return
		}
		if norm != n {
			t.Fatalf("CheckFormat normalised %q to %q, Normalize to %q", s, norm, n)
		}
		if _, r2 := format.CheckFormat(strings.ToLower(norm[:2]) + " - " + norm[2:]); r2 != campaign.NoReason {
			t.Fatalf("%q well-formed, but not once re-typed (%v)", norm, r2)
		}
	})
}
