package main

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The playground in a real browser: Debian's Chromium, driven through the
// DevTools protocol (chromedp), against the server on 127.0.0.1. Chromium
// is /usr/bin/chromium, or $CHROME. Without it the test is skipped with a
// message, except when $CI is set: then it fails, so that CI cannot pass
// without running it (.ci/run installs Chromium).
//
// The screenshot taken in the middle (a rule error with its caret, a trace
// and a refused save) is written to $PLAYGROUND_SCREENSHOT when set; the
// README's picture is made with
//
//	PLAYGROUND_SCREENSHOT=playground.png go test -run TestPlaygroundBrowser .

// chromium returns the browser's path, or skips (fails in CI).
func chromium(t *testing.T) string {
	t.Helper()
	path := os.Getenv("CHROME")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set and there is no Chromium at %s ($CHROME): the browser test must run in CI; install it (apt-get install chromium)", path)
		}
		t.Skipf("no Chromium at %s ($CHROME): skipping the browser test (apt-get install chromium to run it; with CI set it fails instead)", path)
	}
	return path
}

// browser is a page in a headless Chromium, and the JavaScript errors it
// reported.
type browser struct {
	t   *testing.T
	ctx context.Context
	mu  sync.Mutex
	js  []string
}

func newBrowser(t *testing.T) *browser {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.WindowSize(1280, 1000),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("force-device-scale-factor", "1"),
	)
	if os.Geteuid() == 0 { // Chromium's sandbox refuses to run as root
		opts = append(opts, chromedp.NoSandbox)
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	b := &browser{t: t, ctx: ctx}
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("starting Chromium: %v", err)
	}
	err := chromedp.Listen(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			b.js = append(b.js, fmt.Sprintf("%s:%d:%d: %s", d.URL, d.LineNumber+1, d.ColumnNumber+1, msg))
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				var args []string
				for _, a := range ev.Args {
					args = append(args, a.Description+string(a.Value))
				}
				b.js = append(b.js, "console.error: "+strings.Join(args, " "))
			}
		}
	})
	if err != nil {
		t.Fatalf("listening to the page: %v", err)
	}
	return b
}

// do runs steps, failing the test with what was being done.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// get runs one action that returns a value.
func get[T any](b *browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, a)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// text is the text content of the element the CSS selector sel matches.
func (b *browser) text(sel string) string {
	b.t.Helper()
	return get(b, "reading "+sel, chromedp.TextContent(chromedp.CSS(sel)))
}

// waitFor waits until the JavaScript expression is true.
func (b *browser) waitFor(what, expr string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		b.t.Fatalf("waiting until %s (%s): %v", what, expr, err)
	}
}

// waitChecked waits until the page has the answer to its last check (the
// status is no longer aria-busy) and the JavaScript expression is true.
func (b *browser) waitChecked(what, expr string) {
	b.t.Helper()
	b.waitFor(what, `!document.getElementById("check-status").hasAttribute("aria-busy") && (`+expr+`)`)
}

// typeInto replaces a field's text by typing it, key by key, as a person
// would (each key fires the input event the page listens to).
func (b *browser) typeInto(sel, text string) {
	b.t.Helper()
	// chromedp's SetValue refuses an empty value: the field is cleared in
	// the page (with the input event a person's deleting would fire).
	get(b, "clearing "+sel, chromedp.Evaluate[bool](fmt.Sprintf(
		`(() => { const e = document.querySelector(%q); e.value = ""; return e.dispatchEvent(new Event("input")); })()`, sel)))
	if text != "" {
		b.do("typing into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
	}
}

func (b *browser) jsErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.js...)
}

// traceRow is one row of the page's trace table.
type traceRow struct {
	Rule, Kind, Verdict, Value, Why string
}

func (b *browser) trace() []traceRow {
	b.t.Helper()
	rows := get(b, "reading the trace", chromedp.Evaluate[[][]string](`Array.from(document.querySelectorAll("#trace tbody tr")).map(
		(tr) => Array.from(tr.cells).map((c) => c.textContent.trim()))`))
	var out []traceRow
	for _, r := range rows {
		if len(r) != 5 {
			b.t.Fatalf("a trace row with %d cells: %q", len(r), r)
		}
		out = append(out, traceRow{r[0], r[1], r[2], r[3], r[4]})
	}
	return out
}

func TestPlaygroundBrowser(t *testing.T) {
	start := time.Now()
	b := newBrowser(t)
	t.Logf("Chromium started in %.1f s", time.Since(start).Seconds())
	defer func() { t.Logf("%.1f s in all", time.Since(start).Seconds()) }()
	clock := &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	ts := startServer(t, tempDB(t), clock, nil)
	ts.must(http.StatusCreated, "PUT", "/v1/program", programJSON(t), nil)
	ts.must(http.StatusOK, "PUT", "/v1/customers/aigerim", `{"birthday":"1994-05-12"}`, nil)
	ts.must(http.StatusOK, "POST", "/v1/customers/aigerim/purchases",
		`{"id":"o1","total":"12000","lines":[{"sku":"latte","category":"drinks","qty":2,"price":"1200"},{"sku":"beans","category":"beans","qty":1,"price":"9600"}]}`, nil)

	b.do("opening the page", chromedp.Navigate(ts.URL+"/playground"))
	b.waitChecked("the programme is checked", `document.getElementById("check-status").textContent.includes("Compiles: 6 rules")`)
	if got := b.text("#origin"); !strings.Contains(got, "revision 1 in force") {
		t.Errorf("origin %q, want the saved revision 1", got)
	}
	if ruleID := get(b, "reading rule 3's id", chromedp.Value(chromedp.CSS("#rule-2-id"))); ruleID != "gold-5" {
		t.Fatalf("rule 3 is %q, want gold-5 (programme.json)", ruleID)
	}
	// The fields and helpers come from the backend.
	if got := b.text("#fields"); !strings.Contains(got, "customer.LifetimeSpend") || !strings.Contains(got, ".Category") {
		t.Errorf("the fields list lacks customer.LifetimeSpend or .Category: %.300q", got)
	}
	if got := b.text("#helpers"); !strings.Contains(got, "isBirthday(time.Time, time.Time, int) bool") {
		t.Errorf("the helpers list lacks isBirthday's signature: %.300q", got)
	}

	// A mistake: the error appears under its rule, with the caret under
	// the column, and the live status says so.
	b.typeInto("#rule-2-when", `customer.Tierr == "gold"`)
	b.waitChecked("the error shows", `document.querySelectorAll("#rule-2-errors li").length > 0`)
	if got := b.text("#rule-2-errors"); !strings.Contains(got, "has no field Tierr") || !strings.Contains(got, "when, line 1, column 10") {
		t.Errorf("rule 3's errors %q, want the missing field Tierr at when, line 1, column 10", got)
	}
	if got, want := b.text("#rule-2-errors pre.caret"), "customer.Tierr == \"gold\"\n         ^"; got != want {
		t.Errorf("caret block %q, want %q (the ^ under column 10)", got, want)
	}
	if invalid := get(b, "reading aria-invalid", chromedp.AttributeValue(chromedp.CSS("#rule-2-when"), "aria-invalid")).Value; invalid != "true" {
		t.Errorf("the bad when has aria-invalid %q, want true", invalid)
	}
	if got := b.text("#check-status"); !strings.Contains(got, "Does not compile: 1 error") || !strings.Contains(got, "gold-5") {
		t.Errorf("the live status %q does not announce the error", got)
	}
	for _, i := range []int{0, 1, 3, 4, 5} {
		if got := b.text(fmt.Sprintf("#rule-%d-errors", i)); got != "" {
			t.Errorf("rule %d shows errors that are rule 3's: %q", i+1, got)
		}
	}
	// Go to the error with the keyboard: the cursor lands on the column.
	b.do("going to the error", chromedp.Focus(chromedp.CSS("#rule-2-errors button.link")), chromedp.KeyEvent("\r"))
	if cursor := get(b, "reading the cursor", chromedp.Evaluate[int](`document.activeElement.id === "rule-2-when" ? document.activeElement.selectionStart : -1`)); cursor != 9 {
		t.Errorf("after 'Go to line 1, column 10' the cursor is at %d in rule 3's when, want 9", cursor)
	}

	// Fixed: the error goes.
	b.typeInto("#rule-2-when", `customer.Tier == "gold"`)
	b.waitChecked("the error goes", `document.getElementById("check-status").textContent.includes("Compiles: 6 rules")`)
	if got := b.text("#rule-2-errors"); got != "" {
		t.Errorf("rule 3 still shows %q after the fix", got)
	}

	// A value the backend cannot read (a date): its 400 names the field,
	// and the page puts it under the rule.
	b.do("opening rule 4's details", chromedp.Click(chromedp.CSS("#rule-3 details summary")))
	b.typeInto("#rule-3-from", "yesterday")
	b.waitChecked("the date error shows", `document.getElementById("rule-3-errors").textContent.includes("from")`)
	if got := b.text("#rule-3-errors"); !strings.Contains(got, `cannot parse "yesterday"`) {
		t.Errorf("rule 4's errors %q, want the date that does not parse", got)
	}
	b.typeInto("#rule-3-from", "")
	b.waitChecked("the date error goes", `document.getElementById("check-status").textContent.includes("Compiles: 6 rules")`)
	if got := b.text("#rule-3-errors"); got != "" {
		t.Errorf("rule 4 still shows %q", got)
	}
	b.do("closing rule 4's details", chromedp.Click(chromedp.CSS("#rule-3 details summary")))

	// A recorded order: aigerim's o1, as she was just before it (her
	// first order: no tier yet, so no gold discount).
	b.do("picking the recorded order", chromedp.SetValue(chromedp.CSS("#recorded"), "aigerim/o1"),
		chromedp.Click(chromedp.CSS("#use-recorded")))
	b.waitFor("the order is filled in", `document.getElementById("c-id").value === "aigerim" && document.getElementById("c-before").value === "o1"`)
	b.do("trying it", chromedp.Click(chromedp.CSS("#try-button")))
	b.waitFor("the recorded order's outcome", `document.getElementById("try-status").textContent.includes("for aigerim")`)
	checkTrace(t, b.trace(), []traceRow{
		{"base", "accrual", "✔ applied", "600", "gave 600 points"},
		{"beans-x2", "accrual", "✔ applied", "480", "gave 480 points"},
		{"gold-5", "discount", "— false", "", "its condition (when) is false"},
		{"tenth-visit", "accrual", "— false", "", ""},
		{"birthday", "accrual", "· not_applicable", "", ""},
		{"birthday-cake", "gift", "· not_applicable", "", ""},
	})
	if got := b.text("#try-status"); !strings.Contains(got, "2026-03-02T14:00:00+05:00") || !strings.Contains(got, "0 orders") {
		t.Errorf("try status %q, want o1's time and no orders before it", got)
	}

	// A basket for a sample gold customer (3 earlier orders, 25,000
	// spent), tried from the keyboard.
	b.do("filling in the customer", chromedp.Click(chromedp.CSS("#who-sample")),
		chromedp.SetValue(chromedp.CSS("#c-orders"), "3"), chromedp.SetValue(chromedp.CSS("#c-spend"), "25000"),
		chromedp.Focus(chromedp.CSS("#try-button")), chromedp.KeyEvent("\r"))
	b.waitFor("the outcome shows", `document.getElementById("try-status").textContent.includes("for sample")`)
	want := []traceRow{
		{"base", "accrual", "✔ applied", "600", "gave 600 points; 570 earned"},
		{"beans-x2", "accrual", "✔ applied", "480", "gave 480 points; 456 earned"},
		{"gold-5", "discount", "✔ applied", "600", "took 600 off"},
		{"tenth-visit", "accrual", "— false", "", "its condition (when) is false"},
		{"birthday", "accrual", "· not_applicable", "", "runs on birthday, not on purchase"},
		{"birthday-cake", "gift", "· not_applicable", "", "runs on birthday, not on purchase"},
	}
	checkTrace(t, b.trace(), want)
	if got := b.text("#totals"); !strings.Contains(got, "Points1026") || !strings.Contains(got, "Discount600") || !strings.Contains(got, "Tiergold") {
		t.Errorf("totals %q, want 1026 points, 600 off, tier gold", got)
	}

	// A broken programme cannot be saved: the backend refuses it with the
	// same errors, shown under the rule.
	b.typeInto("#rule-0-value", `floor(order.Totl / 100) * 5`)
	b.waitChecked("the error shows", `document.querySelectorAll("#rule-0-errors li").length > 0`)
	b.do("saving", chromedp.Click(chromedp.CSS("#save")))
	b.waitFor("the save is refused", `document.getElementById("save-status").textContent.includes("Not saved")`)
	if got := b.text("#save-status"); !strings.Contains(got, "refused") || !strings.Contains(got, "base") {
		t.Errorf("save status %q, want the refusal naming rule base", got)
	}
	if got := b.text("#rule-0-errors"); !strings.Contains(got, "value, line 1, column 13") || !strings.Contains(got, "no field Totl") {
		t.Errorf("rule 1's errors after the refused save: %q", got)
	}
	var prog struct {
		Revision int64 `json:"revision"`
	}
	ts.must(http.StatusOK, "GET", "/v1/program", nil, &prog)
	if prog.Revision != 1 {
		t.Errorf("revision %d after a refused save, want 1", prog.Revision)
	}

	// The picture: the page without the long list of fields and helpers
	// at its foot (checked above).
	get(b, "hiding the list", chromedp.Evaluate[bool](`document.getElementById("env").hidden = true`))
	shot := get(b, "taking the screenshot", chromedp.Screenshot(chromedp.CSS("body")))
	get(b, "showing the list", chromedp.Evaluate[bool](`document.getElementById("env").hidden = false`))
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	if r := img.Bounds(); r.Dx() < 900 || r.Dy() < 500 {
		t.Errorf("the screenshot is %v, want at least 900×500", r)
	}
	// The README's picture (PLAYGROUND_SCREENSHOT) is made smaller; the
	// screenshot is otherwise kept as it is, in the test's directory.
	out, small := os.Getenv("PLAYGROUND_SCREENSHOT"), shot
	if out == "" {
		out = filepath.Join(t.TempDir(), "playground.png")
	} else if small, err = shrinkPNG(img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, small, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes; %d as Chromium wrote it)", out, len(small), len(shot))

	// Fixed and saved: revision 2.
	b.typeInto("#rule-0-value", `floor(order.Total / 100) * 6`)
	b.waitChecked("the fix compiles", `document.getElementById("check-status").textContent.includes("Compiles: 6 rules")`)
	b.do("saving", chromedp.Click(chromedp.CSS("#save")))
	b.waitFor("the save succeeds", `document.getElementById("save-status").textContent.includes("Saved: revision 2")`)
	ts.must(http.StatusOK, "GET", "/v1/program", nil, &prog)
	if prog.Revision != 2 {
		t.Errorf("revision %d after the save, want 2", prog.Revision)
	}

	// Compare an edit with the programme in force (revision 2, 6 points
	// per 100 tenge) over the stored history, aigerim's o1 of 12,000: 720
	// and 480 on beans in force, 1,200 and 480 edited.
	b.typeInto("#rule-0-value", `floor(order.Total / 100) * 10`)
	b.waitChecked("the edit compiles", `document.getElementById("check-status").textContent.includes("Compiles: 6 rules")`)
	if got := get(b, "reading the assumption", chromedp.Value(chromedp.CSS("#bt-redemptions"))); got != "capped" {
		t.Errorf("the redemption assumption chosen is %q, want the default, capped", got)
	}
	b.do("comparing", chromedp.Click(chromedp.CSS("#compare")))
	b.waitFor("the comparison shows", `!document.getElementById("backtest-body").hidden`)
	if got := b.text("#backtest-status"); !strings.Contains(got, "Replayed 1 operation of 1 customer") {
		t.Errorf("backtest status %q, want one operation of one customer replayed", got)
	}
	earned := get(b, "reading the points earned", chromedp.Evaluate[[]string](`Array.from(
		document.querySelector('#bt-totals tr[data-key="earned"]').cells).map((c) => c.tagName + " " + c.textContent.trim())`))
	if want := []string{"TH Points earned", "TD 1200", "TD 1680", "TD +480 more"}; !slices.Equal(earned, want) {
		t.Errorf("the points earned row is %q, want %q", earned, want)
	}
	if align := get(b, "reading the alignment", chromedp.Evaluate[string](
		`getComputedStyle(document.querySelector('#bt-totals tr[data-key="earned"] td')).textAlign`)); align != "right" {
		t.Errorf("numbers are aligned %q, want right", align)
	}
	if got := b.text("#bt-totals caption"); !strings.Contains(got, "revision 2") {
		t.Errorf("the totals' caption %q does not name the programme in force", got)
	}
	if got := b.text("#bt-assumption"); !strings.Contains(got, "Assumed: capped: ") || !strings.Contains(got, "all the points available") {
		t.Errorf("the assumption %q, want capped stated in words", got)
	}
	if got := b.text("#bt-gainers tbody"); !strings.Contains(got, "aigerim") {
		t.Errorf("the gainers %q, want aigerim", got)
	}

	if errs := b.jsErrors(); len(errs) > 0 {
		t.Errorf("the page reported JavaScript errors:\n%s", strings.Join(errs, "\n"))
	}
}

// checkTrace compares the page's trace with want; an empty Why in want is
// not compared, another is a prefix.
func checkTrace(t *testing.T, got, want []traceRow) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("the trace has %d rows, want %d:\n%q", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Rule != w.Rule || g.Kind != w.Kind || g.Verdict != w.Verdict || g.Value != w.Value || !strings.HasPrefix(g.Why, w.Why) {
			t.Errorf("trace row %d: %q, want %q", i+1, g, w)
		}
	}
}

// shrinkPNG writes img with at most 256 colours: the most frequent ones
// (a page has few, and their anti-aliased edges), every other pixel
// mapped to the nearest of them. A screenshot of the page is about a third
// of the size Chromium writes, and looks the same.
func shrinkPNG(img image.Image) ([]byte, error) {
	r := img.Bounds()
	count := map[color.RGBA]int{}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			count[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)]++
		}
	}
	colours := slices.Collect(maps.Keys(count))
	slices.SortFunc(colours, func(a, b color.RGBA) int {
		if c := cmp.Compare(count[b], count[a]); c != 0 {
			return c
		}
		return cmp.Compare(uint32(a.R)<<24|uint32(a.G)<<16|uint32(a.B)<<8|uint32(a.A), uint32(b.R)<<24|uint32(b.G)<<16|uint32(b.B)<<8|uint32(b.A))
	})
	pal := make(color.Palette, 0, 256)
	for _, c := range colours[:min(len(colours), 256)] {
		pal = append(pal, c)
	}
	out := image.NewPaletted(r, pal)
	near := map[color.RGBA]uint8{}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			i, ok := near[c]
			if !ok {
				i = uint8(pal.Index(c))
				near[c] = i
			}
			out.SetColorIndex(x, y, i)
		}
	}
	var buf bytes.Buffer
	err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, out)
	return buf.Bytes(), err
}
