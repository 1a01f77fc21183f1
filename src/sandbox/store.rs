//! The sandbox's tokens, in creation order.
//!
//! Lists must be fast on large stores and stable in order, so the store keeps the tokens in
//! one vector sorted by a sequence number, plus a vector of sequence numbers per token type.
//! A page is then a slice of one of them; nothing is copied or scanned beyond the page.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::token::{StoredToken, TokenType};

/// Why a token could not be added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DuplicateNumber;

struct Slot {
    seq: u64,
    token: StoredToken,
}

#[derive(Default)]
pub(crate) struct Store {
    /// Sorted by `seq` (appends only; removals keep the order).
    entries: Vec<Slot>,
    next_seq: u64,
    by_number: HashMap<String, u64>,
    /// Sorted `seq`s of each token type, indexed by [`TokenType::index`].
    by_type: [Vec<u64>; 4],
    /// Bumped by every change, so that the newest snapshot wins when saves race.
    generation: u64,
}

/// One page of a list, borrowed from the store.
pub(crate) struct Page<'a> {
    pub tokens: Vec<&'a StoredToken>,
    pub total_items: u64,
}

impl Store {
    pub(crate) fn from_tokens(
        tokens: impl IntoIterator<Item = StoredToken>,
    ) -> Result<Self, DuplicateNumber> {
        let mut store = Store::default();
        for token in tokens {
            store.insert(token)?;
        }
        Ok(store)
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn generation(&self) -> u64 {
        self.generation
    }

    pub(crate) fn get(&self, number: &str) -> Option<&StoredToken> {
        let seq = *self.by_number.get(number)?;
        self.position(seq).map(|index| &self.entries[index].token)
    }

    /// Room for `additional` more tokens, so that seeding a large store does not rehash.
    pub(crate) fn reserve(&mut self, additional: usize) {
        self.entries.reserve(additional);
        self.by_number.reserve(additional);
        self.by_type[TokenType::Apikey.index()].reserve(additional);
    }

    pub(crate) fn insert(&mut self, token: StoredToken) -> Result<(), DuplicateNumber> {
        let seq = self.next_seq;
        match self.by_number.entry(token.number.clone()) {
            Entry::Occupied(_) => return Err(DuplicateNumber),
            Entry::Vacant(slot) => slot.insert(seq),
        };
        self.next_seq += 1;
        self.by_type[token.token_type.index()].push(seq);
        self.entries.push(Slot { seq, token });
        self.generation += 1;
        Ok(())
    }

    pub(crate) fn remove(&mut self, number: &str) -> Option<StoredToken> {
        let seq = self.by_number.remove(number)?;
        let index = self.position(seq)?;
        let entry = self.entries.remove(index);
        let of_type = &mut self.by_type[entry.token.token_type.index()];
        if let Ok(at) = of_type.binary_search(&seq) {
            of_type.remove(at);
        }
        self.generation += 1;
        Some(entry.token)
    }

    /// Every token, in order (for saving).
    pub(crate) fn tokens(&self) -> impl ExactSizeIterator<Item = &StoredToken> {
        self.entries.iter().map(|entry| &entry.token)
    }

    /// Page `page` (0-based) of `size` tokens, of one type or of all.
    pub(crate) fn page(&self, token_type: Option<TokenType>, page: u64, size: usize) -> Page<'_> {
        let total = match token_type {
            Some(kind) => self.by_type[kind.index()].len(),
            None => self.entries.len(),
        };
        let start = usize::try_from(page)
            .ok()
            .and_then(|page| page.checked_mul(size))
            .unwrap_or(usize::MAX)
            .min(total);
        let end = start.saturating_add(size).min(total);
        let tokens = match token_type {
            None => self.entries[start..end]
                .iter()
                .map(|entry| &entry.token)
                .collect(),
            Some(kind) => self.by_type[kind.index()][start..end]
                .iter()
                .filter_map(|&seq| self.position(seq))
                .map(|index| &self.entries[index].token)
                .collect(),
        };
        Page {
            tokens,
            total_items: total as u64,
        }
    }

    fn position(&self, seq: u64) -> Option<usize> {
        self.entries
            .binary_search_by_key(&seq, |entry| entry.seq)
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(number: &str, token_type: TokenType) -> StoredToken {
        StoredToken {
            number: number.to_owned(),
            token_type,
            active: true,
            vendor_number: "VDEMO".to_owned(),
            api_key_role: None,
            licensee_number: None,
            expiration_time: None,
            shop_url: None,
            private_key: None,
            custom: Vec::new(),
        }
    }

    fn numbers(page: &Page<'_>) -> Vec<String> {
        page.tokens.iter().map(|t| t.number.clone()).collect()
    }

    fn sample() -> Store {
        Store::from_tokens([
            token("a", TokenType::Apikey),
            token("s", TokenType::Shop),
            token("b", TokenType::Apikey),
            token("d", TokenType::Default),
            token("c", TokenType::Apikey),
        ])
        .unwrap_or_default()
    }

    #[test]
    fn pages_keep_creation_order_with_and_without_a_type() {
        let store = sample();
        assert_eq!(numbers(&store.page(None, 0, 2)), ["a", "s"]);
        assert_eq!(numbers(&store.page(None, 2, 2)), ["c"]);
        let keys = store.page(Some(TokenType::Apikey), 0, 2);
        assert_eq!(numbers(&keys), ["a", "b"]);
        assert_eq!(keys.total_items, 3);
        assert_eq!(numbers(&store.page(Some(TokenType::Apikey), 1, 2)), ["c"]);
        assert!(store.page(Some(TokenType::Apikey), 9, 2).tokens.is_empty());
        assert!(store.page(None, u64::MAX, 1000).tokens.is_empty());
    }

    #[test]
    fn removal_keeps_order_and_indexes_in_step() {
        let mut store = sample();
        let before = store.generation();
        assert_eq!(store.remove("b").map(|t| t.number), Some("b".to_owned()));
        assert!(store.remove("b").is_none());
        assert!(store.generation() > before);
        assert_eq!(
            numbers(&store.page(Some(TokenType::Apikey), 0, 10)),
            ["a", "c"]
        );
        assert_eq!(
            store.get("c").map(|t| t.token_type),
            Some(TokenType::Apikey)
        );
        assert!(store.insert(token("b", TokenType::Apikey)).is_ok());
        assert_eq!(
            numbers(&store.page(Some(TokenType::Apikey), 0, 10)),
            ["a", "c", "b"]
        );
        assert_eq!(
            store.insert(token("a", TokenType::Shop)),
            Err(DuplicateNumber)
        );
        assert_eq!(store.len(), 5);
    }
}
