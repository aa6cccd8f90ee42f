// Package segment will hold RFM scoring, the VIP / current / difficult
// segments written as rules, boundary customers and transitions. It builds
// on packages rules and metrics.
//
// Status: not implemented yet (issue "The segment package"); this file only
// reserves the package in the module layout.
package segment
