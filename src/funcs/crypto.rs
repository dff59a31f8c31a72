//! Sprig's hashing and randomness: `sha1sum`, `sha256sum`, `sha512sum`,
//! `adler32sum`, `uuidv4`, `randAlphaNum`, `randAlpha`, `randNumeric`,
//! `randAscii`.

use std::cell::Cell;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

use sha1::{Digest, Sha1};
use sha2::{Sha256, Sha512};

use super::types::strval;
use super::{def, FuncCtx, FuncDef, FuncResult, Ty};
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
    Ok(Value::str(hex(&Sha1::digest(strval(&a[0]).as_bytes()))))
}

fn f_sha256(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::str(hex(&Sha256::digest(strval(&a[0]).as_bytes()))))
}

fn f_sha512(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::str(hex(&Sha512::digest(strval(&a[0]).as_bytes()))))
}

fn f_adler32(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::str(adler32(strval(&a[0]).as_bytes()).to_string()))
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
];
