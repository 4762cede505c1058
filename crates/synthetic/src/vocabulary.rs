//! Made-up words with the frequencies of real ones: word `r` (from 0, the most frequent) is
//! drawn with a probability proportional to 1 / (r + 1), Zipf's law for natural language.

/// Syllables the words are spelled with (forty: three make 64,000 words).
const SYLLABLES: [&str; 40] = [
    "ka", "lo", "mi", "ne", "tu", "ra", "si", "vo", "pe", "du", "ba", "go", "ri", "ze", "fa", "hu", "jo", "le", "mo",
    "na", "pi", "qu", "sa", "te", "vi", "wo", "xa", "yo", "zu", "bi", "co", "de", "fi", "ga", "hi", "ji", "ko", "lu",
    "ma", "no",
];

/// How many words the vocabulary has.
pub const WORDS: usize = 20_000;

/// The word of rank `rank`: three syllables, different for every rank below 64,000.
pub fn word(rank: usize) -> String {
    let n = SYLLABLES.len();
    [rank / (n * n) % n, rank / n % n, rank % n].iter().map(|&i| SYLLABLES[i]).collect()
}

/// Draws words by Zipf's law from a precomputed table of cumulative weights.
pub struct Zipf {
    words: Vec<String>,
    cumulative: Vec<f64>,
}

impl Zipf {
    pub fn new() -> Self {
        let mut total = 0.0;
        let cumulative = (0..WORDS)
            .map(|rank| {
                total += 1.0 / (rank as f64 + 1.0);
                total
            })
            .collect();
        Self { words: (0..WORDS).map(word).collect(), cumulative }
    }

    /// The word a random `draw` picks.
    pub fn sample(&self, draw: u64) -> &str {
        let total = self.cumulative[WORDS - 1];
        let point = (draw >> 11) as f64 / (1u64 << 53) as f64 * total;
        let rank = self.cumulative.partition_point(|&c| c <= point).min(WORDS - 1);
        &self.words[rank]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_differ_and_frequent_ones_come_often() {
        let words: std::collections::HashSet<String> = (0..WORDS).map(word).collect();
        assert_eq!(words.len(), WORDS);
        let zipf = Zipf::new();
        let mut first = 0;
        let mut x = 1u64;
        for _ in 0..10_000 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            if zipf.sample(x) == word(0) {
                first += 1;
            }
        }
        // 1 / H(20000) ≈ 9.4% of draws.
        assert!((700..1200).contains(&first), "{first}");
    }
}
