package loyalty

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/loyalkit/loyalkit/internal/decbound"
)

// reportJSON is a BacktestReport without its methods, plus the
// fingerprint of the backtest it is a report of.
type reportJSON struct {
	*reportFields
	Backtest string
}

type reportFields BacktestReport

// MarshalJSON writes the report's exported fields under their Go names,
// decimals as strings (exact in value; 1.50 is written "1.5"), and, as
// "Backtest", the fingerprint of the backtest it reports (programmes,
// dates, assumption, breakage, buckets, shard count, gift costs): what
// [MergeBacktests] and [MergeCustomerBacktests] check before merging.
// A report read back with UnmarshalJSON merges as the one written does,
// so reports can cross processes (a distributed engine's workers, files).
func (r BacktestReport) MarshalJSON() ([]byte, error) {
	return json.Marshal(reportJSON{reportFields: (*reportFields)(&r), Backtest: r.key})
}

// UnmarshalJSON reads a report MarshalJSON wrote. A report without a
// "Backtest" fingerprint is refused: it would merge with no other. So is
// one with a number no backtest writes (more than decbound.MaxDigits digits
// either side of the point, such as 1e100000000): adding it to another
// would build a number of that many digits.
func (r *BacktestReport) UnmarshalJSON(b []byte) error {
	var in reportJSON
	in.reportFields = &reportFields{}
	if err := json.Unmarshal(b, &in); err != nil {
		return fmt.Errorf("loyalty: reading a backtest report: %w", err)
	}
	if in.Backtest == "" {
		return fmt.Errorf("%w: reading a backtest report: field Backtest (the backtest's fingerprint) is missing", ErrInvalidInput)
	}
	if err := decbound.Within(reflect.ValueOf(in.reportFields).Elem(), "report"); err != nil {
		return fmt.Errorf("%w: reading a backtest report: %v", ErrInvalidInput, err)
	}
	*r = BacktestReport(*in.reportFields)
	r.key = in.Backtest
	return nil
}
