fn main() {
    let mut ok = 0;
    let mut bad = 0;
    for arg in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&arg).unwrap();
        let out = rc2s6::shell::parse::parse_script(&text);
        if out.script.is_some() && out.errors.is_empty() {
            ok += 1
        } else {
            bad += 1;
            for e in &out.errors {
                if let rc2s6::shell::parse::ParseError::Syntax { message, span, .. } = e {
                    let off = span.offset();
                    let line = text[..off].matches('\n').count() + 1;
                    println!("{arg}:{line}: {message}");
                } else {
                    println!("{arg}: {e:?}");
                }
            }
        }
    }
    println!("ok {ok} bad {bad}");
}
