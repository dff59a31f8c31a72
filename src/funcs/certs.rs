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

    fn kind_name(&self) -> &str {
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
    let until = Time {
        nanos: now.nanos + i128::from(DAY_NS.wrapping_mul(t.days)),
    };

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
        Repr::Int(i) => i,
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
