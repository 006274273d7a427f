//! The response body of request `id` and its digest: what the server writes, what a client
//! checks as it reads, and what `verify` expects — byte for byte the same everywhere.

use super::MIN_BYTES;
use crate::splitmix::splitmix64;

/// The body of request `id`: `B` bytes, 16 hex digits of the id, 16 hex digits of the
/// checksum (FNV-1a of the filler), then filler letters drawn from a generator seeded by the
/// id. Readable with curl; any flipped, lost or misrouted byte changes the digest.
pub fn write_body(id: u64, bytes: usize, out: &mut Vec<u8>) {
    let start = out.len();
    out.resize(start + bytes.max(MIN_BYTES), b'-');
    let filler = &mut out[start + MIN_BYTES..];
    let mut state = id.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0xb0d1;
    for chunk in filler.chunks_mut(8) {
        let word = splitmix64(state).to_le_bytes();
        state = state.wrapping_add(1);
        for (b, w) in chunk.iter_mut().zip(word) {
            *b = b'a' + w % 26;
        }
    }
    let sum = Digest::of(filler);
    let header = format!("{id:016x}{sum:016x}");
    out[start..start + MIN_BYTES].copy_from_slice(header.as_bytes());
    out.truncate(start + bytes);
}

/// The body as a fresh vector.
pub fn body(id: u64, bytes: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes);
    write_body(id, bytes, &mut out);
    out
}

/// Parses the id and checksum at the front of a body and checks the checksum against the
/// filler: what a client that knows nothing else can verify.
pub fn check_body(body: &[u8]) -> Result<u64, String> {
    if body.len() < MIN_BYTES {
        return Err(format!("body of {} bytes is shorter than its header", body.len()));
    }
    let hex = |range: std::ops::Range<usize>| {
        std::str::from_utf8(&body[range])
            .ok()
            .and_then(|s| u64::from_str_radix(s, 16).ok())
            .ok_or_else(|| "body header is not hex".to_string())
    };
    let id = hex(0..16)?;
    let sum = hex(16..32)?;
    let actual = Digest::of(&body[MIN_BYTES..]);
    if sum != actual {
        return Err(format!("body checksum {sum:016x} does not match its filler ({actual:016x})"));
    }
    Ok(id)
}

/// FNV-1a 64, streamed: clients digest bodies chunk by chunk as they arrive.
#[derive(Debug, Clone, Copy)]
pub struct Digest(u64);

impl Default for Digest {
    fn default() -> Self {
        Digest(0xcbf2_9ce4_8422_2325)
    }
}

impl Digest {
    pub fn new() -> Self {
        Digest::default()
    }

    pub fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
    }

    pub fn finish(&self) -> u64 {
        self.0
    }

    pub fn of(bytes: &[u8]) -> u64 {
        let mut d = Digest::new();
        d.update(bytes);
        d.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_encode_their_id_and_checksum() {
        for bytes in [32, 33, 100, 1024, 4099] {
            let b = body(42, bytes);
            assert_eq!(b.len(), bytes);
            assert_eq!(check_body(&b), Ok(42));
        }
        assert_ne!(body(1, 64), body(2, 64));
        let mut b = body(7, 64);
        b[40] ^= 1;
        assert!(check_body(&b).is_err());
    }
}
