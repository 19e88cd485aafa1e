//! Compilation of parsed detections into matchers, once per log-source variant.

use std::collections::{BTreeMap, HashMap};

use crate::condition;
use crate::detection::{Detection, Expr, Item, ItemTest, Selection};
use crate::error::RuleError;
use crate::event::FieldPath;
use crate::mapping::Variant;
use crate::matcher::Matcher;
use crate::modifier;
use crate::parse::DetectionDef;
use crate::pattern::{Pattern, SigmaString};
use crate::presence::Presence;
use crate::transform::ExpandContext;

/// One way a rule can match: the log-source precondition, then the detection.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    pub(crate) guard: Guard,
    pub(crate) detection: Detection,
    /// The variant's field renames (filters compile with them too).
    pub(crate) renames: BTreeMap<String, String>,
}

/// The log-source precondition of a route.
#[derive(Debug, Clone)]
pub(crate) struct Guard {
    /// The `Channel` and `EventID` conditions, which the index's buckets already decide.
    pub(crate) routing: Vec<Item>,
    /// The `exists` conditions, which the index's presence groups already decide (with
    /// `not_all`).
    pub(crate) present: Vec<Item>,
    pub(crate) items: Vec<Item>,
    /// Channels (lower-case) the precondition requires, for the index; `None` = any.
    pub(crate) channels: Option<Vec<String>>,
    /// Event IDs the precondition requires, for the index; `None` = any.
    pub(crate) event_ids: Option<Vec<String>>,
    /// Field sets the precondition rules out: an event having every field of one of them fails.
    pub(crate) not_all: Vec<Vec<FieldPath>>,
}

impl Guard {
    /// Whether the guard rejects every event in the Windows event log shape.
    pub(crate) fn excludes_windows(&self) -> bool {
        self.items.iter().any(|item| {
            matches!(item.test, ItemTest::Exists(false))
                && item
                    .field
                    .as_ref()
                    .is_some_and(|f| f.name() == crate::event::WINDOWS_ROOT)
        })
    }
}

/// What the index has already decided of a candidate's guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decided {
    Nothing,
    /// Found through its channel bucket: the routing conditions hold.
    Routing,
    /// Found through a presence group that holds: the `exists` and `not_all` conditions hold.
    Presence,
}

impl Route {
    pub(crate) fn matches(&self, event: &crate::Event<'_>) -> bool {
        self.matches_given(event, Decided::Nothing)
    }

    /// [`Route::matches`], skipping the conditions the index has decided.
    pub(crate) fn matches_given(&self, event: &crate::Event<'_>, decided: Decided) -> bool {
        let all = |items: &[Item]| items.iter().all(|i| i.matches(event));
        let guard = &self.guard;
        (decided == Decided::Routing || all(&guard.routing))
            && (decided == Decided::Presence
                || (all(&guard.present) && !rules_out(&guard.not_all, event)))
            && all(&guard.items)
            && self.detection.matches(event)
    }
}

impl Guard {
    pub(crate) fn presence(&self) -> Presence {
        let exists = self.present.iter().filter_map(|item| item.field.clone());
        Presence {
            exists: exists.collect(),
            not_all: self.not_all.clone(),
        }
    }
}

/// Whether `event` has every field of one of the sets.
pub(crate) fn rules_out(sets: &[Vec<FieldPath>], event: &crate::Event<'_>) -> bool {
    sets.iter()
        .any(|set| set.iter().all(|f| event.field(f).is_some()))
}

/// Compiles a detection section with the field renames of one variant.
pub(crate) fn detection(
    def: &DetectionDef,
    renames: &BTreeMap<String, String>,
    placeholders: Option<&HashMap<String, Vec<String>>>,
    unresolved: &mut Vec<String>,
) -> Result<Detection, RuleError> {
    let mut ctx = ExpandContext {
        values: placeholders,
        unresolved: Vec::new(),
    };
    let mut selections = Vec::with_capacity(def.searches.len());
    for search in &def.searches {
        let mut branches = Vec::with_capacity(search.0.len());
        for map in &search.0 {
            let mut items = Vec::with_capacity(map.len());
            for item in map {
                let mut modifiers: Vec<&str> = item.modifiers.iter().map(String::as_str).collect();
                // A keyword is a full-text search term: it matches anywhere in a value unless the
                // rule anchors or otherwise types it.
                if item.field.is_none()
                    && !modifiers.iter().any(|m| {
                        matches!(
                            *m,
                            "contains" | "startswith" | "endswith" | "re" | "cidr" | "exists"
                        )
                    })
                {
                    modifiers.push("contains");
                }
                let test = modifier::compile(&modifiers, &item.values, &mut ctx)?;
                let field = item
                    .field
                    .as_ref()
                    .map(|f| FieldPath::new(renames.get(f).unwrap_or(f)));
                if field.is_none() && matches!(test, ItemTest::Exists(_)) {
                    return Err(RuleError::ModifierUse {
                        modifier: "exists".to_owned(),
                        reason: "needs a field".to_owned(),
                    });
                }
                items.push(Item { field, test });
            }
            branches.push(items);
        }
        selections.push(Selection { branches });
    }
    let mut alternatives = def
        .conditions
        .iter()
        .map(|c| {
            condition::parse(c, &def.names).map_err(|reason| RuleError::Condition {
                condition: c.clone(),
                reason,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let condition = if alternatives.len() == 1 {
        alternatives.remove(0)
    } else {
        Expr::Or(alternatives)
    };
    unresolved.extend(ctx.unresolved);
    Ok(Detection {
        selections,
        condition,
    })
}

/// Appends a filter's detection: the rule matches only where the filter's condition holds too.
pub(crate) fn and_filter(rule: &mut Detection, filter: &Detection) {
    let offset = rule.selections.len();
    rule.selections.extend(filter.selections.iter().cloned());
    let shifted = shift(&filter.condition, offset);
    let original = std::mem::replace(&mut rule.condition, Expr::Or(Vec::new()));
    rule.condition = Expr::And(vec![original, shifted]);
}

fn shift(expr: &Expr, offset: usize) -> Expr {
    match expr {
        Expr::Sel(i) => Expr::Sel(i + offset),
        Expr::And(p) => Expr::And(p.iter().map(|e| shift(e, offset)).collect()),
        Expr::Or(p) => Expr::Or(p.iter().map(|e| shift(e, offset)).collect()),
        Expr::Not(e) => Expr::Not(Box::new(shift(e, offset))),
    }
}

/// The precondition of a mapping variant.
pub(crate) fn guard(variant: &Variant) -> Result<Guard, RuleError> {
    let (mut routing, mut items) = (Vec::new(), Vec::new());
    let (mut channels, mut event_ids) = (None, None);
    for (field, values) in &variant.conditions {
        let texts: Vec<String> = values.values().iter().map(|v| v.text()).collect();
        let matchers = texts
            .iter()
            .map(|t| {
                Pattern::compile(&SigmaString::literal(t), false)
                    .map(Matcher::Str)
                    .map_err(|reason| RuleError::Value {
                        value: t.clone(),
                        reason,
                    })
            })
            .collect::<Result<_, _>>()?;
        let list = match field.as_str() {
            "Channel" => {
                channels = Some(texts.iter().map(|t| t.to_ascii_lowercase()).collect());
                &mut routing
            }
            "EventID" => {
                event_ids = Some(texts.clone());
                &mut routing
            }
            _ => &mut items,
        };
        list.push(Item {
            field: Some(FieldPath::new(field)),
            test: ItemTest::Values {
                matchers,
                all: false,
            },
        });
    }
    let exists = |fields: &[String], wanted: bool| -> Vec<Item> {
        let item = |f: &String| Item {
            field: Some(FieldPath::new(f)),
            test: ItemTest::Exists(wanted),
        };
        fields.iter().map(item).collect()
    };
    let present = exists(&variant.exists, true);
    items.extend(exists(&variant.absent, false));
    let not_all = variant
        .not_all
        .iter()
        .map(|set| set.iter().map(|f| FieldPath::new(f)).collect())
        .collect();
    Ok(Guard {
        routing,
        present,
        items,
        channels,
        event_ids,
        not_all,
    })
}
