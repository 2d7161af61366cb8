use aprc::diag::Diagnostics;
use aprc::source::Sources;

#[test]
fn every_example_parses() {
    for entry in std::fs::read_dir("examples")
        .unwrap()
        .chain(std::fs::read_dir("examples/multi").unwrap())
    {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "apr") {
            let text = std::fs::read_to_string(&path).unwrap();
            let mut sources = Sources::new();
            let id = sources.add(path.display().to_string(), text.clone());
            let mut diags = Diagnostics::new();
            let module = aprc::syntax::parse(id, &text, &mut diags);
            assert!(module.is_some(), "{}: {:?}", path.display(), diags.sorted());
        }
    }
}
