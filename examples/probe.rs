fn main() {
    let r = tracing_redact::Redactor::default();
    for a in std::env::args().skip(1) {
        println!("{}", r.redact(&a));
        for f in r.find(&a) {
            println!("  {} {:?}", f.rule(), &a[f.range()]);
        }
    }
}
