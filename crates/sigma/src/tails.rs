//! Big sets of long needles (thousands of file hashes in `Hashes`), found by their last eight
//! bytes instead of an automaton.
//!
//! An Aho-Corasick automaton over such a set has hundreds of thousands of states: building it
//! took most of a short hunt's time. Here building is one hash table entry per needle, and a
//! search slides an eight-byte window over the text: a bit table rules out almost every
//! position, and a window that ends some needle is checked against those needles in full. It
//! finds every occurrence of every needle, as an overlapping automaton search does.

use rustc_hash::FxHashMap;

/// Needles at least [`TAIL`] bytes long (lower case), by their last [`TAIL`] bytes.
#[derive(Debug)]
pub(crate) struct Tails {
    /// One bit per [`slot`] of the tails present.
    bits: Vec<u64>,
    /// Each tail's needles, as indexes into `needles`.
    by_tail: FxHashMap<u64, Vec<u32>>,
    needles: Vec<Box<[u8]>>,
}

/// The bytes of the window, and the shortest needle length this searcher takes.
pub(crate) const TAIL: usize = 8;

/// log2 of the bit table's size: 2^16 bits (8 KiB) keep false hits rare for thousands of
/// needles.
const SLOT_BITS: u32 = 16;

/// The bit table slot of a window.
fn slot(window: u64) -> usize {
    (window.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - SLOT_BITS)) as usize
}

/// Appends one byte, folded to lower case, to a window of the last eight bytes.
fn push(window: u64, byte: u8) -> u64 {
    (window << 8) | u64::from(byte.to_ascii_lowercase())
}

impl Tails {
    /// Indexes `needles` (lower case, each at least [`TAIL`] bytes long).
    pub(crate) fn new<T: AsRef<[u8]>>(needles: &[T]) -> Self {
        let mut tails = Tails {
            bits: vec![0; (1 << SLOT_BITS) / 64],
            by_tail: FxHashMap::default(),
            needles: needles.iter().map(|n| n.as_ref().into()).collect(),
        };
        for (i, needle) in tails.needles.iter().enumerate() {
            let tail = needle[needle.len() - TAIL..]
                .iter()
                .fold(0, |w, &b| push(w, b));
            let at = slot(tail);
            tails.bits[at / 64] |= 1 << (at % 64);
            tails.by_tail.entry(tail).or_default().push(i as u32);
        }
        tails
    }

    /// Calls `found` with the index of each needle occurrence in `text` (ASCII case-insensitive).
    pub(crate) fn find_each(&self, text: &[u8], found: &mut dyn FnMut(usize)) {
        let mut window = 0u64;
        for (end, &byte) in text.iter().enumerate() {
            window = push(window, byte);
            if end + 1 < TAIL {
                continue;
            }
            let at = slot(window);
            if self.bits[at / 64] & (1 << (at % 64)) == 0 {
                continue;
            }
            let Some(candidates) = self.by_tail.get(&window) else {
                continue;
            };
            for &i in candidates {
                let needle = &self.needles[i as usize];
                if needle.len() <= end + 1
                    && text[end + 1 - needle.len()..=end].eq_ignore_ascii_case(needle)
                {
                    found(i as usize);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The needle of every occurrence, overlapping ones included, by trying every position.
    fn naive(needles: &[&str], text: &str) -> Vec<usize> {
        let text = text.to_ascii_lowercase();
        let mut out = Vec::new();
        for (i, needle) in needles.iter().enumerate() {
            let occurrences = (0..text.len())
                .filter(|&s| text.as_bytes()[s..].starts_with(needle.as_bytes()))
                .count();
            out.extend(std::iter::repeat_n(i, occurrences));
        }
        out.sort_unstable();
        out
    }

    #[test]
    fn finds_every_occurrence_of_every_needle_in_any_case() {
        let needles = [
            "imphash=0123456789abcdef",
            "md5=0123456789abcdef",
            "0123456789abcdef",
            "sha256=ffffffffffffffff",
            "ffffffffffffffff",
        ];
        let texts = [
            "SHA1=AA,MD5=0123456789ABCDEF,IMPHASH=0123456789abcdef",
            "sha256=fffffffffffffffffff",
            "0123456",
            "",
            "\u{fc}n imphash=0123456789ABCDEF \u{fc}n",
        ];
        let tails = Tails::new(&needles);
        for text in texts {
            let mut found = Vec::new();
            tails.find_each(text.as_bytes(), &mut |i| found.push(i));
            found.sort_unstable();
            assert_eq!(found, naive(&needles, text), "{text}");
        }
        assert_eq!(naive(&needles, texts[0]), [0, 1, 2, 2]);
    }
}
