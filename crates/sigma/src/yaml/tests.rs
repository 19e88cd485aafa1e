//! The reader gives what the full YAML parser gives, on every shared rule file and on the forms
//! rules use; what it does not handle it leaves to the full parser.

use std::path::{Path, PathBuf};

use yaml_serde::Value;

use super::document;

fn full(text: &str) -> Value {
    yaml_serde::from_str(text).expect("valid YAML")
}

fn same(text: &str) {
    assert_eq!(document(text), Some(full(text)), "{text}");
}

#[test]
fn the_forms_rules_use_read_as_the_full_parser_reads_them() {
    same("title: A\nid: 1\nlevel: high\nfalsepositives:\n- Unknown\n");
    same("a:\n  b:\n    - x\n    - 'y ''z'''\n  c: \"tab\\there \\u00e9 \\\\\"\n");
    same("k: [a, 'b', \"c\", 4688, -1, 0]\nm: {x: 1, y: [z]}\nn: []\n");
    same("sel:\n  - Image|endswith: '\\cmd.exe'\n    CommandLine: x # comment\n  - k: null\n");
    same("d: |\n  line one\n    indented\n\n  line three\ne: >-\n  folded\n  text\n\n  para\n");
    same("t: true\nf: False\nn: ~\nempty:\nurl: http://a.b/c#d\n");
    same("---\n# only a comment\nx: 1\n");
    assert_eq!(document("# nothing\n"), Some(Value::Null));
}

#[test]
fn what_it_does_not_handle_is_left_to_the_full_parser() {
    for text in [
        "a: &x 1\nb: *x\n",
        "a: !tag 1\n",
        "a: multi\n  line\n",
        "a: 'open\n  quote'\n",
        "a: 1.5\n",
        "a: 0x1f\n",
        "a: 1\na: 2\n",
        "a:\n\t- b\n",
        "a: [1,\n 2]\n",
        "a: |+\n  keep\n\n",
        "a: b: c\n",
        "- a\n b\n",
    ] {
        assert_eq!(document(text), None, "{text}");
    }
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
            out.push(path);
        }
    }
}

#[test]
fn every_shared_rule_document_reads_as_the_full_parser_reads_it() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/sigma");
    let mut files = Vec::new();
    for folder in ["rules", "rules-emerging-threats", "rules-threat-hunting"] {
        yaml_files(&data.join(folder), &mut files);
    }
    let (mut read, mut left) = (0, 0);
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable rule");
        match document(&text) {
            Some(value) => {
                assert_eq!(value, full(&text), "{}", file.display());
                read += 1;
            }
            None => left += 1,
        }
    }
    assert!(files.len() > 3_000, "{} rule files", files.len());
    // Nearly every rule is in the subset; the rest still load through the full parser.
    assert!(
        left * 100 < files.len(),
        "{left} of {} files left",
        files.len()
    );
    assert_eq!(read + left, files.len());
}
