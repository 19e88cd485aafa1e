//! YAML documents → rule documents (detection, correlation, filter), before compilation.

use yaml_serde::{Mapping, Value as Yaml};

use crate::error::RuleError;
use crate::level::Level;
use crate::modifier::RawValue;
use crate::rule::{CorrelationKind, LogSource, Status};

/// Attributes every kind of rule shares.
#[derive(Debug, Clone)]
pub(crate) struct Common {
    pub(crate) id: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) title: String,
    pub(crate) level: Level,
    pub(crate) status: Option<Status>,
    pub(crate) tags: Vec<String>,
    pub(crate) logsource: LogSource,
}

/// One search identifier, still uncompiled: maps linked with OR, each map's entries with AND.
#[derive(Debug, Clone)]
pub(crate) struct SearchDef(pub(crate) Vec<Vec<ItemDef>>);

/// `field|modifiers: values` (field `None` for keywords).
#[derive(Debug, Clone)]
pub(crate) struct ItemDef {
    pub(crate) field: Option<String>,
    pub(crate) modifiers: Vec<String>,
    pub(crate) values: Vec<RawValue>,
}

/// A parsed `detection` (or filter) section.
#[derive(Debug, Clone)]
pub(crate) struct DetectionDef {
    pub(crate) names: Vec<String>,
    pub(crate) searches: Vec<SearchDef>,
    pub(crate) conditions: Vec<String>,
}

/// A correlation rule's `correlation` section.
#[derive(Debug, Clone)]
pub(crate) struct CorrelationDef {
    pub(crate) kind: CorrelationKind,
    pub(crate) rules: Vec<String>,
    pub(crate) group_by: Vec<String>,
    pub(crate) timespan_secs: u64,
    pub(crate) condition: Vec<(String, f64)>,
    pub(crate) field: Option<String>,
    pub(crate) percentile: Option<f64>,
    pub(crate) aliases: Vec<(String, Vec<(String, String)>)>,
    pub(crate) generate: bool,
}

/// A rule document of any kind.
#[derive(Debug, Clone)]
pub(crate) enum Document {
    Detection(Common, DetectionDef),
    Correlation(Common, CorrelationDef),
    Filter(Common, Vec<String>, DetectionDef),
}

fn shape(msg: impl Into<String>) -> RuleError {
    RuleError::Shape(msg.into())
}

fn get<'a>(map: &'a Mapping, key: &str) -> Option<&'a Yaml> {
    map.get(key)
}

fn string(map: &Mapping, key: &'static str) -> Result<Option<String>, RuleError> {
    match get(map, key) {
        None | Some(Yaml::Null) => Ok(None),
        Some(Yaml::String(s)) => Ok(Some(s.clone())),
        Some(Yaml::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(shape(format!("`{key}` must be a string"))),
    }
}

fn strings(value: Option<&Yaml>, what: &str) -> Result<Vec<String>, RuleError> {
    match value {
        None | Some(Yaml::Null) => Ok(Vec::new()),
        Some(Yaml::String(s)) => Ok(vec![s.clone()]),
        Some(Yaml::Sequence(items)) => items
            .iter()
            .map(|i| match i {
                Yaml::String(s) => Ok(s.clone()),
                Yaml::Number(n) => Ok(n.to_string()),
                _ => Err(shape(format!("`{what}` must list strings"))),
            })
            .collect(),
        Some(_) => Err(shape(format!(
            "`{what}` must be a string or a list of strings"
        ))),
    }
}

fn common(map: &Mapping) -> Result<Common, RuleError> {
    let title = string(map, "title")?.ok_or(RuleError::Missing("title"))?;
    let level = match string(map, "level")? {
        Some(l) => l.parse()?,
        None => Level::default(),
    };
    let status = match string(map, "status")?.as_deref() {
        None => None,
        Some("stable") => Some(Status::Stable),
        Some("test") => Some(Status::Test),
        Some("experimental") => Some(Status::Experimental),
        Some("deprecated") => Some(Status::Deprecated),
        Some("unsupported") => Some(Status::Unsupported),
        Some(other) => return Err(shape(format!("unknown status `{other}`"))),
    };
    let logsource = match get(map, "logsource") {
        None => LogSource::default(),
        Some(Yaml::Mapping(ls)) => {
            let field = |k: &'static str| {
                Ok::<_, RuleError>(string(ls, k)?.map(|s| s.to_ascii_lowercase()))
            };
            LogSource {
                category: field("category")?,
                product: field("product")?,
                service: field("service")?,
            }
        }
        Some(_) => return Err(shape("`logsource` must be a map")),
    };
    Ok(Common {
        id: string(map, "id")?,
        name: string(map, "name")?,
        title,
        level,
        status,
        tags: strings(get(map, "tags"), "tags")?,
        logsource,
    })
}

/// Classifies and parses one YAML document.
pub(crate) fn document(doc: &Yaml) -> Result<Document, RuleError> {
    let Yaml::Mapping(map) = doc else {
        return Err(shape("a rule document must be a YAML map"));
    };
    let common = common(map)?;
    if let Some(section) = get(map, "correlation") {
        return Ok(Document::Correlation(common, correlation(section)?));
    }
    if let Some(section) = get(map, "filter") {
        let Yaml::Mapping(filter) = section else {
            return Err(RuleError::Filter("`filter` must be a map".to_owned()));
        };
        let rules = strings(get(filter, "rules"), "filter.rules")?;
        if rules.is_empty() {
            return Err(RuleError::Filter(
                "`rules` must name the rules the filter applies to".to_owned(),
            ));
        }
        return Ok(Document::Filter(
            common,
            rules,
            detection(filter, &["rules"])?,
        ));
    }
    match get(map, "detection") {
        Some(Yaml::Mapping(det)) => {
            Ok(Document::Detection(common, detection(det, &["timeframe"])?))
        }
        Some(_) => Err(shape("`detection` must be a map")),
        None => Err(RuleError::Missing("detection")),
    }
}

fn detection(det: &Mapping, skip: &[&str]) -> Result<DetectionDef, RuleError> {
    let mut def = DetectionDef {
        names: Vec::new(),
        searches: Vec::new(),
        conditions: Vec::new(),
    };
    for (key, value) in det {
        let Yaml::String(key) = key else {
            return Err(shape("search identifiers must be strings"));
        };
        if key == "condition" {
            def.conditions = strings(Some(value), "condition")?;
            continue;
        }
        if skip.contains(&key.as_str()) {
            continue;
        }
        def.names.push(key.clone());
        def.searches.push(search(key, value)?);
    }
    if def.conditions.is_empty() {
        return Err(RuleError::Missing("detection.condition"));
    }
    Ok(def)
}

fn search(name: &str, value: &Yaml) -> Result<SearchDef, RuleError> {
    match value {
        Yaml::Mapping(map) => Ok(SearchDef(vec![items(map)?])),
        Yaml::Sequence(list)
            if list.iter().all(|v| matches!(v, Yaml::Mapping(_))) && !list.is_empty() =>
        {
            let maps = list
                .iter()
                .map(|v| match v {
                    Yaml::Mapping(m) => items(m),
                    _ => Err(shape("unreachable")),
                })
                .collect::<Result<_, _>>()?;
            Ok(SearchDef(maps))
        }
        Yaml::Sequence(_) | Yaml::String(_) | Yaml::Number(_) => {
            Ok(SearchDef(vec![vec![ItemDef {
                field: None,
                modifiers: Vec::new(),
                values: scalars(value, name)?,
            }]]))
        }
        _ => Err(shape(format!(
            "search identifier `{name}` must be a map, a list of maps or a keyword list"
        ))),
    }
}

fn items(map: &Mapping) -> Result<Vec<ItemDef>, RuleError> {
    map.iter()
        .map(|(key, value)| {
            let key = match key {
                Yaml::String(k) => k.clone(),
                Yaml::Number(n) => n.to_string(),
                _ => return Err(shape("field names must be strings")),
            };
            let mut parts = key.split('|');
            let field = parts.next().unwrap_or_default();
            Ok(ItemDef {
                field: (!field.is_empty()).then(|| field.to_owned()),
                modifiers: parts.map(str::to_owned).collect(),
                values: scalars(value, &key)?,
            })
        })
        .collect()
}

fn scalar(value: &Yaml, key: &str) -> Result<RawValue, RuleError> {
    Ok(match value {
        Yaml::Null => RawValue::Null,
        Yaml::Bool(b) => RawValue::Bool(*b),
        Yaml::Number(n) => RawValue::Num(n.to_string(), n.as_f64().unwrap_or(f64::NAN)),
        Yaml::String(s) => RawValue::Str(s.clone()),
        _ => {
            return Err(shape(format!(
                "`{key}`: values must be scalars or a list of scalars"
            )));
        }
    })
}

fn scalars(value: &Yaml, key: &str) -> Result<Vec<RawValue>, RuleError> {
    match value {
        Yaml::Sequence(list) if list.is_empty() => Err(shape(format!(
            "`{key}`: an empty list of values matches nothing"
        ))),
        Yaml::Sequence(list) => list.iter().map(|v| scalar(v, key)).collect(),
        other => Ok(vec![scalar(other, key)?]),
    }
}

fn correlation(section: &Yaml) -> Result<CorrelationDef, RuleError> {
    let bad = |m: &str| RuleError::Correlation(m.to_owned());
    let Yaml::Mapping(map) = section else {
        return Err(bad("`correlation` must be a map"));
    };
    let kind = match string(map, "type")?.as_deref() {
        Some("event_count") => CorrelationKind::EventCount,
        Some("value_count") => CorrelationKind::ValueCount,
        Some("temporal") => CorrelationKind::Temporal,
        Some("temporal_ordered") => CorrelationKind::TemporalOrdered,
        Some("value_sum") => CorrelationKind::ValueSum,
        Some("value_avg") => CorrelationKind::ValueAvg,
        Some("value_percentile") => CorrelationKind::ValuePercentile,
        Some(other) => return Err(RuleError::Correlation(format!("unknown type `{other}`"))),
        None => return Err(bad("`type` is required")),
    };
    let rules = strings(get(map, "rules"), "rules")?;
    if rules.is_empty() {
        return Err(bad("`rules` must name at least one rule"));
    }
    let timespan = string(map, "timespan")?.ok_or_else(|| bad("`timespan` is required"))?;
    let timespan_secs = parse_timespan(&timespan).ok_or_else(|| {
        RuleError::Correlation(format!(
            "timespan `{timespan}` is not a number followed by s, m, h, d, w, M or y"
        ))
    })?;
    let mut condition = Vec::new();
    let mut field = None;
    let mut percentile = None;
    match get(map, "condition") {
        Some(Yaml::Mapping(cond)) => {
            for (k, v) in cond {
                let Yaml::String(k) = k else {
                    return Err(bad("condition keys must be strings"));
                };
                match (k.as_str(), v) {
                    ("field", Yaml::String(f)) => field = Some(f.clone()),
                    ("field", Yaml::Sequence(_)) => {
                        field = strings(Some(v), "field")?.into_iter().next()
                    }
                    ("percentile", Yaml::Number(n)) => percentile = n.as_f64(),
                    (op @ ("gt" | "gte" | "lt" | "lte" | "eq" | "neq"), Yaml::Number(n)) => {
                        condition.push((op.to_owned(), n.as_f64().unwrap_or(f64::NAN)));
                    }
                    (other, _) => {
                        return Err(RuleError::Correlation(format!(
                            "bad condition entry `{other}`"
                        )));
                    }
                }
            }
        }
        None if matches!(
            kind,
            CorrelationKind::Temporal | CorrelationKind::TemporalOrdered
        ) => {}
        _ => return Err(bad("`condition` must be a map of comparisons")),
    }
    let needs_field = matches!(
        kind,
        CorrelationKind::ValueCount
            | CorrelationKind::ValueSum
            | CorrelationKind::ValueAvg
            | CorrelationKind::ValuePercentile
    );
    if needs_field && field.is_none() {
        return Err(bad("this type needs `condition.field`"));
    }
    if kind == CorrelationKind::ValuePercentile && percentile.is_none() {
        return Err(bad("value_percentile needs `condition.percentile`"));
    }
    let mut aliases = Vec::new();
    if let Some(Yaml::Mapping(map)) = get(map, "aliases") {
        for (alias, per_rule) in map {
            let (Yaml::String(alias), Yaml::Mapping(per_rule)) = (alias, per_rule) else {
                return Err(bad("`aliases` maps an alias to a map of rule → field"));
            };
            let fields = per_rule
                .iter()
                .map(|(r, f)| match (r, f) {
                    (Yaml::String(r), Yaml::String(f)) => Ok((r.clone(), f.clone())),
                    _ => Err(bad("alias entries map a rule to a field name")),
                })
                .collect::<Result<_, _>>()?;
            aliases.push((alias.clone(), fields));
        }
    }
    Ok(CorrelationDef {
        kind,
        rules,
        group_by: strings(get(map, "group-by"), "group-by")?,
        timespan_secs,
        condition,
        field,
        percentile,
        aliases,
        generate: matches!(get(map, "generate"), Some(Yaml::Bool(true))),
    })
}

/// `30s`, `5m`, `1h`, `2d`, `1w`, `1M` (30 days), `1y` (365 days).
pub(crate) fn parse_timespan(text: &str) -> Option<u64> {
    let text = text.trim();
    let unit = text.chars().last()?;
    let n: u64 = text[..text.len() - unit.len_utf8()].parse().ok()?;
    let scale = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        'w' => 604_800,
        'M' => 2_592_000,
        'y' => 31_536_000,
        _ => return None,
    };
    n.checked_mul(scale)
}
