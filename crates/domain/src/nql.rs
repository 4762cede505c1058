//! Ghost's filter language (NQL) for the REST `filter=` parameter, read into a
//! [`PostCondition`]:
//!
//! ```text
//! filter     := any
//! any        := all (',' all)*                      // , is or
//! all        := unary ('+' unary | ' ' unary)*      // + is and (a space too: + in a URL is one)
//! unary      := '-' unary | '(' any ')' | field ':' comparison
//! comparison := ('>' | '>=' | '<' | '<=' | '-')? (value | '[' value (',' value)* ']')
//! value      := 'quoted \' text' | "quoted" | bare   // bare: letters, digits, - _ .
//! ```
//!
//! `-tag:x` and `tag:-x` both mean "not tagged x"; `tag:[a,b]` is "tagged a or b".

use crate::post_query::{
    Comparison, FILTER_MAX_CONDITIONS, FILTER_MAX_DEPTH, FILTER_MAX_LEN, FilterValue, PostCondition, PostField,
};

/// Parses a filter, or says what is wrong and where (a character position, from 1).
pub fn parse_filter(text: &str) -> Result<PostCondition, String> {
    if text.len() > FILTER_MAX_LEN {
        return Err(format!("is longer than {FILTER_MAX_LEN} characters"));
    }
    let mut parser = Parser { chars: text.chars().collect(), at: 0, depth: 0, comparisons: 0 };
    let condition = parser.any()?;
    parser.skip_spaces();
    if let Some(c) = parser.peek() {
        return Err(parser.error(&format!("unexpected `{c}`")));
    }
    condition.check_bounds()?;
    Ok(condition)
}

struct Parser {
    chars: Vec<char>,
    at: usize,
    depth: usize,
    comparisons: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn skip_spaces(&mut self) -> bool {
        let start = self.at;
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
        self.at > start
    }

    fn error(&self, message: &str) -> String {
        format!("{message} at character {}", self.at + 1)
    }

    fn any(&mut self) -> Result<PostCondition, String> {
        let mut parts = vec![self.all()?];
        loop {
            self.skip_spaces();
            if self.peek() != Some(',') {
                break;
            }
            self.at += 1;
            parts.push(self.all()?);
        }
        Ok(if parts.len() == 1 { parts.remove(0) } else { PostCondition::Any(parts) })
    }

    fn all(&mut self) -> Result<PostCondition, String> {
        let mut parts = vec![self.unary()?];
        loop {
            let spaced = self.skip_spaces();
            match self.peek() {
                Some('+') => self.at += 1,
                // `tag:a published_at:>…`: a `+` decoded from a URL is a space.
                Some(c) if spaced && (c.is_ascii_alphabetic() || c == '-' || c == '(') => {}
                _ => break,
            }
            parts.push(self.unary()?);
        }
        Ok(if parts.len() == 1 { parts.remove(0) } else { PostCondition::All(parts) })
    }

    fn unary(&mut self) -> Result<PostCondition, String> {
        self.skip_spaces();
        match self.peek() {
            Some('-') => {
                self.at += 1;
                let inner = self.nested(Self::unary)?;
                Ok(PostCondition::Not(Box::new(inner)))
            }
            Some('(') => {
                self.at += 1;
                let inner = self.nested(Self::any)?;
                self.skip_spaces();
                if self.peek() != Some(')') {
                    return Err(self.error("a group is not closed with `)`"));
                }
                self.at += 1;
                Ok(inner)
            }
            Some(_) => self.comparison(),
            None => Err(self.error("a condition is missing")),
        }
    }

    /// Parses what a group or negation holds, refusing nesting past the bound before it recurses.
    fn nested(&mut self, inner: fn(&mut Self) -> Result<PostCondition, String>) -> Result<PostCondition, String> {
        self.depth += 1;
        if self.depth > FILTER_MAX_DEPTH {
            return Err(self.error(&format!("groups and negations nest at most {FILTER_MAX_DEPTH} deep")));
        }
        let parsed = inner(self);
        self.depth -= 1;
        parsed
    }

    fn comparison(&mut self) -> Result<PostCondition, String> {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            self.at += 1;
        }
        let name: String = self.chars[start..self.at].iter().collect();
        if name.is_empty() {
            return Err(self.error("a field name is expected"));
        }
        let field = PostField::parse(&name)?;
        if self.peek() != Some(':') {
            return Err(self.error(&format!("`{name}` must be followed by `:`")));
        }
        self.at += 1;
        self.comparisons += 1;
        if self.comparisons > FILTER_MAX_CONDITIONS {
            return Err(format!("holds more than {FILTER_MAX_CONDITIONS} comparisons"));
        }
        let op = self.operator();
        if self.peek() == Some('[') {
            let values = self.list(field)?;
            let list = PostCondition::one_of(field, values)?;
            return match op {
                Comparison::Eq => Ok(list),
                Comparison::Ne => Ok(PostCondition::Not(Box::new(list))),
                _ => Err(self.error(&format!("{field}: a list takes no `<` or `>`"))),
            };
        }
        let value = self.value(field)?;
        PostCondition::compare(field, op, value)
    }

    fn operator(&mut self) -> Comparison {
        let (op, len) = match (self.peek(), self.chars.get(self.at + 1)) {
            (Some('>'), Some('=')) => (Comparison::Ge, 2),
            (Some('<'), Some('=')) => (Comparison::Le, 2),
            (Some('>'), _) => (Comparison::Gt, 1),
            (Some('<'), _) => (Comparison::Lt, 1),
            (Some('-'), _) => (Comparison::Ne, 1),
            _ => (Comparison::Eq, 0),
        };
        self.at += len;
        op
    }

    fn list(&mut self, field: PostField) -> Result<Vec<FilterValue>, String> {
        self.at += 1;
        let mut values = Vec::new();
        loop {
            self.skip_spaces();
            values.push(self.value(field)?);
            self.skip_spaces();
            match self.peek() {
                Some(',') => self.at += 1,
                Some(']') => {
                    self.at += 1;
                    return Ok(values);
                }
                _ => return Err(self.error("a list is not closed with `]`")),
            }
        }
    }

    fn value(&mut self, field: PostField) -> Result<FilterValue, String> {
        let raw = match self.peek() {
            Some(quote @ ('\'' | '"')) => self.quoted(quote)?,
            _ => {
                let start = self.at;
                while self.peek().is_some_and(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.')) {
                    self.at += 1;
                }
                if self.at == start {
                    return Err(self.error(&format!("{field}: a value is expected")));
                }
                self.chars[start..self.at].iter().collect()
            }
        };
        field.value(&raw)
    }

    fn quoted(&mut self, quote: char) -> Result<String, String> {
        let start = self.at;
        self.at += 1;
        let mut text = String::new();
        loop {
            match self.peek() {
                None => {
                    self.at = start;
                    return Err(self.error("a quoted value is not closed"));
                }
                Some('\\') if self.chars.get(self.at + 1).is_some() => {
                    text.push(self.chars[self.at + 1]);
                    self.at += 2;
                }
                Some(c) if c == quote => {
                    self.at += 1;
                    return Ok(text);
                }
                Some(c) => {
                    text.push(c);
                    self.at += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Slug;

    fn tag(slug: &str) -> FilterValue {
        FilterValue::Slug(Slug::parse(slug).unwrap())
    }

    #[test]
    fn and_or_lists_and_negations_read_as_ghost_writes_them() {
        let parsed = parse_filter("tag:news+published_at:>'2024-01-01',(tag:[a,b]+-author:steve)").unwrap();
        let PostCondition::Any(parts) = parsed else { panic!("or at the top: {parsed:?}") };
        assert_eq!(parts.len(), 2);
        let PostCondition::All(first) = &parts[0] else { panic!() };
        assert_eq!(first[0], PostCondition::Compare { field: PostField::Tag, op: Comparison::Eq, value: tag("news") });
        assert!(matches!(
            first[1],
            PostCondition::Compare { field: PostField::PublishedAt, op: Comparison::Gt, value: FilterValue::Time(_) }
        ));
        let PostCondition::All(second) = &parts[1] else { panic!() };
        assert_eq!(second[0], PostCondition::In { field: PostField::Tag, values: vec![tag("a"), tag("b")] });
        assert!(
            matches!(&second[1], PostCondition::Not(inner) if matches!(**inner, PostCondition::Compare { field: PostField::Author, .. }))
        );
        // A space is an and: `+` arrives as one when a URL was not encoded.
        assert_eq!(parse_filter("tag:a tag:b").unwrap(), parse_filter("tag:a+tag:b").unwrap());
        assert_eq!(
            parse_filter("tag:-x").unwrap(),
            PostCondition::Compare { field: PostField::Tag, op: Comparison::Ne, value: tag("x") }
        );
        assert_eq!(
            parse_filter("title:'It\\'s here'").unwrap(),
            PostCondition::Compare {
                field: PostField::Title,
                op: Comparison::Eq,
                value: FilterValue::Text("It's here".into())
            }
        );
    }

    #[test]
    fn bad_filters_say_what_and_where() {
        for (filter, expected) in [
            ("email:a@b.c", "`email` is not a field"),
            ("status:draft", "`status` is not a field"),
            ("tag:>news", "only equality"),
            ("comment_count:ten", "not a whole number"),
            ("published_at:>'yesterday'", "not a date"),
            ("published_at:<'+262143-01-01T00:00:00Z'", "not a date"),
            ("published_at:<'9999-12-31T23:59:59-01:00'", "outside years 1 to 9999"),
            ("title:'a\u{0}b'", "no control characters"),
            ("tag:news+", "a condition is missing"),
            ("(tag:a", "not closed with `)`"),
            ("tag:[a,b", "not closed with `]`"),
            ("tag:'a", "quoted value is not closed"),
            ("tag:a)", "unexpected `)`"),
            ("tag:[]", "a value is expected"),
            ("((((((tag:a))))))", "nest at most"),
            ("-----tag:a", "nest at most"),
        ] {
            let message = parse_filter(filter).unwrap_err();
            assert!(message.contains(expected), "{filter}: {message}");
        }
        // Four groups deep is allowed, however the groups alternate between and and or.
        assert!(parse_filter("tag:a+(tag:b,(tag:c+(tag:d,(tag:e+tag:f))))").is_ok());
        let many = vec!["comment_count:>1"; FILTER_MAX_CONDITIONS + 1].join("+");
        assert!(parse_filter(&many).unwrap_err().contains("comparisons"));
        assert!(parse_filter(&"a".repeat(FILTER_MAX_LEN + 1)).unwrap_err().contains("longer"));
    }
}
