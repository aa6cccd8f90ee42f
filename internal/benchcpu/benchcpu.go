// Package benchcpu reports a benchmark's CPU time per operation next to
// its wall time: on the shared development machine (two cores, several
// other jobs) wall time measures the neighbours as much as the code, while
// the process's CPU time (user + system, every goroutine, the garbage
// collector's included) does not. For the benchmarks of touch and raffle.
package benchcpu

import (
	"testing"
	"time"
)

// Start returns a function that, called after the benchmark's loop,
// reports the process's CPU time per operation as "cpu-ns/op". Where the
// system does not tell the process's CPU time, it reports nothing.
func Start(b *testing.B) func() {
	start, ok := cpuTime()
	return func() {
		end, ok2 := cpuTime()
		if ok && ok2 && b.N > 0 {
			b.ReportMetric(float64((end-start)/time.Nanosecond)/float64(b.N), "cpu-ns/op")
		}
	}
}
