//! base64url (RFC 4648 §5) without padding: the alphabet `A–Z a–z 0–9 - _`, every character of
//! which may stand in a URL fragment unescaped.
//!
//! The decoder is lenient, because links get truncated and mangled: it also accepts the standard
//! alphabet's `+` and `/`, ignores `=` padding and whitespace, drops a dangling final character
//! (6 bits cannot make a byte), and on an invalid character returns the bytes decoded before it
//! together with the error, so callers can keep a valid prefix.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Encodes `bytes` as unpadded base64url (`⌈4n/3⌉` characters).
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for k in 0..chars {
            let idx = (n >> (18 - 6 * k)) & 63;
            out.push(char::from(ALPHABET[idx as usize]));
        }
    }
    out
}

/// Why decoding stopped early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Base64Error {
    /// Character index (0-based) of the offending character.
    pub position: usize,
    /// The offending character.
    pub found: char,
}

/// Decodes base64url (lenient, see the module docs). `Err` carries the bytes decoded before the
/// first invalid character.
pub fn decode(text: &str) -> Result<Vec<u8>, (Vec<u8>, Base64Error)> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let mut acc: u32 = 0;
    let mut nbits = 0u32;
    for (position, c) in text.chars().enumerate() {
        let v = match c {
            'A'..='Z' => c as u32 - 'A' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 26,
            '0'..='9' => c as u32 - '0' as u32 + 52,
            '-' | '+' => 62,
            '_' | '/' => 63,
            '=' | ' ' | '\n' | '\r' | '\t' => continue,
            _ => return Err((out, Base64Error { position, found: c })),
        };
        acc = (acc << 6) | v;
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((acc >> nbits) as u8);
            acc &= (1 << nbits) - 1;
        }
    }
    Ok(out)
}
