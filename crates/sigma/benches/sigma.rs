//! Sigma engine benchmark: rule load time and evaluation throughput.
//!
//! Run with `cargo bench -p rampart-sigma --bench sigma`. Loads the three SigmaHQ rule folders,
//! builds a deterministic corpus of JSON lines from the shared regression events and CloudTrail
//! records (each copy varied: record ids, times, hosts, user agents), and reports events per
//! second for parsing alone, evaluation alone and both, on one core and on all cores. Lines are
//! parsed into a reused [`Document`], as a hunt over JSON lines does; parsing into a
//! `serde_json::Value` is shown for comparison.
//!
//! With `RAMPART_BENCH_WRITE_CORPUS=FILE` it only writes the corpus (every pass, one event per
//! line) to FILE, for timing `rampart hunt` over the same events (`scripts/bench-targets`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rampart_sigma::{Document, Event, Matches, RuleSet};
use rayon::prelude::*;
use serde_json::Value;

/// The allocator `rampart` itself uses, so the figures are those of the product.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Distinct event lines in the corpus (32,768 by default; `RAMPART_BENCH_DISTINCT` overrides it
/// for runs under callgrind); the corpus is read `passes()` times.
fn distinct() -> usize {
    std::env::var("RAMPART_BENCH_DISTINCT")
        .ok()
        .and_then(|p| p.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(32_768)
}

/// Events given to the (slow) naive evaluator.
const NAIVE_SAMPLE: usize = 512;

/// Reads of the corpus (32 by default: 1,048,576 events; `RAMPART_BENCH_PASSES` overrides it).
fn passes() -> usize {
    std::env::var("RAMPART_BENCH_PASSES")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(32)
}

/// How many times the rules are loaded (5 by default; `RAMPART_BENCH_LOADS` overrides it).
fn load_runs() -> usize {
    std::env::var("RAMPART_BENCH_LOADS")
        .ok()
        .and_then(|p| p.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(5)
}

fn data() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

fn seed_events() -> Vec<Value> {
    let mut paths = Vec::new();
    files(&data().join("sigma/regression_data"), &mut paths);
    files(&data().join("cloudtrail-stratus/CloudTrail"), &mut paths);
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        for value in serde_json::Deserializer::from_str(&text).into_iter::<Value>() {
            let value = value.unwrap();
            match value.get("Records").and_then(Value::as_array) {
                Some(records) => out.extend(records.iter().cloned()),
                None => out.push(value),
            }
        }
    }
    out
}

/// Varies a copy so that repeated events are not byte-identical.
fn vary(mut event: Value, n: usize) -> Value {
    if let Some(system) = event.pointer_mut("/Event/System") {
        system["EventRecordID"] = Value::from(n);
        system["Computer"] = Value::from(format!("host-{}", n % 97));
    }
    if let Some(Value::String(guid)) = event.pointer_mut("/Event/EventData/ProcessGuid") {
        guid.push_str(&format!("-{n}"));
    }
    if let Some(obj) = event.as_object_mut().filter(|o| o.contains_key("eventID")) {
        obj.insert("eventID".into(), Value::from(format!("bench-{n}")));
        let ip = format!("10.{}.{}.{}", n % 200, n % 150, n % 250);
        obj.insert("sourceIPAddress".into(), Value::from(ip));
    }
    event
}

fn rate(events: usize, took: Duration) -> f64 {
    events as f64 / took.as_secs_f64()
}

/// The corpus's distinct lines: the seed events, each copy varied.
fn corpus_lines(seeds: &[Value]) -> Vec<String> {
    (0..distinct())
        .map(|n| serde_json::to_string(&vary(seeds[n % seeds.len()].clone(), n)).unwrap())
        .collect()
}

fn write_corpus(path: &str) {
    let lines = corpus_lines(&seed_events());
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for _ in 0..passes() {
        for line in &lines {
            writeln!(out, "{line}").unwrap();
        }
    }
    out.flush().unwrap();
}

fn main() {
    if let Ok(path) = std::env::var("RAMPART_BENCH_WRITE_CORPUS") {
        return write_corpus(&path);
    }
    let passes = passes();
    let mut loads = Vec::new();
    let mut rules = None;
    for _ in 0..load_runs() {
        let started = Instant::now();
        let (set, report) = builder().build().unwrap();
        loads.push(started.elapsed());
        assert!(report.rejected.is_empty());
        rules = Some(set);
    }
    let rules = rules.unwrap();
    loads.sort();
    println!(
        "load+compile {} rules ({} threads): median {:.0} ms, min {:.0} ms",
        rules.rules().len(),
        rayon::current_num_threads(),
        loads[loads.len() / 2].as_secs_f64() * 1e3,
        loads[0].as_secs_f64() * 1e3
    );

    let seeds = seed_events();
    let distinct = distinct();
    let lines = corpus_lines(&seeds);
    let bytes: usize = lines.iter().map(String::len).sum();
    let total = distinct * passes;
    println!(
        "corpus: {} seed events, {distinct} distinct lines ({:.1} MB), read {passes} times = {total} events",
        seeds.len(),
        bytes as f64 / 1e6
    );

    let started = Instant::now();
    let mut sink = 0usize;
    for _ in 0..passes {
        for line in &lines {
            let value: Value = serde_json::from_str(line).unwrap();
            sink += value.is_object() as usize;
        }
    }
    let parse = started.elapsed();
    println!(
        "parse only into serde_json::Value, 1 core: {:.0} events/s ({:.0} MB/s)",
        rate(total, parse),
        (bytes * passes) as f64 / parse.as_secs_f64() / 1e6
    );
    let started = Instant::now();
    let mut document = Document::default();
    for _ in 0..passes {
        for line in &lines {
            document.parse(line).unwrap();
        }
    }
    let parse = started.elapsed();
    println!(
        "parse only, 1 core: {:.0} events/s ({:.0} MB/s)",
        rate(total, parse),
        (bytes * passes) as f64 / parse.as_secs_f64() / 1e6
    );

    let parsed: Vec<Document> = lines
        .iter()
        .map(|l| {
            let mut document = Document::default();
            document.parse(l).unwrap();
            document
        })
        .collect();
    let mut matches = Matches::default();
    // The index builds a needle automaton when an event first needs it: the first pass over
    // the distinct events pays for those builds, which a load time alone does not show.
    let started = Instant::now();
    for document in &parsed {
        rules.evaluate(&Event::new(document), &mut matches);
    }
    println!(
        "first evaluation of the {distinct} distinct events (builds the automata they need): {:.0} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    let started = Instant::now();
    let mut hits = 0usize;
    for _ in 0..passes {
        for document in &parsed {
            rules.evaluate(&Event::new(document), &mut matches);
            hits += matches.len();
        }
    }
    let eval = started.elapsed();
    println!(
        "evaluate only, 1 core: {:.0} events/s ({hits} detections)",
        rate(total, eval)
    );
    evaluate_subset::<true>(&rules, &parsed, &mut matches);
    evaluate_subset::<false>(&rules, &parsed, &mut matches);

    let started = Instant::now();
    for document in parsed.iter().take(NAIVE_SAMPLE) {
        rules.evaluate_naive(&Event::new(document), &mut matches);
    }
    println!(
        "naive evaluator, 1 core: {:.0} events/s",
        rate(NAIVE_SAMPLE, started.elapsed())
    );

    parse_and_evaluate(&rules, &lines, passes, &mut matches);

    let threads = rayon::current_num_threads();
    let started = Instant::now();
    let found: usize = (0..passes)
        .into_par_iter()
        .map_init(
            || (Matches::default(), Document::default()),
            |(matches, document), _| {
                let mut n = 0;
                for line in &lines {
                    document.parse(line).unwrap();
                    rules.evaluate(&Event::new(document), matches);
                    n += matches.len();
                }
                n
            },
        )
        .sum();
    let all = started.elapsed();
    println!(
        "parse + evaluate, {threads} threads: {:.0} events/s ({:.0} per core, {found} detections)",
        rate(total, all),
        rate(total, all) / threads as f64
    );
    std::hint::black_box(sink);
}

/// Parse + evaluate: every line parsed into a reused [`Document`], then evaluated.
#[inline(never)]
fn parse_and_evaluate(rules: &RuleSet, lines: &[String], passes: usize, matches: &mut Matches) {
    let started = Instant::now();
    let mut found = 0usize;
    let mut document = Document::default();
    for _ in 0..passes {
        for line in lines {
            document.parse(line).unwrap();
            rules.evaluate(&Event::new(&document), matches);
            found += matches.len();
        }
    }
    println!(
        "parse + evaluate, 1 core: {:.0} events/s ({found} detections)",
        rate(lines.len() * passes, started.elapsed())
    );
}

/// Evaluates the Windows-shaped events (or the others) of the corpus and prints their rate; one
/// function per kind, so that a profiler can tell them apart.
#[inline(never)]
fn evaluate_subset<const WINDOWS: bool>(
    rules: &RuleSet,
    parsed: &[Document],
    matches: &mut Matches,
) {
    let subset: Vec<&Document> = parsed
        .iter()
        .filter(|d| Event::new(d).is_windows() == WINDOWS)
        .collect();
    let started = Instant::now();
    for document in &subset {
        rules.evaluate(&Event::new(document), matches);
    }
    let label = if WINDOWS { "Windows" } else { "other" };
    println!(
        "  evaluate {label} events only: {:.0} events/s",
        rate(subset.len(), started.elapsed())
    );
}

/// A builder over the three SigmaHQ rule folders.
fn builder() -> rampart_sigma::RuleSetBuilder {
    let mut builder = RuleSet::builder();
    for folder in ["rules", "rules-emerging-threats", "rules-threat-hunting"] {
        builder = builder.add_path(data().join("sigma").join(folder));
    }
    builder
}
