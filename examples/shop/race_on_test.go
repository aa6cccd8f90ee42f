//go:build race

package main

// raceEnabled: the race detector slows everything about tenfold, so the
// load test runs fewer operations under it (see loadOps).
const raceEnabled = true
