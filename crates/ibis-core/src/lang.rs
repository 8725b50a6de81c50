//! The two languages of ibis texts (Latvian by default, English) and how dates and amounts are
//! written in each.

use time::Date;

use crate::money::{Money, UnitPrice};

crate::coded_enum!(
    /// A language of texts shown or printed for people.
    #[derive(Default)]
    Lang, "lang", {
        /// Latvian (latviešu valoda), the default.
        #[default]
        Lv = "lv",
        /// English.
        En = "en",
    }
);

impl Lang {
    /// The text in this language, of a Latvian and an English one.
    pub fn pick<'a>(self, lv: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Lv => lv,
            Lang::En => en,
        }
    }

    /// A date as written in this language: `31.12.2026.` in Latvian, `31 December 2026` in
    /// English.
    pub fn date(self, d: Date) -> String {
        match self {
            Lang::Lv => format!("{:02}.{:02}.{}.", d.day(), d.month() as u8, d.year()),
            Lang::En => format!("{} {} {}", d.day(), d.month(), d.year()),
        }
    }

    /// A euro amount as written in this language: `862,68 EUR` in Latvian (decimal comma),
    /// `862.68 EUR` in English.
    pub fn money(self, m: Money) -> String {
        format!("{} EUR", self.number(&m.to_string()))
    }

    /// A unit price as written in this language (`5,00 EUR` / `5.00 EUR`; a price with more
    /// decimals keeps them).
    pub fn money_price(self, p: UnitPrice) -> String {
        format!("{} EUR", self.number(&p.to_string()))
    }

    /// A decimal number written with this language's decimal separator (a comma in Latvian).
    pub fn number(self, text: &str) -> String {
        match self {
            Lang::Lv => text.replace('.', ","),
            Lang::En => text.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn dates_and_amounts_per_language() {
        assert_eq!(Lang::Lv.date(date!(2026 - 03 - 01)), "01.03.2026.");
        assert_eq!(Lang::En.date(date!(2026 - 03 - 01)), "1 March 2026");
        assert_eq!(Lang::Lv.money(Money::from_cents(86268)), "862,68 EUR");
        assert_eq!(Lang::En.money(Money::from_cents(86268)), "862.68 EUR");
        assert_eq!(Lang::default(), Lang::Lv);
        assert_eq!("en".parse::<Lang>().ok(), Some(Lang::En));
    }
}
