// Package segment splits a customer base into segments: RFM scores and
// the named RFM segments, the source articles' VIP / difficult / current /
// lapsed segmentation, any segmentation written as rule conditions,
// customers on the boundary of the next segment up, and transitions
// between two snapshots.
//
//   - [ProfileBuilder] reads a purchase log (metrics.Purchase) once into
//     [Profile]s as of a date: lifetime and recent-period orders and spend,
//     days since the last purchase; the host adds returns, complaints and
//     other counters.
//   - [ScoredRFM] returns the profiles scored R, F, M from 1 to 5 by
//     quintiles, ties kept together (its input unchanged);
//     [Profile.NamedSegment] maps (R, F) to an [RFMSegment] by the table
//     below. [RFMCounts] is its mergeable form: histograms summed over
//     shards of profiles, then [RFMScorer.Score] scores any one of them.
//   - [Compile] turns an ordered list of [Definition]s (name + condition,
//     compiled by package rules) into a [Segmentation]: first match wins,
//     else the default. [SeedSegments] is the articles' segmentation.
//   - [Segmentation.Distance] and [Segmentation.Boundaries]: for conditions
//     made of thresholds on profile numbers (`SpendInPeriod >= 50000 ||
//     OrdersInPeriod >= 12`), how far a customer is from the segment above
//     and what is missing ("2 more OrdersInPeriod").
//   - [Segmentation.Transition]: the matrix of moves between two
//     snapshots, and who moved up or down.
//
// Impossible input (a purchase without a customer or a time, a recent
// period of 0 days) is an [*InputError] naming the function and field; it
// unwraps to [ErrInput], and leaves the receiver as it was.
//
// # The RFM segment map
//
// The usual map (as in the popular pandas RFM recipe), with "lost" split
// off "hibernating":
//
//	      F=1             F=2             F=3             F=4        F=5
//	R=5   new customers   potential       potential       champions  champions
//	R=4   promising       potential       potential       loyal      loyal
//	R=3   about to sleep  about to sleep  need attention  loyal      loyal
//	R=2   hibernating     hibernating     at risk         at risk    can't lose
//	R=1   lost            hibernating     at risk         at risk    can't lose
package segment
