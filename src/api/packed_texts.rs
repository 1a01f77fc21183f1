//! A few optional texts in one allocation.
//!
//! A vendor can hold 100,000 API keys, and each has up to four short texts (name, customer,
//! creation date, an unknown RoleID). As four `Option<Box<str>>` they take 64 bytes of struct and
//! up to four heap blocks per key; packed, 28 bytes and one block.

/// `N` optional texts, stored end to end in one string. An empty text is no text.
#[derive(Clone, PartialEq, Eq)]
pub struct PackedTexts<const N: usize> {
    joined: Box<str>,
    /// Where each text but the last ends in `joined` (the last ends at its end).
    ends: [u32; N],
}

impl<const N: usize> Default for PackedTexts<N> {
    fn default() -> Self {
        PackedTexts::new([None; N])
    }
}

impl<const N: usize> PackedTexts<N> {
    /// Packs the texts. A text that would not fit the 4 GiB that the offsets can address is
    /// dropped rather than cut (no server sends such a thing).
    pub fn new(texts: [Option<&str>; N]) -> Self {
        let mut joined = String::with_capacity(texts.iter().flatten().map(|t| t.len()).sum());
        let mut ends = [0; N];
        for (text, end) in texts.iter().zip(&mut ends) {
            if let Some(text) = text
                && u32::try_from(joined.len() + text.len()).is_ok()
            {
                joined.push_str(text);
            }
            // Cannot fail: the length was checked before anything was added.
            *end = u32::try_from(joined.len()).unwrap_or(u32::MAX);
        }
        PackedTexts {
            joined: joined.into_boxed_str(),
            ends,
        }
    }

    /// Text number `index`; `None` when it is empty or `index` is out of range.
    pub fn get(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)? as usize;
        let start = match index {
            0 => 0,
            _ => self.ends[index - 1] as usize,
        };
        self.joined.get(start..end).filter(|text| !text.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn each_text_comes_back_and_empty_ones_are_none() {
        let texts = PackedTexts::new([Some("CRM export"), None, Some(""), Some("2025-01-14")]);
        assert_eq!(texts.get(0), Some("CRM export"));
        assert_eq!(texts.get(1), None);
        assert_eq!(texts.get(2), None);
        assert_eq!(texts.get(3), Some("2025-01-14"));
        assert_eq!(texts.get(4), None);
        assert_eq!(PackedTexts::<2>::default().get(0), None);
    }

    #[test]
    fn equal_texts_pack_equally() {
        assert!(PackedTexts::new([Some(""), None]) == PackedTexts::new([None, None]));
        assert!(PackedTexts::new([Some("ab"), None]) != PackedTexts::new([None, Some("ab")]));
    }

    proptest! {
        #[test]
        fn any_texts_round_trip(texts in proptest::array::uniform4(proptest::option::of(".{0,12}"))) {
            let packed = PackedTexts::new([
                texts[0].as_deref(),
                texts[1].as_deref(),
                texts[2].as_deref(),
                texts[3].as_deref(),
            ]);
            for (index, text) in texts.iter().enumerate() {
                prop_assert_eq!(packed.get(index), text.as_deref().filter(|t| !t.is_empty()));
            }
        }
    }
}
