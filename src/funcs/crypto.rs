//! Sprig's hashing, randomness, passwords and AES: `sha1sum`, `sha256sum`,
//! `sha512sum`, `adler32sum`, `uuidv4`, `randAlphaNum`, `randAlpha`,
//! `randNumeric`, `randAscii`, `randBytes` (from the OS's secure source, as
//! Go's `crypto/rand`), `bcrypt` and `htpasswd` (`$2a$`, cost 10),
//! `derivePassword` (the Master Password algorithm: scrypt, HMAC-SHA-256,
//! Sprig's templates), `encryptAES`/`decryptAES` (AES-256-CBC, random IV
//! first, PKCS #7 padding, base64; Go's runtime panics become the errors
//! Helm reports), and `getHostByName` as Helm leaves it without
//! `--enable-dns` (always empty). Certificates and keys are in
//! [`super::certs`].

use std::cell::Cell;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use hmac::Mac;
use rand_core::{OsRng, RngCore};
use sha1::{Digest, Sha1};
use sha2::{Sha256, Sha512};

use super::types::{strval, strval_bytes};
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
    /// The generator's state: a source of randomness, not render state
    /// (Helm's random functions differ from run to run; no render depends
    /// on which numbers another render drew).
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
        Some(crate::value::Repr::Int(i, _)) => (*i).max(0) as usize,
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
        Some(crate::value::Repr::Int(i, _)) => *i,
        _ => 0,
    };
    let n = usize::try_from(n)
        .map_err(|_| FuncError::new("runtime error: makeslice: len out of range"))?;
    let mut bytes = vec![0u8; n];
    OsRng.fill_bytes(&mut bytes);
    Ok(Value::str(super::encoding::b64(&bytes)))
}

/// Sprig's `bcrypt`: Go's `GenerateFromPassword` at the default cost; an
/// error is returned as the text.
fn bcrypt_text(password: &str) -> String {
    if password.len() > 72 {
        return "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes"
            .into();
    }
    match bcrypt::hash_with_result(password, 10) {
        Ok(h) => h.format_for_version(bcrypt::Version::TwoA),
        Err(e) => format!("failed to encrypt string with bcrypt: {e}"),
    }
}

fn f_bcrypt(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::str(bcrypt_text(&strval(&a[0]))))
}

fn f_htpasswd(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let user = strval(&a[0]);
    if user.contains(':') {
        return Ok(Value::str(format!("invalid username: {user}")));
    }
    Ok(Value::str(format!(
        "{user}:{}",
        bcrypt_text(&strval(&a[1]))
    )))
}

/// Sprig's `passwordTypeTemplates`.
fn password_templates(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "maximum" => &["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long" => &[
            "CvcvnoCvcvCvcv",
            "CvcvCvcvnoCvcv",
            "CvcvCvcvCvcvno",
            "CvccnoCvcvCvcv",
            "CvccCvcvnoCvcv",
            "CvccCvcvCvcvno",
            "CvcvnoCvccCvcv",
            "CvcvCvccnoCvcv",
            "CvcvCvccCvcvno",
            "CvcvnoCvcvCvcc",
            "CvcvCvcvnoCvcc",
            "CvcvCvcvCvccno",
            "CvccnoCvccCvcv",
            "CvccCvccnoCvcv",
            "CvccCvccCvcvno",
            "CvcvnoCvccCvcc",
            "CvcvCvccnoCvcc",
            "CvcvCvccCvccno",
            "CvccnoCvcvCvcc",
            "CvccCvcvnoCvcc",
            "CvccCvcvCvccno",
        ],
        "medium" => &["CvcnoCvc", "CvcCvcno"],
        "short" => &["Cvcn"],
        "basic" => &["aaanaaan", "aannaaan", "aaannaaa"],
        "pin" => &["nnnn"],
        _ => return None,
    })
}

/// Sprig's `templateCharacters`.
fn template_characters(class: u8) -> &'static [u8] {
    match class {
        b'V' => b"AEIOU",
        b'C' => b"BCDFGHJKLMNPQRSTVWXYZ",
        b'v' => b"aeiou",
        b'c' => b"bcdfghjklmnpqrstvwxyz",
        b'A' => b"AEIOUBCDFGHJKLMNPQRSTVWXYZ",
        b'a' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
        b'n' => b"0123456789",
        b'o' => b"@&%?,=[]_:-+*$#!'^~;()/.",
        _ => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
    }
}

/// Sprig's `derivePassword` (Master Password): deterministic in its inputs.
fn derive_password(counter: u32, kind: &str, password: &str, user: &str, site: &str) -> String {
    const SEED: &[u8] = b"com.lyndir.masterpassword";
    let Some(templates) = password_templates(kind) else {
        return format!("cannot find password template {kind}");
    };
    let mut salt = SEED.to_vec();
    salt.extend_from_slice(&(user.len() as u32).to_be_bytes());
    salt.extend_from_slice(user.as_bytes());
    let mut key = [0u8; 64];
    let derived = scrypt::Params::new(15, 8, 2, 64)
        .map_err(|e| e.to_string())
        .and_then(|params| {
            scrypt::scrypt(password.as_bytes(), &salt, &params, &mut key).map_err(|e| e.to_string())
        });
    if let Err(e) = derived {
        return format!("failed to derive password: {e}");
    }
    let mut message = SEED.to_vec();
    message.extend_from_slice(&(site.len() as u32).to_be_bytes());
    message.extend_from_slice(site.as_bytes());
    message.extend_from_slice(&counter.to_be_bytes());
    let Ok(mut mac) = hmac::Hmac::<Sha256>::new_from_slice(&key) else {
        return "failed to derive password: bad key".into();
    };
    mac.update(&message);
    let seed = mac.finalize().into_bytes();
    let template = templates[usize::from(seed[0]) % templates.len()].as_bytes();
    template
        .iter()
        .enumerate()
        .map(|(i, &class)| {
            let chars = template_characters(class);
            char::from(chars[usize::from(seed[i + 1]) % chars.len()])
        })
        .collect()
}

fn f_derive_password(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let counter = match a[0].repr {
        crate::value::Repr::Int(i, _) => i as u32,
        _ => 0,
    };
    Ok(Value::str(derive_password(
        counter,
        &strval(&a[1]),
        &strval(&a[2]),
        &strval(&a[3]),
        &strval(&a[4]),
    )))
}

/// Sprig's AES key: the password's bytes in a zeroed 32-byte buffer.
fn aes_key(password: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    let n = password.len().min(32);
    key[..n].copy_from_slice(&password.as_bytes()[..n]);
    key
}

type Aes256CbcEnc = cbc::Encryptor<aes::Aes256>;
type Aes256CbcDec = cbc::Decryptor<aes::Aes256>;

fn f_encrypt_aes(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let plain = strval(&a[1]);
    if plain.is_empty() {
        return Ok(Value::str(""));
    }
    let mut iv = [0u8; 16];
    OsRng.fill_bytes(&mut iv);
    // Sprig pads itself: n bytes of value n, a whole block when aligned.
    let pad = 16 - plain.len() % 16;
    let mut out = iv.to_vec();
    out.extend_from_slice(plain.as_bytes());
    out.extend(std::iter::repeat_n(pad as u8, pad));
    let len = out.len() - 16;
    Aes256CbcEnc::new(&aes_key(&strval(&a[0])).into(), &iv.into())
        .encrypt_padded_mut::<cbc::cipher::block_padding::NoPadding>(&mut out[16..], len)
        .map_err(|_| FuncError::new("crypto/cipher: input not full blocks"))?;
    Ok(Value::str(super::encoding::b64(&out)))
}

/// Sprig's `decryptAES`. Its padding is not checked: the last byte says how
/// many bytes to drop, and Go's panics on short input are the errors.
fn f_decrypt_aes(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let text = strval(&a[1]);
    if text.is_empty() {
        return Ok(Value::str(""));
    }
    let crypt = super::encoding::b64_decode(&text)
        .map_err(|i| FuncError::new(format!("illegal base64 data at input byte {i}")))?;
    if crypt.len() < 16 {
        return Err(FuncError::new(format!(
            "runtime error: slice bounds out of range [:16] with capacity {}",
            crypt.len()
        )));
    }
    let (iv, body) = crypt.split_at(16);
    if body.len() % 16 != 0 {
        return Err(FuncError::new("crypto/cipher: input not full blocks"));
    }
    let mut plain = body.to_vec();
    let iv: [u8; 16] = iv.try_into().unwrap_or([0; 16]);
    Aes256CbcDec::new(&aes_key(&strval(&a[0])).into(), &iv.into())
        .decrypt_padded_mut::<cbc::cipher::block_padding::NoPadding>(&mut plain)
        .map_err(|_| FuncError::new("crypto/cipher: input not full blocks"))?;
    let Some(&last) = plain.last() else {
        return Err(FuncError::new("runtime error: index out of range [-1]"));
    };
    let keep = plain.len() as i64 - i64::from(last);
    if keep < 0 {
        return Err(FuncError::new(format!(
            "runtime error: slice bounds out of range [:{keep}]"
        )));
    }
    plain.truncate(keep as usize);
    Ok(Value::str(String::from_utf8_lossy(&plain).into_owned()))
}

/// Helm replaces Sprig's `getHostByName` with an empty answer unless DNS
/// lookups are enabled (`--enable-dns`, which `helm template` leaves off).
fn f_get_host_by_name(_: &FuncCtx, _: Vec<Value>) -> FuncResult {
    Ok(Value::str(""))
}

/// Sprig's hashing, random, password and AES functions.
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
    def("bcrypt", &[Ty::Str], None, f_bcrypt),
    def("htpasswd", &[Ty::Str, Ty::Str], None, f_htpasswd),
    def(
        "derivePassword",
        &[Ty::Uint32, Ty::Str, Ty::Str, Ty::Str, Ty::Str],
        None,
        f_derive_password,
    ),
    def("encryptAES", &[Ty::Str, Ty::Str], None, f_encrypt_aes),
    def("decryptAES", &[Ty::Str, Ty::Str], None, f_decrypt_aes),
    def("getHostByName", &[Ty::Str], None, f_get_host_by_name),
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

    #[test]
    fn derive_password_oracle_table() {
        // Oracle: derivePassword 1 "long" "password" "user" "example.com",
        // 3 "maximum" "pw" "ünï" "site", 0 "pin" "" "" "", 7 "basic" "a" "b" "c",
        // 2 "medium" "a" "b" "c", 2 "short" "a" "b" "c", 1 "foo" "p" "u" "s".
        let rows: [(i64, &str, &str, &str, &str, &str); 7] = [
            (
                1,
                "long",
                "password",
                "user",
                "example.com",
                "ZedaFaxcZaso9*",
            ),
            (3, "maximum", "pw", "ünï", "site", "SGQDgGVrnrl15kKf3F2^"),
            (0, "pin", "", "", "", "2847"),
            (7, "basic", "a", "b", "c", "tbf6qJq5"),
            (2, "medium", "a", "b", "c", "Fuz6[Con"),
            (2, "short", "a", "b", "c", "Fuz6"),
            (1, "foo", "p", "u", "s", "cannot find password template foo"),
        ];
        for (n, kind, pw, user, site, want) in rows {
            assert_eq!(
                show(
                    "derivePassword",
                    vec![i(n), s(kind), s(pw), s(user), s(site)]
                ),
                want
            );
        }
    }

    #[test]
    fn aes_decrypts_helms_ciphertext_and_round_trips() {
        // Oracle: encryptAES "secretkey" "hello" gave this (random IV).
        let helm = "m0YDMISbOblMINUWbFFOkfQqstuug4SrQmJSS+T2E5k=";
        assert_eq!(show("decryptAES", vec![s("secretkey"), s(helm)]), "hello");
        for plain in ["x", "0123456789abcdef", "a longer text, over two blocks"] {
            let sealed = show("encryptAES", vec![s("k"), s(plain)]);
            assert_eq!(show("decryptAES", vec![s("k"), s(&sealed)]), plain);
        }
        assert_eq!(show("encryptAES", vec![s("k"), s("")]), "");
        // Oracle: Go's runtime panics are the messages.
        assert_eq!(
            call("decryptAES", vec![s("k"), s("YWJj")]).err().as_deref(),
            Some("runtime error: slice bounds out of range [:16] with capacity 3")
        );
        assert_eq!(
            call("decryptAES", vec![s("k"), s("abc")]).err().as_deref(),
            Some("illegal base64 data at input byte 0")
        );
    }

    #[test]
    fn bcrypt_hashes_verify() {
        let h = show("bcrypt", vec![s("hunter2")]);
        assert!(h.starts_with("$2a$10$") && h.len() == 60, "{h}");
        assert!(bcrypt::verify("hunter2", &h).unwrap());
        let line = show("htpasswd", vec![s("admin"), s("hunter2")]);
        let (user, hash) = line.split_once(':').unwrap();
        assert_eq!(user, "admin");
        assert!(bcrypt::verify("hunter2", hash).unwrap());
        // Oracle: both are returned as text, not errors.
        assert_eq!(
            show("htpasswd", vec![s("a:b"), s("x")]),
            "invalid username: a:b"
        );
        assert_eq!(
            show("bcrypt", vec![s(&"a".repeat(73))]),
            "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes"
        );
        assert_eq!(show("randBytes", vec![i(24)]).len(), 32);
    }
}
