/// How many items one page may hold: 1..=100, 20 when not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLimit(u32);

impl PageLimit {
    /// The page size when the client gives none.
    pub const DEFAULT: PageLimit = PageLimit(20);
    /// The largest page size a client may ask for.
    pub const MAX: u32 = 100;

    /// The size the client asked for, or [`Self::DEFAULT`] when it asked for none; refused outside
    /// 1 to [`Self::MAX`].
    pub fn parse(value: Option<i64>) -> Result<Self, String> {
        match value {
            None => Ok(Self::DEFAULT),
            Some(n) if (1..=i64::from(Self::MAX)).contains(&n) => Ok(Self(n as u32)),
            Some(n) => Err(format!("must be between 1 and {}, got {n}", Self::MAX)),
        }
    }

    /// How many items a page holds at most.
    pub fn get(self) -> u32 {
        self.0
    }

    /// One more than the limit: fetching it tells whether a next page exists.
    pub fn probe(self) -> i64 {
        i64::from(self.0) + 1
    }
}

/// One page of a keyset-paged list; `next` is the key after which the next page starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T, K> {
    /// The page's items, in list order: at most the limit.
    pub items: Vec<T>,
    /// The key of the last item when more follow; `None` on the last page.
    pub next: Option<K>,
}

impl<T, K> Page<T, K> {
    /// Builds a page from `limit + 1` fetched rows: the extra row only signals that more exist.
    pub fn from_probe(mut rows: Vec<T>, limit: PageLimit, key: impl Fn(&T) -> K) -> Self {
        let more = rows.len() > limit.get() as usize;
        rows.truncate(limit.get() as usize);
        let next = if more { rows.last().map(key) } else { None };
        Self { items: rows, next }
    }

    /// The same page with each item converted; the next key is kept.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U, K> {
        Page { items: self.items.into_iter().map(f).collect(), next: self.next }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_bounds() {
        assert_eq!(PageLimit::parse(None).unwrap().get(), 20);
        assert_eq!(PageLimit::parse(Some(1)).unwrap().get(), 1);
        assert_eq!(PageLimit::parse(Some(100)).unwrap().get(), 100);
        assert!(PageLimit::parse(Some(0)).is_err());
        assert!(PageLimit::parse(Some(101)).is_err());
        assert!(PageLimit::parse(Some(-5)).is_err());
    }

    #[test]
    fn probe_row_sets_next_key() {
        let limit = PageLimit::parse(Some(2)).unwrap();
        let page = Page::from_probe(vec![1, 2, 3], limit, |n| *n);
        assert_eq!(page.items, vec![1, 2]);
        assert_eq!(page.next, Some(2));
        let last = Page::from_probe(vec![1, 2], limit, |n| *n);
        assert_eq!(last.next, None);
    }
}
