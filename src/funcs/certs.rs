//! Sprig's certificate functions: `genCA`, `genCAWithKey`,
//! `genSelfSignedCert`, `genSelfSignedCertWithKey`, `genSignedCert`,
//! `genSignedCertWithKey`, `buildCustomCert`, `genPrivateKey`, and the
//! `sprig.certificate` struct they return (fields `.Cert` and `.Key`).
//!
//! Certificates are laid out as Go's `crypto/x509.CreateCertificate` lays
//! out Sprig's template: v3, a random 128-bit serial, subject `CN=<cn>` only
//! (PrintableString when Go would choose it), NotBefore now and NotAfter
//! now + days × 24 h, key usage digital signature + key encipherment (+
//! certificate sign for a CA, critical), extended key usage server + client
//! auth, critical basic constraints, a SHA-256-derived subject key id for a
//! CA, the signer's key id as authority key id when issuer ≠ subject, and
//! the DNS names then IPs as subject alternative names. New keys are RSA
//! 2048 as in Sprig. Errors carry Sprig's and Go's messages.

use std::net::IpAddr;
use std::rc::Rc;

use x509_cert::der::{Decode, Encode};

use super::dates::Time;
use super::keys::{pem_decode, pem_encode, PrivateKey};
use super::types::strval;
use super::{def, der as asn1, FuncCtx, FuncDef, FuncError, FuncResult, Ty};
use crate::value::{map_data, GoObject, MapRef, Repr, Value};

/// Go type name of Sprig's certificate struct.
pub const CERTIFICATE_TYPE: &str = "sprig.certificate";

/// Sprig's `certificate{Cert, Key string}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    /// The PEM certificate.
    pub cert: String,
    /// The PEM private key.
    pub key: String,
}

impl GoObject for Certificate {
    fn type_name(&self) -> &str {
        CERTIFICATE_TYPE
    }

    fn kind(&self) -> &str {
        "struct"
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Cert" => Some(Value::str(self.cert.as_str())),
            "Key" => Some(Value::str(self.key.as_str())),
            _ => None,
        }
    }

    fn call(&self, name: &str, _: &[Value]) -> Option<Result<Value, String>> {
        self.field(name).map(Ok)
    }

    /// `%v` of a struct: its fields in braces, separated by spaces.
    fn display(&self) -> String {
        format!("{{{} {}}}", self.cert, self.key)
    }

    fn go_fields(&self) -> Option<Vec<(&'static str, Value)>> {
        Some(vec![
            ("Cert", Value::str(self.cert.as_str())),
            ("Key", Value::str(self.key.as_str())),
        ])
    }

    /// `toYaml`/`toJson` marshal the exported fields under their Go names.
    fn to_map(&self) -> Option<MapRef> {
        Some(MapRef::from_data(map_data([
            ("Cert", Value::str(self.cert.as_str())),
            ("Key", Value::str(self.key.as_str())),
        ])))
    }
}

/// The certificate a template passed (the evaluator checked its type).
fn certificate_arg(v: &Value) -> Certificate {
    match &v.repr {
        Repr::Object(o) => Certificate {
            cert: o.field("Cert").map(|v| strval(&v)).unwrap_or_default(),
            key: o.field("Key").map(|v| strval(&v)).unwrap_or_default(),
        },
        _ => Certificate {
            cert: String::new(),
            key: String::new(),
        },
    }
}

fn cert_value(c: Certificate) -> Value {
    Value::object(Rc::new(c))
}

/// Sprig's `getBaseCertTemplate`: what varies between certificates.
struct Template {
    cn: String,
    ips: Vec<Vec<u8>>,
    dns: Vec<String>,
    days: i64,
    is_ca: bool,
}

/// The elements of a list argument (nil is no elements).
fn list_items(v: &Value) -> Vec<Value> {
    match &v.repr {
        Repr::List(items) => items.as_ref().clone(),
        _ => Vec::new(),
    }
}

/// Go's `net.ParseIP`, in the form `x509` writes it (`To4` when it fits).
fn parse_ip(s: &str) -> Option<Vec<u8>> {
    match s.parse::<IpAddr>().ok()? {
        IpAddr::V4(v4) => Some(v4.octets().to_vec()),
        IpAddr::V6(v6) => Some(match v6.to_ipv4_mapped() {
            Some(v4) => v4.octets().to_vec(),
            None => v6.octets().to_vec(),
        }),
    }
}

fn base_template(cn: &str, ips: &Value, dns: &Value, days: i64) -> Result<Template, String> {
    let mut ip_bytes = Vec::new();
    for ip in list_items(ips) {
        let Some(s) = ip.as_str() else {
            return Err(format!("error parsing ip: {} is not a string", strval(&ip)));
        };
        ip_bytes.push(parse_ip(s).ok_or_else(|| format!("error parsing ip: {s}"))?);
    }
    let mut names = Vec::new();
    for name in list_items(dns) {
        let Some(s) = name.as_str() else {
            return Err(format!(
                "error processing alternate dns name: {} is not a string",
                strval(&name)
            ));
        };
        names.push(s.to_string());
    }
    Ok(Template {
        cn: cn.to_string(),
        ips: ip_bytes,
        dns: names,
        days,
        is_ca: false,
    })
}

/// Go's `encoding/asn1` choice for an untagged string: PrintableString when
/// every character is in its set (no `*` or `&`), else UTF8String.
fn directory_string(s: &str) -> Vec<u8> {
    let printable = s.bytes().all(|b| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b' ' | b'\'' | b'(' | b')' | b'+' | b',' | b'-' | b'.' | b'/' | b':' | b'=' | b'?'
            )
    });
    let tag = if printable {
        asn1::PRINTABLE_STRING
    } else {
        asn1::UTF8_STRING
    };
    asn1::tlv(tag, s.as_bytes())
}

/// `pkix.Name{CommonName: cn}` as an RDN sequence (empty when `cn` is).
fn subject_name(cn: &str) -> Vec<u8> {
    if cn.is_empty() {
        return asn1::seq(&[]);
    }
    const OID_CN: &[u8] = &[0x55, 0x04, 0x03];
    let atv = asn1::seq(&[&asn1::oid(OID_CN), &directory_string(cn)]);
    asn1::seq(&[&asn1::tlv(asn1::SET, &atv)])
}

/// A validity time: UTCTime for 1950–2049, GeneralizedTime otherwise.
fn asn1_time(t: Time) -> Result<Vec<u8>, String> {
    let year: i64 = t.format("2006").parse().unwrap_or(0);
    if !(0..=9999).contains(&year) {
        return Err("asn1: cannot represent time as GeneralizedTime".into());
    }
    Ok(if (1950..2050).contains(&year) {
        asn1::tlv(
            asn1::UTC_TIME,
            format!("{}Z", t.format("060102150405")).as_bytes(),
        )
    } else {
        asn1::tlv(
            asn1::GENERALIZED_TIME,
            format!("{}Z", t.format("20060102150405")).as_bytes(),
        )
    })
}

/// One extension; `critical` is written only when true (Go's default).
fn extension(oid: &[u8], critical: bool, value: &[u8]) -> Vec<u8> {
    let crit = if critical {
        vec![asn1::BOOLEAN, 1, 0xff]
    } else {
        Vec::new()
    };
    asn1::seq(&[&asn1::oid(oid), &crit, &asn1::octets(value)])
}

/// What certificate creation needs of the issuer.
struct Issuer {
    /// The issuer's subject, DER.
    subject: Vec<u8>,
    /// The issuer's subject key id, if it has one.
    key_id: Option<Vec<u8>>,
    /// The issuer certificate's public key info, when it is a real
    /// certificate (Go checks the signing key matches it).
    public_key_info: Option<Vec<u8>>,
}

/// Go's `CreateCertificate` for Sprig's template, then the PEM pair
/// (Sprig's `getCertAndKey`).
fn create(
    t: &Template,
    signee: &PrivateKey,
    issuer: Option<&Issuer>,
    signer: &PrivateKey,
) -> Result<Certificate, String> {
    let cert = create_der(t, signee, issuer, signer)
        .map_err(|e| format!("error creating certificate: {e}"))?;
    Ok(Certificate {
        cert: pem_encode("CERTIFICATE", &cert),
        key: signee
            .to_pem()
            .map_err(|e| format!("error pem-encoding key: {e}"))?,
    })
}

fn create_der(
    t: &Template,
    signee: &PrivateKey,
    issuer: Option<&Issuer>,
    signer: &PrivateKey,
) -> Result<Vec<u8>, String> {
    const OID_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x0f];
    const OID_EXT_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x25];
    const OID_BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];
    const OID_SUBJECT_KEY_ID: &[u8] = &[0x55, 0x1d, 0x0e];
    const OID_AUTHORITY_KEY_ID: &[u8] = &[0x55, 0x1d, 0x23];
    const OID_SUBJECT_ALT_NAME: &[u8] = &[0x55, 0x1d, 0x11];
    const OID_SERVER_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01];
    const OID_CLIENT_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02];
    const DAY_NS: i64 = 24 * 3600 * 1_000_000_000;

    let sig_alg = signer.signature_algorithm()?;
    let spki = signee.public_key_info()?;
    let subject = subject_name(&t.cn);
    let issuer_subject = issuer.map_or(&subject, |i| &i.subject);
    let own_key_id = if t.is_ca {
        Some(signee.key_id()?)
    } else {
        None
    };
    let parent_key_id = match issuer {
        Some(i) => i.key_id.clone(),
        None => own_key_id.clone(),
    };
    let authority_key_id = parent_key_id.filter(|_| issuer_subject != &subject);
    if let Some(parent_spki) = issuer.and_then(|i| i.public_key_info.as_ref()) {
        if signer.public_key_info()? != *parent_spki {
            return Err("x509: provided PrivateKey doesn't match parent's PublicKey".into());
        }
    }

    let mut serial = [0u8; 16];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut serial);
    let now = Time::now();
    // Go: time.Hour * 24 * time.Duration(daysValid), an int64 that wraps.
    let until = Time::utc(now.nanos + i128::from(DAY_NS.wrapping_mul(t.days)));

    let mut exts = Vec::new();
    // Digital signature | key encipherment (| cert sign), bits reversed as Go writes them.
    let key_usage: &[u8] = if t.is_ca {
        &[asn1::BIT_STRING, 2, 2, 0xa4]
    } else {
        &[asn1::BIT_STRING, 2, 5, 0xa0]
    };
    exts.push(extension(OID_KEY_USAGE, true, key_usage));
    exts.push(extension(
        OID_EXT_KEY_USAGE,
        false,
        &asn1::seq(&[&asn1::oid(OID_SERVER_AUTH), &asn1::oid(OID_CLIENT_AUTH)]),
    ));
    let basic: Vec<u8> = if t.is_ca {
        asn1::seq(&[&[asn1::BOOLEAN, 1, 0xff]])
    } else {
        asn1::seq(&[])
    };
    exts.push(extension(OID_BASIC_CONSTRAINTS, true, &basic));
    if let Some(id) = &own_key_id {
        exts.push(extension(OID_SUBJECT_KEY_ID, false, &asn1::octets(id)));
    }
    if let Some(id) = &authority_key_id {
        exts.push(extension(
            OID_AUTHORITY_KEY_ID,
            false,
            &asn1::seq(&[&asn1::tlv(0x80, id)]),
        ));
    }
    if !t.dns.is_empty() || !t.ips.is_empty() {
        let mut names = Vec::new();
        for name in &t.dns {
            if !name.is_ascii() {
                return Err(format!("x509: {name:?} cannot be encoded as an IA5String"));
            }
            names.extend(asn1::tlv(0x82, name.as_bytes()));
        }
        for ip in &t.ips {
            names.extend(asn1::tlv(0x87, ip));
        }
        // RFC 5280: with an empty subject the SAN extension is critical.
        exts.push(extension(
            OID_SUBJECT_ALT_NAME,
            t.cn.is_empty(),
            &asn1::tlv(asn1::SEQUENCE, &names),
        ));
    }
    let exts: Vec<&[u8]> = exts.iter().map(Vec::as_slice).collect();

    let tbs = asn1::seq(&[
        &asn1::tlv(0xa0, &asn1::uint(&[2])),
        &asn1::uint(&serial),
        &sig_alg,
        issuer_subject,
        &asn1::seq(&[&asn1_time(now)?, &asn1_time(until)?]),
        &subject,
        &spki,
        &asn1::tlv(0xa3, &asn1::seq(&exts)),
    ]);
    let signature = signer.sign(&tbs)?;
    Ok(asn1::seq(&[&tbs, &sig_alg, &asn1::bits(&signature)]))
}

/// A parsed issuer certificate (Go's `x509.ParseCertificate`, the parts used).
fn parse_issuer(der_bytes: &[u8]) -> Result<Issuer, String> {
    let cert = x509_cert::Certificate::from_der(der_bytes)
        .map_err(|_| "x509: malformed certificate".to_string())?;
    let tbs = &cert.tbs_certificate;
    let subject = tbs
        .subject
        .to_der()
        .map_err(|_| "x509: malformed issuer".to_string())?;
    let spki = tbs
        .subject_public_key_info
        .to_der()
        .map_err(|_| "x509: malformed spki".to_string())?;
    const OID_SUBJECT_KEY_ID: &str = "2.5.29.14";
    let key_id = tbs
        .extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id.to_string() == OID_SUBJECT_KEY_ID)
        .and_then(|e| asn1::read_all(e.extn_value.as_bytes()))
        .map(|e| e.content.to_vec())
        .filter(|id| !id.is_empty());
    Ok(Issuer {
        subject,
        key_id,
        public_key_info: Some(spki),
    })
}

fn new_rsa_key() -> Result<PrivateKey, String> {
    PrivateKey::generate_rsa(2048).map_err(|e| format!("error generating rsa key: {e}"))
}

fn parse_key_arg(v: &Value) -> Result<PrivateKey, FuncError> {
    PrivateKey::parse_pem(&strval(v))
        .map_err(|e| FuncError::new(format!("parsing private key: {e}")))
}

fn days_arg(v: &Value) -> i64 {
    match v.repr {
        Repr::Int(i, _) => i,
        _ => 0,
    }
}

fn ca_with_key(cn: &str, days: i64, key: &PrivateKey) -> FuncResult {
    let mut t = base_template(cn, &Value::nil(), &Value::nil(), days).map_err(FuncError::new)?;
    t.is_ca = true;
    Ok(cert_value(
        create(&t, key, None, key).map_err(FuncError::new)?,
    ))
}

fn f_gen_ca(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let key = new_rsa_key().map_err(FuncError::new)?;
    ca_with_key(&strval(&a[0]), days_arg(&a[1]), &key)
}

fn f_gen_ca_with_key(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let key = parse_key_arg(&a[2])?;
    ca_with_key(&strval(&a[0]), days_arg(&a[1]), &key)
}

fn self_signed(a: &[Value], key: &PrivateKey) -> FuncResult {
    let t = base_template(&strval(&a[0]), &a[1], &a[2], days_arg(&a[3])).map_err(FuncError::new)?;
    Ok(cert_value(
        create(&t, key, None, key).map_err(FuncError::new)?,
    ))
}

fn f_gen_self_signed(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let key = new_rsa_key().map_err(FuncError::new)?;
    self_signed(&a, &key)
}

fn f_gen_self_signed_with_key(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let key = parse_key_arg(&a[4])?;
    self_signed(&a, &key)
}

/// Sprig's `generateSignedCertificateWithKeyInternal`.
fn signed(a: &[Value], key: &PrivateKey) -> FuncResult {
    let ca = certificate_arg(&a[4]);
    let (_, ca_der) = pem_decode(&ca.cert).ok_or("unable to decode certificate")?;
    let issuer = parse_issuer(&ca_der).map_err(|e| {
        FuncError::new(format!(
            "error parsing certificate: decodedSignerCert.Bytes: {e}"
        ))
    })?;
    let signer = PrivateKey::parse_pem(&ca.key)
        .map_err(|e| FuncError::new(format!("error parsing private key: {e}")))?;
    let t = base_template(&strval(&a[0]), &a[1], &a[2], days_arg(&a[3])).map_err(FuncError::new)?;
    Ok(cert_value(
        create(&t, key, Some(&issuer), &signer).map_err(FuncError::new)?,
    ))
}

fn f_gen_signed(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let key = new_rsa_key().map_err(FuncError::new)?;
    signed(&a, &key)
}

fn f_gen_signed_with_key(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let key = parse_key_arg(&a[5])?;
    signed(&a, &key)
}

fn f_build_custom_cert(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let cert = super::encoding::b64_decode(&strval(&a[0]))
        .map_err(|_| FuncError::new("unable to decode base64 certificate"))?;
    let key = super::encoding::b64_decode(&strval(&a[1]))
        .map_err(|_| FuncError::new("unable to decode base64 private key"))?;
    let cert = String::from_utf8_lossy(&cert).into_owned();
    let key = String::from_utf8_lossy(&key).into_owned();
    let (_, der_bytes) = pem_decode(&cert).ok_or("unable to decode certificate")?;
    parse_issuer(&der_bytes).map_err(|e| {
        FuncError::new(format!("error parsing certificate: decodedCert.Bytes: {e}"))
    })?;
    PrivateKey::parse_pem(&key)
        .map_err(|e| FuncError::new(format!("error parsing private key: {e}")))?;
    Ok(cert_value(Certificate { cert, key }))
}

/// `genPrivateKey`: failures are returned as the text, as Sprig does.
fn f_gen_private_key(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let typ = strval(&a[0]);
    let text = match PrivateKey::generate(&typ) {
        None => format!("Unknown type {typ}"),
        Some(Err(e)) => format!("failed to generate private key: {e}"),
        Some(Ok(key)) => key.to_pem().unwrap_or_default(),
    };
    Ok(Value::str(text))
}

/// Sprig's certificate and key functions.
pub static FUNCS: &[FuncDef] = &[
    def("genPrivateKey", &[Ty::Str], None, f_gen_private_key),
    def(
        "buildCustomCert",
        &[Ty::Str, Ty::Str],
        None,
        f_build_custom_cert,
    ),
    def("genCA", &[Ty::Str, Ty::Int], None, f_gen_ca),
    def(
        "genCAWithKey",
        &[Ty::Str, Ty::Int, Ty::Str],
        None,
        f_gen_ca_with_key,
    ),
    def(
        "genSelfSignedCert",
        &[Ty::Str, Ty::List, Ty::List, Ty::Int],
        None,
        f_gen_self_signed,
    ),
    def(
        "genSelfSignedCertWithKey",
        &[Ty::Str, Ty::List, Ty::List, Ty::Int, Ty::Str],
        None,
        f_gen_self_signed_with_key,
    ),
    def(
        "genSignedCert",
        &[Ty::Str, Ty::List, Ty::List, Ty::Int, Ty::Certificate],
        None,
        f_gen_signed,
    ),
    def(
        "genSignedCertWithKey",
        &[
            Ty::Str,
            Ty::List,
            Ty::List,
            Ty::Int,
            Ty::Certificate,
            Ty::Str,
        ],
        None,
        f_gen_signed_with_key,
    ),
];

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    //! Certificates are random, so these check their structure with a
    //! certificate parser (x509-cert) and the signature crates; the layout
    //! was compared field by field with certificates Helm made (openssl
    //! asn1parse), and Helm accepted these as CA for its own genSignedCert.

    use std::time::{SystemTime, UNIX_EPOCH};

    use p256::elliptic_curve::sec1::ToEncodedPoint;
    use rsa::pkcs8::DecodePublicKey;
    use rsa::signature::Verifier;
    use rsa::traits::PublicKeyParts;
    use x509_cert::der::{Decode, Encode};
    use x509_cert::ext::pkix::name::GeneralName;
    use x509_cert::ext::pkix::{
        AuthorityKeyIdentifier, BasicConstraints, KeyUsage, KeyUsages, SubjectAltName,
        SubjectKeyIdentifier,
    };

    use super::*;
    use crate::funcs::types::testutil::{call, i, l, s};

    fn field(v: &Value, name: &str) -> String {
        match &v.repr {
            Repr::Object(o) => strval(&o.field(name).unwrap()),
            _ => panic!("not a certificate: {v:?}"),
        }
    }

    fn parse(pem: &str) -> x509_cert::Certificate {
        let (typ, der_bytes) = pem_decode(pem).expect("PEM");
        assert_eq!(typ, "CERTIFICATE");
        x509_cert::Certificate::from_der(&der_bytes).expect("a certificate")
    }

    fn ext<'a>(c: &'a x509_cert::Certificate, oid: &str) -> Option<&'a [u8]> {
        c.tbs_certificate
            .extensions
            .iter()
            .flatten()
            .find(|e| e.extn_id.to_string() == oid)
            .map(|e| e.extn_value.as_bytes())
    }

    fn critical(c: &x509_cert::Certificate, oid: &str) -> bool {
        c.tbs_certificate
            .extensions
            .iter()
            .flatten()
            .any(|e| e.extn_id.to_string() == oid && e.critical)
    }

    const KU: &str = "2.5.29.15";
    const BC: &str = "2.5.29.19";
    const SKI: &str = "2.5.29.14";
    const AKI: &str = "2.5.29.35";
    const SAN: &str = "2.5.29.17";

    /// Checks `child` was signed by the key in `issuer`'s certificate.
    fn verify(child: &x509_cert::Certificate, issuer: &x509_cert::Certificate) {
        let tbs = child.tbs_certificate.to_der().unwrap();
        let sig = child.signature.raw_bytes();
        let spki = &issuer.tbs_certificate.subject_public_key_info;
        let alg = spki.algorithm.oid.to_string();
        match alg.as_str() {
            "1.2.840.113549.1.1.1" => {
                let key = rsa::RsaPublicKey::from_public_key_der(&spki.to_der().unwrap()).unwrap();
                let vk = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(key);
                let sig = rsa::pkcs1v15::Signature::try_from(sig).unwrap();
                vk.verify(&tbs, &sig).expect("RSA signature verifies");
            }
            "1.2.840.10045.2.1" => {
                let vk =
                    p256::ecdsa::VerifyingKey::from_sec1_bytes(spki.subject_public_key.raw_bytes())
                        .unwrap();
                let sig = p256::ecdsa::DerSignature::try_from(sig).unwrap();
                vk.verify(&tbs, &sig).expect("ECDSA signature verifies");
            }
            "1.3.101.112" => {
                let bytes: [u8; 32] = spki.subject_public_key.raw_bytes().try_into().unwrap();
                let vk = ed25519_dalek::VerifyingKey::from_bytes(&bytes).unwrap();
                let sig = ed25519_dalek::Signature::from_slice(sig).unwrap();
                vk.verify(&tbs, &sig).expect("Ed25519 signature verifies");
            }
            other => panic!("unexpected key algorithm {other}"),
        }
    }

    fn rsa_bits(c: &x509_cert::Certificate) -> usize {
        let der_bytes = c.tbs_certificate.subject_public_key_info.to_der().unwrap();
        rsa::RsaPublicKey::from_public_key_der(&der_bytes)
            .unwrap()
            .n()
            .bits()
    }

    /// NotBefore is now and NotAfter is `days` later, to the second.
    fn check_validity(c: &x509_cert::Certificate, days: u64) {
        let v = &c.tbs_certificate.validity;
        let from = v.not_before.to_unix_duration().as_secs();
        let until = v.not_after.to_unix_duration().as_secs();
        assert_eq!(until - from, days * 86_400);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        assert!(from <= now && now - from < 120, "NotBefore is now");
    }

    fn sans(c: &x509_cert::Certificate) -> (Vec<String>, Vec<Vec<u8>>) {
        let (mut dns, mut ips) = (Vec::new(), Vec::new());
        if let Some(bytes) = ext(c, SAN) {
            for name in SubjectAltName::from_der(bytes).unwrap().0 {
                match name {
                    GeneralName::DnsName(n) => dns.push(n.to_string()),
                    GeneralName::IpAddress(ip) => ips.push(ip.as_bytes().to_vec()),
                    other => panic!("unexpected name {other:?}"),
                }
            }
        }
        (dns, ips)
    }

    #[test]
    fn ca_signs_a_leaf_with_sans() {
        let ca = call("genCA", vec![s("my-ca"), i(365)]).unwrap();
        assert_eq!(ca.type_name(), CERTIFICATE_TYPE);
        assert_eq!(ca.kind_name(), "struct");
        let ca_cert = parse(&field(&ca, "Cert"));
        assert!(field(&ca, "Key").starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
        let tbs = &ca_cert.tbs_certificate;
        assert_eq!(tbs.subject.to_string(), "CN=my-ca");
        assert_eq!(tbs.issuer.to_string(), "CN=my-ca");
        assert_eq!(tbs.version, x509_cert::Version::V3);
        assert!(tbs.serial_number.as_bytes().len() <= 17);
        assert_eq!(rsa_bits(&ca_cert), 2048);
        check_validity(&ca_cert, 365);
        let bc = BasicConstraints::from_der(ext(&ca_cert, BC).unwrap()).unwrap();
        assert!(bc.ca && bc.path_len_constraint.is_none() && critical(&ca_cert, BC));
        let ku = KeyUsage::from_der(ext(&ca_cert, KU).unwrap()).unwrap();
        assert_eq!(
            ku.0,
            KeyUsages::DigitalSignature | KeyUsages::KeyEncipherment | KeyUsages::KeyCertSign
        );
        assert!(critical(&ca_cert, KU));
        let ski = SubjectKeyIdentifier::from_der(ext(&ca_cert, SKI).unwrap()).unwrap();
        assert_eq!(ski.0.as_bytes().len(), 20);
        assert!(
            ext(&ca_cert, AKI).is_none(),
            "self-signed: no authority key id"
        );
        assert!(ext(&ca_cert, SAN).is_none());
        verify(&ca_cert, &ca_cert);

        let leaf = call(
            "genSignedCert",
            vec![
                s("leaf.example"),
                l(vec![s("10.0.0.1"), s("::1"), s("::ffff:1.2.3.4")]),
                l(vec![s("a.example"), s("*.b.example")]),
                i(30),
                ca,
            ],
        )
        .unwrap();
        let leaf_cert = parse(&field(&leaf, "Cert"));
        let tbs = &leaf_cert.tbs_certificate;
        assert_eq!(tbs.subject.to_string(), "CN=leaf.example");
        assert_eq!(tbs.issuer.to_string(), "CN=my-ca");
        check_validity(&leaf_cert, 30);
        assert_eq!(rsa_bits(&leaf_cert), 2048);
        verify(&leaf_cert, &ca_cert);
        let (dns, ips) = sans(&leaf_cert);
        assert_eq!(dns, ["a.example", "*.b.example"]);
        let mut v6 = vec![0u8; 15];
        v6.push(1);
        assert_eq!(ips, [vec![10, 0, 0, 1], v6, vec![1, 2, 3, 4]]);
        assert!(!critical(&leaf_cert, SAN));
        let bc = BasicConstraints::from_der(ext(&leaf_cert, BC).unwrap()).unwrap();
        assert!(!bc.ca);
        let ku = KeyUsage::from_der(ext(&leaf_cert, KU).unwrap()).unwrap();
        assert_eq!(
            ku.0,
            KeyUsages::DigitalSignature | KeyUsages::KeyEncipherment
        );
        let aki = AuthorityKeyIdentifier::from_der(ext(&leaf_cert, AKI).unwrap()).unwrap();
        assert_eq!(aki.key_identifier.unwrap().as_bytes(), ski.0.as_bytes());
        assert!(ext(&leaf_cert, SKI).is_none());
    }

    #[test]
    fn self_signed_without_names_has_no_san() {
        let c = call(
            "genSelfSignedCert",
            vec![s("self"), Value::nil(), Value::nil(), i(10)],
        )
        .unwrap();
        let cert = parse(&field(&c, "Cert"));
        assert_eq!(cert.tbs_certificate.subject.to_string(), "CN=self");
        check_validity(&cert, 10);
        assert!(
            ext(&cert, SAN).is_none() && ext(&cert, SKI).is_none() && ext(&cert, AKI).is_none()
        );
        verify(&cert, &cert);
        // An empty subject makes the SAN extension critical (RFC 5280, as Go).
        let c = call(
            "genSelfSignedCert",
            vec![s(""), l(vec![]), l(vec![s("x.example")]), i(1)],
        )
        .unwrap();
        let cert = parse(&field(&c, "Cert"));
        assert!(critical(&cert, SAN));
        assert_eq!(sans(&cert).0, ["x.example"]);
    }

    #[test]
    fn with_key_variants_keep_the_key_and_sign_with_it() {
        let ec = PrivateKey::generate("ecdsa")
            .unwrap()
            .unwrap()
            .to_pem()
            .unwrap();
        let ed = PrivateKey::generate("ed25519")
            .unwrap()
            .unwrap()
            .to_pem()
            .unwrap();
        let ca = call("genCAWithKey", vec![s("ec-ca"), i(3), s(&ec)]).unwrap();
        assert_eq!(field(&ca, "Key"), ec);
        let ca_cert = parse(&field(&ca, "Cert"));
        assert_eq!(
            ca_cert.signature_algorithm.oid.to_string(),
            "1.2.840.10045.4.3.2"
        );
        verify(&ca_cert, &ca_cert);
        let leaf = call(
            "genSignedCertWithKey",
            vec![s("ed-leaf"), Value::nil(), Value::nil(), i(3), ca, s(&ed)],
        )
        .unwrap();
        assert_eq!(field(&leaf, "Key"), ed);
        let leaf_cert = parse(&field(&leaf, "Cert"));
        assert_eq!(
            leaf_cert
                .tbs_certificate
                .subject_public_key_info
                .algorithm
                .oid
                .to_string(),
            "1.3.101.112"
        );
        verify(&leaf_cert, &ca_cert);
        let own = call(
            "genSelfSignedCertWithKey",
            vec![s("ed"), Value::nil(), Value::nil(), i(3), s(&ed)],
        )
        .unwrap();
        let own_cert = parse(&field(&own, "Cert"));
        assert_eq!(own_cert.signature_algorithm.oid.to_string(), "1.3.101.112");
        verify(&own_cert, &own_cert);
    }

    #[test]
    fn other_curves_sign_with_gos_hashes() {
        use rand_core::OsRng;
        // Go: SHA-256 on P-224, SHA-384 on P-384, SHA-512 on P-521.
        let keys = [
            (
                PrivateKey::P224(p224::SecretKey::random(&mut OsRng)),
                "1.2.840.10045.4.3.2",
            ),
            (
                PrivateKey::P384(p384::SecretKey::random(&mut OsRng)),
                "1.2.840.10045.4.3.3",
            ),
            (
                PrivateKey::P521(p521::SecretKey::random(&mut OsRng)),
                "1.2.840.10045.4.3.4",
            ),
        ];
        for (key, alg) in keys {
            let pem = key.to_pem().unwrap();
            let ca = call("genCAWithKey", vec![s("ec"), i(3), s(&pem)]).unwrap();
            assert_eq!(field(&ca, "Key"), pem);
            let cert = parse(&field(&ca, "Cert"));
            assert_eq!(cert.signature_algorithm.oid.to_string(), alg);
            if let PrivateKey::P521(k) = &key {
                let vk = p521::ecdsa::VerifyingKey::from_encoded_point(
                    &k.public_key().to_encoded_point(false),
                )
                .unwrap();
                let sig = p521::ecdsa::Signature::from_der(cert.signature.raw_bytes()).unwrap();
                vk.verify(&cert.tbs_certificate.to_der().unwrap(), &sig)
                    .expect("P-521 signature verifies");
            }
        }
    }

    #[test]
    fn custom_certificates_round_trip_and_sign() {
        let ca = call("genCA", vec![s("custom"), i(3)]).unwrap();
        let b64 = |t: &str| Value::str(crate::funcs::encoding::b64(t.as_bytes()));
        let custom = call(
            "buildCustomCert",
            vec![b64(&field(&ca, "Cert")), b64(&field(&ca, "Key"))],
        )
        .unwrap();
        assert_eq!(field(&custom, "Cert"), field(&ca, "Cert"));
        let leaf = call(
            "genSignedCert",
            vec![s("leaf"), Value::nil(), Value::nil(), i(3), custom],
        )
        .unwrap();
        verify(&parse(&field(&leaf, "Cert")), &parse(&field(&ca, "Cert")));
    }

    #[test]
    fn generated_keys_have_sprigs_types_and_sizes() {
        let rsa_pem = strval(&call("genPrivateKey", vec![s("rsa")]).unwrap());
        let PrivateKey::Rsa(k) = PrivateKey::parse_pem(&rsa_pem).unwrap() else {
            panic!("not RSA")
        };
        assert_eq!(k.n().bits(), 4096);
        let dsa_pem = strval(&call("genPrivateKey", vec![s("dsa")]).unwrap());
        assert!(dsa_pem.starts_with("-----BEGIN DSA PRIVATE KEY-----\n"));
        let (_, der_bytes) = pem_decode(&dsa_pem).unwrap();
        let seq = asn1::read_all(&der_bytes).unwrap();
        let ints = asn1::children(seq.content).unwrap();
        let bits = |b: &[u8]| {
            let b: Vec<u8> = b.iter().copied().skip_while(|&x| x == 0).collect();
            b.len() * 8 - b[0].leading_zeros() as usize
        };
        assert_eq!(
            (ints.len(), bits(ints[1].content), bits(ints[2].content)),
            (6, 2048, 256)
        );
        assert_eq!(
            strval(&call("genPrivateKey", vec![s("foo")]).unwrap()),
            "Unknown type foo"
        );
    }

    #[test]
    fn common_names_use_gos_string_types() {
        // Oracle (openssl asn1parse of Helm's certificates): `*` and `&`
        // make a UTF8String, the PrintableString set stays printable.
        assert_eq!(directory_string("*.example.com")[0], asn1::UTF8_STRING);
        assert_eq!(directory_string("a&b_c@d")[0], asn1::UTF8_STRING);
        assert_eq!(
            directory_string("Plain Name (x)")[0],
            asn1::PRINTABLE_STRING
        );
        assert_eq!(subject_name(""), vec![asn1::SEQUENCE, 0]);
    }

    #[test]
    fn bad_input_errors_are_sprigs() {
        // Oracle: each message as Helm reports it after "error calling NAME: ".
        let cases: Vec<(&str, Vec<Value>, &str)> = vec![
            (
                "genCAWithKey",
                vec![s("x"), i(3), s("garbage")],
                "parsing private key: no PEM data in input",
            ),
            (
                "genCAWithKey",
                vec![
                    s("x"),
                    i(3),
                    s("-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n"),
                ],
                "parsing private key: no private key data in PEM block of type FOO",
            ),
            (
                "buildCustomCert",
                vec![s("@@"), s("")],
                "unable to decode base64 certificate",
            ),
            (
                "genSelfSignedCert",
                vec![s("x"), l(vec![s("bad")]), Value::nil(), i(3)],
                "error parsing ip: bad",
            ),
            (
                "genSelfSignedCert",
                vec![s("x"), l(vec![i(1)]), Value::nil(), i(3)],
                "error parsing ip: 1 is not a string",
            ),
            (
                "genSelfSignedCert",
                vec![s("x"), Value::nil(), l(vec![i(1)]), i(3)],
                "error processing alternate dns name: 1 is not a string",
            ),
            (
                "genSelfSignedCert",
                vec![s("ü*"), Value::nil(), l(vec![s("ü")]), i(3)],
                "error creating certificate: x509: \"ü\" cannot be encoded as an IA5String",
            ),
        ];
        for (name, args, want) in cases {
            assert_eq!(call(name, args).err().as_deref(), Some(want), "{name}");
        }
    }
}
