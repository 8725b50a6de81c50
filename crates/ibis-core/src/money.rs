//! Exact money, unit prices and quantities. Never floating point.
//!
//! Amounts are whole euro cents ([`Money`]); a price per unit may carry more decimals
//! ([`UnitPrice`], e.g. EUR 5.00 plus the 23.59 % employer contribution is EUR 6.1795 an hour);
//! quantities of service are exact decimals ([`Quantity`]: 11.25 hours is exactly 11.25).
//! The one place where rounding happens is [`round_half_up`], used by [`line_amount`].

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a money, price or quantity value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Not a decimal number.
    #[error("\"{0}\" is not a decimal number (write it like 12.50)")]
    NotANumber(String),
    /// More decimals than the value allows.
    #[error("\"{given}\" has more than {max} decimal places")]
    TooPrecise {
        /// What was given.
        given: String,
        /// How many decimal places are allowed.
        max: u32,
    },
    /// A negative value where only zero or more is allowed.
    #[error("\"{0}\" must not be negative")]
    Negative(String),
}

fn parse_decimal(s: &str, max_scale: u32) -> Result<Decimal, AmountError> {
    let t = s.trim();
    let d = Decimal::from_str(t).map_err(|_| AmountError::NotANumber(s.to_owned()))?;
    if d.normalize().scale() > max_scale {
        return Err(AmountError::TooPrecise {
            given: s.to_owned(),
            max: max_scale,
        });
    }
    Ok(d)
}

/// `value` normalised, if it is zero or more with at most `max_scale` decimals.
fn non_negative(value: Decimal, max_scale: u32) -> Result<Decimal, AmountError> {
    if value.is_sign_negative() && !value.is_zero() {
        return Err(AmountError::Negative(value.to_string()));
    }
    if value.normalize().scale() > max_scale {
        return Err(AmountError::TooPrecise {
            given: value.to_string(),
            max: max_scale,
        });
    }
    Ok(value.normalize())
}

/// Rounds a euro value to whole cents, half up (a half cent goes away from zero).
/// This is the only rounding rule in ibis.
pub fn round_half_up(value: Decimal) -> Money {
    Money(value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
}

/// The amount of one budget or claim line: unit price times quantity, rounded once.
pub fn line_amount(price: UnitPrice, quantity: Quantity) -> Money {
    round_half_up(price.0 * quantity.0)
}

/// An amount of money in euro, exact to the cent. May be negative (a refund or adjustment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(Decimal);

impl Money {
    /// Zero euro.
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// An amount from a whole number of cents.
    pub fn from_cents(cents: i64) -> Self {
        Money(Decimal::new(cents, 2))
    }

    /// The amount in cents.
    pub fn cents(self) -> i64 {
        // A Money is always whole cents, so the mantissa at scale 2 is exact.
        use rust_decimal::prelude::ToPrimitive;
        // A Money is always whole cents, so this product is a whole number.
        (self.0 * Decimal::ONE_HUNDRED)
            .to_i64()
            .unwrap_or(if self.is_negative() {
                i64::MIN
            } else {
                i64::MAX
            })
    }

    /// The amount as an exact decimal of euro.
    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    /// Whether the amount is below zero.
    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    /// Whether the amount is exactly zero.
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// Half the amount, rounded half up to the cent.
    pub fn half(self) -> Money {
        round_half_up(self.0 / Decimal::TWO)
    }

    /// The amount multiplied by an exact factor (e.g. 12 months), rounded half up to the cent.
    pub fn times(self, factor: Decimal) -> Money {
        round_half_up(self.0 * factor)
    }
}

impl FromStr for Money {
    type Err = AmountError;
    /// Parses euro with at most two decimals, e.g. `862.68`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_decimal(s, 2).map(Money)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = self.0;
        d.rescale(2);
        write!(f, "{d}")
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        self.0 -= rhs.0;
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.copied().sum()
    }
}

/// A price per unit of service in euro, zero or more, with at most four decimals
/// (so a rate with a percentage on top, such as 6.1795, stays exact).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct UnitPrice(Decimal);

impl UnitPrice {
    /// Most decimal places a unit price may have.
    pub const MAX_DECIMALS: u32 = 4;

    /// A price from an exact decimal; refused if negative or too precise.
    pub fn new(value: Decimal) -> Result<Self, AmountError> {
        non_negative(value, Self::MAX_DECIMALS).map(UnitPrice)
    }

    /// A whole-cent price.
    pub fn from_cents(cents: i64) -> Self {
        UnitPrice(Decimal::new(cents, 2))
    }

    /// The price as an exact decimal of euro.
    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    /// The price in ten-thousandths of a euro, exact (a price has at most four decimals); the
    /// form in which the store keeps prices.
    pub fn to_e4(self) -> i64 {
        use rust_decimal::prelude::ToPrimitive;
        (self.0 * Decimal::from(10_000))
            .to_i64()
            .unwrap_or(i64::MAX)
    }

    /// A price from ten-thousandths of a euro; refused if negative.
    pub fn from_e4(e4: i64) -> Result<Self, AmountError> {
        UnitPrice::new(Decimal::new(e4, 4))
    }

    /// This price plus a percentage of it (e.g. the employer's social insurance contribution),
    /// kept exact to four decimals (5.00 + 23.59 % = 6.1795).
    pub fn plus_percent(self, percent: Decimal) -> Result<Self, AmountError> {
        UnitPrice::new(self.0 + self.0 * percent / Decimal::ONE_HUNDRED)
    }
}

impl FromStr for UnitPrice {
    type Err = AmountError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let d = parse_decimal(s, Self::MAX_DECIMALS)?;
        UnitPrice::new(d).map_err(|_| AmountError::Negative(s.to_owned()))
    }
}

impl fmt::Display for UnitPrice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = self.0;
        if d.scale() < 2 {
            d.rescale(2);
        }
        write!(f, "{d}")
    }
}

impl Serialize for UnitPrice {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for UnitPrice {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// An exact quantity of service units (hours, days, ...), zero or more, with at most three
/// decimals (a minute is 1/60 hour, so quantities of time are entered in quarter hours or
/// converted from minutes by [`crate::claim::hours_from_minutes`], which keeps three decimals).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Quantity(Decimal);

impl Quantity {
    /// Most decimal places a quantity may have.
    pub const MAX_DECIMALS: u32 = 3;
    /// No units.
    pub const ZERO: Quantity = Quantity(Decimal::ZERO);

    /// A quantity from an exact decimal; refused if negative or too precise.
    pub fn new(value: Decimal) -> Result<Self, AmountError> {
        non_negative(value, Self::MAX_DECIMALS).map(Quantity)
    }

    /// A whole number of units.
    pub fn whole(units: u32) -> Self {
        Quantity(Decimal::from(units))
    }

    /// Thousandths of a unit (1 unit = 1000), exact.
    pub fn from_milli(milli: u64) -> Self {
        Quantity(Decimal::from(milli) / Decimal::from(1000))
    }

    /// The quantity in thousandths of a unit, exact.
    pub fn milli(self) -> u64 {
        use rust_decimal::prelude::ToPrimitive;
        // Three decimals at most, so this product is a whole number.
        (self.0 * Decimal::from(1000)).to_u64().unwrap_or(u64::MAX)
    }

    /// The quantity as an exact decimal.
    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    /// The smaller of the two.
    pub fn min(self, other: Quantity) -> Quantity {
        if other < self {
            other
        } else {
            self
        }
    }

    /// `self - other`, or zero if `other` is larger.
    pub fn saturating_sub(self, other: Quantity) -> Quantity {
        if other >= self {
            Quantity::ZERO
        } else {
            Quantity((self.0 - other.0).normalize())
        }
    }

    /// `value` cut down (never rounded up) to the allowed three decimals; used where a cap is
    /// divided, e.g. 20 days a year is 1.666 days a month.
    pub fn floor_of(value: Decimal) -> Result<Self, AmountError> {
        Quantity::new(value.round_dp_with_strategy(Self::MAX_DECIMALS, RoundingStrategy::ToZero))
    }
}

impl Add for Quantity {
    type Output = Quantity;
    fn add(self, rhs: Quantity) -> Quantity {
        Quantity((self.0 + rhs.0).normalize())
    }
}

impl Sum for Quantity {
    fn sum<I: Iterator<Item = Quantity>>(iter: I) -> Quantity {
        iter.fold(Quantity::ZERO, Add::add)
    }
}

impl FromStr for Quantity {
    type Err = AmountError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let d = parse_decimal(s, Self::MAX_DECIMALS)?;
        Quantity::new(d).map_err(|_| AmountError::Negative(s.to_owned()))
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.normalize())
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(s: &str) -> UnitPrice {
        s.parse().unwrap()
    }
    fn q(s: &str) -> Quantity {
        s.parse().unwrap()
    }

    #[test]
    fn quarter_hours_are_exact() {
        assert_eq!(line_amount(p("7.20"), q("11.25")).to_string(), "81.00");
        assert_eq!(q("11.25").milli(), 11_250);
        assert_eq!(Quantity::from_milli(11_250), q("11.25"));
    }

    #[test]
    fn half_cent_rounds_up() {
        // 6.1795 x 1 = 6.1795 -> 6.18; 3.7077 x 5 = 18.5385 -> 18.54; 0.005 -> 0.01.
        assert_eq!(line_amount(p("6.1795"), q("1")).to_string(), "6.18");
        assert_eq!(line_amount(p("3.7077"), q("5")).to_string(), "18.54");
        assert_eq!(round_half_up(Decimal::new(5, 3)).to_string(), "0.01");
        assert_eq!(round_half_up(Decimal::new(4999, 6)).to_string(), "0.00");
        assert_eq!(round_half_up(Decimal::new(-5, 3)).to_string(), "-0.01");
    }

    #[test]
    fn prices_round_trip_through_ten_thousandths() {
        assert_eq!(p("6.1795").to_e4(), 61_795);
        assert_eq!(UnitPrice::from_e4(61_795).unwrap(), p("6.1795"));
        assert_eq!(p("14.29").to_e4(), 142_900);
        assert!(UnitPrice::from_e4(-1).is_err());
    }

    #[test]
    fn contribution_is_exact() {
        let rate = p("5.00").plus_percent(Decimal::new(2359, 2)).unwrap();
        assert_eq!(rate.to_string(), "6.1795");
        let care = p("3.00").plus_percent(Decimal::new(2359, 2)).unwrap();
        assert_eq!(care.to_string(), "3.7077");
    }

    #[test]
    fn refuses_bad_values() {
        assert!(matches!(
            "-1".parse::<Quantity>(),
            Err(AmountError::Negative(_))
        ));
        assert!(matches!(
            "1.0001".parse::<Quantity>(),
            Err(AmountError::TooPrecise { .. })
        ));
        assert!(matches!(
            "abc".parse::<Money>(),
            Err(AmountError::NotANumber(_))
        ));
        assert!(matches!(
            "1.001".parse::<Money>(),
            Err(AmountError::TooPrecise { .. })
        ));
        assert!(matches!(
            "-0.01".parse::<UnitPrice>(),
            Err(AmountError::Negative(_))
        ));
        // Trailing zeros are not extra precision.
        assert_eq!("1.2500".parse::<Quantity>().unwrap(), q("1.25"));
    }

    #[test]
    fn money_formats_two_decimals_and_serialises_as_string() {
        assert_eq!(Money::from_cents(86268).to_string(), "862.68");
        assert_eq!(Money::from_cents(100).to_string(), "1.00");
        assert_eq!(Money::from_cents(-5).to_string(), "-0.05");
        assert_eq!(
            serde_json::to_string(&Money::from_cents(37188)).unwrap(),
            "\"371.88\""
        );
        assert_eq!(Money::from_cents(62306).half().to_string(), "311.53");
        assert_eq!(Money::from_cents(1).half().to_string(), "0.01");
    }

    proptest! {
        #[test]
        fn cents_round_trip(c in -10_000_000_000i64..10_000_000_000i64) {
            let m = Money::from_cents(c);
            prop_assert_eq!(m.cents(), c);
            prop_assert_eq!(m.to_string().parse::<Money>().unwrap(), m);
        }

        #[test]
        fn line_amount_is_within_half_a_cent(price_c in 0i64..1_000_000, milli in 0u64..10_000_000) {
            let price = UnitPrice::from_cents(price_c);
            let qty = Quantity::from_milli(milli);
            let exact = price.as_decimal() * qty.as_decimal();
            let got = line_amount(price, qty).as_decimal();
            prop_assert!((got - exact).abs() <= Decimal::new(5, 3));
        }

        #[test]
        fn quantities_add_exactly(a in 0u64..1_000_000_000, b in 0u64..1_000_000_000) {
            prop_assert_eq!((Quantity::from_milli(a) + Quantity::from_milli(b)).milli(), a + b);
        }
    }
}
