//! The figures that tell the towns whether the joint product works: which towns' visitors also
//! visit the others, how many towns and venues a pass reaches, how long a pass is in use, and how
//! much of the traffic reaches beyond the busiest town.

use std::collections::{BTreeMap, BTreeSet};

use futures_util::StreamExt;

use crate::store::{Store, StoreError};

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Figures {
    /// Visits per town, and per partner.
    pub visits_by_town: BTreeMap<String, i64>,
    pub visits_by_partner: BTreeMap<String, i64>,
    /// (town A, town B) -> passes used in both (A < B; and (A, A) = passes used in A).
    pub town_pairs: BTreeMap<(String, String), i64>,
    pub passes_used: i64,
    pub average_towns_per_pass: f64,
    pub average_venues_per_pass: f64,
    /// Between a pass's first and last use, in hours, over passes used at least once.
    pub average_hours_first_to_last: f64,
    pub busiest_town: Option<String>,
    /// Share of visits outside the busiest town, 0..1.
    pub share_outside_busiest: f64,
}

/// Folds uses ordered by pass into the figures, one pass at a time.
#[derive(Debug, Default)]
pub struct Fold {
    figures: Figures,
    towns_sum: i64,
    venues_sum: i64,
    hours_sum: f64,
    current: Option<String>,
    towns: BTreeSet<String>,
    venues: BTreeSet<String>,
    first: i64,
    last: i64,
}

impl Fold {
    /// One use: (pass, town, venue, partner, at ms); uses of a pass must come together.
    pub fn add(&mut self, serial: &str, town: &str, venue: &str, partner: &str, at_ms: i64) {
        if self.current.as_deref() != Some(serial) {
            self.end_pass();
            self.current = Some(serial.to_string());
            self.first = at_ms;
            self.last = at_ms;
        }
        self.first = self.first.min(at_ms);
        self.last = self.last.max(at_ms);
        self.towns.insert(town.to_string());
        self.venues.insert(venue.to_string());
        *self
            .figures
            .visits_by_town
            .entry(town.to_string())
            .or_default() += 1;
        *self
            .figures
            .visits_by_partner
            .entry(partner.to_string())
            .or_default() += 1;
    }

    fn end_pass(&mut self) {
        if self.current.take().is_none() {
            return;
        }
        let towns: Vec<&String> = self.towns.iter().collect();
        for (i, a) in towns.iter().enumerate() {
            for b in &towns[i..] {
                *self
                    .figures
                    .town_pairs
                    .entry(((*a).clone(), (*b).clone()))
                    .or_default() += 1;
            }
        }
        self.figures.passes_used += 1;
        self.towns_sum += self.towns.len() as i64;
        self.venues_sum += self.venues.len() as i64;
        self.hours_sum += (self.last - self.first) as f64 / 3_600_000.0;
        self.towns.clear();
        self.venues.clear();
    }

    pub fn finish(mut self) -> Figures {
        self.end_pass();
        let mut f = self.figures;
        if f.passes_used > 0 {
            let n = f.passes_used as f64;
            f.average_towns_per_pass = self.towns_sum as f64 / n;
            f.average_venues_per_pass = self.venues_sum as f64 / n;
            f.average_hours_first_to_last = self.hours_sum / n;
        }
        let total: i64 = f.visits_by_town.values().sum();
        if let Some((town, visits)) = f
            .visits_by_town
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        {
            f.busiest_town = Some(town.clone());
            f.share_outside_busiest = (total - visits) as f64 / total as f64;
        }
        f
    }
}

/// The figures over uses in [from_ms, to_ms), streamed from the store.
pub async fn figures(store: &Store, from_ms: i64, to_ms: i64) -> Result<Figures, StoreError> {
    let mut fold = Fold::default();
    let mut rows = store.uses_by_town(from_ms, to_ms);
    while let Some(row) = rows.next().await {
        let (serial, town, venue, partner, at) = row?;
        fold.add(&serial, &town, &venue, &partner, at);
    }
    Ok(fold.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn town_pairs_counts_and_averages_follow_each_pass() {
        let mut f = Fold::default();
        // Pass 1: Sofia twice (two venues), then Plovdiv 26 h after the first use.
        f.add("p1", "sofia", "nim", "a", 0);
        f.add("p1", "sofia", "boyana", "b", 3_600_000);
        f.add("p1", "plovdiv", "theatre", "c", 26 * 3_600_000);
        // Pass 2: Sofia only, one visit.
        f.add("p2", "sofia", "nim", "a", 0);
        let f = f.finish();
        assert_eq!(f.passes_used, 2);
        assert_eq!(f.town_pairs[&("plovdiv".into(), "sofia".into())], 1);
        assert_eq!(f.town_pairs[&("sofia".into(), "sofia".into())], 2);
        assert_eq!(f.town_pairs[&("plovdiv".into(), "plovdiv".into())], 1);
        assert_eq!(f.average_towns_per_pass, 1.5); // (2 + 1) / 2
        assert_eq!(f.average_venues_per_pass, 2.0); // (3 + 1) / 2
        assert_eq!(f.average_hours_first_to_last, 13.0); // (26 + 0) / 2
        assert_eq!(f.busiest_town.as_deref(), Some("sofia"));
        assert_eq!(f.share_outside_busiest, 0.25); // 1 of 4 visits
    }

    #[test]
    fn no_uses_no_figures() {
        let f = Fold::default().finish();
        assert_eq!(f, Figures::default());
    }
}
