package rules

// PrepareRef readies the facts f points to for [Condition.Match] without
// copying them, for callers that match many facts values one after the
// other (a plan over a million customers) and would otherwise allocate a
// copy of each: fill *f, match, fill it with the next facts, match again.
// The condition reads *f when Match runs, so *f must not change during a
// Match. A nil f gives unprepared facts, which Match refuses.
func PrepareRef[F any](f *F) Prepared[F] {
	if f == nil {
		return Prepared[F]{}
	}
	return Prepared[F]{env: f}
}
