//! A small DER writer and reader for the few ASN.1 structures Sprig's key and
//! certificate functions produce or read: certificates as Go's
//! `crypto/x509.CreateCertificate` lays them out, and the private key
//! formats Go marshals itself (PKCS#8 for Ed25519, Sprig's DSA sequence).
//!
//! Writing by hand keeps every byte where Go puts it (field order, optional
//! fields left out, string types); parsing whole certificates and standard
//! key formats is left to the RustCrypto crates.

/// Tag of `BOOLEAN`.
pub const BOOLEAN: u8 = 0x01;
/// Tag of `INTEGER`.
pub const INTEGER: u8 = 0x02;
/// Tag of `BIT STRING`.
pub const BIT_STRING: u8 = 0x03;
/// Tag of `OCTET STRING`.
pub const OCTET_STRING: u8 = 0x04;
/// Tag of `NULL`.
pub const NULL: u8 = 0x05;
/// Tag of `OBJECT IDENTIFIER`.
pub const OID: u8 = 0x06;
/// Tag of `UTF8String`.
pub const UTF8_STRING: u8 = 0x0c;
/// Tag of `PrintableString`.
pub const PRINTABLE_STRING: u8 = 0x13;
/// Tag of `UTCTime`.
pub const UTC_TIME: u8 = 0x17;
/// Tag of `GeneralizedTime`.
pub const GENERALIZED_TIME: u8 = 0x18;
/// Tag of `SEQUENCE` (constructed).
pub const SEQUENCE: u8 = 0x30;
/// Tag of `SET` (constructed).
pub const SET: u8 = 0x31;

/// One element: tag, definite length, content.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// A `SEQUENCE` of already encoded elements.
pub fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(SEQUENCE, &parts.concat())
}

/// A non-negative `INTEGER` from its big-endian magnitude (minimal form).
pub fn uint(magnitude: &[u8]) -> Vec<u8> {
    let skip = magnitude.iter().take_while(|&&b| b == 0).count();
    let m = &magnitude[skip..];
    let mut content = Vec::with_capacity(m.len() + 1);
    if m.first().is_none_or(|&b| b & 0x80 != 0) {
        content.push(0);
    }
    content.extend_from_slice(m);
    tlv(INTEGER, &content)
}

/// An `OBJECT IDENTIFIER` from its encoded arcs (the content octets).
pub fn oid(arcs: &[u8]) -> Vec<u8> {
    tlv(OID, arcs)
}

/// An `OCTET STRING`.
pub fn octets(content: &[u8]) -> Vec<u8> {
    tlv(OCTET_STRING, content)
}

/// A `BIT STRING` of whole bytes.
pub fn bits(content: &[u8]) -> Vec<u8> {
    let mut c = Vec::with_capacity(content.len() + 1);
    c.push(0);
    c.extend_from_slice(content);
    tlv(BIT_STRING, &c)
}

/// An element read from DER: its tag and content.
#[derive(Debug, Clone, Copy)]
pub struct Element<'a> {
    /// The identifier octet.
    pub tag: u8,
    /// The content octets.
    pub content: &'a [u8],
}

/// Read one element from the front of `input`; the rest follows it.
pub fn read(input: &[u8]) -> Option<(Element<'_>, &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((
        Element {
            tag,
            content: &rest[..len],
        },
        &rest[len..],
    ))
}

/// Every element of a constructed element's content, in order.
pub fn children(content: &[u8]) -> Option<Vec<Element<'_>>> {
    let mut out = Vec::new();
    let mut rest = content;
    while !rest.is_empty() {
        let (e, r) = read(rest)?;
        out.push(e);
        rest = r;
    }
    Some(out)
}

/// The single element `input` holds (nothing may trail it).
pub fn read_all(input: &[u8]) -> Option<Element<'_>> {
    match read(input)? {
        (e, []) => Some(e),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_minimal_and_positive() {
        assert_eq!(uint(&[0, 0, 1]), vec![2, 1, 1]);
        assert_eq!(uint(&[0x80]), vec![2, 2, 0, 0x80]);
        assert_eq!(uint(&[]), vec![2, 1, 0]);
    }

    #[test]
    fn long_lengths_round_trip() {
        let content = vec![7u8; 300];
        let enc = tlv(OCTET_STRING, &content);
        assert_eq!(&enc[..4], &[4, 0x82, 1, 44]);
        let e = read_all(&enc).unwrap();
        assert_eq!(e.tag, OCTET_STRING);
        assert_eq!(e.content, &content[..]);
    }
}
