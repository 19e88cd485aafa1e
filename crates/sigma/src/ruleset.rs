//! The compiled rule set: loading, metadata, and evaluation (indexed and naive).

use std::collections::HashMap;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::compile::{self, Route};
use crate::correlation::CorrelationSpec;
use crate::error::{LoadError, RuleError};
use crate::event::Event;
use crate::index::Index;
use crate::load::{self, LoadReport, LoadWarning, Rejection, Source};
use crate::mapping::{LogSourceMapping, Resolved};
use crate::parse::{Common, DetectionDef, Document};
use crate::re::SharedRegexes;
use crate::rule::{LogSource, RuleKind, RuleMeta, RuleRef};
use crate::scan::Marks;

/// Builds a [`RuleSet`] from files, directories and strings.
#[derive(Debug, Default)]
pub struct RuleSetBuilder {
    sources: Vec<Source>,
    mapping: Option<LogSourceMapping>,
    placeholders: HashMap<String, Vec<String>>,
}

impl RuleSetBuilder {
    /// Adds a rule file, or every `.yml`/`.yaml` file under a directory (recursively).
    pub fn add_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.sources.push(Source::Path(path.into()));
        self
    }

    /// Adds rule YAML held in memory; `origin` names it in reports.
    pub fn add_str(mut self, origin: impl Into<PathBuf>, yaml: impl Into<String>) -> Self {
        self.sources.push(Source::Text(origin.into(), yaml.into()));
        self
    }

    /// Uses this log-source mapping instead of the built-in one.
    pub fn mapping(mut self, mapping: LogSourceMapping) -> Self {
        self.mapping = Some(mapping);
        self
    }

    /// Gives the values of an `expand` placeholder (`%name%` is written `name` here).
    pub fn placeholder(mut self, name: impl Into<String>, values: Vec<String>) -> Self {
        self.placeholders.insert(name.into(), values);
        self
    }

    /// Reads, parses and compiles everything. Bad documents are listed in the report; only an
    /// unreadable path given to the builder is an error.
    pub fn build(self) -> Result<(RuleSet, LoadReport), LoadError> {
        let files = load::collect(&self.sources)?;
        let mut report = LoadReport {
            files: files.len(),
            ..LoadReport::default()
        };
        let mapping = self.mapping.unwrap_or_default();
        let parsed = load::parse_all(files);
        let mut detections = Vec::new();
        let mut correlations = Vec::new();
        let mut filters = Vec::new();
        let mut sources: HashMap<LogSource, usize> = HashMap::new();
        let mut resolved: Vec<Resolved> = Vec::new();
        for p in parsed {
            match p.result {
                Err(error) => report.rejected.push(Rejection {
                    path: p.path,
                    line: p.line,
                    error,
                }),
                Ok(Document::Detection(common, def)) => {
                    // Rules share a few hundred log sources: each is resolved once.
                    let n = match sources.get(&common.logsource) {
                        Some(&n) => n,
                        None => {
                            resolved.push(mapping.resolve(&common.logsource));
                            sources.insert(common.logsource.clone(), resolved.len() - 1);
                            resolved.len() - 1
                        }
                    };
                    detections.push((p.path, p.line, p.text, common, def, n))
                }
                Ok(Document::Correlation(common, def)) => {
                    correlations.push((p.path, p.line, p.text, common, def))
                }
                Ok(Document::Filter(common, rules, def)) => {
                    filters.push((p.path, p.line, p.text, common, rules, def))
                }
            }
        }
        let placeholders = (!self.placeholders.is_empty()).then_some(&self.placeholders);
        let compiled: Vec<_> = detections
            .into_par_iter()
            .map(|(path, line, text, common, def, n)| {
                // The definition is dropped here, on the worker, once compiled.
                let result = compile_routes(&resolved[n], &def, placeholders);
                (path, line, text, common, result)
            })
            .collect();
        let mut set = RuleSet::default();
        for (path, line, text, common, result) in compiled {
            match result {
                Err(error) => {
                    let line = line + load::locate(&text, &error);
                    report.rejected.push(Rejection { path, line, error });
                }
                Ok((routes, notes)) => {
                    report
                        .warnings
                        .extend(notes.into_iter().map(|message| LoadWarning {
                            path: path.clone(),
                            line,
                            title: common.title.clone(),
                            message,
                        }));
                    set.push(meta(common, RuleKind::Detection, path, line), routes);
                }
            }
        }
        report.detection_rules = set.metas.len();
        // A filter's own log source only documents where it applies; its `rules` decide.
        for (path, line, text, _, rules, def) in filters {
            match set.apply_filter(&rules, &def, placeholders) {
                Ok(()) => report.filters += 1,
                Err(error) => {
                    let line = line + load::locate(&text, &error);
                    report.rejected.push(Rejection { path, line, error });
                }
            }
        }
        for (path, line, text, common, def) in correlations {
            match CorrelationSpec::resolve(&def, &set.metas) {
                Ok(spec) => {
                    if !def.generate {
                        for r in &spec.rules {
                            set.metas[r.index()].generate = false;
                        }
                    }
                    let kind = RuleKind::Correlation(def.kind);
                    set.push(meta(common, kind, path, line), Vec::new());
                    set.correlations
                        .push((RuleRef((set.metas.len() - 1) as u32), spec));
                    report.correlation_rules += 1;
                }
                Err(error) => {
                    let line = line + load::locate(&text, &error);
                    report.rejected.push(Rejection { path, line, error });
                }
            }
        }
        let mut regexes = SharedRegexes::default();
        for route in set.routes.iter_mut().flatten() {
            route.detection.each_regex(&mut |re| regexes.share(re));
        }
        set.index = Index::build(&set.routes);
        Ok((set, report))
    }
}

type Compiled = (Vec<Route>, Vec<String>);

fn compile_routes(
    resolved: &Resolved,
    def: &DetectionDef,
    placeholders: Option<&HashMap<String, Vec<String>>>,
) -> Result<Compiled, RuleError> {
    let mut notes: Vec<String> = resolved
        .unmapped
        .iter()
        .map(|u| format!("log source `{u}` is not in the mapping; the rule is tried on every event of its product"))
        .collect();
    let mut routes = Vec::with_capacity(resolved.variants.len());
    let mut unresolved = Vec::new();
    for variant in &resolved.variants {
        let guard = compile::guard(variant)?;
        let detection = compile::detection(def, &variant.fields, placeholders, &mut unresolved)?;
        routes.push(Route {
            guard,
            detection,
            renames: variant.fields.clone(),
        });
    }
    unresolved.sort();
    unresolved.dedup();
    if !unresolved.is_empty() {
        notes.push(format!(
            "placeholders without configured values never match: %{}%",
            unresolved.join("%, %")
        ));
    }
    Ok((routes, notes))
}

fn meta(common: Common, kind: RuleKind, path: PathBuf, line: usize) -> RuleMeta {
    RuleMeta {
        id: common.id,
        name: common.name,
        title: common.title,
        level: common.level,
        status: common.status,
        tags: common.tags,
        logsource: common.logsource,
        kind,
        generate: true,
        path,
        line,
    }
}

/// Compiled rules, ready to evaluate events. `Send + Sync`: share it across threads.
#[derive(Debug, Default)]
pub struct RuleSet {
    metas: Vec<RuleMeta>,
    routes: Vec<Vec<Route>>,
    pub(crate) correlations: Vec<(RuleRef, CorrelationSpec)>,
    index: Index,
}

/// The rules an event matched; reuse one per thread so evaluation does not allocate.
#[derive(Debug, Default, Clone)]
pub struct Matches {
    rules: Vec<RuleRef>,
    seen: Vec<u32>,
    generation: u32,
    routes: Marks,
}

impl Matches {
    /// The matching rules, in rule order.
    pub fn as_slice(&self) -> &[RuleRef] {
        &self.rules
    }

    /// How many rules matched.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether no rule matched.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    fn reset(&mut self, rules: usize) {
        self.rules.clear();
        if self.seen.len() != rules {
            self.seen = vec![0; rules];
            self.generation = 0;
        }
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.seen.iter_mut().for_each(|s| *s = 0);
            self.generation = 1;
        }
    }
}

impl RuleSet {
    /// Starts a builder.
    pub fn builder() -> RuleSetBuilder {
        RuleSetBuilder::default()
    }

    fn push(&mut self, meta: RuleMeta, routes: Vec<Route>) {
        self.metas.push(meta);
        self.routes.push(routes);
    }

    /// Every loaded rule (detections first, then correlations); index with [`RuleRef::index`].
    pub fn rules(&self) -> &[RuleMeta] {
        &self.metas
    }

    /// One rule's metadata.
    pub fn rule(&self, rule: RuleRef) -> &RuleMeta {
        &self.metas[rule.index()]
    }

    /// Looks a rule up by `id` (or `name`).
    pub fn find(&self, id_or_name: &str) -> Option<RuleRef> {
        self.metas
            .iter()
            .position(|m| {
                m.id.as_deref() == Some(id_or_name) || m.name.as_deref() == Some(id_or_name)
            })
            .map(|i| RuleRef(i as u32))
    }

    /// Whether any correlation rule is loaded (callers can skip feeding the engine otherwise).
    pub fn has_correlations(&self) -> bool {
        !self.correlations.is_empty()
    }

    /// The detection rules `event` matches, found through the cross-rule index.
    pub fn evaluate(&self, event: &Event<'_>, matches: &mut Matches) {
        matches.reset(self.metas.len());
        matches.routes.reset(self.index.route_count());
        let Matches {
            rules,
            seen,
            generation,
            routes,
        } = matches;
        self.index
            .candidates(event, routes, &mut |rule, route, decided| {
                let route = &self.routes[rule][route];
                if seen[rule] != *generation && route.matches_given(event, decided) {
                    seen[rule] = *generation;
                    rules.push(RuleRef(rule as u32));
                }
            });
        matches.rules.sort_unstable();
    }

    /// The same as [`RuleSet::evaluate`], trying every rule: the reference for differential tests.
    pub fn evaluate_naive(&self, event: &Event<'_>, matches: &mut Matches) {
        matches.reset(self.metas.len());
        for (i, routes) in self.routes.iter().enumerate() {
            if routes.iter().any(|r| r.matches(event)) {
                matches.rules.push(RuleRef(i as u32));
            }
        }
    }

    fn apply_filter(
        &mut self,
        rules: &[String],
        def: &DetectionDef,
        placeholders: Option<&HashMap<String, Vec<String>>>,
    ) -> Result<(), RuleError> {
        let targets = rules
            .iter()
            .map(|r| {
                self.find(r)
                    .ok_or_else(|| RuleError::UnknownRule(r.clone()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        for target in targets {
            for route in &mut self.routes[target.index()] {
                let mut unresolved = Vec::new();
                let filter =
                    compile::detection(def, &route.renames, placeholders, &mut unresolved)?;
                compile::and_filter(&mut route.detection, &filter);
            }
        }
        Ok(())
    }
}
