// Package loyalty will hold the programme and the points ledger: Program,
// Account, Entry; the operations Purchase, Refund, Redeem, Expire and Event;
// tiers. It builds on package rules.
//
// Status: not implemented yet (issue "The loyalty package"); this file only
// reserves the package in the module layout.
package loyalty
