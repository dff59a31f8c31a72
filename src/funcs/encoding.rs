//! Sprig's encodings: `b64enc`, `b64dec`, `b32enc`, `b32dec` (Go's standard,
//! padded alphabets; a decoding error is returned as the result text, as
//! Sprig does).

use super::types::strval;
use super::{def, FuncCtx, FuncDef, FuncResult, Ty};
use crate::value::Value;

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Encode `data` with an alphabet of 2^`bits` symbols and `=` padding.
fn encode(data: &[u8], alphabet: &[u8], bits: u32, block: usize) -> String {
    let mut out = String::new();
    let mut acc: u64 = 0;
    let mut n = 0u32;
    let mask = (1u64 << bits) - 1;
    for &b in data {
        acc = (acc << 8) | u64::from(b);
        n += 8;
        while n >= bits {
            n -= bits;
            out.push(char::from(alphabet[((acc >> n) & mask) as usize]));
        }
    }
    if n > 0 {
        out.push(char::from(alphabet[((acc << (bits - n)) & mask) as usize]));
    }
    while out.len() % block != 0 {
        out.push('=');
    }
    out
}

/// Decode Go-style (strict padding); `Err(byte offset)` on bad input.
fn decode(s: &str, alphabet: &[u8], bits: u32, block: usize) -> Result<Vec<u8>, usize> {
    let bytes: Vec<u8> = s.bytes().filter(|&b| b != b'\n' && b != b'\r').collect();
    let mut out = Vec::new();
    let mut acc: u64 = 0;
    let mut n = 0u32;
    let mut pad_at = None;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'=' {
            pad_at.get_or_insert(i);
            continue;
        }
        if pad_at.is_some() {
            return Err(i);
        }
        let Some(v) = alphabet.iter().position(|&c| c == b) else {
            return Err(i);
        };
        acc = (acc << bits) | v as u64;
        n += bits;
        if n >= 8 {
            n -= 8;
            out.push((acc >> n) as u8);
        }
    }
    if bytes.len() % block != 0 {
        return Err(bytes.len() - bytes.len() % block);
    }
    Ok(out)
}

fn f_b64enc(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::str(encode(strval(&a[0]).as_bytes(), B64, 6, 4)))
}

fn f_b64dec(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::str(match decode(&strval(&a[0]), B64, 6, 4) {
        Ok(d) => String::from_utf8_lossy(&d).into_owned(),
        Err(i) => format!("illegal base64 data at input byte {i}"),
    }))
}

fn f_b32enc(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::str(encode(strval(&a[0]).as_bytes(), B32, 5, 8)))
}

fn f_b32dec(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::str(match decode(&strval(&a[0]), B32, 5, 8) {
        Ok(d) => String::from_utf8_lossy(&d).into_owned(),
        Err(i) => format!("illegal base32 data at input byte {i}"),
    }))
}

/// Sprig's encoding functions.
pub static FUNCS: &[FuncDef] = &[
    def("b64enc", &[Ty::Str], None, f_b64enc),
    def("b64dec", &[Ty::Str], None, f_b64dec),
    def("b32enc", &[Ty::Str], None, f_b32enc),
    def("b32dec", &[Ty::Str], None, f_b32dec),
];

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(encode(b"hello", B64, 6, 4), "aGVsbG8=");
        assert_eq!(encode(b"hello", B32, 5, 8), "NBSWY3DP");
        assert_eq!(decode("aGVsbG8=", B64, 6, 4), Ok(b"hello".to_vec()));
        assert_eq!(decode("NBSWY3DP", B32, 5, 8), Ok(b"hello".to_vec()));
    }
}
