fn main() {
    let mut text = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).unwrap();
    let out = rc2s6::shell::parse::parse_script(&text);
    println!("{:?}", out.errors);
    if std::env::args().nth(1).as_deref() == Some("-v") {
        println!("{:#?}", out.script);
    }
}
