package loyalty

import (
	"errors"
	"iter"
	"sync"
	"sync/atomic"
)

// parallel is Backtest with cfg.Workers goroutines, each replaying the
// customers that hash to it; the calling goroutine reads the log.
func (env *btEnv) parallel(log iter.Seq[Recorded]) (*BacktestReport, error) {
	type item struct {
		line int
		r    Recorded
	}
	const batch = 256
	w := env.cfg.Workers
	chans := make([]chan []item, w)
	reports := make([]*BacktestReport, w)
	errs := make([]error, w)
	var stop atomic.Bool
	var wg sync.WaitGroup
	for k := range chans {
		chans[k] = make(chan []item, 8)
		wg.Add(1)
		go func() {
			defer wg.Done()
			run := env.newRun()
			var err error
			for b := range chans[k] {
				for i := 0; err == nil && i < len(b); i++ {
					if err = run.op(b[i].line, &b[i].r); err != nil {
						stop.Store(true)
					}
				}
			}
			if err == nil {
				reports[k], err = run.finish()
			}
			errs[k] = err
		}()
	}
	pending := make([][]item, w)
	closed := false
	finish := func() {
		if closed {
			return
		}
		closed = true
		for k := range chans {
			if len(pending[k]) > 0 {
				chans[k] <- pending[k]
			}
			close(chans[k])
		}
		wg.Wait()
	}
	defer finish() // the workers end even if reading the log panics
	count := uint64(max(env.cfg.Shard.Count, 1))
	line := 0
	// With a grouped log, the reader checks that it is: a worker sees
	// only its customers, whose operations can look grouped when the
	// log's are not.
	var cur string
	curLine := 0
	ended := map[string]int{}
	for r := range log {
		line++
		env.progress(line)
		h := hashCustomer(r.Customer.ID)
		if env.cfg.Shard.Count > 0 && int(h%count) != env.cfg.Shard.Index {
			continue
		}
		if env.cfg.Grouped && r.Customer.ID != cur {
			if last, done := ended[r.Customer.ID]; done {
				errs = append(errs, notGrouped(line, &r, last))
				break
			}
			if curLine > 0 {
				ended[cur] = curLine
			}
			cur = r.Customer.ID
		}
		curLine = line
		k := int(h / count % uint64(w))
		pending[k] = append(pending[k], item{line, r})
		if len(pending[k]) == batch {
			chans[k] <- pending[k]
			pending[k] = make([]item, 0, batch)
			if stop.Load() {
				break // every line read so far is handed over: the first error is among them
			}
		}
	}
	finish()
	if err := firstLogError(errs); err != nil {
		return nil, err
	}
	if line == 0 {
		return nil, ErrEmptyLog
	}
	env.done(line)
	out := reports[0]
	for _, r := range reports[1:] {
		out = out.merge(r)
	}
	return out, nil
}

// firstLogError is the error a single pass would have met first: the
// lowest line; at the end of the log, the first customer in id order.
func firstLogError(errs []error) error {
	var first error
	rank := func(err error) (int, string) {
		var le *LogError
		if errors.As(err, &le) {
			if le.Line == 0 {
				return int(^uint(0) >> 1), le.Customer
			}
			return le.Line, ""
		}
		return 0, ""
	}
	for _, err := range errs {
		if err == nil {
			continue
		}
		if first == nil {
			first = err
			continue
		}
		l1, c1 := rank(first)
		l2, c2 := rank(err)
		if l2 < l1 || (l2 == l1 && c2 < c1) {
			first = err
		}
	}
	return first
}
