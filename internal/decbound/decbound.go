// Package decbound bounds the numbers the library takes from its callers:
// at most MaxDigits digits either side of the point. A decimal's exponent
// is a whole int32, so 1e2147483647 takes a few bytes, but exact
// arithmetic on it, or writing it out, builds a number of two billion
// digits: an operation given it would not end.
package decbound

import (
	"fmt"
	"reflect"

	"github.com/shopspring/decimal"
)

// MaxDigits is the most digits a number may have before and after its
// point: far past any amount of money or points.
const MaxDigits = 60

// OK reports whether d is within MaxDigits either side of the point.
func OK(d decimal.Decimal) bool { return ExponentOK(d) && d.NumDigits() <= 2*MaxDigits }

// ExponentOK is OK's test of d's exponent alone: a field read, for loops
// over many numbers (a number's own digits cost only the memory its
// caller gave it; its exponent is what multiplies the work).
func ExponentOK(d decimal.Decimal) bool {
	e := d.Exponent()
	return e >= -MaxDigits && e <= MaxDigits
}

// Err is the error for what (a field's name) holding d past MaxDigits: it
// gives d's size, not d, as writing d out might not end either.
func Err(what string, d decimal.Decimal) error {
	return fmt.Errorf("%s has %d digits with exponent %d: at most %d digits either side of the point", what, d.NumDigits(), d.Exponent(), MaxDigits)
}

// Show is d written out for a message, or, past MaxDigits, its size.
func Show(d decimal.Decimal) string {
	if OK(d) {
		return d.String()
	}
	return fmt.Sprintf("a number of %d digits with exponent %d", d.NumDigits(), d.Exponent())
}

var decimalType = reflect.TypeFor[decimal.Decimal]()

// Within checks every decimal in v (its exported fields, slices,
// pointers and maps, recursively) against MaxDigits; path names v in the
// error, and the error names the field.
func Within(v reflect.Value, path string) error {
	switch {
	case v.Type() == decimalType:
		d := v.Interface().(decimal.Decimal)
		if !OK(d) {
			return fmt.Errorf("%s: the number has more than %d digits either side of the point", path, MaxDigits)
		}
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return Within(v.Elem(), path)
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				if err := Within(v.Field(i), path+"."+f.Name); err != nil {
					return err
				}
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if err := Within(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if err := Within(it.Value(), fmt.Sprintf("%s[%v]", path, it.Key())); err != nil {
				return err
			}
		}
	}
	return nil
}
