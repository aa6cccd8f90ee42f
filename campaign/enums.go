package campaign

import "github.com/loyalkit/loyalkit/internal/enum"

// Reason says why a grant is smaller than asked, or why a code, an
// attribution or a reward was refused. The zero value, [NoReason], means
// nothing was refused. In JSON a reason is written by name.
type Reason uint8

// The reasons.
const (
	NoReason Reason = iota

	// Budgets: why a [Grant] is smaller than asked.
	Exhausted       // the budget's overall total is used up
	PeriodExhausted // the cap of the current period (or window) is used up
	OutsideWindows  // no window of the budget holds the instant

	// Codes (coupons and referrals).
	Malformed     // not a code of this campaign's shape: length, characters
	BadCheck      // the check character does not match: a typo
	OtherCampaign // a well-formed code with another campaign's prefix
	UnknownCode   // well-formed, but never issued
	NotYetValid   // before the code's validity window
	Expired       // at or after the end of the code's validity window
	UsedUp        // the code has been used as often as it may be
	CustomerLimit // the customer has used the campaign's codes as often as allowed
	WrongCustomer // a personal code issued to another customer

	// Referrals.
	SelfReferral      // the friend is the advocate (same customer or identity key)
	AlreadyReferred   // the friend (or their identity key) was referred before
	NotReferred       // the customer was not referred by this campaign
	NotQualifying     // the purchase does not meet the qualification condition
	AlreadyRewarded   // the referral was rewarded (or clawed back) before
	TooLate           // the purchase came after the qualification window
	AdvocateLimit     // the advocate has had as many rewards as allowed
	AdvocatePeriodCap // the advocate has had as many rewards this period as allowed
)

var reasonNames = [...]string{"none", "exhausted", "period_exhausted", "outside_windows",
	"malformed", "bad_check", "other_campaign", "unknown_code", "not_yet_valid", "expired", "used_up",
	"customer_limit", "wrong_customer",
	"self_referral", "already_referred", "not_referred", "not_qualifying", "already_rewarded", "too_late",
	"advocate_limit", "advocate_period_cap"}

func (r Reason) String() string               { return enum.String(r, "Reason", reasonNames[:]) }
func (r Reason) MarshalText() ([]byte, error) { return enum.Marshal("campaign", r, reasonNames[:]) }
func (r *Reason) UnmarshalText(b []byte) (err error) {
	*r, err = enum.Parse[Reason]("campaign", "reason", string(b), reasonNames[:], true)
	return err
}

// Unit is what a budget counts.
type Unit uint8

// The units. The zero value is unset, which [BudgetConfig.Validate]
// refuses.
const (
	UnitUnset Unit = iota
	Points         // loyalty points
	Money          // money off, in the budget's currency
	Gifts          // gifts, counted whole
)

var unitNames = [...]string{"", "points", "money", "gifts"}

func (u Unit) String() string               { return enum.String(u, "Unit", unitNames[:]) }
func (u Unit) MarshalText() ([]byte, error) { return enum.Marshal("campaign", u, unitNames[:]) }
func (u *Unit) UnmarshalText(b []byte) (err error) {
	*u, err = enum.Parse[Unit]("campaign", "unit", string(b), unitNames[:], true)
	return err
}

// GrantPolicy is what a reservation gets when the budget has less left
// than it asks.
type GrantPolicy uint8

// The grant policies. The zero value is [Partial].
const (
	Partial      GrantPolicy = iota // grant what is left (possibly less than asked, possibly 0)
	AllOrNothing                    // grant all that is asked, or 0
)

var policyNames = [...]string{"partial", "all_or_nothing"}

func (p GrantPolicy) String() string { return enum.String(p, "GrantPolicy", policyNames[:]) }
func (p GrantPolicy) MarshalText() ([]byte, error) {
	return enum.Marshal("campaign", p, policyNames[:])
}
func (p *GrantPolicy) UnmarshalText(b []byte) (err error) {
	*p, err = enum.Parse[GrantPolicy]("campaign", "grant policy", string(b), policyNames[:], true)
	return err
}

// EntryKind is the closed set of ledger entry kinds.
type EntryKind uint8

// The entry kinds. The zero value is unset.
const (
	EntryUnset     EntryKind = iota
	GrantEntry               // a reservation and what it was granted (possibly 0, with the reason)
	ReleaseEntry             // part or all of a grant given back (Amount negative)
	UseEntry                 // a coupon code used by an order
	UnuseEntry               // a coupon use undone: the order was cancelled or fully refunded
	RefundEntry              // money of an order refunded (Amount), cumulative per order
	EnrolEntry               // an advocate's referral code
	AttributeEntry           // a friend attributed to an advocate
	RewardEntry              // a referral reward for one side (Customer; Role in Gift? see Entry.Role)
	ClawbackEntry            // a referral reward to take back: the qualifying order was refunded in full
)

var entryNames = [...]string{"unset", "grant", "release", "use", "unuse", "refund", "enrol", "attribute", "reward", "clawback"}

func (k EntryKind) String() string               { return enum.String(k, "EntryKind", entryNames[:]) }
func (k EntryKind) MarshalText() ([]byte, error) { return enum.Marshal("campaign", k, entryNames[:]) }
func (k *EntryKind) UnmarshalText(b []byte) (err error) {
	*k, err = enum.Parse[EntryKind]("campaign", "entry kind", string(b), entryNames[:], false)
	return err
}

// OpKind is the closed set of operations.
type OpKind uint8

// The operations.
const (
	OpUnset     OpKind = iota
	OpReserve          // Budget.Reserve
	OpRelease          // Budget.Release
	OpUse              // CouponBook.Use
	OpCancel           // CouponBook.Cancel, Referrals.Cancel
	OpRefund           // CouponBook.Refund, Referrals.Refund
	OpEnrol            // Referrals.Enrol
	OpAttribute        // Referrals.Attribute
	OpQualify          // Referrals.Qualify
)

var opNames = [...]string{"unset", "reserve", "release", "use", "cancel", "refund", "enrol", "attribute", "qualify"}

// opPrefixes are the operation ids' prefixes, per kind.
var opPrefixes = [...]string{OpReserve: "reserve:", OpRelease: "release:", OpUse: "use:", OpCancel: "cancel:",
	OpRefund: "refund:", OpEnrol: "enrol:", OpAttribute: "attribute:", OpQualify: "qualify:"}

func (k OpKind) String() string               { return enum.String(k, "OpKind", opNames[:]) }
func (k OpKind) MarshalText() ([]byte, error) { return enum.Marshal("campaign", k, opNames[:]) }
func (k *OpKind) UnmarshalText(b []byte) (err error) {
	*k, err = enum.Parse[OpKind]("campaign", "operation kind", string(b), opNames[:], false)
	return err
}

// Role is a side of a referral.
type Role uint8

// The roles. The zero value is unset.
const (
	RoleUnset Role = iota
	Advocate       // the customer whose code was used
	Friend         // the new customer who used it
)

var roleNames = [...]string{"", "advocate", "friend"}

func (r Role) String() string               { return enum.String(r, "Role", roleNames[:]) }
func (r Role) MarshalText() ([]byte, error) { return enum.Marshal("campaign", r, roleNames[:]) }
func (r *Role) UnmarshalText(b []byte) (err error) {
	*r, err = enum.Parse[Role]("campaign", "role", string(b), roleNames[:], true)
	return err
}
