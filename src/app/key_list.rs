//! The key table's data: the last loaded keys (kept while a refresh runs), the filter and sort,
//! which rows are selected or revealed, and the order of the visible rows, computed once per
//! change rather than every frame.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use crate::api::{ApiKey, Role};
use crate::key_query::{KeyQuery, SortColumn, SortOrder, select};

/// How long a revealed key stays visible before it hides again by itself.
pub const REVEAL_FOR: Duration = Duration::from_secs(10);

pub struct KeyList {
    keys: Vec<ApiKey>,
    loaded_at: Option<Instant>,
    query: KeyQuery,
    order: SortOrder,
    /// Indices into `keys`, filtered and sorted; `None` when it must be computed again.
    visible: Option<Vec<usize>>,
    /// Selected keys by number: numbers survive a re-fetch, indices do not.
    selected: HashSet<String>,
    revealed: HashMap<String, Instant>,
    /// The key created last, shown highlighted.
    highlighted: Option<String>,
    /// Whether every visible row is selected; `None` when it must be computed again.
    all_visible_selected: Option<bool>,
    /// How long a revealed key stays visible: [`REVEAL_FOR`], shorter in tests.
    reveal_for: Duration,
}

impl Default for KeyList {
    fn default() -> Self {
        KeyList::with_reveal_for(REVEAL_FOR)
    }
}

impl KeyList {
    pub fn with_reveal_for(reveal_for: Duration) -> Self {
        KeyList {
            keys: Vec::new(),
            loaded_at: None,
            query: KeyQuery::default(),
            order: SortOrder::default(),
            visible: None,
            selected: HashSet::new(),
            revealed: HashMap::new(),
            highlighted: None,
            all_visible_selected: None,
            reveal_for,
        }
    }

    pub fn keys(&self) -> &[ApiKey] {
        &self.keys
    }

    pub fn is_loaded(&self) -> bool {
        self.loaded_at.is_some()
    }

    pub fn loaded_at(&self) -> Option<Instant> {
        self.loaded_at
    }

    /// Replaces the list with a fresh one from the server. Selections of keys that are gone
    /// are dropped.
    pub fn replace(&mut self, keys: Vec<ApiKey>, now: Instant) {
        let present: HashSet<&str> = keys.iter().map(|k| k.number.expose()).collect();
        self.selected.retain(|n| present.contains(n.as_str()));
        self.revealed.retain(|n, _| present.contains(n.as_str()));
        if self
            .highlighted
            .as_deref()
            .is_some_and(|n| !present.contains(n))
        {
            self.highlighted = None;
        }
        self.keys = keys;
        self.loaded_at = Some(now);
        self.visible = None;
        self.all_visible_selected = None;
    }

    /// Forgets everything, e.g. when switching to another account.
    pub fn clear(&mut self) {
        *self = KeyList {
            query: std::mem::take(&mut self.query),
            order: self.order,
            ..KeyList::with_reveal_for(self.reveal_for)
        };
    }

    /// Adds a key the server just created, highlighted, without waiting for a re-fetch.
    pub fn insert_created(&mut self, key: ApiKey) {
        self.highlighted = Some(key.number.expose().to_owned());
        self.keys.retain(|k| k.number != key.number);
        self.keys.push(key);
        self.visible = None;
        self.all_visible_selected = None;
    }

    /// Removes keys the server confirmed as deleted.
    pub fn remove(&mut self, numbers: &[String]) {
        self.keys
            .retain(|k| !numbers.iter().any(|n| n == k.number.expose()));
        for number in numbers {
            self.selected.remove(number);
            self.revealed.remove(number);
        }
        self.visible = None;
        self.all_visible_selected = None;
    }

    pub fn query(&self) -> &KeyQuery {
        &self.query
    }

    pub fn set_filter_text(&mut self, text: String) {
        if self.query.text != text {
            self.query.text = text;
            self.visible = None;
            self.all_visible_selected = None;
        }
    }

    pub fn set_role_filter(&mut self, role: Option<Role>) {
        if self.query.role != role {
            self.query.role = role;
            self.visible = None;
            self.all_visible_selected = None;
        }
    }

    pub fn order(&self) -> SortOrder {
        self.order
    }

    /// Sorts by a column; the same column again flips the direction.
    pub fn sort_by(&mut self, column: SortColumn) {
        self.order = if self.order.column == column {
            SortOrder {
                column,
                ascending: !self.order.ascending,
            }
        } else {
            SortOrder {
                column,
                ascending: column != SortColumn::Created,
            }
        };
        self.visible = None;
        self.all_visible_selected = None;
    }

    /// The rows to show, in order. Computed again only after a change.
    pub fn visible(&mut self) -> &[usize] {
        self.visible
            .get_or_insert_with(|| select(&self.keys, &self.query, self.order))
    }

    /// The rows computed by the last call to [`Self::visible`], without computing: for drawing,
    /// where the list is borrowed immutably.
    pub fn visible_computed(&self) -> &[usize] {
        self.visible.as_deref().unwrap_or_default()
    }

    /// Whether every visible row is selected (the header checkbox). Cached: with 100,000 rows
    /// checking every frame would cost milliseconds.
    pub fn all_visible_selected(&mut self) -> bool {
        if let Some(all) = self.all_visible_selected {
            return all;
        }
        self.visible();
        let visible = self.visible_computed();
        let all = !visible.is_empty()
            && self.selected.len() >= visible.len()
            && visible
                .iter()
                .all(|&i| self.selected.contains(self.keys[i].number.expose()));
        self.all_visible_selected = Some(all);
        all
    }

    pub fn is_selected(&self, key: &ApiKey) -> bool {
        self.selected.contains(key.number.expose())
    }

    pub fn set_selected(&mut self, key: &ApiKey, selected: bool) {
        let number = key.number.expose().to_owned();
        if selected {
            self.selected.insert(number);
        } else {
            self.selected.remove(&number);
        }
        self.all_visible_selected = None;
    }

    /// Selects every visible row, or clears the selection when all are selected already.
    pub fn toggle_select_all_visible(&mut self) {
        let visible: Vec<String> = self
            .visible()
            .to_vec()
            .into_iter()
            .map(|i| self.keys[i].number.expose().to_owned())
            .collect();
        if !visible.is_empty() && visible.iter().all(|n| self.selected.contains(n)) {
            for number in &visible {
                self.selected.remove(number);
            }
        } else {
            self.selected.extend(visible);
        }
        self.all_visible_selected = None;
    }

    /// The selected keys in the table's order; selected keys the filter hides come last.
    pub fn selected_keys(&mut self) -> Vec<ApiKey> {
        let is_selected = |key: &ApiKey| self.selected.contains(key.number.expose());
        let visible = self
            .visible
            .get_or_insert_with(|| select(&self.keys, &self.query, self.order));
        let mut shown = vec![false; self.keys.len()];
        let mut keys = Vec::with_capacity(self.selected.len());
        for &index in visible.iter() {
            shown[index] = true;
            if is_selected(&self.keys[index]) {
                keys.push(self.keys[index].clone());
            }
        }
        keys.extend(
            self.keys
                .iter()
                .zip(shown)
                .filter(|(key, shown)| !shown && is_selected(key))
                .map(|(key, _)| key.clone()),
        );
        keys
    }

    pub fn selection_len(&self) -> usize {
        self.selected.len()
    }

    pub fn is_highlighted(&self, key: &ApiKey) -> bool {
        self.highlighted.as_deref() == Some(key.number.expose())
    }

    pub fn reveal(&mut self, key: &ApiKey, now: Instant) {
        self.revealed.insert(key.number.expose().to_owned(), now);
    }

    pub fn hide(&mut self, key: &ApiKey) {
        self.revealed.remove(key.number.expose());
    }

    pub fn is_revealed(&self, key: &ApiKey, now: Instant) -> bool {
        self.revealed
            .get(key.number.expose())
            .is_some_and(|&at| now.duration_since(at) < self.reveal_for)
    }

    /// Drops reveals that have run out and says when the next one will, so the app can ask for
    /// exactly one repaint then instead of repainting all the time.
    pub fn expire_reveals(&mut self, now: Instant) -> Option<Duration> {
        let reveal_for = self.reveal_for;
        self.revealed
            .retain(|_, &mut at| now.duration_since(at) < reveal_for);
        self.revealed
            .values()
            .map(|&at| reveal_for.saturating_sub(now.duration_since(at)))
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{KeyDetails, Secret};

    fn key(number: &str, name: &str) -> ApiKey {
        let details = KeyDetails {
            name: Some(name),
            ..KeyDetails::default()
        };
        ApiKey::new(Secret::new(number), Some(Role::Licensee), details)
    }

    #[test]
    fn visible_rows_follow_filter_and_sort_changes() {
        let mut list = KeyList::default();
        list.replace(
            vec![key("k-0001", "beta"), key("k-0002", "alpha")],
            Instant::now(),
        );
        list.sort_by(SortColumn::Name);
        assert_eq!(list.visible(), [1, 0]);
        list.sort_by(SortColumn::Name);
        assert_eq!(list.visible(), [0, 1]);
        list.set_filter_text("alp".into());
        assert_eq!(list.visible(), [1]);
    }

    #[test]
    fn selection_survives_a_refetch_by_number() {
        let mut list = KeyList::default();
        let now = Instant::now();
        list.replace(vec![key("k-0001", "a"), key("k-0002", "b")], now);
        let second = list.keys()[1].clone();
        list.set_selected(&second, true);
        list.replace(vec![key("k-0002", "b"), key("k-0003", "c")], now);
        assert_eq!(list.selected_keys().len(), 1);
        list.replace(vec![key("k-0003", "c")], now);
        assert_eq!(
            list.selection_len(),
            0,
            "a key that is gone is no longer selected"
        );
    }

    #[test]
    fn select_all_toggles_the_visible_rows_only() {
        let mut list = KeyList::default();
        list.replace(
            vec![key("k-0001", "alpha"), key("k-0002", "beta")],
            Instant::now(),
        );
        list.set_filter_text("alpha".into());
        list.toggle_select_all_visible();
        assert_eq!(list.selection_len(), 1);
        list.toggle_select_all_visible();
        assert_eq!(list.selection_len(), 0);
    }

    #[test]
    fn reveals_hide_again_by_themselves() {
        let mut list = KeyList::default();
        let start = Instant::now();
        list.replace(vec![key("k-0001", "a")], start);
        let first = list.keys()[0].clone();
        list.reveal(&first, start);
        assert!(list.is_revealed(&first, start));
        assert_eq!(list.expire_reveals(start), Some(REVEAL_FOR));
        let later = start + REVEAL_FOR;
        assert!(!list.is_revealed(&first, later));
        assert_eq!(list.expire_reveals(later), None);
    }

    #[test]
    fn the_reveal_time_can_be_chosen_and_survives_a_clear() {
        let short = Duration::from_millis(50);
        let mut list = KeyList::with_reveal_for(short);
        list.clear();
        let start = Instant::now();
        list.replace(vec![key("k-0001", "a")], start);
        let first = list.keys()[0].clone();
        list.reveal(&first, start);
        assert_eq!(list.expire_reveals(start), Some(short));
        assert!(!list.is_revealed(&first, start + short));
    }

    #[test]
    fn created_keys_are_highlighted_and_removed_keys_gone() {
        let mut list = KeyList::default();
        list.replace(vec![key("k-0001", "a")], Instant::now());
        list.insert_created(key("k-0002", "new"));
        assert!(list.is_highlighted(&list.keys()[1].clone()));
        list.remove(&["k-0001".to_owned()]);
        assert_eq!(list.keys().len(), 1);
    }
}
