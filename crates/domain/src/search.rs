//! Full-text search: the query syntax readers type, parsed once and written out for each engine
//! (PostgreSQL's `websearch_to_tsquery` and `to_tsquery`, SQLite's FTS5), and the text a post is
//! indexed by. The syntax is the usual one: words (all must match), `"exact phrases"`,
//! `-exclusions` (a word or a phrase) and `prefix*`.

use crate::content::plain_text;

/// The longest query accepted, in characters.
pub const SEARCH_QUERY_MAX: usize = 200;
/// The most words a query may hold, phrases' words included.
pub const SEARCH_TERMS_MAX: usize = 16;
/// The shortest prefix before a `*`: a one-letter prefix would match most of the index.
pub const SEARCH_PREFIX_MIN: usize = 2;
/// How much of a body's text is indexed, in characters: enough for any article, and it bounds
/// the time an engine spends on one post (indexing it, and cutting a snippet from it).
pub const SEARCH_TEXT_MAX: usize = 100_000;

/// Marks the start and end of a matched word in the snippets the engines cut: characters no
/// stored text holds (control characters are refused on input, and stripped from indexed text).
pub const HIGHLIGHT_START: char = '\u{1}';
/// See [`HIGHLIGHT_START`].
pub const HIGHLIGHT_END: char = '\u{2}';

/// One part of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchTerm {
    /// A word that must appear (stemmed by the engine: `bowling` finds `bowl`).
    Word(String),
    /// Words that must appear together, in this order.
    Phrase(Vec<String>),
    /// A word's beginning (`bowl*`).
    Prefix(String),
}

/// A parsed search query: what must match and what must not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    include: Vec<SearchTerm>,
    exclude: Vec<SearchTerm>,
}

impl SearchQuery {
    /// Parses what a reader typed. Words are runs of letters and digits; anything else separates
    /// them. Refused: more than [`SEARCH_QUERY_MAX`] characters or [`SEARCH_TERMS_MAX`] words, a
    /// prefix shorter than [`SEARCH_PREFIX_MIN`], and a query with nothing to find (empty, or
    /// exclusions alone).
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.chars().count() > SEARCH_QUERY_MAX {
            return Err(format!("must be at most {SEARCH_QUERY_MAX} characters"));
        }
        let mut query = SearchQuery { include: Vec::new(), exclude: Vec::new() };
        let mut chars = text.chars().peekable();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                chars.next();
                continue;
            }
            let negated = c == '-';
            if negated {
                chars.next();
            }
            let term = if chars.peek() == Some(&'"') {
                chars.next();
                let phrase: String = chars.by_ref().take_while(|&c| c != '"').collect();
                match words(&phrase).as_slice() {
                    [] => None,
                    [word] => Some(SearchTerm::Word(word.clone())),
                    many => Some(SearchTerm::Phrase(many.to_vec())),
                }
            } else {
                let mut token = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() {
                        break;
                    }
                    token.push(c);
                    chars.next();
                }
                token_term(&token)?
            };
            if let Some(term) = term {
                if negated { query.exclude.push(term) } else { query.include.push(term) }
            }
        }
        let count: usize = query.include.iter().chain(&query.exclude).map(SearchTerm::len).sum();
        if count > SEARCH_TERMS_MAX {
            return Err(format!("may hold at most {SEARCH_TERMS_MAX} words"));
        }
        if query.include.is_empty() {
            return Err("needs a word to find (letters or digits, not only -exclusions)".into());
        }
        Ok(query)
    }

    /// The terms that must match.
    pub fn include(&self) -> &[SearchTerm] {
        &self.include
    }

    /// The terms that must not.
    pub fn exclude(&self) -> &[SearchTerm] {
        &self.exclude
    }

    /// PostgreSQL, first half: the words, phrases and exclusions in `websearch_to_tsquery`'s
    /// syntax, every word letters and digits only and quoted (`or` is an operator there unquoted).
    pub fn websearch(&self) -> String {
        let term = |t: &SearchTerm| match t {
            SearchTerm::Word(w) => Some(format!("\"{w}\"")),
            SearchTerm::Phrase(ws) => Some(format!("\"{}\"", ws.join(" "))),
            SearchTerm::Prefix(_) => None,
        };
        let include = self.include.iter().filter_map(term);
        let exclude = self.exclude.iter().filter_map(term).map(|t| format!("-{t}"));
        include.chain(exclude).collect::<Vec<_>>().join(" ")
    }

    /// PostgreSQL, second half: the prefixes, which `websearch_to_tsquery` cannot express, in
    /// `to_tsquery`'s syntax (`'bowl':* & !'rug':*`); empty when there are none.
    pub fn prefixes(&self) -> String {
        let prefix = |t: &SearchTerm| match t {
            SearchTerm::Prefix(p) => Some(format!("'{p}':*")),
            _ => None,
        };
        let include = self.include.iter().filter_map(prefix);
        let exclude = self.exclude.iter().filter_map(prefix).map(|p| format!("!{p}"));
        include.chain(exclude).collect::<Vec<_>>().join(" & ")
    }

    /// SQLite: an FTS5 `MATCH` expression. Every word is a quoted string, so nothing in it reads
    /// as an FTS5 operator or column filter.
    pub fn fts5(&self) -> String {
        let term = |t: &SearchTerm| match t {
            SearchTerm::Word(w) => format!("\"{w}\""),
            SearchTerm::Phrase(ws) => format!("\"{}\"", ws.join(" ")),
            SearchTerm::Prefix(p) => format!("\"{p}\"*"),
        };
        let include: Vec<String> = self.include.iter().map(term).collect();
        let mut expression = include.join(" AND ");
        for excluded in &self.exclude {
            expression = format!("({expression}) NOT {}", term(excluded));
        }
        expression
    }

    /// The query as written out again (normalized), to tell two queries apart.
    pub fn normalized(&self) -> String {
        format!("{} | {}", self.websearch(), self.prefixes())
    }
}

impl SearchTerm {
    fn len(&self) -> usize {
        match self {
            SearchTerm::Phrase(words) => words.len(),
            _ => 1,
        }
    }
}

/// A bare token: a word (or, split at punctuation, a phrase of words, as the engines split it),
/// or a prefix when it ends in `*`.
fn token_term(token: &str) -> Result<Option<SearchTerm>, String> {
    if let Some(stem) = token.strip_suffix('*') {
        let parts = words(stem);
        return match parts.as_slice() {
            [] => Ok(None),
            [word] if word.chars().count() < SEARCH_PREFIX_MIN => {
                Err(format!("a prefix needs at least {SEARCH_PREFIX_MIN} letters before the *"))
            }
            [word] => Ok(Some(SearchTerm::Prefix(word.clone()))),
            _ => Err("a prefix* is one word".into()),
        };
    }
    Ok(match words(token).as_slice() {
        [] => None,
        [word] => Some(SearchTerm::Word(word.clone())),
        many => Some(SearchTerm::Phrase(many.to_vec())),
    })
}

/// The runs of letters and digits in `text`, lowercased.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// PostgreSQL's own text search configurations: the languages a site's search may be in.
pub const SEARCH_LANGUAGES: [&str; 29] = [
    "simple",
    "arabic",
    "armenian",
    "basque",
    "catalan",
    "danish",
    "dutch",
    "english",
    "finnish",
    "french",
    "german",
    "greek",
    "hindi",
    "hungarian",
    "indonesian",
    "irish",
    "italian",
    "lithuanian",
    "nepali",
    "norwegian",
    "portuguese",
    "romanian",
    "russian",
    "serbian",
    "spanish",
    "swedish",
    "tamil",
    "turkish",
    "yiddish",
];

/// Marks where a query's words occur in a text, as the engines match them: each word lowercased
/// and stemmed by the Snowball stemmer of the index's language (PostgreSQL's stemmer; SQLite's
/// Porter stems English nearly alike), a prefix matching the words it begins.
pub struct Highlighter {
    stemmer: Option<rust_stemmers::Stemmer>,
    english: bool,
    words: Vec<String>,
    prefixes: Vec<String>,
}

/// PostgreSQL's English stop words (`english.stop`, from Snowball), sorted.
const ENGLISH_STOP_WORDS: [&str; 127] = [
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "did",
    "do",
    "does",
    "doing",
    "don",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "s",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "t",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

/// Words around the best match a snippet shows.
pub const SNIPPET_WORDS: usize = 30;

impl Highlighter {
    /// For the words `query` wants (not its exclusions), in `language` (a PostgreSQL text search
    /// configuration's name: `english`, `german`…; `simple` and unknown languages do not stem).
    pub fn new(query: &SearchQuery, language: &str) -> Self {
        use rust_stemmers::{Algorithm, Stemmer};
        let algorithm = match language {
            "english" => Some(Algorithm::English),
            "arabic" => Some(Algorithm::Arabic),
            "danish" => Some(Algorithm::Danish),
            "dutch" => Some(Algorithm::Dutch),
            "finnish" => Some(Algorithm::Finnish),
            "french" => Some(Algorithm::French),
            "german" => Some(Algorithm::German),
            "greek" => Some(Algorithm::Greek),
            "hungarian" => Some(Algorithm::Hungarian),
            "italian" => Some(Algorithm::Italian),
            "norwegian" => Some(Algorithm::Norwegian),
            "portuguese" => Some(Algorithm::Portuguese),
            "romanian" => Some(Algorithm::Romanian),
            "russian" => Some(Algorithm::Russian),
            "spanish" => Some(Algorithm::Spanish),
            "swedish" => Some(Algorithm::Swedish),
            "tamil" => Some(Algorithm::Tamil),
            "turkish" => Some(Algorithm::Turkish),
            _ => None,
        };
        let mut highlighter = Self {
            stemmer: algorithm.map(Stemmer::create),
            english: language == "english",
            words: Vec::new(),
            prefixes: Vec::new(),
        };
        for term in query.include() {
            match term {
                SearchTerm::Word(w) => highlighter.words.push(highlighter.stem(w)),
                SearchTerm::Phrase(ws) => {
                    let stems: Vec<String> = ws.iter().map(|w| highlighter.stem(w)).collect();
                    highlighter.words.extend(stems);
                }
                SearchTerm::Prefix(p) => highlighter.prefixes.push(p.clone()),
            }
        }
        highlighter
    }

    fn stem(&self, word: &str) -> String {
        match &self.stemmer {
            Some(stemmer) => stemmer.stem(word).into_owned(),
            None => word.to_string(),
        }
    }

    /// Whether a word could match at all: its first two letters begin a wanted stem or prefix.
    /// Most words of a body fail this, and are never lowercased or stemmed (stemming every word
    /// of every result cost more than the search itself).
    fn may_match(&self, word: &str) -> bool {
        let mut letters = word.chars().flat_map(char::to_lowercase);
        let (Some(a), b) = (letters.next(), letters.next()) else { return false };
        let begins = |wanted: &String| {
            let mut w = wanted.chars();
            w.next() == Some(a) && (b.is_none() || w.next() == b || wanted.chars().count() == 1)
        };
        self.words.iter().any(begins) || self.prefixes.iter().any(begins)
    }

    fn matches(&self, word: &str) -> bool {
        if !self.may_match(word) {
            return false;
        }
        let lower = word.to_lowercase();
        if self.prefixes.iter().any(|p| lower.starts_with(p.as_str())) {
            return true;
        }
        // English stop words match nothing on PostgreSQL: marking every "the" would be noise.
        if self.english && ENGLISH_STOP_WORDS.binary_search(&lower.as_str()).is_ok() {
            return false;
        }
        self.words.contains(&self.stem(&lower))
    }

    /// The [`SNIPPET_WORDS`] words of `text` holding the most matches, matches between
    /// [`HIGHLIGHT_START`] and [`HIGHLIGHT_END`], `…` where the text was cut; `None` when
    /// nothing in `text` matches.
    pub fn snippet(&self, text: &str) -> Option<String> {
        // Words with the text between them, as the engines split words: runs of letters and digits.
        let mut words: Vec<(usize, usize, bool)> = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            match (c.is_alphanumeric(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    words.push((s, i, self.matches(&text[s..i])));
                    start = None;
                }
                _ => {}
            }
        }
        let marked: Vec<usize> = words.iter().enumerate().filter(|(_, w)| w.2).map(|(i, _)| i).collect();
        let first = *marked.first()?;
        // The window of SNIPPET_WORDS words holding the most matches, starting a few words before one.
        let best = marked
            .iter()
            .map(|&m| {
                let from = m.saturating_sub(3);
                (from, marked.iter().filter(|&&n| n >= from && n < from + SNIPPET_WORDS).count())
            })
            .max_by_key(|&(from, count)| (count, std::cmp::Reverse(from)))
            .map_or(first.saturating_sub(3), |(from, _)| from);
        let to = (best + SNIPPET_WORDS).min(words.len());
        let mut out = String::new();
        if best > 0 {
            out.push_str("… ");
        }
        let text_start = words[best].0;
        let text_end = if to < words.len() { words[to - 1].1 } else { text.len() };
        let mut cursor = text_start;
        for &(s, e, hit) in &words[best..to] {
            out.push_str(&text[cursor..s]);
            if hit {
                out.push(HIGHLIGHT_START);
                out.push_str(&text[s..e]);
                out.push(HIGHLIGHT_END);
            } else {
                out.push_str(&text[s..e]);
            }
            cursor = e;
        }
        out.push_str(&text[cursor..text_end]);
        if to < words.len() {
            out.push_str(" …");
        }
        Some(out)
    }

    /// A result's snippet: from the body where it matches, else from the excerpt where that
    /// matches, else the body's first words (the match was in the title, shown anyway).
    pub fn best_snippet(&self, body: &str, excerpt: &str) -> String {
        self.snippet(body).or_else(|| self.snippet(excerpt)).unwrap_or_else(|| {
            let words: Vec<&str> = body.split_whitespace().collect();
            let mut start = words.iter().take(SNIPPET_WORDS).copied().collect::<Vec<_>>().join(" ");
            if words.len() > SNIPPET_WORDS {
                start.push_str(" …");
            }
            start
        })
    }
}

/// The text a post body is indexed by: its words without markup, each element's text apart from
/// the next, at most [`SEARCH_TEXT_MAX`] characters, without the characters that mark highlights.
pub fn search_text(html: &str) -> String {
    let spaced = html.replace('<', " <");
    let text: String = plain_text(&spaced)
        .chars()
        .filter(|&c| c != HIGHLIGHT_START && c != HIGHLIGHT_END)
        .take(SEARCH_TEXT_MAX)
        .collect();
    text
}

/// An engine's snippet as HTML: the text escaped, each highlighted run in `<mark>`, and a mark
/// left open at the cut closed.
pub fn highlight_html(snippet: &str) -> String {
    let mut out = String::with_capacity(snippet.len() + 32);
    let mut open = false;
    for c in snippet.chars() {
        match c {
            HIGHLIGHT_START if !open => {
                out.push_str("<mark>");
                open = true;
            }
            HIGHLIGHT_END if open => {
                out.push_str("</mark>");
                open = false;
            }
            HIGHLIGHT_START | HIGHLIGHT_END => {}
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    if open {
        out.push_str("</mark>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> SearchQuery {
        SearchQuery::parse(text).unwrap()
    }

    #[test]
    fn words_phrases_exclusions_and_prefixes() {
        let query = parse(r#"Bowling "tied the room" -nihilists -"big lebowski" rug*"#);
        assert_eq!(
            query.include(),
            [
                SearchTerm::Word("bowling".into()),
                SearchTerm::Phrase(vec!["tied".into(), "the".into(), "room".into()]),
                SearchTerm::Prefix("rug".into()),
            ]
        );
        assert_eq!(
            query.exclude(),
            [SearchTerm::Word("nihilists".into()), SearchTerm::Phrase(vec!["big".into(), "lebowski".into()])]
        );
        assert_eq!(query.websearch(), r#""bowling" "tied the room" -"nihilists" -"big lebowski""#);
        assert_eq!(query.prefixes(), "'rug':*");
        assert_eq!(query.fts5(), r#"(("bowling" AND "tied the room" AND "rug"*) NOT "nihilists") NOT "big lebowski""#);
    }

    #[test]
    fn operators_and_quotes_cannot_be_smuggled_in() {
        for text in ["a' | b", "title:x", "x OR y", "NEAR(a b)", "a & !b", "'; DROP TABLE posts; --", "a\"b"] {
            let query = parse(text);
            for word in query.include().iter().chain(query.exclude()) {
                let parts = match word {
                    SearchTerm::Word(w) | SearchTerm::Prefix(w) => vec![w.clone()],
                    SearchTerm::Phrase(ws) => ws.clone(),
                };
                assert!(parts.iter().all(|w| w.chars().all(char::is_alphanumeric)), "{text}: {word:?}");
            }
            assert_eq!(query.fts5().matches('"').count() % 2, 0, "{text}");
        }
        // Punctuation inside a word splits it, as the engines' tokenizers do.
        assert_eq!(
            parse("personal/professional").include(),
            [SearchTerm::Phrase(vec!["personal".into(), "professional".into()])]
        );
    }

    #[test]
    fn nothing_to_find_is_refused() {
        for text in ["", "   ", "-rug", "-\"big lebowski\"", "!!! ???", "\"\""] {
            assert!(SearchQuery::parse(text).is_err(), "{text:?}");
        }
        assert!(SearchQuery::parse("b*").is_err(), "one-letter prefix");
        assert!(SearchQuery::parse(&"a".repeat(SEARCH_QUERY_MAX + 1)).is_err());
        assert!(SearchQuery::parse(&"w ".repeat(SEARCH_TERMS_MAX + 1)).is_err());
        assert!(SearchQuery::parse("über café 東京").is_ok());
    }

    #[test]
    fn indexed_text_keeps_words_apart_and_drops_markup() {
        let text = search_text("<p>One<br>two</p><p>three &amp; <em>four</em></p><script>x</script>");
        assert_eq!(text, "One two three & four");
        assert!(!search_text("a\u{1}b\u{2}c").contains(HIGHLIGHT_START));
        assert_eq!(search_text(&"word ".repeat(SEARCH_TEXT_MAX)).chars().count(), SEARCH_TEXT_MAX);
    }

    #[test]
    fn snippets_mark_stemmed_words_and_prefixes_around_the_best_match() {
        let query = parse("bowled lebow*");
        let highlighter = Highlighter::new(&query, "english");
        let text = format!("{} The Dude went bowling with Lebowski. {}", "filler ".repeat(40), "more ".repeat(40));
        let snippet = highlighter.snippet(&text).unwrap();
        assert!(snippet.starts_with("… ") && snippet.ends_with(" …"), "{snippet}");
        assert!(snippet.contains("\u{1}bowling\u{2}"), "a stem: {snippet}");
        assert!(snippet.contains("\u{1}Lebowski\u{2}"), "a prefix, any case: {snippet}");
        assert_eq!(snippet.split_whitespace().filter(|w| *w != "…").count(), SNIPPET_WORDS);
        assert_eq!(highlighter.snippet("nothing here"), None);
        assert_eq!(highlighter.best_snippet("no match", "Bowled over"), "\u{1}Bowled\u{2} over");
        assert_eq!(highlighter.best_snippet("two words", "none"), "two words");
        // Without a stemmer, words match as written.
        let simple = Highlighter::new(&parse("bowled"), "simple");
        assert_eq!(simple.snippet("bowling bowled"), Some("bowling \u{1}bowled\u{2}".into()));
        // Stop words are not marked, as PostgreSQL does not match them.
        let stop = Highlighter::new(&parse("the rug"), "english").snippet("The rug").unwrap();
        assert_eq!(stop, "The \u{1}rug\u{2}");
        assert!(ENGLISH_STOP_WORDS.windows(2).all(|w| w[0] < w[1]), "sorted for binary search");
        // Text between words, punctuation and all, is kept as written.
        let punctuated = Highlighter::new(&parse("rug"), "english").snippet("A <rug>, really!").unwrap();
        assert_eq!(punctuated, "A <\u{1}rug\u{2}>, really!");
    }

    #[test]
    fn snippets_are_escaped_with_marks() {
        assert_eq!(
            highlight_html("a <b> & \u{1}rug\u{2} \u{1}tied"),
            "a &lt;b&gt; &amp; <mark>rug</mark> <mark>tied</mark>"
        );
        assert_eq!(highlight_html("\u{2}stray\u{1}\u{1}x\u{2}"), "stray<mark>x</mark>");
    }
}
