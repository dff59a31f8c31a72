//! Private keys as Sprig handles them: generation (`genPrivateKey`: RSA
//! 4096, DSA L2048N256, ECDSA P-256, Ed25519; RSA 2048 for certificates;
//! ECDSA keys on P-224, P-384 and P-521 are read too, as Go reads them),
//! the PEM blocks Sprig's `pemBlockForKey` writes (PKCS#1 for RSA, SEC 1
//! for ECDSA, Sprig's own sequence for DSA, PKCS#8 for Ed25519), reading
//! them back as `parsePrivateKeyPEM` does (with its error messages), and
//! what certificate creation needs of a key: its public key info and a
//! signature made the way Go's `crypto/x509` signs.
//!
//! PEM text follows Go's `encoding/pem` (64-column lines, `\n` endings;
//! decoding finds the first well-formed block anywhere in the text).

use ed25519_dalek::Signer as _;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use rand_core::OsRng;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::signature::SignatureEncoding;
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;

use super::der;
use super::encoding::{b64, b64_decode};

/// `rsaEncryption`.
const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
/// `sha256WithRSAEncryption`.
const OID_SHA256_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];
/// `id-ecPublicKey`.
const OID_EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
/// `prime256v1` (P-256).
const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
/// `secp224r1` (P-224).
const OID_P224: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x21];
/// `secp384r1` (P-384).
const OID_P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
/// `secp521r1` (P-521).
const OID_P521: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x23];
/// `ecdsa-with-SHA256`.
const OID_ECDSA_SHA256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
/// `ecdsa-with-SHA384`.
const OID_ECDSA_SHA384: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03];
/// `ecdsa-with-SHA512`.
const OID_ECDSA_SHA512: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04];
/// `id-Ed25519`.
const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];

/// A DSA key as Sprig's `DSAKeyFormat` holds it (big-endian magnitudes).
#[derive(Clone)]
pub struct DsaKey {
    p: Vec<u8>,
    q: Vec<u8>,
    g: Vec<u8>,
    y: Vec<u8>,
    x: Vec<u8>,
}

/// A private key of one of the types Sprig generates or reads.
#[derive(Clone)]
pub enum PrivateKey {
    /// `*rsa.PrivateKey`.
    Rsa(Box<RsaPrivateKey>),
    /// `*ecdsa.PrivateKey` on P-224 (read, never generated).
    P224(p224::SecretKey),
    /// `*ecdsa.PrivateKey` on P-256.
    P256(p256::SecretKey),
    /// `*ecdsa.PrivateKey` on P-384 (read, never generated).
    P384(p384::SecretKey),
    /// `*ecdsa.PrivateKey` on P-521 (read, never generated).
    P521(p521::SecretKey),
    /// `ed25519.PrivateKey`.
    Ed25519(Box<ed25519_dalek::SigningKey>),
    /// `*dsa.PrivateKey` (Go cannot sign certificates with it).
    Dsa(Box<DsaKey>),
}

/// A PEM block of type `typ`, as Go's `pem.EncodeToMemory` writes it.
pub fn pem_encode(typ: &str, der: &[u8]) -> String {
    let body = b64(der);
    let mut out = String::with_capacity(body.len() + body.len() / 64 + 2 * typ.len() + 32);
    out.push_str("-----BEGIN ");
    out.push_str(typ);
    out.push_str("-----\n");
    for line in body.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(typ);
    out.push_str("-----\n");
    out
}

/// The first PEM block in `text` (type and decoded bytes), as Go's
/// `pem.Decode` finds it: a `-----BEGIN TYPE-----` line, optional
/// `Key: value` headers, base64 lines, and the matching END line.
/// Malformed blocks are skipped.
pub fn pem_decode(text: &str) -> Option<(String, Vec<u8>)> {
    const BEGIN: &str = "-----BEGIN ";
    let mut from = 0;
    while let Some(off) = text[from..].find(BEGIN) {
        let start = from + off;
        from = start + BEGIN.len();
        if start > 0 && text.as_bytes()[start - 1] != b'\n' {
            continue;
        }
        let line_end = text[from..].find('\n').map_or(text.len(), |i| from + i);
        let Some(typ) = text[from..line_end].trim_end().strip_suffix("-----") else {
            continue;
        };
        let end_marker = format!("-----END {typ}-----");
        let body_start = (line_end + 1).min(text.len());
        let Some(end_off) = text[body_start..].find(&end_marker) else {
            continue;
        };
        let body = &text[body_start..body_start + end_off];
        // Headers (`Proc-Type: ...`) end at the first line without a colon.
        let lines: Vec<&str> = body.lines().collect();
        let skip = if lines.first().is_some_and(|l| l.contains(':')) {
            lines
                .iter()
                .position(|l| !l.contains(':'))
                .unwrap_or(lines.len())
        } else {
            0
        };
        let b64text: String = lines[skip..]
            .iter()
            .flat_map(|l| l.chars())
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        if let Ok(bytes) = b64_decode(&b64text) {
            return Some((typ.to_string(), bytes));
        }
    }
    None
}

/// Dotted form of an encoded object identifier, as Go prints one.
fn oid_string(arcs: &[u8]) -> String {
    let mut parts = Vec::new();
    let mut acc: u64 = 0;
    for &b in arcs {
        acc = (acc << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            if parts.is_empty() {
                let first = (acc / 40).min(2);
                parts.push(first);
                parts.push(acc - first * 40);
            } else {
                parts.push(acc);
            }
            acc = 0;
        }
    }
    parts
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// An RSA key of `bits` bits (twice the primes' size, `L` limbs each) with
/// Go's exponent 65537. Like Go, each prime has its top two bits set, so the
/// modulus always has exactly `bits` bits.
fn rsa_from_primes<const L: usize>(bits: usize) -> Result<RsaPrivateKey, String> {
    use crypto_bigint::Uint;
    use crypto_primes::hazmat::{random_odd_uint, Sieve};
    let half = bits / 2;
    let prime = || -> rsa::BigUint {
        loop {
            let start: Uint<L> =
                random_odd_uint::<L>(&mut OsRng, half) | (Uint::<L>::ONE << (half - 2));
            if let Some(p) = Sieve::new(&start, half, false)
                .find(|candidate| crypto_primes::is_prime_with_rng(&mut OsRng, candidate))
            {
                return rsa::BigUint::from_bytes_be(&to_be_bytes(&p));
            }
        }
    };
    fn to_be_bytes<const L: usize>(n: &Uint<L>) -> Vec<u8> {
        n.as_words()
            .iter()
            .rev()
            .flat_map(|w| w.to_be_bytes())
            .collect()
    }
    loop {
        let (p, q) = (prime(), prime());
        match RsaPrivateKey::from_primes(vec![p, q], rsa::BigUint::from(65537u32)) {
            Ok(key) if key.n().bits() == bits => return Ok(key),
            // Equal primes or an exponent without inverse: draw again.
            _ => continue,
        }
    }
}

impl PrivateKey {
    /// An RSA key of `bits` bits.
    pub fn generate_rsa(bits: usize) -> Result<PrivateKey, String> {
        let key = match bits {
            2048 => rsa_from_primes::<{ crypto_bigint::U1024::LIMBS }>(bits),
            4096 => rsa_from_primes::<{ crypto_bigint::U2048::LIMBS }>(bits),
            _ => RsaPrivateKey::new(&mut OsRng, bits).map_err(|e| e.to_string()),
        };
        key.map(|k| PrivateKey::Rsa(Box::new(k)))
    }

    /// A key of a `genPrivateKey` type; `None` for an unknown type.
    pub fn generate(typ: &str) -> Option<Result<PrivateKey, String>> {
        Some(match typ {
            // Sprig: "good enough for government work".
            "" | "rsa" => Self::generate_rsa(4096),
            "dsa" => {
                let params = dsa::Components::generate(&mut OsRng, dsa::KeySize::DSA_2048_256);
                let key = dsa::SigningKey::generate(&mut OsRng, params);
                let c = key.verifying_key().components();
                Ok(PrivateKey::Dsa(Box::new(DsaKey {
                    p: c.p().to_bytes_be(),
                    q: c.q().to_bytes_be(),
                    g: c.g().to_bytes_be(),
                    y: key.verifying_key().y().to_bytes_be(),
                    x: key.x().to_bytes_be(),
                })))
            }
            "ecdsa" => Ok(PrivateKey::P256(p256::SecretKey::random(&mut OsRng))),
            "ed25519" => Ok(PrivateKey::Ed25519(Box::new(
                ed25519_dalek::SigningKey::generate(&mut OsRng),
            ))),
            _ => return None,
        })
    }

    /// The PEM block Sprig's `pemBlockForKey` writes for the key.
    pub fn to_pem(&self) -> Result<String, String> {
        let (typ, bytes) = match self {
            PrivateKey::Rsa(k) => (
                "RSA PRIVATE KEY",
                k.to_pkcs1_der()
                    .map_err(|e| e.to_string())?
                    .as_bytes()
                    .to_vec(),
            ),
            PrivateKey::P224(k) => (
                "EC PRIVATE KEY",
                sec1_der(
                    &k.to_bytes(),
                    OID_P224,
                    k.public_key().to_encoded_point(false).as_bytes(),
                ),
            ),
            PrivateKey::P256(k) => (
                "EC PRIVATE KEY",
                sec1_der(
                    &k.to_bytes(),
                    OID_P256,
                    k.public_key().to_encoded_point(false).as_bytes(),
                ),
            ),
            PrivateKey::P521(k) => (
                "EC PRIVATE KEY",
                sec1_der(
                    &k.to_bytes(),
                    OID_P521,
                    k.public_key().to_encoded_point(false).as_bytes(),
                ),
            ),
            PrivateKey::P384(k) => (
                "EC PRIVATE KEY",
                sec1_der(
                    &k.to_bytes(),
                    OID_P384,
                    k.public_key().to_encoded_point(false).as_bytes(),
                ),
            ),
            PrivateKey::Ed25519(k) => (
                "PRIVATE KEY",
                // Go's MarshalPKCS8PrivateKey: version 0, no public key.
                der::seq(&[
                    &der::uint(&[0]),
                    &der::seq(&[&der::oid(OID_ED25519)]),
                    &der::octets(&der::octets(k.as_bytes())),
                ]),
            ),
            PrivateKey::Dsa(k) => (
                "DSA PRIVATE KEY",
                der::seq(&[
                    &der::uint(&[0]),
                    &der::uint(&k.p),
                    &der::uint(&k.q),
                    &der::uint(&k.g),
                    &der::uint(&k.y),
                    &der::uint(&k.x),
                ]),
            ),
        };
        Ok(pem_encode(typ, &bytes))
    }

    /// Sprig's `parsePrivateKeyPEM`: the first PEM block of `text` as a key.
    pub fn parse_pem(text: &str) -> Result<PrivateKey, String> {
        let (typ, bytes) = pem_decode(text).ok_or("no PEM data in input")?;
        if typ == "PRIVATE KEY" {
            return parse_pkcs8(&bytes).map_err(|e| format!("decoding PEM as PKCS#8: {e}"));
        }
        let Some(kind) = typ.strip_suffix(" PRIVATE KEY") else {
            return Err(format!("no private key data in PEM block of type {typ}"));
        };
        match kind {
            "RSA" => RsaPrivateKey::from_pkcs1_der(&bytes)
                .map(|k| PrivateKey::Rsa(Box::new(k)))
                .map_err(|e| format!("parsing RSA private key from PEM: x509: {e}")),
            "EC" => parse_sec1(&bytes, None)
                .map_err(|e| format!("parsing EC private key from PEM: {e}")),
            "DSA" => parse_dsa(&bytes).ok_or_else(|| {
                "parsing DSA private key from PEM: asn1: structure error".to_string()
            }),
            _ => Err(format!("invalid private key type {typ}")),
        }
    }

    /// The key's `AlgorithmIdentifier` and `subjectPublicKey` bits, as
    /// Go's `marshalPublicKey` writes them.
    fn public_key_parts(&self) -> Result<(Vec<u8>, Vec<u8>), String> {
        Ok(match self {
            PrivateKey::Rsa(k) => (
                der::seq(&[&der::oid(OID_RSA), &[der::NULL, 0]]),
                der::seq(&[
                    &der::uint(&k.n().to_bytes_be()),
                    &der::uint(&k.e().to_bytes_be()),
                ]),
            ),
            PrivateKey::P224(k) => (
                der::seq(&[&der::oid(OID_EC), &der::oid(OID_P224)]),
                k.public_key().to_encoded_point(false).as_bytes().to_vec(),
            ),
            PrivateKey::P256(k) => (
                der::seq(&[&der::oid(OID_EC), &der::oid(OID_P256)]),
                k.public_key().to_encoded_point(false).as_bytes().to_vec(),
            ),
            PrivateKey::P521(k) => (
                der::seq(&[&der::oid(OID_EC), &der::oid(OID_P521)]),
                k.public_key().to_encoded_point(false).as_bytes().to_vec(),
            ),
            PrivateKey::P384(k) => (
                der::seq(&[&der::oid(OID_EC), &der::oid(OID_P384)]),
                k.public_key().to_encoded_point(false).as_bytes().to_vec(),
            ),
            PrivateKey::Ed25519(k) => (
                der::seq(&[&der::oid(OID_ED25519)]),
                k.verifying_key().as_bytes().to_vec(),
            ),
            PrivateKey::Dsa(_) => {
                return Err("x509: unsupported public key type: *dsa.PublicKey".into())
            }
        })
    }

    /// The DER `SubjectPublicKeyInfo` of the key's public half.
    pub fn public_key_info(&self) -> Result<Vec<u8>, String> {
        let (alg, key) = self.public_key_parts()?;
        Ok(der::seq(&[&alg, &der::bits(&key)]))
    }

    /// The subject key identifier Go derives for a CA without one: the
    /// first 20 bytes of SHA-256 of the public key bits.
    pub fn key_id(&self) -> Result<Vec<u8>, String> {
        use sha2::Digest;
        let (_, key) = self.public_key_parts()?;
        Ok(sha2::Sha256::digest(&key)[..20].to_vec())
    }

    /// Go's `signingParamsForKey` check: the signature `AlgorithmIdentifier`
    /// this key signs certificates with.
    pub fn signature_algorithm(&self) -> Result<Vec<u8>, String> {
        Ok(match self {
            PrivateKey::Rsa(_) => der::seq(&[&der::oid(OID_SHA256_RSA), &[der::NULL, 0]]),
            // Go signs with SHA-256 on P-224 and P-256.
            PrivateKey::P224(_) | PrivateKey::P256(_) => der::seq(&[&der::oid(OID_ECDSA_SHA256)]),
            PrivateKey::P384(_) => der::seq(&[&der::oid(OID_ECDSA_SHA384)]),
            PrivateKey::P521(_) => der::seq(&[&der::oid(OID_ECDSA_SHA512)]),
            PrivateKey::Ed25519(_) => der::seq(&[&der::oid(OID_ED25519)]),
            PrivateKey::Dsa(_) => {
                return Err("x509: certificate private key does not implement crypto.Signer".into())
            }
        })
    }

    /// The signature over `message` (PKCS #1 v1.5 with SHA-256 for RSA,
    /// DER-encoded ECDSA with the curve's hash, pure Ed25519).
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, String> {
        Ok(match self {
            PrivateKey::Rsa(k) => {
                let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new((**k).clone());
                signer
                    .try_sign(message)
                    .map_err(|e| e.to_string())?
                    .to_vec()
            }
            PrivateKey::P224(k) => {
                use p224::ecdsa::signature::hazmat::PrehashSigner;
                let signer = p224::ecdsa::SigningKey::from(k);
                let digest = <sha2::Sha256 as sha2::Digest>::digest(message);
                let sig: p224::ecdsa::Signature =
                    signer.sign_prehash(&digest).map_err(|e| e.to_string())?;
                sig.to_der().as_bytes().to_vec()
            }
            PrivateKey::P521(k) => {
                let signer = p521::ecdsa::SigningKey::from_slice(&k.to_bytes())
                    .map_err(|e| e.to_string())?;
                let sig: p521::ecdsa::Signature =
                    signer.try_sign(message).map_err(|e| e.to_string())?;
                sig.to_der().as_bytes().to_vec()
            }
            PrivateKey::P256(k) => {
                let signer = p256::ecdsa::SigningKey::from(k);
                let sig: p256::ecdsa::Signature =
                    signer.try_sign(message).map_err(|e| e.to_string())?;
                sig.to_der().as_bytes().to_vec()
            }
            PrivateKey::P384(k) => {
                let signer = p384::ecdsa::SigningKey::from(k);
                let sig: p384::ecdsa::Signature =
                    signer.try_sign(message).map_err(|e| e.to_string())?;
                sig.to_der().as_bytes().to_vec()
            }
            PrivateKey::Ed25519(k) => k.sign(message).to_bytes().to_vec(),
            PrivateKey::Dsa(_) => {
                return Err("x509: certificate private key does not implement crypto.Signer".into())
            }
        })
    }
}

/// Go's `MarshalECPrivateKey`: version 1, the scalar, the named curve and
/// the uncompressed public point.
fn sec1_der(secret: &[u8], curve: &[u8], point: &[u8]) -> Vec<u8> {
    der::seq(&[
        &der::uint(&[1]),
        &der::octets(secret),
        &der::tlv(0xa0, &der::oid(curve)),
        &der::tlv(0xa1, &der::bits(point)),
    ])
}

/// A PKCS #8 `PrivateKeyInfo` (Go's `ParsePKCS8PrivateKey`).
fn parse_pkcs8(bytes: &[u8]) -> Result<PrivateKey, String> {
    let malformed = || "asn1: structure error: malformed PKCS#8 private key".to_string();
    let top = der::read_all(bytes).ok_or_else(malformed)?;
    let fields = der::children(top.content).ok_or_else(malformed)?;
    let [_version, alg, key, ..] = fields.as_slice() else {
        return Err(malformed());
    };
    let alg_fields = der::children(alg.content).ok_or_else(malformed)?;
    let alg_oid = alg_fields.first().ok_or_else(malformed)?.content;
    match alg_oid {
        OID_RSA => RsaPrivateKey::from_pkcs1_der(key.content)
            .map(|k| PrivateKey::Rsa(Box::new(k)))
            .map_err(|e| format!("x509: failed to parse RSA private key embedded in PKCS#8: {e}")),
        OID_EC => {
            let curve = alg_fields.get(1).map(|e| e.content);
            parse_sec1(key.content, curve).map_err(|e| {
                format!("x509: failed to parse EC private key embedded in PKCS#8: {e}")
            })
        }
        OID_ED25519 => {
            let seed = der::read_all(key.content)
                .filter(|e| e.tag == der::OCTET_STRING)
                .ok_or("x509: invalid Ed25519 private key: asn1: structure error")?
                .content;
            let seed: [u8; 32] = seed
                .try_into()
                .map_err(|_| format!("x509: invalid Ed25519 private key length: {}", seed.len()))?;
            Ok(PrivateKey::Ed25519(Box::new(
                ed25519_dalek::SigningKey::from_bytes(&seed),
            )))
        }
        other => Err(format!(
            "x509: PKCS#8 wrapping contained private key with unknown algorithm: {}",
            oid_string(other)
        )),
    }
}

/// A SEC 1 `ECPrivateKey`; `curve` is the curve named outside it (PKCS #8).
fn parse_sec1(bytes: &[u8], curve: Option<&[u8]>) -> Result<PrivateKey, String> {
    let malformed = || "x509: failed to parse EC private key: asn1: structure error".to_string();
    let top = der::read_all(bytes).ok_or_else(malformed)?;
    let fields = der::children(top.content).ok_or_else(malformed)?;
    let named = fields
        .iter()
        .find(|e| e.tag == 0xa0)
        .and_then(|e| der::read_all(e.content))
        .map(|e| e.content);
    let secret = fields
        .get(1)
        .filter(|e| e.tag == der::OCTET_STRING)
        .ok_or_else(malformed)?
        .content;
    match named.or(curve) {
        Some(OID_P256) => p256::SecretKey::from_slice(secret)
            .map(PrivateKey::P256)
            .map_err(|_| "x509: invalid elliptic curve private key value".to_string()),
        Some(OID_P384) => p384::SecretKey::from_slice(secret)
            .map(PrivateKey::P384)
            .map_err(|_| "x509: invalid elliptic curve private key value".to_string()),
        Some(OID_P224) => p224::SecretKey::from_slice(secret)
            .map(PrivateKey::P224)
            .map_err(|_| "x509: invalid elliptic curve private key value".to_string()),
        Some(OID_P521) => p521::SecretKey::from_slice(secret)
            .map(PrivateKey::P521)
            .map_err(|_| "x509: invalid elliptic curve private key value".to_string()),
        _ => Err("x509: unknown elliptic curve".into()),
    }
}

/// Sprig's `DSAKeyFormat`: version, P, Q, G, Y, X.
fn parse_dsa(bytes: &[u8]) -> Option<PrivateKey> {
    let top = der::read(bytes)?.0;
    let fields = der::children(top.content)?;
    if fields.len() != 6 || fields.iter().any(|e| e.tag != der::INTEGER) {
        return None;
    }
    let n = |i: usize| fields[i].content.to_vec();
    Some(PrivateKey::Dsa(Box::new(DsaKey {
        p: n(1),
        q: n(2),
        g: n(3),
        y: n(4),
        x: n(5),
    })))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn pem_round_trips_with_go_line_length() {
        let data: Vec<u8> = (0..=255u8).collect();
        let text = pem_encode("TEST", &data);
        assert!(text.starts_with("-----BEGIN TEST-----\n"));
        assert!(text.lines().all(|l| l.len() <= 64));
        let (typ, back) = pem_decode(&format!("junk\n{text}")).unwrap();
        assert_eq!(typ, "TEST");
        assert_eq!(back, data);
        assert!(pem_decode("no pem here").is_none());
    }

    #[test]
    fn keys_round_trip_through_pem() {
        for typ in ["ecdsa", "ed25519"] {
            let key = PrivateKey::generate(typ).unwrap().unwrap();
            let pem = key.to_pem().unwrap();
            let back = PrivateKey::parse_pem(&pem).unwrap();
            assert_eq!(back.to_pem().unwrap(), pem);
            assert_eq!(
                back.public_key_info().unwrap(),
                key.public_key_info().unwrap()
            );
        }
        assert!(PrivateKey::generate("foo").is_none());
    }

    #[test]
    fn oids_print_dotted() {
        assert_eq!(oid_string(OID_RSA), "1.2.840.113549.1.1.1");
        assert_eq!(oid_string(OID_ED25519), "1.3.101.112");
    }
}
