//! With error detail on (`pest::set_error_detail`), the vendored pest's token matches, whose
//! bookkeeping for it runs out of line (vendor/pest/RC2S6.md), report the tokens stock pest 2.9.6
//! reports: the expected ones and those a negative lookahead met. The flag is global to the
//! process, so this is a test binary of its own.

extern crate alloc;

use pest::Parser;

/// Keywords, numbers and names, separated by single spaces: strings and ranges, ASCII and not.
#[derive(pest_derive::Parser)]
#[grammar_inline = r#"
line = { SOI ~ item ~ (" " ~ item)* ~ EOI }
item = { keyword | number | !"zz" ~ name }
keyword = { "if" | "then" }
number = @{ '1'..'9' ~ '0'..'9'* }
name = @{ ('a'..'z' | "é") ~ ('a'..'z' | '0'..'9' | '\u{80}'..'\u{10FFFF}')* }
"#]
struct Items;

#[test]
fn errors_name_the_tokens_stock_pest_names() {
    pest::set_error_detail(true);
    let parsed = Items::parse(Rule::line, "if 12 x").expect("parses");
    let pairs: Vec<_> = parsed.flatten().map(|p| (p.as_rule(), p.as_str())).collect();
    assert_eq!(
        pairs,
        [
            (Rule::line, "if 12 x"),
            (Rule::item, "if"),
            (Rule::keyword, "if"),
            (Rule::item, "12"),
            (Rule::number, "12"),
            (Rule::item, "x"),
            (Rule::name, "x"),
            (Rule::EOI, ""),
        ]
    );
    // What stock pest 2.9.6 gave for each: where, then the expected and the unexpected tokens.
    let cases = [
        (
            "if 012",
            r#"Pos(3) Some(([Sensitive { token: "if" }, Sensitive { token: "then" }, Sensitive { token: "é" }, Range { start: '1', end: '9' }, Range { start: 'a', end: 'z' }], []))"#,
        ),
        ("if 12x", r#"Pos(5) Some(([Sensitive { token: " " }, Range { start: '0', end: '9' }], []))"#),
        (
            "then ab€ 7 ",
            r#"Pos(13) Some(([Sensitive { token: "if" }, Sensitive { token: "then" }, Sensitive { token: "é" }, Range { start: '1', end: '9' }, Range { start: 'a', end: 'z' }], []))"#,
        ),
        (
            "é9 -",
            r#"Pos(4) Some(([Sensitive { token: "if" }, Sensitive { token: "then" }, Sensitive { token: "é" }, Range { start: '1', end: '9' }, Range { start: 'a', end: 'z' }], []))"#,
        ),
        (
            "ab zz",
            r#"Pos(3) Some(([Sensitive { token: "if" }, Sensitive { token: "then" }, Range { start: '1', end: '9' }], [Sensitive { token: "zz" }]))"#,
        ),
        (
            "€",
            r#"Pos(0) Some(([Sensitive { token: "if" }, Sensitive { token: "then" }, Sensitive { token: "é" }, Range { start: '1', end: '9' }, Range { start: 'a', end: 'z' }], []))"#,
        ),
        (
            "",
            r#"Pos(0) Some(([Sensitive { token: "if" }, Sensitive { token: "then" }, Sensitive { token: "é" }, Range { start: '1', end: '9' }, Range { start: 'a', end: 'z' }], []))"#,
        ),
    ];
    for (input, expected) in cases {
        let e = Items::parse(Rule::line, input).expect_err(input);
        let attempts = e.parse_attempts().map(|a| (a.expected_tokens(), a.unexpected_tokens()));
        assert_eq!(format!("{:?} {:?}", e.location, attempts), expected, "{input:?}");
    }
}
