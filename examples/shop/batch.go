package main

import (
	"errors"
	"net/http"
	"time"

	"github.com/loyalkit/loyalkit/loyalty"
	"github.com/shopspring/decimal"
)

// The batch job: expire the points that are due and review tiers, over
// every account. Run it from cron (daily, or at period ends):
//
//	curl -X POST localhost:8080/v1/batch/expire-and-review
//
// Each account is two ordinary operations through the store (Expire, then
// ReviewTier, both dated now), so the job runs beside the tills without
// locking anything, and running it twice at one instant changes nothing
// (the library makes both idempotent by their time). An account that
// fails is reported and the job goes on.

// batchView is what one run did.
type batchView struct {
	At            string          `json:"at"`
	Accounts      int             `json:"accounts"`
	ExpiredPoints decimal.Decimal `json:"expired_points"`
	Expired       int             `json:"accounts_with_expiry"`
	Demoted       []tierMove      `json:"demoted"`
	Failed        []batchFailure  `json:"failed"`
}

type tierMove struct {
	Customer string `json:"customer"`
	Tier     string `json:"tier"`
}

type batchFailure struct {
	Customer string `json:"customer"`
	Error    string `json:"error"`
}

func (s *Server) expireAndReview(w http.ResponseWriter, r *http.Request) {
	var none struct{}
	if !body(w, r, &none, true, nil) {
		return
	}
	now := s.Now()
	prog, err := s.store.Program(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	customers, err := s.store.Customers(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	out := batchView{At: now.In(prog.program.Location()).Format(time.RFC3339), Accounts: len(customers),
		Demoted: []tierMove{}, Failed: []batchFailure{}}
	for _, c := range customers {
		if err := r.Context().Err(); err != nil {
			writeError(w, r, err)
			return
		}
		expired, err := s.store.Apply(r.Context(), Operation{Customer: c, Now: now, Render: renderResult,
			Run: func(p *loyalty.Program, a loyalty.Account, _ loyalty.Customer, now time.Time) (loyalty.Account, loyalty.Result, error) {
				return p.Expire(a, now)
			}})
		if err == nil && !expired.Replayed && expired.Result.Points.IsPositive() {
			out.ExpiredPoints = out.ExpiredPoints.Add(expired.Result.Points)
			out.Expired++
		}
		var reviewed Reply
		if err == nil {
			reviewed, err = s.store.Apply(r.Context(), Operation{Customer: c, Now: now, Render: renderResult,
				Run: func(p *loyalty.Program, a loyalty.Account, _ loyalty.Customer, now time.Time) (loyalty.Account, loyalty.Result, error) {
					return p.ReviewTier(a, now)
				}})
		}
		if err != nil {
			if errors.Is(err, r.Context().Err()) {
				writeError(w, r, err)
				return
			}
			logger(r).Error("batch: account failed", "customer", c, "err", err)
			out.Failed = append(out.Failed, batchFailure{Customer: c, Error: toAPIError(err).Message})
			continue
		}
		if !reviewed.Replayed && reviewed.Result.TierChanged {
			out.Demoted = append(out.Demoted, tierMove{Customer: c, Tier: reviewed.Result.Tier})
		}
	}
	writeJSON(w, r, http.StatusOK, out)
}
