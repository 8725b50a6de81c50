//! The personal code parser: any text is a code or a clear error, never a panic; a code that
//! parses prints back to a form that parses to the same code.
#![no_main]

use ibis_core::personal_code::PersonalCode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match PersonalCode::parse(&text) {
        Ok(code) => {
            let _ = code.birth_date();
            let _ = code.is_new_format();
            assert_eq!(PersonalCode::parse(&code.to_string()), Ok(code));
            assert_eq!(PersonalCode::parse(&code.compact()), Ok(code));
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
