//! The deterministic generator behind the unit tests' generated inputs.

/// xorshift64: the same sequence on every machine, so a failing generated input is the same
/// input on the next run. Not for anything but tests.
pub(crate) struct XorShift(pub u64);

impl XorShift {
    /// The next 64 random bits.
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}
