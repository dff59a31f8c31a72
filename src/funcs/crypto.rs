//! Sprig's hashing and randomness: `sha1sum`, `sha256sum`, `sha512sum`,
//! `adler32sum`, `uuidv4`, `randAlphaNum`, `randAlpha`, `randNumeric`,
//! `randAscii`, `randBytes`. Certificate, key, password and AES functions
//! (`genCA`, `bcrypt`, `encryptAES`, ...) and `getHostByName` are registered
//! so templates parse, and fail with an explanation when called.

use std::cell::Cell;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

use sha1::{Digest, Sha1};
use sha2::{Sha256, Sha512};

use super::types::strval_bytes;
use super::{def, FuncCtx, FuncDef, FuncError, FuncResult, Ty};
use crate::value::Value;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Adler-32 checksum (`hash/adler32`).
pub fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

thread_local! {
    static RNG: Cell<u64> = const { Cell::new(0) };
}

/// A non-cryptographic random number (splitmix64 seeded from the OS hasher keys).
pub fn random_u64() -> u64 {
    RNG.with(|s| {
        let mut x = s.get();
        if x == 0 {
            let mut h = RandomState::new().build_hasher();
            h.write_u64(0x9e37_79b9_7f4a_7c15);
            x = h.finish() | 1;
        }
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        s.set(x);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    })
}

fn f_sha1(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::str(hex(&Sha1::digest(strval_bytes(&a[0])))))
}

fn f_sha256(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::str(hex(&Sha256::digest(strval_bytes(&a[0])))))
}

fn f_sha512(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::str(hex(&Sha512::digest(strval_bytes(&a[0])))))
}

fn f_adler32(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::str(adler32(&strval_bytes(&a[0])).to_string()))
}

fn f_uuidv4(_: &FuncCtx, _: Vec<Value>) -> FuncResult {
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&random_u64().to_le_bytes());
    b[8..].copy_from_slice(&random_u64().to_le_bytes());
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex(&b);
    Ok(Value::str(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )))
}

fn rand_from(a: &[Value], set: &[u8]) -> FuncResult {
    let n = match a.first().map(|v| &v.repr) {
        Some(crate::value::Repr::Int(i)) => (*i).max(0) as usize,
        _ => 0,
    };
    let s: String = (0..n)
        .map(|_| char::from(set[(random_u64() % set.len() as u64) as usize]))
        .collect();
    Ok(Value::str(s))
}

const ALPHA: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const NUM: &[u8] = b"0123456789";
const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

fn f_rand_alpha_num(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    rand_from(&a, ALNUM)
}

fn f_rand_alpha(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    rand_from(&a, ALPHA)
}

fn f_rand_numeric(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    rand_from(&a, NUM)
}

fn f_rand_ascii(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let printable: Vec<u8> = (32u8..127).collect();
    rand_from(&a, &printable)
}

fn f_rand_bytes(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let n = match a.first().map(|v| &v.repr) {
        Some(crate::value::Repr::Int(i)) => (*i).max(0) as usize,
        _ => 0,
    };
    let bytes: Vec<u8> = (0..n).map(|_| random_u64() as u8).collect();
    Ok(Value::str(super::encoding::b64(&bytes)))
}

fn f_unsupported(_: &FuncCtx, _: Vec<Value>) -> FuncResult {
    Err(FuncError::new(
        "this function (keys, certificates, passwords, AES, DNS) is not supported by trace-value",
    ))
}

/// Sprig's hashing and random functions.
pub static FUNCS: &[FuncDef] = &[
    def("sha1sum", &[Ty::Str], None, f_sha1),
    def("sha256sum", &[Ty::Str], None, f_sha256),
    def("sha512sum", &[Ty::Str], None, f_sha512),
    def("adler32sum", &[Ty::Str], None, f_adler32),
    def("uuidv4", &[], None, f_uuidv4),
    def("randAlphaNum", &[Ty::Int], None, f_rand_alpha_num),
    def("randAlpha", &[Ty::Int], None, f_rand_alpha),
    def("randNumeric", &[Ty::Int], None, f_rand_numeric),
    def("randAscii", &[Ty::Int], None, f_rand_ascii),
    def("randBytes", &[Ty::Int], None, f_rand_bytes),
    def("bcrypt", &[Ty::Str], None, f_unsupported),
    def("htpasswd", &[Ty::Str, Ty::Str], None, f_unsupported),
    def("genPrivateKey", &[Ty::Str], None, f_unsupported),
    def(
        "derivePassword",
        &[Ty::Int, Ty::Str, Ty::Str, Ty::Str, Ty::Str],
        None,
        f_unsupported,
    ),
    def("buildCustomCert", &[Ty::Str, Ty::Str], None, f_unsupported),
    def("genCA", &[Ty::Str, Ty::Int], None, f_unsupported),
    def(
        "genCAWithKey",
        &[Ty::Str, Ty::Int, Ty::Str],
        None,
        f_unsupported,
    ),
    def(
        "genSelfSignedCert",
        &[Ty::Str, Ty::List, Ty::List, Ty::Int],
        None,
        f_unsupported,
    ),
    def(
        "genSelfSignedCertWithKey",
        &[Ty::Str, Ty::List, Ty::List, Ty::Int, Ty::Str],
        None,
        f_unsupported,
    ),
    def(
        "genSignedCert",
        &[Ty::Str, Ty::List, Ty::List, Ty::Int, Ty::Any],
        None,
        f_unsupported,
    ),
    def(
        "genSignedCertWithKey",
        &[Ty::Str, Ty::List, Ty::List, Ty::Int, Ty::Any, Ty::Str],
        None,
        f_unsupported,
    ),
    def("encryptAES", &[Ty::Str, Ty::Str], None, f_unsupported),
    def("decryptAES", &[Ty::Str, Ty::Str], None, f_unsupported),
    def("getHostByName", &[Ty::Str], None, f_unsupported),
];

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::funcs::types::testutil::*;

    #[test]
    fn hash_oracle_table() {
        // Oracle: sha1sum/adler32sum/sha256sum of "abc"; sha512sum "abc" | trunc 16.
        check_table(vec![
            (
                "sha1sum",
                vec![s("abc")],
                "a9993e364706816aba3e25717850c26c9cd0d89d",
            ),
            ("adler32sum", vec![s("abc")], "38600999"),
            (
                "sha256sum",
                vec![s("abc")],
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
        ]);
        assert!(show("sha512sum", vec![s("abc")]).starts_with("ddaf35a193617aba"));
        let u = show("uuidv4", vec![]);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert_eq!(show("randAlphaNum", vec![i(12)]).len(), 12);
    }
}
