//! Writes a copy of an example with its top-level blocks (and the routes inside each block)
//! in reverse order, for the declaration-order test. Included by tests/plan.rs.

/// The source with its top-level blocks, and the routes inside each block, in reverse order.
/// Blocks are found by brace depth outside strings and comments; comments stay with the block
/// that follows them.
pub fn reversed(source: &str) -> String {
    let mut blocks: Vec<Vec<&str>> = vec![Vec::new()];
    let mut depth = 0i32;
    for line in source.lines() {
        let starts_block =
            depth == 0 && !line.trim().is_empty() && !line.trim_start().starts_with('#');
        if starts_block
            && blocks.last().is_some_and(|b| {
                b.iter()
                    .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            })
        {
            blocks.push(Vec::new());
        }
        if let Some(block) = blocks.last_mut() {
            block.push(line);
        }
        depth += brace_delta(line);
    }
    let mut out = String::new();
    for block in blocks.iter().rev() {
        let routes: Vec<&str> = block
            .iter()
            .copied()
            .filter(|l| l.trim_start().starts_with("route "))
            .collect();
        let mut rev = routes.iter().rev();
        for line in block {
            let line = if line.trim_start().starts_with("route ") {
                rev.next().copied().unwrap_or(line)
            } else {
                line
            };
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn brace_delta(line: &str) -> i32 {
    let (mut delta, mut in_string, mut escaped) = (0, false, false);
    for c in line.chars() {
        match (in_string, c) {
            (true, _) if escaped => escaped = false,
            (true, '\\') => escaped = true,
            (true, '"') => in_string = false,
            (true, _) => {}
            (false, '"') => in_string = true,
            (false, '#') => break,
            (false, '{') => delta += 1,
            (false, '}') => delta -= 1,
            _ => {}
        }
    }
    delta
}

#[test]
fn reversing_helper_moves_blocks_and_routes() {
    let text = "# a\napp a {\n  region = \"x\"\n}\nparam p = \"${q}\"\napi b {\n  route GET /x -> s\n  route GET /y -> s\n}\n";
    let rev = reversed(text);
    let idx = |s: &str| rev.find(s).unwrap_or_else(|| panic!("{s} missing"));
    assert!(idx("api b") < idx("param p") && idx("param p") < idx("app a"));
    assert!(idx("/y") < idx("/x"));
    assert!(idx("# a") < idx("app a"));
}
