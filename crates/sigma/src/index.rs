//! The cross-rule index: which rule routes an event can possibly match.
//!
//! Routes are first bucketed by the channel and event IDs their log-source guard requires, so a
//! Sysmon event ID 1 only meets process-creation rules (and routes with no channel constraint).
//! Inside each bucket, routes with a [witness](crate::witness) are reached through one
//! Aho-Corasick automaton per field over all the bucket's needles for that field: a route is a
//! candidate only when one of its needles occurs in the event. Candidates still run their full
//! guard and detection, so the index can only prune; the differential tests hold it to the naive
//! evaluator.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::compile::{Decided, Route};
use crate::document::Json;
use crate::event::{Event, FieldPath, KEYWORD_SEPARATOR, text_of};
use crate::exact::{FieldNeedles, FieldScan};
use crate::presence::{Needs, Presence};
use crate::scan::{Marks, Scan, visit_fresh};
use crate::witness::{self, Witness};

/// Routes sharing a channel and event ID (or having none).
#[derive(Debug, Default)]
struct Group {
    always: Vec<u32>,
    fields: Vec<(FieldPath, FieldScan)>,
    /// With many fields, the fields by the top-level key that holds them: an event not of the
    /// Windows shape is then read key by key instead of looking every field up.
    by_name: Option<FxHashMap<Box<str>, Keyed>>,
    keywords: Option<Scan>,
    /// Routes with a [`Witness::Fields`], by the top-level keys that stand for those fields:
    /// an event not of the Windows shape reaches them through its keys. Other events reach
    /// them all (`present_any`).
    present: FxHashMap<Box<str>, Vec<u32>>,
    present_any: Vec<u32>,
}

/// The fields (indexes in `fields`) a top-level key holds: the field of that name, and the
/// dotted fields whose first part it is. Scanning both a literal `a.b` key and the nested
/// `a` → `b` when an event has both finds a superset of the candidates, never fewer.
#[derive(Debug, Default)]
struct Keyed {
    field: Option<usize>,
    below: Vec<usize>,
}

/// From this many fields on, walking an event's keys beats looking each field up.
const BY_NAME_AT: usize = 16;

impl Group {
    fn build(routes: &[u32], witnesses: &[Option<Witness>]) -> Self {
        let mut group = Group::default();
        let mut by_field: BTreeMap<Option<FieldPath>, FieldNeedles> = BTreeMap::new();
        for &route in routes {
            match &witnesses[route as usize] {
                None => group.always.push(route),
                Some(Witness::Fields(fields)) => {
                    group.present_any.push(route);
                    for key in fields.iter().flat_map(FieldPath::top_level_keys) {
                        let list = group.present.entry(key.into()).or_default();
                        if list.last() != Some(&route) {
                            list.push(route);
                        }
                    }
                }
                Some(Witness::Needles(needles)) => {
                    for (field, needle, exact) in needles {
                        let needle = match field {
                            Some(_) => needle.as_str(),
                            None => within_one_value(needle),
                        };
                        let (whole, part) = by_field.entry(field.clone()).or_default();
                        let needles = if *exact { whole } else { part };
                        let list = needles.entry(needle.to_ascii_lowercase()).or_default();
                        if list.last() != Some(&route) {
                            list.push(route);
                        }
                    }
                }
            }
        }
        for (field, needles) in by_field {
            match field {
                Some(field) => group.fields.push((field, FieldScan::new(needles))),
                // Keyword needles are never whole values.
                None => group.keywords = Some(Scan::new(needles.1)),
            }
        }
        if group.fields.len() >= BY_NAME_AT {
            let mut names: FxHashMap<Box<str>, Keyed> = FxHashMap::default();
            for (i, (field, _)) in group.fields.iter().enumerate() {
                names.entry(field.name().into()).or_default().field = Some(i);
                if let Some(first) = field.first_part() {
                    names.entry(first.into()).or_default().below.push(i);
                }
            }
            group.by_name = Some(names);
        }
        group
    }

    fn candidates(&self, event: &Event<'_>, marks: &mut Marks, visit: &mut dyn FnMut(u32)) {
        self.always.iter().for_each(|&r| visit(r));
        if !self.present_any.is_empty() {
            match event.top_level() {
                Some(top) => {
                    for (key, _) in top {
                        if let Some(routes) = self.present.get(key) {
                            visit_fresh(routes, marks, visit);
                        }
                    }
                }
                None => visit_fresh(&self.present_any, marks, visit),
            }
        }
        match (&self.by_name, event.top_level()) {
            (Some(names), Some(top)) => {
                for (name, value) in top {
                    let Some(keyed) = names.get(name) else {
                        continue;
                    };
                    if let Some(i) = keyed.field {
                        scan_value(&self.fields[i].1, text_of(value), marks, visit);
                    }
                    for &i in &keyed.below {
                        let (field, scan) = &self.fields[i];
                        if let Some(value) = field.below(value) {
                            scan_value(scan, value, marks, visit);
                        }
                    }
                }
            }
            _ => {
                for (field, scan) in &self.fields {
                    if let Some(value) = event.field(field) {
                        scan_value(scan, value, marks, visit);
                    }
                }
            }
        }
        if let Some(scan) = &self.keywords {
            let text = marks.take_keyword_text(event);
            scan.scan(&text, marks, visit);
            marks.restore_keyword_text(text);
        }
    }
}

/// The longest part of a keyword needle free of [`KEYWORD_SEPARATOR`]: keyword scans search the
/// event's values joined by it, and any occurrence of the needle holds that part within one
/// value.
fn within_one_value(needle: &str) -> &str {
    needle
        .split(KEYWORD_SEPARATOR)
        .max_by_key(|part| part.len())
        .unwrap_or(needle)
}

/// Scans a field's value, or each element of a list.
fn scan_value(scan: &FieldScan, value: Json<'_>, marks: &mut Marks, visit: &mut dyn FnMut(u32)) {
    match value.as_array() {
        Some(items) => {
            for text in items.values().filter_map(Json::text) {
                scan.scan(text, marks, visit);
            }
        }
        None => {
            if let Some(text) = value.text() {
                scan.scan(text, marks, visit);
            }
        }
    }
}

#[derive(Debug, Default)]
struct Bucket {
    by_event_id: HashMap<Box<str>, Group>,
    any_event_id: Group,
}

/// Routes bucketed by channel and event ID, with per-field needle automata.
#[derive(Debug)]
pub(crate) struct Index {
    /// Global route number → (rule, route of the rule).
    routes: Vec<(u32, u32)>,
    by_channel: HashMap<Box<str>, Bucket>,
    /// Routes with no channel constraint that also accept Windows events, grouped by what
    /// their guard asks of the fields present ([`Presence`]): a group whose presence does not
    /// hold is skipped (CloudTrail records skip the Windows routes needing `Channel`).
    unrouted: Vec<(Needs, Group)>,
    /// Routes whose guard excludes Windows events (`absent: [Event.System]`), grouped the same
    /// way (CloudTrail records skip the Linux, web server, zeek… routes by their `not_all`).
    not_windows: Vec<(Needs, Group)>,
    /// Every field the groups' presences name, each looked up once per event.
    presence_fields: Vec<FieldPath>,
    channel: FieldPath,
    event_id: FieldPath,
}

impl Default for Index {
    fn default() -> Self {
        Index {
            routes: Vec::new(),
            by_channel: HashMap::new(),
            unrouted: Vec::new(),
            not_windows: Vec::new(),
            presence_fields: Vec::new(),
            channel: FieldPath::new("Channel"),
            event_id: FieldPath::new("EventID"),
        }
    }
}

/// Route numbers of one channel: per event ID, and for any event ID.
type RouteLists = (BTreeMap<String, Vec<u32>>, Vec<u32>);

/// Longest channel name the index folds on the stack; longer ones fall back to allocating.
const MAX_CHANNEL: usize = 160;

impl Index {
    pub(crate) fn build(rules: &[Vec<Route>]) -> Self {
        let mut index = Index::default();
        let mut unrouted: BTreeMap<Presence, Vec<u32>> = BTreeMap::new();
        let mut not_windows: BTreeMap<Presence, Vec<u32>> = BTreeMap::new();
        let mut presence_fields = BTreeSet::new();
        let mut buckets: HashMap<String, RouteLists> = HashMap::new();
        let all: Vec<&Route> = rules.iter().flatten().collect();
        let frequency = witness::frequency(&all);
        let witnesses: Vec<_> = all
            .par_iter()
            .map(|route| witness::of_route(route, &frequency))
            .collect();
        for (rule, routes) in rules.iter().enumerate() {
            for (r, route) in routes.iter().enumerate() {
                let id = index.routes.len() as u32;
                index.routes.push((rule as u32, r as u32));
                let Some(channels) = &route.guard.channels else {
                    let groups = if route.guard.excludes_windows() {
                        &mut not_windows
                    } else {
                        &mut unrouted
                    };
                    let presence = route.guard.presence();
                    let fields = presence
                        .exists
                        .iter()
                        .chain(presence.not_all.iter().flatten());
                    presence_fields.extend(fields.cloned());
                    groups.entry(presence).or_default().push(id);
                    continue;
                };
                for channel in channels {
                    let (by_id, any) = buckets.entry(channel.clone()).or_default();
                    match &route.guard.event_ids {
                        None => any.push(id),
                        Some(ids) => ids
                            .iter()
                            .for_each(|e| by_id.entry(e.clone()).or_default().push(id)),
                    }
                }
            }
        }
        let presence_fields: Vec<FieldPath> = presence_fields.into_iter().collect();
        // Building the automata is most of the work: one task per group.
        let (general, others) = rayon::join(
            || {
                let build = |groups: BTreeMap<Presence, Vec<u32>>| {
                    let groups = groups.into_iter().collect::<Vec<_>>();
                    groups
                        .into_par_iter()
                        .map(|(presence, routes)| {
                            let needs = Needs::new(&presence, &presence_fields);
                            (needs, Group::build(&routes, &witnesses))
                        })
                        .collect()
                };
                (build(unrouted), build(not_windows))
            },
            || {
                buckets
                    .into_par_iter()
                    .map(|(channel, (by_id, any))| {
                        let by_event_id = by_id
                            .into_par_iter()
                            .map(|(id, routes)| (id.into(), Group::build(&routes, &witnesses)))
                            .collect();
                        let bucket = Bucket {
                            by_event_id,
                            any_event_id: Group::build(&any, &witnesses),
                        };
                        (channel.into(), bucket)
                    })
                    .collect()
            },
        );
        (index.unrouted, index.not_windows) = general;
        index.presence_fields = presence_fields;
        index.by_channel = others;
        index
    }

    /// Number of routes (the size of [`Marks`]).
    pub(crate) fn route_count(&self) -> usize {
        self.routes.len()
    }

    /// Calls `visit(rule, route, decided)` for every candidate route of `event`, with what
    /// finding it decided of its guard: its routing conditions (found through the event's
    /// channel and event ID) or its presence conditions (found in a presence group that holds).
    pub(crate) fn candidates(
        &self,
        event: &Event<'_>,
        marks: &mut Marks,
        visit: &mut dyn FnMut(usize, usize, Decided),
    ) {
        let mut each = |id: u32| {
            let (rule, route) = self.routes[id as usize];
            visit(rule as usize, route as usize, Decided::Presence);
        };
        let windows = event.is_windows();
        let groups = self
            .unrouted
            .iter()
            .chain(self.not_windows.iter().filter(|_| !windows));
        let mut present = marks.take_present();
        present.extend(
            self.presence_fields
                .iter()
                .map(|f| event.field(f).is_some()),
        );
        for (needs, group) in groups {
            if needs.hold(&present) {
                group.candidates(event, marks, &mut each);
            }
        }
        marks.restore_present(present);
        let Some(channel) = event.field(&self.channel).and_then(|v| v.as_str()) else {
            return;
        };
        let mut folded = [0u8; MAX_CHANNEL];
        let bucket = if channel.len() <= MAX_CHANNEL {
            folded[..channel.len()].copy_from_slice(channel.as_bytes());
            folded[..channel.len()].make_ascii_lowercase();
            std::str::from_utf8(&folded[..channel.len()])
                .ok()
                .and_then(|c| self.by_channel.get(c))
        } else {
            self.by_channel.get(channel.to_ascii_lowercase().as_str())
        };
        let Some(bucket) = bucket else { return };
        // A bucket's routes require this channel (and the group's event ID): they hold.
        let mut each = |id: u32| {
            let (rule, route) = self.routes[id as usize];
            visit(rule as usize, route as usize, Decided::Routing);
        };
        bucket.any_event_id.candidates(event, marks, &mut each);
        let id = event.field(&self.event_id).and_then(Json::text);
        if let Some(group) = id.and_then(|id| bucket.by_event_id.get(id)) {
            group.candidates(event, marks, &mut each);
        }
    }
}
