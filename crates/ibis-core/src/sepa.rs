//! SEPA credit transfers: IBAN and BIC checks, payment runs and the ISO 20022
//! `pain.001.001.03` customer credit transfer initiation file that a municipality uploads to
//! its bank.
//!
//! The XML is written by hand. Every text is first restricted to the SEPA character set
//! (`a-z A-Z 0-9 / - ? : ( ) . , ' +` and space; Latvian letters transliterated: ā→a, č→c,
//! ē→e, ģ→g, ī→i, ķ→k, ļ→l, ņ→n, š→s, ū→u, ž→z, and capitals alike; `&` becomes `+`; any
//! other character becomes a space) and then escaped for XML. Names are cut to 70 characters
//! and remittance text to 140, as the SEPA rulebook allows; identifiers are never cut but
//! refused when too long.

use std::collections::BTreeMap;
use std::fmt;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use time::{Date, PrimitiveDateTime};

use crate::field::FieldError;
use crate::money::Money;

/// Why an IBAN was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IbanError {
    /// Nothing given.
    #[error("an IBAN is required")]
    Empty,
    /// A character other than a letter or digit (spaces aside).
    #[error("\"{given}\" contains '{ch}'; an IBAN has only letters and digits")]
    BadCharacter {
        /// What was given.
        given: String,
        /// The first wrong character.
        ch: char,
    },
    /// Does not start with a two-letter country code and two check digits.
    #[error(
        "\"{0}\" does not start with a two-letter country code and two check digits (like LV80...)"
    )]
    BadStart(String),
    /// The country does not use SEPA IBANs.
    #[error(
        "\"{country}\" is not the country code of a SEPA country (EU/EEA, CH, GB, MC, SM, AD, VA)"
    )]
    NotSepa {
        /// The country code given.
        country: String,
    },
    /// Wrong length for the country.
    #[error("an IBAN of {country} has {expected} characters; \"{given}\" has {length}")]
    WrongLength {
        /// Country.
        country: String,
        /// Length of that country's IBANs.
        expected: usize,
        /// Length given.
        length: usize,
        /// What was given (normalised).
        given: String,
    },
    /// A Latvian IBAN whose bank code (characters 5-8) is not four letters.
    #[error("\"{0}\": a Latvian IBAN has the bank's four-letter code after the check digits (LVkk BANK ...)")]
    LatvianBankCode(String),
    /// The check digits do not match.
    #[error("\"{0}\": the check digits do not match (ISO 13616 mod 97); a character is probably mistyped")]
    Checksum(String),
}

/// IBAN lengths of the SEPA countries (ISO 13616 registry): the EU and EEA, Switzerland, the
/// United Kingdom, Monaco, San Marino, Andorra, Vatican City, Gibraltar, and the Faroe Islands
/// and Greenland, which have their own codes.
pub const SEPA_IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AT", 20),
    ("BE", 16),
    ("BG", 22),
    ("CH", 21),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("EE", 20),
    ("ES", 24),
    ("FI", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IS", 26),
    ("IT", 27),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("MC", 27),
    ("MT", 31),
    ("NL", 18),
    ("NO", 15),
    ("PL", 28),
    ("PT", 25),
    ("RO", 24),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("VA", 22),
];

/// A checked IBAN in its electronic form: capitals and digits, no spaces.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Iban(String);

impl Iban {
    /// Checks an IBAN (ISO 13616): spaces are removed and letters made capitals; then it must
    /// be letters and digits only, start with a SEPA country code and two digits, have that
    /// country's length, for Latvia a four-letter bank code, and its mod-97 remainder must
    /// be 1.
    pub fn parse(s: &str) -> Result<Iban, IbanError> {
        let norm: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        if norm.is_empty() {
            return Err(IbanError::Empty);
        }
        if let Some(ch) = norm.chars().find(|c| !c.is_ascii_alphanumeric()) {
            return Err(IbanError::BadCharacter {
                given: s.trim().to_owned(),
                ch,
            });
        }
        let b = norm.as_bytes();
        if b.len() < 4
            || !b[0].is_ascii_alphabetic()
            || !b[1].is_ascii_alphabetic()
            || !b[2].is_ascii_digit()
            || !b[3].is_ascii_digit()
        {
            return Err(IbanError::BadStart(norm));
        }
        let country = &norm[..2];
        let expected = SEPA_IBAN_LENGTHS
            .iter()
            .find(|(c, _)| *c == country)
            .map(|(_, l)| *l)
            .ok_or_else(|| IbanError::NotSepa {
                country: country.to_owned(),
            })?;
        if norm.len() != expected {
            return Err(IbanError::WrongLength {
                country: country.to_owned(),
                expected,
                length: norm.len(),
                given: norm,
            });
        }
        if country == "LV" && !norm[4..8].bytes().all(|c| c.is_ascii_alphabetic()) {
            return Err(IbanError::LatvianBankCode(norm));
        }
        if mod97(&norm) != 1 {
            return Err(IbanError::Checksum(norm));
        }
        Ok(Iban(norm))
    }

    /// The electronic form (`LV80BANK0000435195001`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The printed form, in groups of four (`LV80 BANK 0000 4351 9500 1`).
    pub fn grouped(&self) -> String {
        let mut out = String::with_capacity(self.0.len() + self.0.len() / 4);
        for (i, c) in self.0.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push(' ');
            }
            out.push(c);
        }
        out
    }

    /// The country code.
    pub fn country(&self) -> &str {
        &self.0[..2]
    }
}

impl fmt::Display for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Iban {
    type Error = IbanError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Iban::parse(&s)
    }
}

impl From<Iban> for String {
    fn from(i: Iban) -> String {
        i.0
    }
}

impl Iban {
    /// The IBAN of a country and a basic bank account number, with its check digits
    /// computed (ISO 13616), e.g. `Iban::from_bban("LV", "HABA0551012345678")`.
    pub fn from_bban(country: &str, bban: &str) -> Result<Iban, IbanError> {
        let bban: String = bban
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        let country = country.to_uppercase();
        let check = 98 - mod97(&format!("{country}00{bban}"));
        Iban::parse(&format!("{country}{check:02}{bban}"))
    }
}

/// The ISO 13616 remainder: the first four characters moved to the end, letters as 10-35,
/// the number taken mod 97.
fn mod97(iban: &str) -> u32 {
    let rearranged = iban[4..].chars().chain(iban[..4].chars());
    let mut rem: u32 = 0;
    for c in rearranged {
        let v = c.to_digit(36).unwrap_or(0);
        rem = if v < 10 {
            (rem * 10 + v) % 97
        } else {
            (rem * 100 + v) % 97
        };
    }
    rem
}

/// Checks a BIC (ISO 9362): 8 or 11 characters, normalised to capitals without spaces: four
/// letters (bank), two letters (country), two letters or digits (location, whose first is
/// not 0 or 1 and second not O), and an optional three-character branch. This is the pattern
/// of the `pain.001.001.03` schema.
pub fn check_bic(s: &str) -> Result<String, String> {
    let b: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    if b.len() != 8 && b.len() != 11 {
        return Err(format!(
            "\"{}\" has {} characters; a BIC has 8 or 11",
            s.trim(),
            b.chars().count()
        ));
    }
    let bytes = b.as_bytes();
    if !bytes.iter().all(u8::is_ascii_alphanumeric) {
        return Err(format!("\"{}\" may have only letters and digits", s.trim()));
    }
    if !bytes[..6].iter().all(u8::is_ascii_alphabetic) {
        return Err(format!(
            "\"{b}\": the first six characters (bank and country code) must be letters"
        ));
    }
    if !(bytes[6].is_ascii_uppercase() || (b'2'..=b'9').contains(&bytes[6])) {
        return Err(format!(
            "\"{b}\": the 7th character (location) must be a letter or a digit 2-9"
        ));
    }
    if bytes[7] == b'O' {
        return Err(format!(
            "\"{b}\": the 8th character (location) must not be the letter O"
        ));
    }
    Ok(b)
}

/// A text restricted to the SEPA character set: Latvian (and a few other Baltic and German)
/// letters transliterated, `&` as `+`, any other character outside the set as a space,
/// runs of spaces made one, trimmed.
pub fn sepa_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let t: &str = match c {
            'ā' | 'ä' | 'ą' => "a",
            'Ā' | 'Ä' | 'Ą' => "A",
            'č' => "c",
            'Č' => "C",
            'ē' | 'ę' | 'ė' => "e",
            'Ē' | 'Ę' | 'Ė' => "E",
            'ģ' => "g",
            'Ģ' => "G",
            'ī' | 'į' => "i",
            'Ī' | 'Į' => "I",
            'ķ' => "k",
            'Ķ' => "K",
            'ļ' => "l",
            'Ļ' => "L",
            'ņ' => "n",
            'Ņ' => "N",
            'ō' | 'ö' | 'õ' => "o",
            'Ō' | 'Ö' | 'Õ' => "O",
            'š' => "s",
            'Š' => "S",
            'ū' | 'ü' | 'ų' => "u",
            'Ū' | 'Ü' | 'Ų' => "U",
            'ž' => "z",
            'Ž' => "Z",
            'ß' => "ss",
            '&' => "+",
            c if c.is_ascii_alphanumeric() || "/-?:().,'+ ".contains(c) => {
                out.push(c);
                continue;
            }
            _ => " ",
        };
        out.push_str(t);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Escapes text for an XML element or attribute.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn cut(s: &str, max: usize) -> String {
    s.chars()
        .take(max)
        .collect::<String>()
        .trim_end()
        .to_owned()
}

/// Most characters of a name in the file.
pub const MAX_NAME: usize = 70;
/// Most characters of the remittance text.
pub const MAX_REMITTANCE: usize = 140;
/// Most characters of an identifier.
pub const MAX_ID: usize = 35;
/// The largest amount of one SEPA credit transfer.
pub const MAX_AMOUNT_CENTS: i64 = 99_999_999_999;

/// Checks an identifier (message, end-to-end): 1-35 characters of the SEPA set without
/// spaces, not starting or ending with `/` and without `//`.
pub fn check_id(field: &str, value: &str, errors: &mut Vec<FieldError>) {
    let n = value.chars().count();
    if n == 0 {
        errors.push(FieldError::new(field, "is required"));
    } else if n > MAX_ID {
        errors.push(FieldError::new(
            field,
            format!("\"{value}\" has {n} characters; at most {MAX_ID}"),
        ));
    } else if let Some(c) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "/-?:().,'+".contains(*c)))
    {
        errors.push(FieldError::new(
            field,
            format!("\"{value}\" contains '{c}'; allowed: letters a-z A-Z, digits and / - ? : ( ) . , ' +"),
        ));
    } else if value.starts_with('/') || value.ends_with('/') || value.contains("//") {
        errors.push(FieldError::new(
            field,
            format!("\"{value}\" must not start or end with / or contain //"),
        ));
    }
}

/// One credit transfer of a payment run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// The end-to-end identifier the creditor sees on its statement (unique in the run, at most
    /// 35 characters).
    pub end_to_end_id: String,
    /// The creditor's name (cut to 70 characters in the file).
    pub creditor_name: String,
    /// The creditor's IBAN.
    pub creditor_iban: String,
    /// The amount, more than zero.
    pub amount: Money,
    /// Unstructured remittance text (cut to 140 characters; empty for none).
    pub remittance: String,
}

/// A payment run: the municipality's credit transfers to be sent in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRun {
    /// The message identifier, unique per debtor (at most 35 characters); also used as the
    /// payment information identifier of the file's one `PmtInf`.
    pub msg_id: String,
    /// When the file is created, Riga local time.
    pub created_at: PrimitiveDateTime,
    /// The paying municipality's name.
    pub debtor_name: String,
    /// The municipality's IBAN.
    pub debtor_iban: String,
    /// The municipality's bank's BIC, if known (otherwise `NOTPROVIDED` is written).
    pub debtor_bic: Option<String>,
    /// The day the bank is to execute the transfers.
    pub execution_date: Date,
    /// The transfers.
    pub payments: Vec<Payment>,
}

impl PaymentRun {
    /// The number of transfers and their sum.
    pub fn totals(&self) -> (usize, Money) {
        (
            self.payments.len(),
            self.payments.iter().map(|p| p.amount).sum(),
        )
    }

    /// Checks the run, naming every problem with its field (`payments[2].creditor_iban`): a
    /// run has at least one payment; identifiers are valid and end-to-end identifiers unique;
    /// names are not empty in the SEPA character set; IBANs and the BIC are valid; amounts are
    /// more than zero and at most 999,999,999.99; the execution date is not before the
    /// creation date.
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_id("msg_id", &self.msg_id, &mut errors);
        if sepa_text(&self.debtor_name).is_empty() {
            errors.push(FieldError::new("debtor_name", "is required"));
        }
        if let Err(e) = Iban::parse(&self.debtor_iban) {
            errors.push(FieldError::new("debtor_iban", e.to_string()));
        }
        if let Some(b) = &self.debtor_bic {
            if let Err(m) = check_bic(b) {
                errors.push(FieldError::new("debtor_bic", m));
            }
        }
        if self.execution_date < self.created_at.date() {
            errors.push(FieldError::new(
                "execution_date",
                format!(
                    "{} is before the run was created ({})",
                    self.execution_date,
                    self.created_at.date()
                ),
            ));
        }
        if self.payments.is_empty() {
            errors.push(FieldError::new(
                "payments",
                "a payment run needs at least one payment",
            ));
        }
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, p) in self.payments.iter().enumerate() {
            let f = |n: &str| format!("payments[{i}].{n}");
            check_id(&f("end_to_end_id"), &p.end_to_end_id, &mut errors);
            if let Some(j) = seen.insert(p.end_to_end_id.as_str(), i) {
                errors.push(FieldError::new(
                    f("end_to_end_id"),
                    format!(
                        "\"{}\" is also the identifier of payment {j}",
                        p.end_to_end_id
                    ),
                ));
            }
            if sepa_text(&p.creditor_name).is_empty() {
                errors.push(FieldError::new(f("creditor_name"), "is required"));
            }
            if let Err(e) = Iban::parse(&p.creditor_iban) {
                errors.push(FieldError::new(
                    f("creditor_iban"),
                    format!("payment to {}: {e}", p.creditor_name.trim()),
                ));
            }
            if p.amount.is_zero() || p.amount.is_negative() {
                errors.push(FieldError::new(
                    f("amount"),
                    format!("{} must be more than 0", p.amount),
                ));
            } else if p.amount.cents() > MAX_AMOUNT_CENTS {
                errors.push(FieldError::new(
                    f("amount"),
                    format!(
                        "{} is more than a SEPA transfer allows (999999999.99)",
                        p.amount
                    ),
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// The ISO 20022 `pain.001.001.03` file for a run, after [`PaymentRun::check`] (whose errors
/// are returned instead). One group header (MsgId, CreDtTm, NbOfTxs, CtrlSum, InitgPty/Nm =
/// the debtor), one payment information block (PmtMtd TRF, BtchBookg true, NbOfTxs, CtrlSum,
/// service level SEPA, ReqdExctnDt, Dbtr, DbtrAcct IBAN, DbtrAgt BIC or
/// `Othr/Id NOTPROVIDED`, ChrgBr SLEV) and one `CdtTrfTxInf` per payment (EndToEndId,
/// InstdAmt in EUR with two decimals, Cdtr/Nm, CdtrAcct IBAN, RmtInf/Ustrd when not empty).
pub fn pain_001_001_03(run: &PaymentRun) -> Result<String, Vec<FieldError>> {
    run.check()?;
    let (count, sum) = run.totals();
    let iban = |s: &str| Iban::parse(s).map(|i| i.0).unwrap_or_default();
    let name = |s: &str| xml_escape(&cut(&sepa_text(s), MAX_NAME));
    let created = format!(
        "{}T{:02}:{:02}:{:02}",
        run.created_at.date(),
        run.created_at.hour(),
        run.created_at.minute(),
        run.created_at.second()
    );
    let mut x = String::with_capacity(1024 + 512 * count);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n");
    x.push_str("  <CstmrCdtTrfInitn>\n");
    x.push_str("    <GrpHdr>\n");
    let _ = writeln!(x, "      <MsgId>{}</MsgId>", xml_escape(&run.msg_id));
    let _ = writeln!(x, "      <CreDtTm>{created}</CreDtTm>");
    let _ = writeln!(x, "      <NbOfTxs>{count}</NbOfTxs>");
    let _ = writeln!(x, "      <CtrlSum>{sum}</CtrlSum>");
    let _ = writeln!(
        x,
        "      <InitgPty><Nm>{}</Nm></InitgPty>",
        name(&run.debtor_name)
    );
    x.push_str("    </GrpHdr>\n");
    x.push_str("    <PmtInf>\n");
    let _ = writeln!(x, "      <PmtInfId>{}</PmtInfId>", xml_escape(&run.msg_id));
    x.push_str("      <PmtMtd>TRF</PmtMtd>\n");
    x.push_str("      <BtchBookg>true</BtchBookg>\n");
    let _ = writeln!(x, "      <NbOfTxs>{count}</NbOfTxs>");
    let _ = writeln!(x, "      <CtrlSum>{sum}</CtrlSum>");
    x.push_str("      <PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf>\n");
    let _ = writeln!(x, "      <ReqdExctnDt>{}</ReqdExctnDt>", run.execution_date);
    let _ = writeln!(x, "      <Dbtr><Nm>{}</Nm></Dbtr>", name(&run.debtor_name));
    let _ = writeln!(
        x,
        "      <DbtrAcct><Id><IBAN>{}</IBAN></Id></DbtrAcct>",
        iban(&run.debtor_iban)
    );
    match run.debtor_bic.as_deref().and_then(|b| check_bic(b).ok()) {
        Some(bic) => {
            let _ = writeln!(
                x,
                "      <DbtrAgt><FinInstnId><BIC>{bic}</BIC></FinInstnId></DbtrAgt>"
            );
        }
        None => x.push_str(
            "      <DbtrAgt><FinInstnId><Othr><Id>NOTPROVIDED</Id></Othr></FinInstnId></DbtrAgt>\n",
        ),
    }
    x.push_str("      <ChrgBr>SLEV</ChrgBr>\n");
    for p in &run.payments {
        x.push_str("      <CdtTrfTxInf>\n");
        let _ = writeln!(
            x,
            "        <PmtId><EndToEndId>{}</EndToEndId></PmtId>",
            xml_escape(&p.end_to_end_id)
        );
        let _ = writeln!(
            x,
            "        <Amt><InstdAmt Ccy=\"EUR\">{}</InstdAmt></Amt>",
            p.amount
        );
        let _ = writeln!(
            x,
            "        <Cdtr><Nm>{}</Nm></Cdtr>",
            name(&p.creditor_name)
        );
        let _ = writeln!(
            x,
            "        <CdtrAcct><Id><IBAN>{}</IBAN></Id></CdtrAcct>",
            iban(&p.creditor_iban)
        );
        let remittance = cut(&sepa_text(&p.remittance), MAX_REMITTANCE);
        if !remittance.is_empty() {
            let _ = writeln!(
                x,
                "        <RmtInf><Ustrd>{}</Ustrd></RmtInf>",
                xml_escape(&remittance)
            );
        }
        x.push_str("      </CdtTrfTxInf>\n");
    }
    x.push_str("    </PmtInf>\n");
    x.push_str("  </CstmrCdtTrfInitn>\n");
    x.push_str("</Document>\n");
    Ok(x)
}

crate::coded_enum!(
    /// Where a payment run stands. A run is reviewed by someone other than who prepared it
    /// before it is released to the bank.
    RunState, "state", {
        /// Prepared; may be changed or cancelled.
        Draft = "draft",
        /// Reviewed by a second person; may be released, sent back or cancelled.
        Reviewed = "reviewed",
        /// The file was released to the bank; final.
        Released = "released",
        /// Cancelled before release; final.
        Cancelled = "cancelled",
    }
);

/// Whether a run may move from `from` to `to` by `actor`, given who prepared it:
/// draft→reviewed (by someone other than the preparer: four eyes), reviewed→released,
/// reviewed→draft (sent back), draft→cancelled and reviewed→cancelled. Anything else is
/// refused, naming the states.
pub fn run_transition(
    from: RunState,
    to: RunState,
    prepared_by: &str,
    actor: &str,
) -> Result<(), String> {
    use RunState::*;
    let allowed: &[RunState] = match from {
        Draft => &[Reviewed, Cancelled],
        Reviewed => &[Released, Draft, Cancelled],
        Released | Cancelled => &[],
    };
    if !allowed.contains(&to) {
        return Err(format!(
            "a payment run cannot go from {from} to {to}; from {from} it may go to {}",
            if allowed.is_empty() {
                "no other state".to_owned()
            } else {
                allowed
                    .iter()
                    .map(|s| s.code())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ));
    }
    if to == Reviewed && prepared_by.trim() == actor.trim() {
        return Err(format!(
            "{actor} prepared this run; another person must review it before release"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn check_digits_are_computed() {
        let i = super::Iban::from_bban("LV", "BANK0000435195001").unwrap();
        assert_eq!(i.as_str(), "LV80BANK0000435195001");
    }

    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn ibans_of_sepa_countries() {
        for good in [
            "LV80BANK0000435195001",
            "lv80 bank 0000 4351 9500 1",
            "DE89370400440532013000",
            "GB29NWBK60161331926819",
            "FR1420041010050500013M02606",
            "EE382200221020145685",
            "LT121000011101001000",
            "NO9386011117947",
            "BE68539007547034",
            "MT84MALT011000012345MTLCAST001S",
        ] {
            assert!(Iban::parse(good).is_ok(), "{good}: {:?}", Iban::parse(good));
        }
        assert_eq!(
            Iban::parse("lv80 bank 0000 4351 9500 1").unwrap().grouped(),
            "LV80 BANK 0000 4351 9500 1"
        );
        assert_eq!(
            Iban::parse("LV80BANK0000435195002").unwrap_err(),
            IbanError::Checksum("LV80BANK0000435195002".into())
        );
        assert!(matches!(
            Iban::parse("LV80BANK000043519500"),
            Err(IbanError::WrongLength {
                expected: 21,
                length: 20,
                ..
            })
        ));
        assert!(matches!(
            Iban::parse("US80BANK0000435195001"),
            Err(IbanError::NotSepa { .. })
        ));
        assert!(matches!(
            Iban::parse("LV80-BANK"),
            Err(IbanError::BadCharacter { ch: '-', .. })
        ));
        assert!(matches!(Iban::parse("80LV"), Err(IbanError::BadStart(_))));
        assert!(matches!(Iban::parse(" "), Err(IbanError::Empty)));
        assert!(matches!(
            Iban::parse("LV671234000435195001X"),
            Err(IbanError::LatvianBankCode(_))
        ));
        let msg = Iban::parse("LV80BANK000043519500").unwrap_err().to_string();
        assert!(msg.contains("LV has 21 characters"), "{msg}");
    }

    #[test]
    fn bics() {
        assert_eq!(check_bic("hablLV22").unwrap(), "HABLLV22");
        assert_eq!(check_bic("UNLALV2XXXX").unwrap(), "UNLALV2XXXX");
        assert!(check_bic("HABLLV2").is_err());
        assert!(check_bic("HABL1V22").is_err());
        assert!(check_bic("HABLLV2O").is_err());
        assert!(check_bic("HABLLV1X").is_err());
    }

    #[test]
    fn text_is_transliterated_and_escaped() {
        assert_eq!(
            sepa_text("Ogres novada pašvaldība & Ķēniņš — Čūžļģī"),
            "Ogres novada pasvaldiba + Kenins Cuzlgi"
        );
        assert_eq!(
            sepa_text("ĀČĒĢĪĶĻŅŠŪŽ āčēģīķļņšūž"),
            "ACEGIKLNSUZ acegiklnsuz"
        );
        assert_eq!(
            xml_escape("O'Brien <a> & \"b\""),
            "O&apos;Brien &lt;a&gt; &amp; &quot;b&quot;"
        );
    }

    fn run() -> PaymentRun {
        PaymentRun {
            msg_id: "OGRE-2026-03-001".into(),
            created_at: datetime!(2026-03-31 10:15:30),
            debtor_name: "Ogres novada pašvaldība".into(),
            debtor_iban: "LV80BANK0000435195001".into(),
            debtor_bic: Some("HABALV22".into()),
            execution_date: date!(2026 - 04 - 01),
            payments: vec![
                Payment {
                    end_to_end_id: "IB-2026-03-7".into(),
                    creditor_name: "Biedrība \"Gaismas ceļš\"".into(),
                    creditor_iban: "LV80BANK0000435195001".into(),
                    amount: Money::from_cents(12345),
                    remittance: "Klientu pakalpojumi 2026. gada martā".into(),
                },
                Payment {
                    end_to_end_id: "IB-2026-03-8".into(),
                    creditor_name: "SIA Atbalsts".into(),
                    creditor_iban: "DE89 3704 0044 0532 0130 00".into(),
                    amount: Money::from_cents(1000),
                    remittance: String::new(),
                },
            ],
        }
    }

    #[test]
    fn a_run_is_checked_naming_each_payment() {
        let mut r = run();
        r.payments[1].creditor_iban = "DE89370400440532013001".into();
        r.payments[0].amount = Money::ZERO;
        r.payments[1].end_to_end_id = "IB-2026-03-7".into();
        r.debtor_bic = Some("XX".into());
        r.execution_date = date!(2026 - 03 - 30);
        let errs = r.check().unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "debtor_bic",
                "execution_date",
                "payments[0].amount",
                "payments[1].end_to_end_id",
                "payments[1].creditor_iban"
            ]
        );
        assert!(errs[4].message.contains("payment to SIA Atbalsts"));
        let empty = PaymentRun {
            payments: vec![],
            ..run()
        };
        assert_eq!(empty.check().unwrap_err()[0].field, "payments");
    }

    /// A small well-formedness check: every tag closed in order, one root element, text and
    /// attribute values free of `<` and of `&` other than the five entities.
    fn well_formed(x: &str) -> Result<(), String> {
        let body = x
            .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
            .ok_or("no XML declaration")?;
        let mut stack: Vec<String> = Vec::new();
        let mut roots = 0;
        let mut rest = body;
        let check_text = |t: &str| -> Result<(), String> {
            let mut parts = t.split('&');
            parts.next();
            for p in parts {
                if !["amp;", "lt;", "gt;", "quot;", "apos;"]
                    .iter()
                    .any(|e| p.starts_with(e))
                {
                    return Err(format!("a bare & in {t:?}"));
                }
            }
            Ok(())
        };
        while let Some(open) = rest.find('<') {
            check_text(&rest[..open])?;
            if stack.is_empty() && !rest[..open].trim().is_empty() {
                return Err(format!("text outside the root: {:?}", &rest[..open]));
            }
            let close = rest[open..].find('>').ok_or("an unclosed tag")? + open;
            let tag = &rest[open + 1..close];
            if tag.contains('<') {
                return Err(format!("< inside a tag: {tag}"));
            }
            if let Some(name) = tag.strip_prefix('/') {
                let top = stack.pop().ok_or(format!("</{name}> closes nothing"))?;
                if top != name {
                    return Err(format!("</{name}> closes <{top}>"));
                }
            } else {
                let name = tag.split_whitespace().next().ok_or("an empty tag")?;
                let attrs = &tag[name.len()..];
                if attrs.matches('"').count() % 2 != 0 {
                    return Err(format!("unbalanced quotes in <{tag}>"));
                }
                check_text(attrs)?;
                if stack.is_empty() {
                    roots += 1;
                }
                if !tag.ends_with('/') {
                    stack.push(name.to_owned());
                }
            }
            rest = &rest[close + 1..];
        }
        if !rest.trim().is_empty() {
            return Err("text after the root".into());
        }
        match (stack.is_empty(), roots) {
            (true, 1) => Ok(()),
            (false, _) => Err(format!("unclosed: {stack:?}")),
            _ => Err(format!("{roots} root elements")),
        }
    }

    #[test]
    fn the_file_is_well_formed_xml() {
        let mut r = run();
        r.payments[0].creditor_name = "O'Brien <&> \"Rīga\"".into();
        let x = pain_001_001_03(&r).unwrap();
        well_formed(&x).unwrap();
        assert!(x.contains("<Nm>O&apos;Brien + Riga</Nm>"), "{x}");
        assert!(well_formed("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a><b></a></b>").is_err());
        assert!(well_formed("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>x & y</a>").is_err());
    }

    #[test]
    fn the_file_has_the_counts_sums_and_clean_text() {
        let x = pain_001_001_03(&run()).unwrap();
        assert_eq!(x.matches("<NbOfTxs>2</NbOfTxs>").count(), 2);
        assert_eq!(x.matches("<CtrlSum>133.45</CtrlSum>").count(), 2);
        assert_eq!(x.matches("<CdtTrfTxInf>").count(), 2);
        assert!(x.contains("<InstdAmt Ccy=\"EUR\">123.45</InstdAmt>"));
        assert!(x.contains("<InstdAmt Ccy=\"EUR\">10.00</InstdAmt>"));
        assert!(x.contains("<Nm>Ogres novada pasvaldiba</Nm>"));
        assert!(x.contains("<Nm>Biedriba Gaismas cels</Nm>"));
        assert!(x.contains("<Ustrd>Klientu pakalpojumi 2026. gada marta</Ustrd>"));
        assert!(x.contains("<IBAN>DE89370400440532013000</IBAN>"));
        assert!(x.contains("<CreDtTm>2026-03-31T10:15:30</CreDtTm>"));
        assert!(x.contains("<BIC>HABALV22</BIC>"));
        assert_eq!(x.matches("<RmtInf>").count(), 1);
        let no_bic = PaymentRun {
            debtor_bic: None,
            ..run()
        };
        assert!(pain_001_001_03(&no_bic)
            .unwrap()
            .contains("<Othr><Id>NOTPROVIDED</Id></Othr>"));
    }

    #[test]
    fn runs_are_reviewed_by_another_person_before_release() {
        assert!(run_transition(RunState::Draft, RunState::Released, "a", "b").is_err());
        assert!(run_transition(RunState::Draft, RunState::Reviewed, "a", "a").is_err());
        assert!(run_transition(RunState::Draft, RunState::Reviewed, "a", "b").is_ok());
        assert!(run_transition(RunState::Reviewed, RunState::Released, "a", "b").is_ok());
        assert!(run_transition(RunState::Released, RunState::Cancelled, "a", "b").is_err());
    }
}
