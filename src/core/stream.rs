//! [`Stream`]: the trainer's random streams (minibatch draws, base samples, evaluations) as a
//! generator whose state can be read and written, so a trainer can be handed to the page's
//! worker and back without losing its place in the stream (`train/image.rs`).
//!
//! The algorithm is xoshiro256++ (Blackman & Vigna 2019) seeded by SplitMix64, exactly as
//! `rand`'s `SmallRng` does it on 64-bit targets: natively the streams are the ones the trainer
//! drew before they had to travel. On WebAssembly `SmallRng` is the 32-bit xoshiro128++ instead;
//! this one is the same on every target, so a seed trains to the same bits in a native test, on
//! the page and in its worker. Checked against the reference implementation's published values
//! and against `SmallRng` in `tests/core_stream.rs`.

use rand::rand_core::{impls, RngCore};

/// xoshiro256++ with readable state (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stream {
    s: [u64; 4],
}

impl Stream {
    /// The stream of `seed` (SplitMix64 fills the state, as `SmallRng::seed_from_u64`).
    pub fn seed_from_u64(mut state: u64) -> Self {
        const PHI: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut s = [0; 4];
        for w in &mut s {
            state = state.wrapping_add(PHI);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            *w = z ^ (z >> 31);
        }
        Stream { s }
    }

    /// The state, to carry elsewhere.
    pub fn state(&self) -> [u64; 4] {
        self.s
    }

    /// A stream continuing from `state`; `None` for the all-zero state (which never leaves zero
    /// and no seed produces).
    pub fn from_state(s: [u64; 4]) -> Option<Self> {
        (s != [0; 4]).then_some(Stream { s })
    }
}

impl RngCore for Stream {
    fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let out = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        out
    }

    fn fill_bytes(&mut self, dst: &mut [u8]) {
        impls::fill_bytes_via_next(self, dst)
    }
}
