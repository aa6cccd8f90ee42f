package loyalty

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/loyalkit/loyalkit/internal/decbound"
	"github.com/shopspring/decimal"
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
// one with a number no backtest writes (more than reportDigits digits
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
	if err := boundedDecimals(reflect.ValueOf(in.reportFields).Elem(), "report"); err != nil {
		return fmt.Errorf("%w: reading a backtest report: %v", ErrInvalidInput, err)
	}
	*r = BacktestReport(*in.reportFields)
	r.key = in.Backtest
	return nil
}

// reportDigits bounds the digits before and after the point of every
// number in a report read from JSON, as the operations' inputs.
const reportDigits = decbound.MaxDigits

var decimalType = reflect.TypeFor[decimal.Decimal]()

// boundedDecimals checks every decimal in v (its exported fields, slices,
// pointers and maps, recursively) against reportDigits; path names it.
func boundedDecimals(v reflect.Value, path string) error {
	switch {
	case v.Type() == decimalType:
		d := v.Interface().(decimal.Decimal)
		if !digitsOK(d) {
			return fmt.Errorf("%s: the number has more than %d digits either side of the point", path, reportDigits)
		}
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return boundedDecimals(v.Elem(), path)
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				if err := boundedDecimals(v.Field(i), path+"."+f.Name); err != nil {
					return err
				}
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if err := boundedDecimals(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if err := boundedDecimals(it.Value(), fmt.Sprintf("%s[%v]", path, it.Key())); err != nil {
				return err
			}
		}
	}
	return nil
}
